"""When an order should ship: the handling days counted as working days in the shop's zone, from
payment (or from placing, for cash on delivery), and the stage times the scorecard reads."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from domain import orders, shipby
from domain.models import Order
from domain.extensions import db
from tests.order_helpers import place, shop_with_a_product

SEOUL = ZoneInfo("Asia/Seoul")


def seoul(*args):
    return datetime(*args, tzinfo=SEOUL).astimezone(timezone.utc)


def end_of(day):
    return datetime.combine(day + timedelta(days=1), datetime.min.time(),
                            tzinfo=SEOUL).astimezone(timezone.utc) - timedelta(microseconds=1)


def test_two_handling_days_from_a_thursday_end_on_monday_night_in_the_shops_zone():
    """Paid Thursday 23:30 in Seoul (still Thursday there, Thursday 14:30 UTC): Friday and
    Monday are the two working days; the order is due by the end of Monday, Seoul time."""
    thursday = seoul(2026, 12, 3, 23, 30)
    assert shipby.due(thursday, 2, SEOUL) == end_of(datetime(2026, 12, 7).date())


def test_an_order_paid_at_the_weekend_counts_from_monday_and_zero_days_is_that_day():
    saturday = seoul(2026, 12, 5, 10, 0)
    assert shipby.due(saturday, 0, SEOUL) == end_of(datetime(2026, 12, 7).date())
    assert shipby.due(saturday, 1, SEOUL) == end_of(datetime(2026, 12, 8).date())


def test_the_pipeline_stamps_payment_shipping_and_delivery_once_with_the_ship_by_day(app, make):
    setup = shop_with_a_product(make, timezone="Asia/Seoul")
    make.settings(handling_days=1)
    paid_at = seoul(2026, 12, 4, 15, 0)  # a Friday: due by the end of Monday
    order = place(app, setup, now=paid_at)
    with app.test_request_context():
        found = db.session.get(Order, order["id"])
        assert (found.paid_at, found.ship_by) == (None, None)  # a bank transfer not yet paid
        orders.set_status(found, "paid", "system", paid_at)
        orders.set_status(found, "packed", "system", paid_at + timedelta(hours=1))
        orders.set_status(found, "shipped", "system", paid_at + timedelta(days=2),
                          carrier="CJ Logistics", tracking_number="123")
        orders.set_status(found, "delivered", "system", paid_at + timedelta(days=4))
        db.session.commit()
        found = db.session.get(Order, order["id"])
        assert found.paid_at == paid_at
        assert found.ship_by == end_of(datetime(2026, 12, 7).date())
        assert found.shipped_at == paid_at + timedelta(days=2) < found.ship_by
        assert found.delivered_at == paid_at + timedelta(days=4)


def test_cash_on_delivery_may_ship_from_the_moment_it_is_placed(app, make):
    setup = shop_with_a_product(make, timezone="Asia/Seoul")
    placed = seoul(2026, 12, 7, 9, 0)  # a Monday, two handling days by default
    order = place(app, setup, now=placed, payment="cash_on_delivery")
    with app.test_request_context():
        found = db.session.get(Order, order["id"])
        assert found.paid_at is None
        assert found.ship_by == end_of(datetime(2026, 12, 9).date())
