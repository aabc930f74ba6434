"""The merchant's scorecard, from a seeded order history with exact expected figures: the
30-day window in the shop's time zone, which orders count, late against ship-by, new vs
returning customers, refunds against the promise, the return rate and the rest."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import consent, scorecard, shopconfig
from domain.extensions import db
from domain.models import ReturnRequest, Review, Satisfaction
from domain.scorecard import aftercare, newsletter, sales, shipping
from tests.scorecard_helpers import order_row, shipped_row

# 18:00 on 3 March in Seoul.
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
# The window's first instant: 2 February 00:00 in Seoul, 30 shop days ending today.
START = datetime(2026, 2, 1, 15, 0, tzinfo=timezone.utc)


@pytest.fixture
def config(app, make):
    make.settings(currency="KRW", timezone="Asia/Seoul", name="Moonjar")
    with app.test_request_context():
        yield shopconfig.current()


def test_window_is_thirty_shop_days_and_counts_only_sales(config):
    order_row(START, total=10000)                                    # 2 Feb 00:00 Seoul: in
    order_row(START - timedelta(seconds=1), total=99000)             # 1 Feb 23:59:59: out
    order_row(NOW - timedelta(hours=1), total=30000, status="paid")  # today
    order_row(NOW - timedelta(hours=2), total=50000, status="cancelled")
    order_row(NOW - timedelta(hours=2), total=50000, status="payment_expired")
    order_row(NOW - timedelta(hours=2), total=50000, status="placed")  # unpaid bank transfer
    order_row(NOW - timedelta(hours=2), total=50000, status="awaiting_payment")
    order_row(NOW - timedelta(hours=3), total=20000, status="placed", payment="cash_on_delivery")
    order_row(NOW + timedelta(hours=1), total=70000)                 # later than now: out
    order_row(NOW - timedelta(hours=2), total=5000, currency="USD")  # not the shop's currency
    db.session.flush()
    figures = sales.sales_by_day(NOW, config)
    assert len(figures.days) == 30
    assert figures.days[0].day.isoformat() == "2026-02-02"
    assert figures.days[-1].day.isoformat() == "2026-03-03"
    assert (figures.days[0].orders, figures.days[0].revenue) == (1, 10000)
    assert (figures.days[-1].orders, figures.days[-1].revenue) == (2, 50000)
    assert figures.days[-1].average == 25000
    assert (figures.orders, figures.revenue, figures.average) == (3, 60000, 20000)
    assert figures.busiest.day.isoformat() == "2026-03-03"
    assert sum(1 for d in figures.days if d.orders == 0) == 28


def test_day_is_the_shop_day_not_the_utc_day(config):
    # 23:30 UTC on 1 March is 08:30 on 2 March in Seoul.
    order_row(datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))
    db.session.flush()
    [day] = [d for d in sales.sales_by_day(NOW, config).days if d.orders]
    assert day.day.isoformat() == "2026-03-02"


def test_discounts_split_into_coupons_and_points(config):
    order_row(NOW - timedelta(days=1), discount=3000, points_discount=1000)
    order_row(NOW - timedelta(days=2), discount=500)
    order_row(NOW - timedelta(days=2), discount=9999, status="cancelled")
    db.session.flush()
    figures = sales.sales_by_day(NOW, config)
    assert (figures.coupon_discount, figures.points_discount) == (2500, 1000)


def test_new_returning_repeat_and_lapsed_customers(config):
    # Returning: bought 40 days ago and again this month.
    order_row(NOW - timedelta(days=40), email="back@example.com")
    order_row(NOW - timedelta(days=3), email="back@example.com")
    # New, and bought twice this month: a repeat customer.
    order_row(NOW - timedelta(days=5), email="new@example.com")
    order_row(NOW - timedelta(days=4), email="new@example.com")
    # A cancelled earlier order does not make a customer returning.
    order_row(NOW - timedelta(days=50), email="fresh@example.com", status="cancelled")
    order_row(NOW - timedelta(days=1), email="fresh@example.com")
    # Bought once, at the window's first instant (2 Feb 00:00 in Seoul): new.
    order_row(START, email="edge@example.com")
    order_row(START - timedelta(seconds=1), email="before@example.com")
    # Lapsed: bought 70 days ago and nothing since. Not lapsed: 100 days ago (before the
    # 60-90 day window), 65 days ago and again 10 days ago (even cancelled: they came back).
    order_row(NOW - timedelta(days=70), email="gone@example.com")
    order_row(NOW - timedelta(days=100), email="old@example.com")
    order_row(NOW - timedelta(days=65), email="still@example.com")
    order_row(NOW - timedelta(days=10), email="still@example.com", status="cancelled")
    db.session.flush()
    figures = sales.customers(NOW, config)
    assert (figures.new, figures.returning) == (3, 1)  # new, fresh, edge / back
    # back (ordered before) and new (twice this month) of 4.
    assert (figures.repeat_customers, figures.total, figures.repeat_rate_bp) == (2, 4, 5000)
    assert figures.lapsed == 1


def test_late_is_after_ship_by_and_on_the_boundary_is_on_time(config):
    paid = NOW - timedelta(days=5)
    ship_by = paid + timedelta(hours=48)
    shipped_row(paid, 48, ship_by)                              # exactly at ship_by: on time
    shipped_row(paid, 48 + 1 / 3600, ship_by)                   # one second after: late
    shipped_row(paid, 10, ship_by)
    shipped_row(paid, 30, None)                                 # no ship-by: not judged
    shipped_row(NOW - timedelta(days=40), 1, None)              # shipped before the window
    # Placed with cash on delivery: its clock starts when placed.
    order_row(NOW - timedelta(days=2), status="shipped", payment="cash_on_delivery",
              shipped_at=NOW - timedelta(days=2) + timedelta(hours=20),
              ship_by=NOW - timedelta(days=1))
    # Unshipped and past ship-by: overdue; one still in time; a shipped one is not overdue.
    order_row(NOW - timedelta(days=4), status="paid", ship_by=NOW - timedelta(seconds=1))
    order_row(NOW - timedelta(days=4), status="packed", ship_by=NOW - timedelta(days=1))
    order_row(NOW - timedelta(days=1), status="paid", ship_by=NOW + timedelta(days=1))
    order_row(NOW - timedelta(days=4), status="cancelled", ship_by=NOW - timedelta(days=1))
    db.session.flush()
    figures = shipping.shipping(NOW)
    assert figures.shipped == 5
    assert figures.median_hours == 30
    assert (figures.late, figures.with_ship_by, figures.late_bp) == (1, 4, 2500)
    assert figures.overdue == 2


def test_refunds_against_the_promise_and_the_return_rate(config):
    delivered = [order_row(NOW - timedelta(days=20), delivered_at=NOW - timedelta(days=d))
                 for d in (10, 20, 30, 100)]
    received = NOW - timedelta(days=8)

    def ret(order, status, closed_after_days, n):
        row = ReturnRequest(number=f"R-{n}", request_token=f"rt-{n}", order_id=order.id,
                            status=status, action="refund", reason="damaged", currency="KRW",
                            received_at=received, refund_due_at=received + timedelta(days=3),
                            closed_at=(received + timedelta(days=closed_after_days)
                                       if closed_after_days is not None else None))
        db.session.add(row)
    db.session.flush()
    ret(delivered[0], "refunded", 2, 1)         # within the promise of 3 days
    ret(delivered[1], "credited", 5, 2)         # late
    ret(delivered[2], "rejected", None, 3)      # not a return for the rate
    ret(delivered[3], "refunded", 3, 4)         # delivered 100 days ago: outside the rate
    db.session.flush()
    refunds = aftercare.refunds(NOW)
    assert (refunds.settled, refunds.median_days, refunds.on_time) == (3, 3, 2)
    assert refunds.promise_days == 3
    rate = aftercare.return_rate(NOW)
    assert (rate.delivered, rate.returned, rate.rate_bp) == (3, 2, 6667)


def test_reviews_satisfaction_points_and_newsletter(app, make):
    product = make.product("Cup", variants=[{"sku": "C-1", "price": 1000, "stock": 5}])
    make.settings(currency="KRW", timezone="Asia/Seoul", name="Moonjar")
    with app.test_request_context():
        _feedback_and_growth(product["id"], shopconfig.current())


def _feedback_and_growth(product_id, config):
    order = order_row(NOW - timedelta(days=10))
    db.session.flush()
    for n, (stars, days) in enumerate(((5, 1), (4, 2), (2, 40))):
        db.session.add(Review(product_id=product_id, order_id=order.id, email=f"r{n}@example.com",
                              reviewer=f"R{n}", rating=stars, title="t", body="b", status="published",
                              created_at=NOW - timedelta(days=days)))
    for n, score in enumerate((5, 4, 1)):
        db.session.add(Satisfaction(touchpoint="delivery", subject=f"order:{n}", score=score,
                                    created_at=NOW - timedelta(days=2)))
    db.session.flush()
    feedback = aftercare.feedback(NOW)
    assert (feedback.reviews, feedback.review_average) == (2, 4.5)
    assert (feedback.answers, round(feedback.satisfaction_average, 2), feedback.happy_bp) == (
        3, 3.33, 6667)
    assert aftercare.points_outstanding() is None
    # Confirmed consents by month in Seoul; a withdrawn one is counted when withdrawn.
    for email, when in (("a@example.com", NOW - timedelta(days=1)),
                        ("b@example.com", datetime(2026, 2, 28, 15, 30, tzinfo=timezone.utc)),
                        ("c@example.com", NOW - timedelta(days=40))):
        consent.grant(when, "checkout", "en", email=email)
    consent.withdraw("c@example.com", NOW - timedelta(hours=1), "account")
    db.session.flush()
    growth = newsletter.growth(NOW, config)
    assert [m.month.isoformat() for m in growth.months][-2:] == ["2026-02-01", "2026-03-01"]
    assert [(m.confirmed, m.withdrawn) for m in growth.months][-3:] == [(1, 0), (0, 0), (2, 1)]
    assert growth.active == 2


def test_empty_shop_has_no_figures_but_answers(config):
    card = scorecard.build(NOW, config)
    assert card.sales.orders == 0 and card.sales.average is None and card.sales.busiest is None
    assert all(bar.height == 0 for bar in card.bars) and len(card.bars) == 30
    assert card.customers.repeat_rate_bp is None
    assert card.shipping.late_bp is None and card.shipping.median_hours is None
    assert card.returns.rate_bp is None and card.refunds.median_days is None
    assert card.feedback.review_average is None and card.newsletter.active == 0


def test_chart_bars_scale_to_the_busiest_day_and_label_every_seventh_day():
    from datetime import date

    from domain.scorecard import chart
    days = [sales.Day(date(2026, 2, 2) + timedelta(days=n), orders, orders * 1000)
            for n, orders in enumerate([0] * 26 + [1, 2, 4, 2])]
    bars = chart.bars(days)
    room = chart.HEIGHT - chart.BOTTOM
    assert [b.height for b in bars[-4:]] == [room / 4, room / 2, room, room / 2]
    assert bars[0].height == 0 and bars[-2].y == 0
    assert [b.day.isoformat() for b in bars if b.label] == [
        "2026-02-03", "2026-02-10", "2026-02-17", "2026-02-24", "2026-03-03"]
    assert bars[-1].anchor == "end" and bars[-8].anchor == "middle"
