"""A returning customer's reasons to come back, on a 390 px phone: she signs in with points to
spend, a code that is not for her says why, a code that is applies in the cart and the
breakdown shows its discount line, her points take more off, she buys with one click and the
order page shows what she saved; her rewards page then shows the points spent. axe audits the
cart with a code applied and the rewards page."""
import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from domain.extensions import db
from domain.loyalty import coupons, earning, points, settings as loyalty_settings
from domain.models import Coupon, Order
from tests.checkout_helpers import krw_shop, one_click_customer
from tests.order_helpers import delivered_order

ORDER_HEADING = re.compile(r"^Order [A-Z0-9]{3}-[A-Z0-9]{4}$")
POINTS = 590


def coupon(code, **values):
    values = {"kind": "amount", "value": 0, "min_subtotal": 0, "combine_points": True,
              "combine_coupons": False, "product_ids": [], "category_ids": [], **values}
    db.session.add(Coupon(code=code, code_key=coupons.key_of(code), name=code, **values))


def returning_customer_with_points(app, make, shop):
    """A customer with one-click set up (home address, bank transfer) whose earlier order, a
    large moon jar (₩59,000) delivered two months ago, earned 590 points (1 per ₩100, worth ₩1
    each) that the worker made available when its return window closed. The shop has three
    codes: ₩5,000 off from ₩30,000 (combines with points), 10 % off first orders, and ₩3,000 off
    from ₩60,000."""
    user = one_click_customer(app, make)
    with app.app_context():
        row = loyalty_settings.get()
        row.earn_points, row.earn_per, row.point_value = 1, 100, 1
        coupon("SPRING5000", value=5000, min_subtotal=30_000)
        coupon("WELCOME10", kind="percent", value=1000, first_order_only=True)
        coupon("BIG3000", value=3000, min_subtotal=60_000)
        db.session.commit()
    now = datetime.now(timezone.utc)
    delivered_order(app, {"method": shop["standard"], "variant": shop["large"]},
                    payment="bank_transfer", user_id=user["id"], email=user["email"],
                    now=now - timedelta(days=60), token="tok-earlier")
    with app.test_request_context():
        assert (points.balance(user["id"]), points.pending(user["id"])) == (0, POINTS)
        earning.vest_due(now)
        db.session.commit()
        assert (points.balance(user["id"]), points.pending(user["id"])) == (POINTS, 0)
    return user


def sign_in(page, live_server, user):
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Account", exact=True)).to_be_visible()


def apply_code(page, code):
    page.get_by_label(re.compile(r"^Coupon code")).fill(code)
    page.get_by_role("button", name=re.compile(r"^Apply")).click()


def test_a_returning_customer_applies_a_code_and_points_and_buys_with_one_click(
        phone, live_server, app, make, axe_violations):
    shop = krw_shop(make)
    user = returning_customer_with_points(app, make, shop)
    page = phone
    sign_in(page, live_server, user)

    page.goto(f"{live_server}/products/moon-jar")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status").filter(has_text="Added to your cart")).to_be_visible()
    page.goto(f"{live_server}/cart")
    breakdown = page.get_by_role("table", name="Order summary")
    expect(breakdown.locator("tfoot")).to_contain_text("₩42,000")  # ₩39,000 + ₩3,000 shipping

    # Codes that cannot be used say why and what would fix it, and change nothing.
    apply_code(page, "welcome10")
    expect(page.get_by_role("alert").filter(has_text="Only for first orders")).to_be_visible()
    apply_code(page, "big3000")
    expect(page.get_by_role("alert").filter(
        has_text="Add ₩21,000 more to use this code")).to_be_visible()
    expect(breakdown.locator("tfoot")).to_contain_text("₩42,000")
    expect(breakdown).not_to_contain_text("−")

    # A code that can: its discount line, a lower total, in place.
    apply_code(page, "spring5000")
    expect(breakdown).to_contain_text(re.compile(r"SPRING5000\s*−₩5,000"))
    expect(breakdown.locator("tfoot")).to_contain_text("₩37,000")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []

    # Her points take ₩590 more off; the one-click button says the new total.
    expect(page.locator("#cart-body")).to_contain_text("Points: 590, worth ₩590 on this order.")
    page.get_by_role("button", name="Use my points").click()
    expect(page.get_by_role("button", name="Stop using my points")).to_be_visible()
    expect(breakdown).to_contain_text(re.compile(r"Points \(590\)\s*−₩590"))
    expect(breakdown.locator("tfoot")).to_contain_text("₩36,410")
    buy = page.get_by_role("button", name="Buy now: ₩36,410 to Home, bank transfer")
    expect(buy).to_be_visible()
    buy.click()

    # The order page: what she saved, and what she paid.
    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]{3}-[A-Z0-9]{4}\?placed=1"))
    expect(page.get_by_role("heading", name=ORDER_HEADING, level=1)).to_be_visible()
    totals = page.get_by_role("table", name="Order total")
    expect(totals.get_by_role("row", name=re.compile(r"^Code SPRING5000"))).to_contain_text(
        "−₩5,000")
    expect(totals.get_by_role("row", name=re.compile(r"^Points \(590\)"))).to_contain_text(
        "−₩590")
    expect(totals.locator("tfoot")).to_contain_text("₩36,410")
    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.user_id == user["id"])
                                  .order_by(Order.id.desc()))
        assert (order.discount, order.points_spent, order.points_discount, order.total) == \
            (5590, POINTS, 590, 36_410)
        assert sum(line.discount for line in order.lines) == 5590
        assert coupons.by_code("SPRING5000").used_count == 1
        assert points.balance(user["id"]) == 0

    # The rewards page: the points spent on that order, nothing left to spend.
    page.goto(f"{live_server}/account/rewards")
    expect(page.get_by_role("heading", name="Your rewards", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Points", exact=True)).to_contain_text(
        "0 points available")
    spent = page.locator("#ledger").get_by_role(
        "row", name=re.compile(rf"^Spent · Order {order.number}"))
    expect(spent).to_contain_text("−590")
    expect(page.locator("#ledger")).to_contain_text("+590")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
