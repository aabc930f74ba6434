"""What the counters say (domain/trending.py): this week's trending products, and the "what
converts" funnel per product over a period of the shop's days, a page at a time."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain import trending
from domain.extensions import db
from domain.models import DailyCounter, Product
from tests.order_helpers import advance, place, shop_with_a_product

SEOUL = ZoneInfo("Asia/Seoul")
# 00:30 in Seoul on March 10th (15:30 UTC on the 9th).
NOW = datetime(2026, 3, 9, 15, 30, tzinfo=timezone.utc)
TODAY = NOW.astimezone(SEOUL).date()


@pytest.fixture
def shop(app, make):
    setup = shop_with_a_product(make, timezone="Asia/Seoul")
    with app.app_context():
        setup["jar"] = db.session.scalar(db.select(Product.id))
    setup["others"] = [make.product(title=f"Cup {n}")["id"] for n in range(3)]
    return setup


def counts(app, rows):
    with app.app_context():
        for product_id, kind, n, day in rows:
            db.session.add(DailyCounter(day=day, product_id=product_id, kind=kind, count=n))
        db.session.commit()


def test_the_period_is_the_shops_days_for_views_and_orders(app, shop):
    """Seven days end with today in Seoul (it is already March 10th there): an order placed at
    23:50 Seoul time on the 3rd is outside, one at 00:10 on the 4th inside, as are views."""
    jar = shop["jar"]
    first_day = TODAY - timedelta(days=6)
    counts(app, [(jar, "view", 8, first_day), (jar, "view", 100, first_day - timedelta(days=1))])
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=SEOUL)
    place(app, shop, now=(start - timedelta(minutes=10)).astimezone(timezone.utc))
    place(app, shop, email="in@example.com", now=(start + timedelta(minutes=10)).astimezone(timezone.utc))
    cancelled = place(app, shop, email="gone@example.com", now=NOW - timedelta(hours=1))
    advance(app, cancelled["number"], "cancelled")
    with app.app_context():
        funnel = trending.conversions(NOW, SEOUL, days=7)
        row = next(r for r in funnel.rows.items if r.product.id == jar)
        assert (funnel.first_day, funnel.last_day) == (first_day, TODAY)
        assert (row.views, row.carts, row.orders) == (8, 0, 1)
        assert (row.cart_rate, row.order_rate) == (0, 1250)  # 12.5 %


def test_the_table_pages_and_sorts_every_product_on_sale(app, shop, make):
    jar, (a, b, c) = shop["jar"], shop["others"]
    make.product(title="Draft", status="draft")
    counts(app, [(jar, "view", 10, TODAY), (a, "view", 30, TODAY), (a, "cart", 3, TODAY),
                 (b, "view", 20, TODAY), (b, "cart", 10, TODAY)])
    with app.app_context():
        def ids(**kwargs):
            funnel = trending.conversions(NOW, SEOUL, per_page=2, **kwargs)
            return funnel.rows.total, [r.product.id for r in funnel.rows.items]
        assert ids() == (4, [a, b])
        assert ids(page=2) == (4, [jar, c])
        assert ids(page=99) == (4, [jar, c])  # past the end: the last page
        assert ids(sort="cart_rate") == (4, [b, a])  # 50 %, 10 %; no views last
        assert ids(sort="cart_rate", page=2) == (4, [jar, c])
        assert ids(sort="views", descending=False) == (4, [c, jar])


def test_trending_weighs_cart_adds_and_leaves_out_sold_out_and_rare_products(app, shop, make):
    jar, (a, b, c) = shop["jar"], shop["others"]
    gone = make.product(title="Sold out", stock=0)["id"]
    counts(app, [(jar, "view", 20, TODAY), (a, "view", 5, TODAY), (a, "cart", 4, TODAY),
                 (b, "view", 2, TODAY), (gone, "view", 99, TODAY),
                 (c, "view", 50, TODAY - timedelta(days=7))])
    with app.app_context():
        assert [p.id for p in trending.trending(NOW, SEOUL)] == [a, jar]  # 25 beats 20


def test_only_a_product_on_sale_can_be_featured(app, shop, make):
    draft = make.product(title="Draft", status="draft")["id"]
    with app.app_context():
        with pytest.raises(trending.NotOnSale):
            trending.feature(db.session.get(Product, draft), True)
        assert trending.feature(db.session.get(Product, shop["jar"]), True) is True
        assert trending.feature(db.session.get(Product, shop["jar"]), False) is False
