"""Password reset tokens and changing the sign-in email, at the domain level."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import accounts
from domain.errors import InvalidCredentials, InvalidResetLink, ShopError
from domain.extensions import db
from domain.models import OutboxMessage, User

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
SECRET = "unit-test-secret"


def link_for(token):
    return "https://shop.example/account/reset/" + token


def token_of(message):
    return message.data["url"].rsplit("/", 1)[1]


@pytest.fixture
def user(make, ctx):
    made = make.user("min@example.com", password="the old password")
    return db.session.get(User, made["id"])


def test_a_request_queues_the_link_in_the_outbox(user):
    """The message holds the absolute link and how long it works, in the customer's language."""
    user.locale = "ko"
    message = accounts.request_password_reset(" MIN@example.com", link_for, SECRET, NOW, "en")
    db.session.commit()
    stored = db.session.scalars(db.select(OutboxMessage)).all()
    assert [(m.kind, m.to_address, m.locale) for m in stored] == [
        ("password_reset", "min@example.com", "ko")]
    assert message.data["url"].startswith("https://shop.example/account/reset/")
    assert message.data["expires_minutes"] == 60


def test_an_unknown_email_queues_nothing(ctx):
    """No account, no message, and no error that would tell the asker so."""
    assert accounts.request_password_reset("nobody@example.com", link_for, SECRET, NOW) is None
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_the_link_sets_a_new_password_once(user):
    """The new password works, the old one no longer does, and the link is then spent."""
    token = token_of(accounts.request_password_reset(user.email, link_for, SECRET, NOW))
    accounts.reset_password(token, "a brand new password", SECRET, NOW + timedelta(minutes=5))
    assert user.check_password("a brand new password")
    assert not user.check_password("the old password")
    with pytest.raises(InvalidResetLink, match="already been used"):
        accounts.reset_password(token, "yet another password", SECRET, NOW + timedelta(minutes=6))


@pytest.mark.parametrize("minutes, works", [(59, True), (60, True), (61, False)])
def test_the_link_works_for_sixty_minutes(user, minutes, works):
    """Up to 60 minutes after it was sent, and not a minute longer."""
    token = accounts.reset_token(user, SECRET, NOW)
    later = NOW + timedelta(minutes=minutes)
    if works:
        assert accounts.user_for_reset_token(token, SECRET, later).id == user.id
    else:
        with pytest.raises(InvalidResetLink, match="expired"):
            accounts.user_for_reset_token(token, SECRET, later)


@pytest.mark.parametrize("token", ["", "nonsense", "a.b.c", "W1sxXSwgIngiXQ.aaaa.bbbb"])
def test_forged_links_are_refused(user, token):
    """Anything not signed by the shop is refused with the same message."""
    with pytest.raises(InvalidResetLink, match="not valid"):
        accounts.user_for_reset_token(token, SECRET, NOW)


def test_a_link_signed_with_another_secret_is_refused(user):
    """A token from another shop (or an old secret) opens nothing."""
    token = accounts.reset_token(user, "another secret", NOW)
    with pytest.raises(InvalidResetLink):
        accounts.user_for_reset_token(token, SECRET, NOW)


def test_a_password_change_by_other_means_spends_old_links(user):
    """Links sent before the password changed stop working."""
    token = accounts.reset_token(user, SECRET, NOW)
    user.set_password("changed elsewhere 123")
    with pytest.raises(InvalidResetLink):
        accounts.user_for_reset_token(token, SECRET, NOW)


def test_a_short_new_password_is_refused_and_keeps_the_link(user):
    """The length rule applies; the link still works for a second try."""
    token = accounts.reset_token(user, SECRET, NOW)
    with pytest.raises(ShopError, match="10"):
        accounts.reset_password(token, "short", SECRET, NOW)
    assert user.check_password("the old password")
    assert accounts.user_for_reset_token(token, SECRET, NOW).id == user.id


def test_changing_email_needs_the_current_password(user, make):
    """A wrong password, a bad or taken email are each refused; the right ones move the account."""
    make.user("taken@example.com")
    with pytest.raises(InvalidCredentials):
        accounts.change_email(user, "new@example.com", "not my password")
    with pytest.raises(ShopError, match="valid email"):
        accounts.change_email(user, "no-at-sign", "the old password")
    with pytest.raises(ShopError, match="Another account"):
        accounts.change_email(user, "Taken@Example.com", "the old password")
    accounts.change_email(user, " New@Example.com ", "the old password")
    assert user.email == "new@example.com"
