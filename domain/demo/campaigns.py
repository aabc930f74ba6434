"""The demo's newsletter: five of the demo's customers agreed to marketing email (confirmed),
and one campaign, "Autumn glazes", written in both languages with an exclusive 10 % code, was
sent to them two weeks ago through the shop's own functions (campaigns.start freezes the list,
sending.queue_due queues it): its report shows it sent to all five, one who left through its
unsubscribe link, and one order placed within 7 days of following its link. The outbox
messages are recorded as sent then, so the worker sends nothing now. Flushes, never commits.
"""
from datetime import timedelta

from .. import consent, shopconfig
from ..extensions import db
from ..models import Campaign, Consent, Coupon, Order, OutboxMessage
from ..newsletter import campaigns, sending
from .catalogue import CUSTOMER_EMAIL, MERCHANT_EMAIL

NAME = "Autumn glazes"
# (address, language) of the demo customers who agreed to marketing email.
# Two readers who signed up at checkout besides the newsletter's demo subscribers
# (domain/demo/newsletter.py, loaded first): the campaign goes to all of them.
SUBSCRIBERS = [("daniel.cho@example.com", "en"), ("eunji.seo@example.com", "ko")]
# Who unsubscribed through the campaign's link, and whose order came from its link.
LEFT = "daniel.cho@example.com"
BOUGHT = "eunji.seo@example.com"
SENT_DAYS_AGO = 14
FORM = {
    "name": NAME,
    "subject_en": "Autumn glazes are out of the kiln",
    "body_en": "## Ash grey and tenmoku\n\nOur autumn firing is done: new **Everyday Mugs** and "
               "**Rice Bowls** in ash grey and tenmoku.\n\n"
               "- [See the mugs](/products/everyday-mug)\n- [See the bowls](/products/rice-bowl)\n\n"
               "As a thank-you for reading, your code below takes 10 % off for two weeks.",
    "subject_ko": "가을 유약 신작이 가마에서 나왔어요",
    "body_ko": "## 재회색과 천목\n\n가을 소성을 마쳤어요. 재회색과 천목 유약의 **데일리 머그**와 "
               "**밥그릇**을 만나 보세요.\n\n"
               "- [머그 보기](/products/everyday-mug)\n- [밥그릇 보기](/products/rice-bowl)\n\n"
               "읽어 주셔서 고마워요. 아래 코드로 2주 동안 10% 할인받으실 수 있어요.",
    "audience": "subscribers", "audience_days": "90",
    "coupon_kind": "percent", "coupon_value": "10", "coupon_days": "14",
}


def load_campaigns(now):
    config = shopconfig.load()
    sent_at = now - timedelta(days=SENT_DAYS_AGO)
    for email, language in SUBSCRIBERS:
        consent.grant(sent_at - timedelta(days=30), "checkout", language, email=email)
    campaign = campaigns.save(None, FORM, now=sent_at - timedelta(hours=2), by=MERCHANT_EMAIL,
                              main_language=config.main_language, currency=config.currency)
    campaigns.start(campaign, sent_at)
    # The worker's passes, one second apart at the shop's rate, until it is all queued.
    at = sent_at
    while campaign.status == "sending":
        sending.queue_due(at, config, sending.budget(config.campaign_rate, at, at - timedelta(seconds=1)))
        db.session.refresh(campaign)
        at += timedelta(seconds=1)
    for message in db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.kind == sending.KIND)):
        message.sent_at = max(message.next_attempt_at, at)
        message.attempts = 1
    left_at = sent_at + timedelta(hours=3)
    consent.withdraw(LEFT, left_at, "unsubscribe_link")
    campaigns.record_unsubscribe(campaign.id, LEFT, left_at)
    # The buyer's order in the week after the email came from it (the history has others).
    order = db.session.scalar(db.select(Order).where(
        Order.email == BOUGHT, Order.placed_at >= sent_at,
        Order.placed_at < sent_at + timedelta(days=campaigns.ATTRIBUTION_DAYS),
        Order.status.not_in(("cancelled", "payment_expired")))
        .order_by(Order.placed_at.desc()).limit(1))
    if order is not None:
        order.campaign_id = campaign.id
    db.session.flush()
    return campaign


def leftovers():
    """The demo's campaign and the consents it recorded (for remove-demo)."""
    found = db.session.scalars(db.select(Campaign).where(
        Campaign.name == NAME, Campaign.created_by == MERCHANT_EMAIL)).all()
    consents = db.session.scalars(db.select(Consent).where(
        Consent.email.in_([email for email, _language in SUBSCRIBERS]),
        Consent.source == "checkout", Consent.user_id.is_(None))).all() if found else []
    return list(found), list(consents)


def remove(found, consents):
    for campaign in found:
        db.session.execute(db.delete(OutboxMessage).where(
            OutboxMessage.kind == sending.KIND,
            OutboxMessage.id.in_(db.select(campaigns.CampaignRecipient.outbox_id).where(
                campaigns.CampaignRecipient.campaign_id == campaign.id)))
            .execution_options(synchronize_session="fetch"))
        coupon = db.session.get(Coupon, campaign.coupon_id) if campaign.coupon_id else None
        db.session.delete(campaign)
        if coupon is not None and coupon.used_count == 0:
            db.session.delete(coupon)
    for record in consents:
        db.session.delete(record)
    db.session.flush()
