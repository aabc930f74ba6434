"""Counting views and cart adds from the pages (no write on a page view, cache hits included),
the home page's "Trending this week", and the back office's "what converts" table with its
"feature on the home page" switch."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import counters
from domain.extensions import db
from domain.models import CounterBatch, DailyCounter, Product
from tests.checkout_helpers import buy_now_form
from tests.order_helpers import NOW, advance, place
from tests.page_helpers import csrf_of, text

SEOUL = ZoneInfo("Asia/Seoul")
TODAY = NOW.astimezone(SEOUL).date()
BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1"}
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def shop(app, checkout_shop):
    app.config["CLOCK"] = lambda: NOW
    return checkout_shop


def pending(app):
    """This process's counts not handed over yet: {(product_id, kind): n} for today."""
    return {(product_id, kind): n
            for (day, product_id, kind), n in counters.tally(app).pending().items()}


def stored(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def add_counts(app, rows):
    """Folded figures as the worker leaves them: (product_id, kind, count, days ago)."""
    with app.app_context():
        for product_id, kind, count, days_ago in rows:
            db.session.add(DailyCounter(day=TODAY - timedelta(days=days_ago),
                                        product_id=product_id, kind=kind, count=count))
        db.session.commit()


def test_a_product_page_view_writes_nothing_and_a_cached_hit_counts_too(app, client, shop,
                                                                      count_queries):
    jar = shop["jar"]
    with count_queries() as first:
        assert client.get("/products/moon-jar", headers=BROWSER).status_code == 200
    with count_queries() as second:
        assert client.get("/products/moon-jar", headers=BROWSER).status_code == 200
    assert [s for s in first if s.lstrip().upper().startswith(WRITES)] == []
    assert second == []  # the stored copy: not a query, yet counted
    assert pending(app) == {(jar["id"], "view"): 2}
    assert stored(app, CounterBatch) == 0 and stored(app, DailyCounter) == 0
    # Handed over off the request path and folded by the worker: two views today.
    counters.hand_over(app)
    with app.app_context():
        counters.fold()
        assert counters.totals(jar["id"], TODAY, TODAY) == {"view": 2, "cart": 0}


def test_robots_head_requests_fragments_and_the_shops_people_are_not_views(
        app, client, shop, make, login):
    jar = shop["jar"]
    client.get("/products/moon-jar", headers=BROWSER)  # stored now
    client.head("/products/moon-jar", headers=BROWSER)
    client.get("/products/moon-jar", headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    client.get("/products/moon-jar", headers={"User-Agent": ""})
    client.get("/products/moon-jar", headers={**BROWSER, "Sec-Purpose": "prefetch"})
    # The buy box of another size, swapped in by htmx: the same page, not another view.
    client.get(f"/products/moon-jar?variant={shop['large']}", headers={**BROWSER, "HX-Request": "true"})
    assert pending(app) == {(jar["id"], "view"): 1}
    # A boosted link is a page a person opened.
    client.get("/products/moon-jar", headers={**BROWSER, "HX-Request": "true", "HX-Boosted": "true"})
    assert pending(app) == {(jar["id"], "view"): 2}
    login(make.user(email="boss@example.com", merchant=True))
    client.get("/products/moon-jar", headers=BROWSER)
    assert pending(app) == {(jar["id"], "view"): 2}


def test_a_signed_in_customers_view_counts(app, client, shop, make, login):
    login(make.user(email="minji@example.com"))
    client.get("/products/moon-jar", headers=BROWSER)
    client.get("/products/moon-jar", headers=BROWSER)
    assert pending(app) == {(shop["jar"]["id"], "view"): 2}


def test_a_cart_add_counts_once_and_a_refused_one_not(app, client, shop):
    jar = shop["jar"]
    html = text(client.get("/products/moon-jar", headers=BROWSER))
    form = {"csrf_token": csrf_of(html), "product": "moon-jar", "variant_id": shop["small"]}
    assert client.post("/cart/add", data={**form, "quantity": 2}).status_code == 303
    html = text(client.get("/products/moon-jar", headers=BROWSER))  # with the cart's session
    form["csrf_token"] = csrf_of(html)
    response = client.post("/cart/add", data={**form, "quantity": 9})
    assert response.status_code == 422
    assert "your cart already has 2" in text(response)
    assert pending(app) == {(jar["id"], "view"): 2, (jar["id"], "cart"): 1}
    assert stored(app, CounterBatch) == 0


def test_buy_now_on_a_product_page_counts_as_its_cart_add(app, client, customer, shop):
    html = text(client.get("/products/moon-jar", headers=BROWSER))
    response = client.post("/checkout/buy-now", data=buy_now_form(html, shop["small"]))
    assert response.status_code == 303
    assert pending(app) == {(shop["jar"]["id"], "view"): 1, (shop["jar"]["id"], "cart"): 1}


def trending_block(html):
    if 'id="trending-heading"' not in html:
        return []
    block = html[html.index('id="trending-heading"'):]
    block = block[:block.index("</section>")]
    return re.findall(r'class="card-title">([^<]+)<', block)


def test_the_home_page_shows_this_weeks_trending_products(app, client, shop, make):
    cup, jar = shop["cup_product"], shop["jar"]
    gone = make.product("Sold-out vase", stock=0)
    once = make.product("Rarely seen plate")
    old = make.product("Last month's bowl")
    add_counts(app, [(cup["id"], "view", 10, 0),
                     (jar["id"], "view", 4, 6), (jar["id"], "cart", 2, 1),  # 4 + 5 x 2 = 14
                     (gone["id"], "view", 50, 0),  # sold out: not offered
                     (once["id"], "view", 2, 0),  # too few views to trend
                     (old["id"], "view", 100, 7)])  # eight days ago: not this week
    assert trending_block(text(client.get("/"))) == ["Moon jar", "Tea cup"]


def test_trending_is_redrawn_once_the_refresh_period_has_passed(app, client, shop):
    """The worker's folds do not empty the page cache: the home page keeps its block until the
    next stretch of TRENDING_REFRESH_SECONDS, then shows the new order."""
    cup, jar = shop["cup_product"], shop["jar"]
    add_counts(app, [(jar["id"], "view", 5, 0), (cup["id"], "view", 3, 0)])
    assert trending_block(text(client.get("/"))) == ["Moon jar", "Tea cup"]
    for _ in range(9):
        client.get(f"/products/{cup['slug']}", headers=BROWSER)
    counters.hand_over(app)
    with app.app_context():
        counters.fold()
    assert trending_block(text(client.get("/"))) == ["Moon jar", "Tea cup"]  # the kept copy
    app.config["CLOCK"] = lambda: NOW + timedelta(seconds=app.config["TRENDING_REFRESH_SECONDS"])
    assert trending_block(text(client.get("/"))) == ["Tea cup", "Moon jar"]


def test_no_trending_block_without_counts(client, shop):
    html = text(client.get("/"))
    assert trending_block(html) == [] and "Trending this week" not in html


def test_trending_in_korean(app, client, shop):
    add_counts(app, [(shop["jar"]["id"], "view", 5, 0)])
    assert "이번 주 인기 상품" in text(client.get("/", headers={"Accept-Language": "ko"}))


def table_rows(html):
    """[(product, views, carts, cart rate, orders, conversion, home page)] of the table."""
    rows = []
    for row in re.findall(r'<tr role="row">\s*<th scope="row".*?</tr>', html, re.S):
        title = re.search(r'<a href="/admin/products/\d+/edit">([^<]+)</a>', row).group(1)
        cells = [re.sub(r"<[^>]+>", "", c).strip()
                 for c in re.findall(r'<td role="cell"[^>]*>(.*?)</td>', row, re.S)]
        rows.append((title, *cells[:5], re.sub(r"\s+", " ", cells[5])))
    return rows


@pytest.fixture
def funnel(app, shop):
    """The jar: 10 views and 4 cart adds this week, one order (and a cancelled one); the cup:
    5 views and 1 cart add 20 days ago."""
    jar, cup = shop["jar"], shop["cup_product"]
    add_counts(app, [(jar["id"], "view", 10, 0), (jar["id"], "cart", 4, 2),
                     (cup["id"], "view", 5, 20), (cup["id"], "cart", 1, 20)])
    setup = {"method": shop["standard"], "variant": shop["small"]}
    place(app, setup, now=NOW - timedelta(hours=1))
    cancelled = place(app, setup, email="other@example.com", now=NOW - timedelta(hours=2))
    advance(app, cancelled["number"], "cancelled")
    return shop


def test_what_converts_shows_views_cart_adds_orders_and_rates(client, merchant, funnel):
    html = text(client.get("/admin/converts?days=7"))
    assert "What converts" in html
    assert table_rows(html) == [
        ("Moon jar", "10", "4", "40 %", "1", "10 %", "Feature Moon jar"),
        ("Tea cup", "0", "0", "–", "0", "–", "Feature Tea cup")]
    html = text(client.get("/admin/converts?days=30"))
    assert ("Tea cup", "5", "1", "20 %", "0", "0 %", "Feature Tea cup") in table_rows(html)
    # Sorted by any column, either way.
    assert [r[0] for r in table_rows(text(client.get("/admin/converts?days=30&sort=views&dir=asc")))] \
        == ["Tea cup", "Moon jar"]
    assert [r[0] for r in table_rows(text(client.get("/admin/converts?days=30&sort=cart_rate")))] \
        == ["Moon jar", "Tea cup"]
    assert [r[0] for r in table_rows(text(client.get("/admin/converts?days=30&sort=title")))] \
        == ["Moon jar", "Tea cup"]
    # Nonsense in the address gives the default view, not an error.
    assert client.get("/admin/converts?days=12&sort=evil&dir=up&page=x").status_code == 200


def test_featuring_from_the_table_puts_the_product_on_the_home_page(app, client, post, merchant,
                                                                    funnel):
    jar = funnel["jar"]
    response = post(f"/admin/converts/{jar['id']}/feature?days=7&sort=orders&page=1",
                    {"featured": "1"}, token_from="/admin/converts")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/converts?days=7&sort=orders&page=1"
    page = text(client.get(response.headers["Location"]))
    assert "“Moon jar” is now featured on the home page." in page
    assert ("Moon jar", "10", "4", "40 %", "1", "10 %", "Featured Stop featuring Moon jar") \
        in table_rows(page)
    home = text(client.get("/"))
    featured = home[home.index('id="featured-heading"'):]
    assert "Moon jar" in featured[:featured.index("</section>")]
    response = post(f"/admin/converts/{jar['id']}/feature", {"featured": "0"},
                    token_from="/admin/converts")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Product, jar["id"]).featured is False
    assert 'id="featured-heading"' not in text(client.get("/"))


def test_a_draft_cannot_be_featured_and_nothing_changes(app, client, post, merchant, shop, make):
    draft = make.product("Unfinished jar", status="draft")
    response = post(f"/admin/converts/{draft['id']}/feature", {"featured": "1"},
                    token_from="/admin/converts")
    assert response.status_code == 422
    assert "Only a product on sale can be featured" in text(response)
    response = post(f"/admin/converts/{shop['jar']['id']}/feature", {"featured": "maybe"},
                    token_from="/admin/converts")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalars(db.select(Product.featured)).all() == [False, False, False]
    assert client.post(f"/admin/converts/{shop['jar']['id']}/feature",
                       data={"featured": "1"}).status_code == 400  # no CSRF token


def test_staff_may_not_open_what_converts(app, client, post, shop, make, login):
    login(make.user(email="clerk@example.com", role="staff"))
    assert client.get("/admin/converts").status_code == 403
    response = post(f"/admin/converts/{shop['jar']['id']}/feature", {"featured": "1"},
                    token_from="/admin/orders")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Product, shop["jar"]["id"]).featured is False
    assert 'href="/admin/converts"' not in text(client.get("/admin/orders"))


def test_the_owner_finds_it_in_the_navigation_in_korean(client, merchant, funnel):
    html = text(client.get("/admin/converts", headers={"Accept-Language": "ko"}))
    assert 'href="/admin/converts"' in html
    assert "전환 분석" in html and "조회수" in html


def test_the_demo_shows_trending_products_and_what_converts(app, client, demo_shop, make, login):
    """What `make run` shows: the home page's block with four products, and the owner's
    table with views, cart adds and orders."""
    assert len(trending_block(text(client.get("/")))) == 4
    login(make.user(email="owner@example.com", merchant=True))
    rows = table_rows(text(client.get("/admin/converts")))
    assert len(rows) == 30  # the first page
    views = [int(r[1].replace(",", "")) for r in rows]
    assert views == sorted(views, reverse=True) and views[0] > 50
    assert any(int(r[4]) > 0 for r in rows)  # orders from the demo's order lines
