"""The newsletter's rules: double opt-in (a sign-up asks, the emailed link confirms, nothing is
sent before), re-sending at most once in a while, the two-yearly reminder exactly once, the
purge of unconfirmed sign-ups, quiet hours for every marketing email, and the back office's
figures and settings."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import consent, marketing, personal_data, shopconfig
from domain.errors import InvalidConsentLink
from domain.extensions import db
from domain.models import Consent, OutboxMessage, User
from domain.newsletter import reminders, subscribers
from domain.settings import InvalidSettings
from tests.concurrency_helpers import race

SECRET = "a-secret-for-signing"
NOW = datetime(2026, 3, 3, 3, 0, tzinfo=timezone.utc)  # 12:00 in Seoul
EMAIL = "minji@example.com"


def mails(kind=consent.CONFIRM_KIND):
    return [(m.to_address, m.data) for m in db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def confirm_now(record, when=NOW):
    return consent.confirm(consent.confirm_token(record, SECRET), SECRET, when)


def test_a_sign_up_asks_and_only_the_emailed_link_confirms(ctx):
    assert consent.request(NOW, "newsletter_form", "ko", email=" Minji@Example.com ") == "sent"
    record = consent.pending(EMAIL)
    assert (record.email, record.source, record.language, record.confirmed_at) == (
        EMAIL, "newsletter_form", "ko", None)
    assert record.wording_version == consent.WORDINGS["marketing_email"][0]
    assert not consent.may_market(EMAIL)  # asked, not yet confirmed: nothing may be sent
    assert mails() == [(EMAIL, {"consent_id": record.id, "already": False})]
    confirmed = confirm_now(record, NOW + timedelta(hours=1))
    assert confirmed.confirmed_at == NOW + timedelta(hours=1) and consent.may_market(EMAIL)
    # The link pressed again changes nothing.
    assert confirm_now(record, NOW + timedelta(days=2)).confirmed_at == NOW + timedelta(hours=1)


def test_asking_again_while_waiting_sends_again_at_most_once_in_a_while(ctx):
    consent.request(NOW, "newsletter_form", "en", email=EMAIL)
    assert consent.request(NOW + timedelta(minutes=2), "checkout", "en",
                           email=EMAIL) == "waiting"
    assert len(mails()) == 1
    later = NOW + timedelta(minutes=consent.RESEND_MINUTES + 1)
    assert consent.request(later, "newsletter_form", "en", email=EMAIL) == "sent"
    assert len(mails()) == 2
    assert db.session.scalar(db.select(db.func.count(Consent.id))) == 1  # one sign-up


def test_an_address_already_subscribed_is_told_so_by_email_only(ctx):
    consent.request(NOW, "newsletter_form", "en", email=EMAIL)
    confirm_now(consent.pending(EMAIL))
    later = NOW + timedelta(hours=1)
    assert consent.request(later, "newsletter_form", "en", email=EMAIL) == "already"
    assert mails()[-1] == (EMAIL, {"consent_id": consent.given(EMAIL).id, "already": True})
    assert db.session.scalar(db.select(db.func.count(Consent.id))) == 1


def test_an_unusable_address_is_refused_without_a_record(ctx):
    assert consent.request(NOW, "newsletter_form", "en", email="not an address") == "invalid"
    assert db.session.scalar(db.select(db.func.count(Consent.id))) == 0 and mails() == []


def test_an_account_asks_for_itself(ctx, make):
    user = make.user(email="jisoo@example.com")
    account = db.session.get(User, user["id"])
    assert consent.set_marketing(account, True, NOW, "en") == "sent"
    assert mails() == [("jisoo@example.com", {"consent_id": consent.pending(account).id,
                                              "already": False})]
    confirm_now(consent.pending(account))
    assert consent.may_market(account) and consent.may_market("jisoo@example.com")
    assert consent.set_marketing(account, False, NOW, "en") == "withdrawn"
    assert not consent.may_market(account)


@pytest.mark.parametrize("problem", ["altered", "other secret", "expired", "withdrawn"])
def test_a_bad_confirmation_link_is_refused_and_changes_nothing(ctx, problem):
    consent.request(NOW, "newsletter_form", "en", email=EMAIL)
    record = consent.pending(EMAIL)
    token = consent.confirm_token(record, SECRET)
    when = NOW
    if problem == "altered":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif problem == "other secret":
        token = consent.confirm_token(record, "another secret")
    elif problem == "expired":
        # The link's time is when the email was written (the token's own timestamp).
        when = datetime.now(timezone.utc) + timedelta(days=consent.CONFIRM_DAYS, minutes=1)
    else:
        record.withdrawn_at = NOW
        db.session.flush()
    with pytest.raises(InvalidConsentLink, match="expired" if problem == "expired"
                       else "not valid"):
        consent.confirm(token, SECRET, when)
    db.session.refresh(record)
    assert record.confirmed_at is None and not consent.may_market(EMAIL)


def subscribed(email, confirmed_at, reminded_at=None):
    record = Consent(email=email, purpose=consent.MARKETING_EMAIL, wording="words",
                     wording_version="2026-12", language="en", source="newsletter_form",
                     granted_at=confirmed_at, confirmed_at=confirmed_at, reminded_at=reminded_at)
    db.session.add(record)
    db.session.flush()
    return record


def test_each_subscriber_is_reminded_every_two_years_once(ctx):
    old = subscribed("old@example.com", personal_data.add_months(NOW, -24))
    recent = subscribed("new@example.com", personal_data.add_months(NOW, -23))
    gone = subscribed("gone@example.com", personal_data.add_months(NOW, -30))
    gone.withdrawn_at = NOW - timedelta(days=3)
    assert reminders.sweep(NOW) == "1 consent reminder(s) queued"
    assert reminders.sweep(NOW + timedelta(days=1)) == ""  # a run repeated sends nothing
    assert mails(reminders.KIND) == [("old@example.com", {"consent_id": old.id})]
    assert old.reminded_at == NOW and recent.reminded_at is None
    # Two years after the reminder, the next one.
    assert reminders.sweep(personal_data.add_months(NOW, 24)) == \
        "2 consent reminder(s) queued"  # old again, and recent's first
    assert len(mails(reminders.KIND)) == 3


def test_two_workers_remind_once(app):
    with app.app_context():
        subscribed("old@example.com", personal_data.add_months(NOW, -25))
        db.session.commit()

    def run():
        from domain.transaction import unit_of_work
        with app.app_context(), unit_of_work():
            reminders.sweep(NOW)
    race([run, run])
    with app.app_context():
        assert len(mails(reminders.KIND)) == 1


def test_sign_ups_left_unconfirmed_for_30_days_are_deleted(ctx):
    consent.request(NOW - timedelta(days=31), "newsletter_form", "en", email="a@example.com")
    consent.request(NOW - timedelta(days=29), "newsletter_form", "en", email="b@example.com")
    subscribed("c@example.com", NOW - timedelta(days=400))
    assert reminders.sweep(NOW) == "1 unconfirmed sign-up(s) deleted"
    assert sorted(db.session.scalars(db.select(Consent.email))) == ["b@example.com",
                                                                     "c@example.com"]


def test_marketing_waits_for_the_end_of_quiet_hours_unless_they_are_off(ctx, make):
    make.settings(timezone="Asia/Seoul")
    subscribed(EMAIL, NOW - timedelta(days=1))
    config = shopconfig.load()
    late = datetime(2026, 3, 3, 22, 30, tzinfo=timezone(timedelta(hours=9)))
    message_id = marketing.queue("k1", "change_note", EMAIL, now=late, config=config)
    eight = datetime(2026, 3, 4, 8, 0, tzinfo=timezone(timedelta(hours=9)))
    assert db.session.get(OutboxMessage, message_id).next_attempt_at == eight
    assert marketing.queue("k1", "change_note", EMAIL, now=late, config=config) is None
    noon = datetime(2026, 3, 3, 12, 0, tzinfo=timezone(timedelta(hours=9)))
    assert db.session.get(OutboxMessage, marketing.queue(
        "k2", "change_note", EMAIL, now=noon, config=config)).next_attempt_at == noon
    subscribers.save_settings(quiet_hours=False, campaign_rate=10)
    config = shopconfig.load()
    assert db.session.get(OutboxMessage, marketing.queue(
        "k3", "change_note", EMAIL, now=late, config=config)).next_attempt_at == late
    # Without confirmed consent nothing is queued, whatever the hour.
    assert marketing.queue("k4", "change_note", "other@example.com", now=noon,
                           config=config) is None


def test_the_back_office_counts_lists_and_exports_subscribers(ctx, make):
    make.settings(timezone="UTC")
    subscribed("a@example.com", datetime(2026, 1, 10, tzinfo=timezone.utc))
    b = subscribed("=HYPERLINK(1)@example.com", datetime(2026, 3, 1, tzinfo=timezone.utc))
    b.withdrawn_at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    subscribed("+c@example.com", datetime(2026, 3, 2, tzinfo=timezone.utc))
    consent.request(NOW, "newsletter_form", "en", email="pending@example.com")
    assert (subscribers.count(), subscribers.pending_count()) == (2, 1)
    months = {m.first_day.month: (m.joined, m.left) for m in subscribers.growth(NOW, timezone.utc)}
    assert months[1] == (1, 0) and months[2] == (0, 0) and months[3] == (2, 1)
    page = subscribers.page(1)
    assert [s.email for s in page.items] == ["+c@example.com", "a@example.com"]
    assert page.items[0].source == "newsletter_form" and page.items[0].language == "en"
    from domain import csvcells
    text = "".join(csvcells.lines(subscribers.CSV_HEADER, subscribers.csv_rows()))
    assert "'+c@example.com" in text and "\n+c@" not in text


def test_the_sending_settings_refuse_a_nonsense_rate(ctx):
    for wrong in (0, 1001, "ten", True):
        with pytest.raises(InvalidSettings):
            subscribers.save_settings(quiet_hours=True, campaign_rate=wrong)
    row = subscribers.save_settings(quiet_hours=False, campaign_rate=25)
    assert (row.quiet_hours, row.campaign_rate) == (False, 25)


def test_the_checkout_box_seen_again_sends_no_more_and_a_saved_box_no_email(ctx, make):
    consent.request(NOW, "checkout", "en", email=EMAIL, resend=False)
    later = NOW + timedelta(minutes=consent.RESEND_MINUTES * 3)
    assert consent.request(later, "checkout", "en", email=EMAIL, resend=False) == "waiting"
    assert len(mails()) == 1
    user = make.user(email="jisoo@example.com")
    account = db.session.get(User, user["id"])
    consent.set_marketing(account, True, NOW, "en")
    confirm_now(consent.pending(account))
    assert consent.set_marketing(account, True, later, "en") == "already"
    assert [to for to, _data in mails()] == [EMAIL, "jisoo@example.com"]
