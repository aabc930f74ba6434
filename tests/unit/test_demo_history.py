"""The demo's order history: about a hundred guests' orders over sixty days, most delivered,
some shipped late, one waiting past its ship-by day, three refunded, with pieces bought
together often enough for recommendations; the demo customer's own orders untouched."""
from collections import Counter
from datetime import datetime, timedelta, timezone
from itertools import combinations

from domain import scorecard, shopconfig
from domain.demo import history
from domain.extensions import db
from domain.models import Order, ReturnRequest, ReviewRequest, User


def test_the_history_fills_the_scorecard_and_teaches_pairs(app, demo_shop):
    now = datetime.now(timezone.utc)
    with app.test_request_context():
        mine = db.session.scalars(db.select(Order).where(
            Order.checkout_token.startswith("demo-order-h"))).all()
        assert demo_shop.orders == len(mine) == history.ORDERS
        assert all(o.user_id is None for o in mine)  # guests only: no account's points change
        assert min(o.placed_at for o in mine) >= now - timedelta(days=history.DAYS + 1)
        statuses = Counter(o.status for o in mine)
        assert statuses["delivered"] >= 80 and statuses["paid"] >= 1
        late = [o for o in mine if o.shipped_at and o.shipped_at > o.ship_by]
        assert 3 <= len(late) <= 25
        assert all(o.paid_at and o.ship_by for o in mine)
        assert len({o.email for o in mine}) < len(mine)  # customers came back
        # Pairs bought together in delivered, not-returned lines.
        returned = set(db.session.scalars(db.select(ReturnRequest.order_id)))
        together = Counter()
        for order in mine:
            if order.status == "delivered" and order.id not in returned:
                together.update(combinations(sorted(line.product_id for line in order.lines), 2))
        assert sum(1 for count in together.values() if count >= 3) >= len(history.PAIRS)
        refunded = db.session.scalars(db.select(ReturnRequest).where(
            ReturnRequest.status == "refunded")).all()
        assert len(refunded) == 3
        assert sum(r.closed_at > r.refund_due_at for r in refunded) == 1
        # No made-up address will be asked for a review.
        asked = set(db.session.scalars(db.select(ReviewRequest.order_id)))
        assert {o.id for o in mine} <= asked

        card = scorecard.build(now, shopconfig.current())
        assert card.sales.orders > 30 and card.sales.revenue > 0
        assert card.customers.returning > 0 and card.customers.repeat_customers > 0
        assert card.shipping.shipped > 0 and card.shipping.late > 0
        assert card.shipping.overdue == 1
        assert card.refunds.settled == 3 and card.refunds.on_time == 2
        assert card.returns.returned == 3


def test_the_demo_customer_keeps_only_her_own_orders(app, demo_shop):
    with app.app_context():
        minji = db.session.scalar(db.select(User).where(User.email == "customer@example.com"))
        theirs = db.session.scalars(db.select(Order.checkout_token).where(
            Order.user_id == minji.id)).all()
        assert theirs and not any(token.startswith("demo-order-h") for token in theirs)
