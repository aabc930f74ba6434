"""The scorecard on the dashboard (chart, table, empty shop, what staff see), the order list's
late badge and filter, and the handling-days setting."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from domain.extensions import db
from domain.models import ShopSettings
from tests.page_helpers import text
from tests.scorecard_helpers import order_row
from tests.web.test_admin_settings import settings_form

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: NOW
    make.settings(name="Moonjar", currency="KRW", timezone="Asia/Seoul")


def seed(app, count=3):
    with app.app_context():
        for n in range(count):
            order_row(NOW - timedelta(days=n, hours=1), total=42000, email=f"c{n % 2}@example.com")
        order_row(NOW - timedelta(days=1), total=999000, status="cancelled")
        order_row(NOW - timedelta(days=3), status="paid", ship_by=NOW - timedelta(hours=2),
                  email="late@example.com")
        order_row(NOW - timedelta(hours=5), status="paid", ship_by=NOW + timedelta(days=1),
                  email="intime@example.com")
        db.session.commit()


def test_owner_sees_the_chart_with_its_table_and_money(app, client, shop, merchant):
    seed(app)
    html = text(client.get("/admin/"))
    svg = re.search(r'<svg class="sales-chart" role="img" aria-labelledby="sales-chart-title '
                    r'sales-chart-desc".*?</svg>', html, re.S).group(0)
    assert '<title id="sales-chart-title">Orders per day, Feb 2 to Mar 3</title>' in svg
    # Three ₩42,000 orders and two paid ₩10,000 ones; the cancelled one is no sale.
    assert "5 orders in all." in svg and "Busiest day: Mar 3 with 2 orders." in svg
    assert svg.count("<rect") == 4  # four days with orders
    assert "<summary>Show the figures as a table</summary>" in html
    assert "Revenue: <strong>₩146,000</strong>" in html
    assert "Average order value: <strong>₩29,200</strong>" in html
    row = re.search(r'<tr><th scope="row">Mar 3, 2026</th><td class="num">2</td>\s*'
                    r'<td class="num">₩52,000</td>\s*<td class="num">₩26,000</td>', html)
    assert row, "today's row: two orders, ₩52,000, ₩26,000 on average"
    assert "1 order not shipped and past its ship-by day" in html


def test_staff_read_the_figures_without_money(app, client, shop, make, login):
    seed(app)
    login(make.user(email="clerk@example.com", role="staff"))
    html = text(client.get("/admin/"))
    assert "5 orders in all." in html and "1 order not shipped" in html
    assert "Revenue" not in html and "₩" not in html and "Points outstanding" not in html


def test_an_empty_shop_says_what_will_appear(client, shop, merchant):
    html = text(client.get("/admin/"))
    assert "No sales in this period yet." in html and "<svg" not in html
    assert "No customers yet" in html
    assert "No orders shipped in the last 30 days." in html
    assert "No orders delivered in the last 90 days: no return rate yet." in html
    assert "No reviews written in the last 30 days." in html
    assert "0 confirmed newsletter subscribers now." in html
    # The dashboard's other content is still there, with the reply promise beside the times.
    assert "Ready for customers?" in html and "Low stock" in html
    assert "Your reply promise: within 120 min of a question asked in business hours" in html


def test_dashboard_queries_do_not_grow_with_orders(app, client, shop, merchant, count_queries):
    seed(app, count=2)
    with count_queries() as few:
        assert client.get("/admin/").status_code == 200
    seed(app, count=40)
    with count_queries() as many:
        assert client.get("/admin/").status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 60


def test_late_orders_are_flagged_and_filtered(app, client, shop, merchant):
    seed(app)
    listing = text(client.get("/admin/orders"))
    assert listing.count('<span class="late">') == 1
    assert re.search(r'Late to ship <span class="count">1</span>', listing)
    late = text(client.get("/admin/orders?late=1"))
    assert "late@example.com" in late and "intime@example.com" not in late
    assert "c0@example.com" not in late
    assert "1 order</p>" in late
    with app.app_context():
        order_row(NOW - timedelta(days=9), status="shipped", ship_by=NOW - timedelta(days=5),
                  email="shippedlate@example.com")
        db.session.commit()
    # Shipped late is history (the scorecard counts it), not an order to chase.
    assert "shippedlate@example.com" not in text(client.get("/admin/orders?late=1"))


def test_no_late_orders_says_so(client, shop, merchant):
    assert "No order is late" in text(client.get("/admin/orders?late=1"))


def handling_days(app):
    with app.app_context():
        return db.session.get(ShopSettings, 1).handling_days


def test_handling_days_are_saved_and_give_new_orders_their_ship_by(app, client, post, shop,
                                                                    merchant):
    assert 'name="handling_days"' in text(client.get("/admin/settings"))
    assert post("/admin/settings", settings_form(handling_days="4")).status_code == 303
    assert handling_days(app) == 4
    assert 'value="4"' in text(client.get("/admin/settings"))
    # Left out (an older form): kept.
    assert post("/admin/settings", settings_form()).status_code == 303
    assert handling_days(app) == 4


@pytest.mark.parametrize("value, message", [
    ("-1", "Number must be between 0 and 30."), ("31", "Number must be between 0 and 30."),
    ("two", "Not a valid integer value."), ("", "Enter a whole number.")])
def test_bad_handling_days_are_refused(app, post, shop, merchant, value, message):
    response = post("/admin/settings", settings_form(handling_days=value))
    assert response.status_code == 422
    html = text(response)
    assert message in html and 'id="handling_days-error" role="alert"' in html
    assert handling_days(app) == 2
