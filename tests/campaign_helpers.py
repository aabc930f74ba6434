"""Newsletter campaigns in tests: subscribers with confirmed (or pending) consent, a campaign
written and started through domain/newsletter, and the worker's "send-campaigns" job run at a
given moment."""
from datetime import timedelta

import worker
from domain import consent, transaction
from domain.extensions import db
from domain.models import CampaignRecipient, OutboxMessage
from domain.newsletter import campaigns
from tests.order_helpers import NOW

BODY = {"en": "# Spring\n\nNew [moon jars](/products/moon-jar) are in.",
        "ko": "# 봄\n\n새 [달항아리](/products/moon-jar)가 들어왔어요."}


def subscribe(app, email, language="en", when=NOW, confirmed=True):
    """Consent given (and confirmed from its email, unless confirmed=False: a pending sign-up)."""
    with app.app_context():
        record = consent.grant(when, "newsletter_form", language, email=email)
        if not confirmed:
            record.confirmed_at = None
        db.session.commit()


def withdraw(app, email, when=NOW):
    with app.app_context():
        consent.withdraw(email, when, "unsubscribe_link")
        db.session.commit()


def write(app, now=NOW, **values):
    """A draft campaign saved as the back office saves it; returns its id."""
    fields = {"name": "Spring", "subject_en": "New jars", "body_en": BODY["en"],
              "subject_ko": "새 항아리", "body_ko": BODY["ko"], "audience": "subscribers",
              "audience_days": "90"}
    fields.update(values)
    with app.test_request_context():
        campaign = campaigns.save(None, fields, now=now, by="boss@example.com")
        db.session.commit()
        return campaign.id


def start(app, campaign_id, now=NOW):
    with app.test_request_context():
        total = campaigns.start(campaigns.get(campaign_id), now)
        db.session.commit()
        return total


def run_job(app, at):
    """One pass of the worker's campaign job with the clock at `at`."""
    app.config["CLOCK"] = lambda: at
    lines = []
    worker.run_jobs(app, None, None, lines.append, registry=worker._only(("send-campaigns",)))
    return lines


def send_all(app, campaign_id, start_at=NOW, step=timedelta(seconds=30), passes=50):
    at = start_at
    for _ in range(passes):
        run_job(app, at)
        with app.app_context():
            if campaigns.get(campaign_id).status == "sent":
                return at
        at += step
    raise AssertionError("the campaign did not finish")


def messages(app, kind="campaign"):
    """[(to, locale, data, next_attempt_at)] of the queued campaign emails, in order."""
    with app.app_context():
        return [(m.to_address, m.locale, dict(m.data), m.next_attempt_at) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def recipients(app, campaign_id):
    with app.app_context():
        return {r.email: r.status for r in db.session.scalars(
            db.select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id))}


def in_transaction(app, work):
    with app.test_request_context():
        with transaction.unit_of_work():
            return work()

