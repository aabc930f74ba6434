"""The demo's newsletter: confirmed subscribers over the last months, the demo customer among
them, shown on the back office's page; nothing queued for them."""
from datetime import datetime, timezone

from domain import consent
from domain.extensions import db
from domain.models import OutboxMessage, User
from domain.newsletter import subscribers


def test_the_demo_has_a_few_confirmed_subscribers_growing_over_months(app, demo_shop):
    now = datetime.now(timezone.utc)
    with app.app_context():
        # The newsletter's five and the demo customer, and one of the two readers of the demo's
        # campaign (the other unsubscribed through it).
        assert subscribers.count() == 7 and subscribers.pending_count() == 0
        customer = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        assert consent.may_market(customer) and consent.may_market("jiwoo.han@example.com")
        growth = subscribers.growth(now, timezone.utc)
        assert sum(m.joined for m in growth) == 8 and len([m for m in growth if m.joined]) >= 3
        assert {s.language for s in subscribers.page(1).items} == {"en", "ko"}
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == consent.CONFIRM_KIND)) == 0
