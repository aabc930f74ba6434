"""The one email address rule, and the domain steps that take an address using it."""
import pytest

from domain import accounts, email_address, tracking
from domain.errors import ShopError
from domain.extensions import db
from domain.models import OutboxMessage, User


@pytest.mark.parametrize("email", ["minji@example.com", "a.b+tag@mail.example.co.kr",
                                   "x@y.zz", "o'neil@example.com"])
def test_ordinary_addresses_are_valid(email):
    assert email_address.is_valid(email)


@pytest.mark.parametrize("email", [
    "", None, "no-at-sign", "two@@example.com", "a@b@example.com", "@example.com", "a@",
    "a@localhost", "a@example.", "a@.com", "a@b..com", "a b@example.com", "a@b.com\nBcc: x@y.z",
    "a@b.com\r\nSubject: hi", "a@b.com\x00", "tab\t@example.com", "a@exa\x7fmple.com",
    "a@b.com\u2028", "a@[127.0.0.1]", "<a@b.com>", "a@b.com, c@d.com",
    "x" * 245 + "@example.com", "l" * 65 + "@example.com",
])
def test_unusable_addresses_are_invalid(email):
    assert not email_address.is_valid(email)


def test_clean_strips_and_lowers_or_refuses():
    assert email_address.clean("  MinJi@Example.COM ") == "minji@example.com"
    assert email_address.clean("a@b.com\nBcc: x@y.z") is None


def test_registration_refuses_a_line_break(ctx):
    with pytest.raises(ShopError):
        accounts.register("a@b.com\nBcc: x@y.z", "a long enough password")
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_an_email_change_refuses_a_line_break(make, ctx):
    made = make.user("min@example.com", password="the old password")
    user = db.session.get(User, made["id"])
    with pytest.raises(ShopError):
        accounts.change_email(user, "new@example.com\r\nBcc: x@y.z", "the old password")
    assert user.email == "min@example.com"


def test_a_reset_request_for_an_invalid_address_queues_nothing(make, ctx):
    make.user("min@example.com", password="the old password")
    assert accounts.request_password_reset("min@example.com\n", lambda t: "https://x/" + t,
                                           "secret") is not None
    db.session.query(OutboxMessage).delete()
    assert accounts.request_password_reset("min@example.com\nBcc: x@y.z",
                                           lambda t: "https://x/" + t, "secret") is None
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_an_order_lookup_with_an_invalid_address_finds_nothing(ctx):
    assert tracking.lookup("K7Q-4D2M", "a@b.com\nBcc: x@y.z") is None
