"""Coupons and points under real concurrency: a threaded server on the test database (a SQLite
file, or PostgreSQL with TEST_DATABASE_URL), many browsers pressing "Place order" at once."""
from concurrent.futures import ThreadPoolExecutor

from domain.extensions import db
from domain.loyalty import coupons
from domain.models import Coupon, CouponUse, Order, User
from tests.checkout_helpers import krw_shop
from tests.concurrency_helpers import Buyer, race
from tests.page_helpers import csrf_of


def _with_code(buyer, shop, code, n):
    """The buyer's cart holds a jar, the code is applied with the field, and the order form is
    filled in with the buyer's own email."""
    form = buyer.ready_to_pay(shop)
    status, _, _ = buyer.request("/checkout/coupon", {"csrf_token": form["csrf_token"],
                                                      "coupon_code": code})
    assert status == 303
    return {**form, "email": f"buyer{n}@example.com"}


def test_fifty_checkouts_on_a_limit_of_ten_give_exactly_ten_orders(app, make, live_server):
    shop = krw_shop(make, stock=100)
    with app.app_context():
        db.session.add(Coupon(code="TEN", code_key="TEN", kind="amount", value=5000,
                              usage_limit=10, product_ids=[], category_ids=[]))
        db.session.commit()
    buyers = [Buyer(live_server) for _ in range(50)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        forms = list(pool.map(lambda nb: _with_code(nb[1], shop, "ten", nb[0]),
                              enumerate(buyers)))

    answers = race([lambda b=b, f=f: b.request("/checkout", f) for b, f in zip(buyers, forms)])

    statuses = sorted(status for status, _, _ in answers)
    refused = [body for status, _, body in answers if status != 303]
    print(f"\n50 checkouts, a code for 10: {statuses.count(303)} orders, "
          f"{statuses.count(422)} refusals, other statuses {set(statuses) - {303, 422}}")
    assert statuses == [303] * 10 + [422] * 40
    for body in refused:
        assert "database is locked" not in body
        assert "used up" in body and "Nothing was ordered or charged" in body
    with app.app_context():
        coupon = coupons.by_code("TEN")
        assert coupon.used_count == 10
        placed = db.session.scalars(db.select(Order)).all()
        assert len(placed) == 10 and all(order.discount == 5000 for order in placed)
        assert db.session.scalar(db.select(db.func.count(CouponUse.id))) == 10


def test_two_tabs_spending_the_same_points_one_wins_the_other_is_told(app, make, live_server):
    shop = krw_shop(make, stock=10)
    user = make.user("points@example.com")
    with app.app_context():
        db.session.get(User, user["id"]).points_balance = 1500
        db.session.commit()
    tabs = [Buyer(live_server).sign_in(user) for _ in range(2)]
    forms = []
    for tab in tabs:
        form = tab.ready_to_pay(shop)
        _, _, html = tab.request("/checkout?points_offered=1&use_points=1")
        assert "Use my points (1,500, worth ₩1,500)" in html
        forms.append({**form, "csrf_token": csrf_of(html), "email": user["email"],
                      "use_points": "1", "points_expected": "1500"})

    answers = race([lambda t=t, f=f: t.request("/checkout", f) for t, f in zip(tabs, forms)])

    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [303, 422], statuses
    body = next(body for status, _, body in answers if status == 422)
    assert "used by another order" in body and "Nothing was ordered or charged" in body
    with app.app_context():
        assert db.session.get(User, user["id"]).points_balance == 0
        order = db.session.scalar(db.select(Order))
        assert (order.points_spent, order.discount) == (1500, 1500)
