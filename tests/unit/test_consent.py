"""Consent to marketing email: nobody is marketed to without it, it records the words shown, and
withdrawing it (from the account, or through the signed unsubscribe link) stops every sender
that asks may_market."""
from datetime import timedelta

import pytest
from flask_babel import force_locale

from domain import consent, privacy
from domain.errors import InvalidConsentLink
from domain.extensions import db
from domain.models import Consent, User
from tests.order_helpers import NOW

SECRET = "a-secret-for-signing"


@pytest.fixture
def minji(app, make):
    user = make.user(email="minji@example.com", name="Kim Minji")
    return user


def account(user):
    return db.session.get(User, user["id"])


def test_nobody_is_marketed_to_without_consent(ctx, minji):
    assert consent.may_market(account(minji)) is False
    assert consent.may_market("minji@example.com") is False
    assert consent.may_market("not an address") is False


def test_consent_records_the_words_shown_their_version_language_and_source(ctx, minji):
    record = consent.grant(NOW, "account", "ko", user=account(minji))
    assert consent.may_market(account(minji)) and consent.may_market("MINJI@example.com ")
    assert (record.user_id, record.email, record.source, record.language) == (
        minji["id"], None, "account", "ko")
    assert record.wording_version == consent.WORDINGS["marketing_email"][0]
    with force_locale("ko"):
        assert record.wording == consent.wording()
    assert record.wording != consent.wording()  # the Korean words, not the English ones
    assert consent.grant(NOW + timedelta(days=1), "checkout", "en", user=account(minji)) is record


def test_consent_given_as_a_guest_covers_the_account_with_that_address(ctx, minji):
    consent.grant(NOW, "checkout", "en", email="Minji@Example.com")
    assert consent.may_market(account(minji))
    assert consent.withdraw(account(minji), NOW + timedelta(days=1), "account") == 1
    assert not consent.may_market("minji@example.com")
    record = db.session.scalar(db.select(Consent))
    assert (record.withdrawn_at, record.withdrawn_source) == (NOW + timedelta(days=1), "account")


def test_the_signed_unsubscribe_link_withdraws_and_an_altered_one_is_refused(ctx, minji):
    consent.grant(NOW, "account", "en", user=account(minji))
    token = consent.unsubscribe_token("minji@example.com", SECRET)
    forged = consent.unsubscribe_token("minji@example.com", "another secret")
    with pytest.raises(InvalidConsentLink):
        consent.unsubscribe(forged, SECRET, NOW, "one_click")
    with pytest.raises(InvalidConsentLink):
        consent.unsubscribe(token[:-2], SECRET, NOW, "one_click")
    assert consent.may_market(account(minji))
    assert consent.unsubscribe(token, SECRET, NOW, "one_click") == "minji@example.com"
    assert not consent.may_market(account(minji))


def test_an_erased_account_is_never_marketed_to(ctx, minji):
    consent.grant(NOW, "account", "en", user=account(minji))
    privacy.delete_account(account(minji), minji["password"], NOW)
    assert not consent.may_market(account(minji))
    assert not consent.may_market("minji@example.com")
    assert db.session.scalar(db.select(db.func.count(Consent.id))) == 0


def test_the_headers_name_the_link_and_ask_for_a_one_click_post():
    assert consent.unsubscribe_headers("https://shop.example/privacy/unsubscribe/abc") == {
        "List-Unsubscribe": "<https://shop.example/privacy/unsubscribe/abc>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
