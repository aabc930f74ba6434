"""The demo's sent newsletter: a campaign in both languages, sent through the shop's own
functions to the demo customers who agreed, with a report to read; remove-demo takes it out."""
from domain.demo import removal
from domain.extensions import db
from domain.models import Campaign, CampaignRecipient, Consent, OutboxMessage
from domain.newsletter import campaigns


def test_the_demo_has_one_sent_campaign_with_a_report(app, demo_shop):
    with app.app_context():
        [campaign] = db.session.scalars(db.select(Campaign)).all()
        assert (campaign.status, campaign.audience) == ("sent", "subscribers")
        assert campaign.subject["ko"] and campaign.body_md["ko"] and campaign.coupon_id
        report = campaigns.report(campaign)
        assert (report.total, report.queued, report.sent, report.failed, report.unsubscribed,
                report.orders) == (8, 8, 8, 0, 1, 1)
        # Nothing is left for the worker to send again.
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "campaign", OutboxMessage.sent_at.is_(None))) == 0
        found = removal.find()
        assert found.campaigns == [campaign]
        removal.remove(found)
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0
        assert db.session.scalar(db.select(db.func.count(CampaignRecipient.id))) == 0
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "campaign")) == 0
        assert db.session.scalar(db.select(db.func.count(Consent.id)).where(
            Consent.email == "seoyeon.lee@example.com")) == 0


def test_the_demo_campaign_page_shows_its_report(app, client, demo_shop):
    from tests.page_helpers import sign_in, text
    from domain.models import User
    with app.app_context():
        merchant = db.session.scalar(db.select(User).where(User.is_merchant.is_(True)))
        merchant.set_password("correct horse battery")
        db.session.commit()
        email = merchant.email
        campaign_id = db.session.scalar(db.select(Campaign.id))
    assert sign_in(client, email, "correct horse battery").status_code == 303
    page = text(client.get(f"/admin/campaigns/{campaign_id}"))
    assert "Autumn glazes" in page and "Unsubscribed through this campaign" in page
    assert "(광고) 가을 유약 신작이 가마에서 나왔어요" in page
    assert "hx-trigger" not in page
