"""Session versions: a session names its account and the version it was signed in at; moving
the version on (sign-out, a password reset, an email change) ends every session."""
import pytest

from domain import accounts
from domain.errors import InvalidCredentials, ShopError
from domain.extensions import db
from domain.models import User

SECRET = "unit-test-secret"


@pytest.fixture
def user(make, ctx):
    made = make.user("min@example.com", password="the old password")
    return db.session.get(User, made["id"])


def test_a_session_names_the_account_and_its_version(user):
    assert user.get_id() == f"{user.id}:0"
    assert accounts.session_user(user.get_id()) is user


def test_ending_sessions_makes_every_earlier_session_stale(user):
    before = user.get_id()
    accounts.end_sessions(user)
    assert accounts.session_user(before) is None
    assert accounts.session_user(user.get_id()) is user


@pytest.mark.parametrize("session_id", [
    None, "", "1", "1:", ":0", "x:0", "1:x", "1:-1", "0:0", f"{2**63}:0", "1:0:0", "1: 0",
    "1:" + "9" * 40])
def test_a_malformed_or_older_session_id_names_no_one(user, session_id):
    """Including a bare "<id>" from before versions: those sessions sign in again."""
    assert user.id == 1
    assert accounts.session_user(session_id) is None


def test_a_password_reset_ends_the_sessions(user):
    before = user.get_id()
    accounts.reset_password(accounts.reset_token(user, SECRET), "a brand new password", SECRET)
    assert accounts.session_user(before) is None


def test_an_email_change_ends_the_sessions_but_the_same_email_does_not(user):
    before = user.get_id()
    accounts.change_email(user, "MIN@example.com", "the old password")
    assert accounts.session_user(before) is user
    accounts.change_email(user, "min.new@example.com", "the old password")
    assert accounts.session_user(before) is None


def test_a_refused_change_ends_nothing(user):
    before = user.get_id()
    with pytest.raises(InvalidCredentials):
        accounts.change_email(user, "min.new@example.com", "not my password")
    with pytest.raises(ShopError):
        accounts.reset_password(accounts.reset_token(user, SECRET), "short", SECRET)
    assert accounts.session_user(before) is user
