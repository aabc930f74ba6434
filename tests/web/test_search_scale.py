"""Search that reads a bounded number of matches: the same answers on a small catalogue, and an
honest "more than" with working pages when a word matches more products than it ranks."""
import re

import pytest

from domain import catalog
from domain.extensions import db
from domain.models import Product
from tests.page_helpers import text

KO = {"Accept-Language": "ko-KR,ko;q=0.9"}


@pytest.fixture
def catalogue(app, make):
    """Eleven products in English and Korean; one draft that must never be found."""
    make.settings(currency="KRW")

    def product(title, ko, description="", tags="", sales=0, status="active"):
        made = make.product(title, description_md=description, tags=tags, status=status,
                            translations={"ko": {"title": ko}})
        if sales:
            with app.app_context():
                db.session.get(Product, made["id"]).sales_count = sales
                db.session.commit()
        return made

    product("Linen Mug", "리넨 머그컵", "A mug with a linen-textured glaze.", sales=3)
    product("Linen Tea Towel", "리넨 행주", "Woven linen, washed soft.", tags="kitchen, gift")
    product("Stoneware Mug", "석기 머그컵", "Pairs well with our linen napkins.", sales=9)
    product("Coffee Mug Set", "커피머그컵 세트", "Two mugs for coffee.", tags="gift")
    product("Walnut Tray", "호두나무 쟁반", "Oiled walnut.", sales=1)
    product("Walnut Board", "호두나무 도마", "A board for bread.")
    product("Oak Tray", "참나무 쟁반", "Solid oak, for tea.")
    product("Cup", "컵", "A small cup.", sales=5)
    product("Linen Napkin", "리넨 냅킨", "Set of four.", tags="linen, gift")
    product("Tea Cup", "찻잔", "For green tea.", tags="tea")
    product("Mug Rack", "머그 거치대", "Holds six mugs.")
    product("Linen Draft", "리넨 초안", "Not for sale yet.", status="draft")


# The first page each query gave before search stopped ranking every match (computed with the
# full ranking, which a catalogue this small still gets): best match first, then best sellers.
BEFORE = {
    "linen": ["Linen Napkin", "Linen Mug", "Linen Tea Towel", "Stoneware Mug"],
    "mug": ["Mug Rack", "Coffee Mug Set", "Linen Mug", "Stoneware Mug"],
    "linen mug": ["Linen Mug", "Stoneware Mug"],
    "tea": ["Tea Cup", "Linen Tea Towel", "Oak Tray"],
    "li": ["Linen Napkin", "Linen Mug", "Linen Tea Towel", "Stoneware Mug"],
    "머그컵": ["Coffee Mug Set", "Linen Mug", "Stoneware Mug"],
    "머그": ["Mug Rack", "Linen Mug", "Stoneware Mug", "Coffee Mug Set"],
    "컵": ["Cup", "Linen Mug", "Stoneware Mug", "Coffee Mug Set"],
    "호두나무 쟁반": ["Walnut Tray"],
    "쟁반": ["Walnut Tray", "Oak Tray"],
    "리넨": ["Linen Napkin", "Linen Mug", "Linen Tea Towel"],
    "zebra": [],
}

# PostgreSQL (the portable search): every match in the featured order, best sellers first.
BEFORE_PORTABLE = {
    "linen": ["Stoneware Mug", "Linen Mug", "Linen Napkin", "Linen Tea Towel"],
    "mug": ["Stoneware Mug", "Linen Mug", "Mug Rack", "Coffee Mug Set"],
    "linen mug": ["Stoneware Mug", "Linen Mug"],
    "tea": ["Tea Cup", "Oak Tray", "Linen Tea Towel"],
    "li": ["Stoneware Mug", "Linen Mug", "Linen Napkin", "Oak Tray", "Linen Tea Towel"],
    "머그컵": ["Stoneware Mug", "Linen Mug", "Coffee Mug Set"],
    "머그": ["Stoneware Mug", "Linen Mug", "Mug Rack", "Coffee Mug Set"],
    "컵": ["Stoneware Mug", "Cup", "Linen Mug", "Coffee Mug Set"],
    "호두나무 쟁반": ["Walnut Tray"],
    "쟁반": ["Walnut Tray", "Oak Tray"],
    "리넨": ["Linen Mug", "Linen Napkin", "Linen Tea Towel"],
    "zebra": [],
}


def titles(page):
    return [p.title for p in page.items]


@pytest.mark.parametrize("q", sorted(BEFORE))
def test_a_small_catalogue_gets_the_same_first_page_as_before(app, catalogue, q):
    with app.test_request_context():
        expected = (BEFORE if db.engine.dialect.name == "sqlite" else BEFORE_PORTABLE)[q]
        page = catalog.search(q)
    assert titles(page) == expected
    assert page.total == len(expected) and not page.more


def test_more_matches_than_the_index_scores_are_ranked_by_title_then_best_sellers(
        app, catalogue, monkeypatch):
    """Past SEARCH_SCORED matches the index's score is skipped (it reads every match): the
    products with the word in their title first, best sellers first, then the newest. Every
    match is still counted and shown. (PostgreSQL has no score: the featured order as before.)"""
    monkeypatch.setattr(catalog, "SEARCH_SCORED", 3)
    with app.test_request_context():
        page = catalog.search("linen")
        expected = (["Linen Mug", "Linen Napkin", "Linen Tea Towel", "Stoneware Mug"]
                    if db.engine.dialect.name == "sqlite" else BEFORE_PORTABLE["linen"])
    assert titles(page) == expected
    assert page.total == 4 and not page.more


def test_a_search_with_more_matches_than_it_ranks_says_more_than_and_pages_through_them(
        app, make):
    """Twelve cups and a window of five: "more than 5", pages of two over the five newest."""
    made = [make.product(f"Cup {n}") for n in range(12)]
    with app.test_request_context():
        first = catalog.search("cup", per_page=2, window=5)
        third = catalog.search("cup", page=3, per_page=2, window=5)
        past_the_end = catalog.search("cup", page=9, per_page=2, window=5)
    assert first.more and first.total == 5 and first.pages == 3 and first.has_next
    newest = {m["title"] for m in made[-5:]}
    assert set(titles(first)) | set(titles(third)) <= newest
    assert len(first.items) == 2 and len(third.items) == 1 and not third.has_next
    # An old link past the last page shows the last one.
    assert past_the_end.page == 3 and titles(past_the_end) == titles(third)


def test_sorting_by_price_with_more_matches_than_the_window_still_starts_at_the_cheapest(
        app, make):
    """The window bounds the ranking, not the price order: the cheapest cup is the oldest."""
    make.product("Cup cheapest", price=1000)
    for n in range(8):
        make.product(f"Cup {n}", price=5000 + n)
    with app.test_request_context():
        page = catalog.search("cup", sort="price_asc", per_page=3, window=4)
    assert page.more and page.total == 4
    assert titles(page) == ["Cup cheapest", "Cup 0", "Cup 1"]


def test_the_search_page_says_more_than_and_links_the_next_page(client, make, monkeypatch):
    for n in range(30):
        make.product(f"Cup {n}")
    monkeypatch.setattr(catalog, "SEARCH_WINDOW", 26)
    first = text(client.get("/search?q=cup"))
    assert "More than 26 results for “cup”: add a word to narrow them down." in first
    assert "Page 1 of 2" in first
    assert re.search(r'<a rel="next" href="/search\?q=cup&amp;page=2">', first)
    second = text(client.get("/search?q=cup&page=2"))
    assert len(re.findall(r'<li class="card">', second)) == 2
    korean = text(client.get("/search?q=cup", headers=KO))
    assert "“cup” 검색 결과가 26개가 넘습니다." in korean


def test_fewer_matches_than_the_window_are_counted_exactly(client, make, monkeypatch):
    for n in range(3):
        make.product(f"Cup {n}")
    monkeypatch.setattr(catalog, "SEARCH_WINDOW", 3)
    assert "3 results for “cup”" in text(client.get("/search?q=cup"))
    make.product("Cup 3")
    assert "More than 3 results" in text(client.get("/search?q=cup&again=1"))


def test_past_the_window_title_matches_come_first_then_best_sellers_then_newest(app, make):
    """Too many matches to score them all: of the five newest, the ones named after the word
    lead, best seller first; the ones that only mention it follow, newest first."""
    make.product("Cup one", description_md="The oldest, outside the window.")
    make.product("Plate", description_md="Goes with a cup.")
    make.product("Cup three")
    make.product("Bowl", description_md="Cup-sized.")
    make.product("Cup five")
    six = make.product("Cup six")
    with app.app_context():
        db.session.get(Product, six["id"]).sales_count = 4
        db.session.commit()
    with app.test_request_context():
        page = catalog.search("cup", window=5)
    assert page.more and page.total == 5
    assert titles(page) == ["Cup six", "Cup five", "Cup three", "Bowl", "Plate"]


def test_the_window_holds_the_newest_matches_when_they_are_far_apart(app, make):
    """Matches spread over older products: the search reads further back until the window is
    full, and counts exactly the newest ones (window 3, a first range of 6 ids)."""
    cups = [make.product(f"Cup {n}") for n in range(3)]
    for n in range(12):
        make.product(f"Plate {n}")
    cups.append(make.product("Mug with a cup handle"))
    for n in range(6):
        make.product(f"Bowl {n}")
    cups.append(make.product("Cup 4"))
    with app.test_request_context():
        page = catalog.search("CUP", window=3)
        everything = catalog.search("cup", window=10)
    assert page.more and page.total == 3
    assert set(titles(page)) == {"Cup 4", "Mug with a cup handle", "Cup 2"}
    assert not everything.more and everything.total == 5


@pytest.mark.parametrize("sort", catalog.SORTS)
def test_matches_in_the_window_are_sorted_as_the_catalogue_sorts_them(app, make, sort):
    """Every sort of a search without more matches than its window (which orders the matches
    it already read) gives the catalogue's own order: ties in price by id, the merchant's
    picks first, then best sellers, then newest."""
    for n, (price, featured, sales) in enumerate([(3000, False, 0), (1000, True, 0),
                                                  (3000, False, 5), (2000, True, 0),
                                                  (1000, False, 5), (3000, False, 0)]):
        made = make.product(f"Cup {n}", price=price, featured=featured, featured_position=1)
        with app.app_context():
            db.session.get(Product, made["id"]).sales_count = sales
            db.session.commit()
    with app.test_request_context():
        found = catalog.search("cup", sort=sort)
        listed = catalog.listing(sort=sort)
    assert not found.more and titles(found) == titles(listed)


@pytest.fixture
def search_shop(app):
    """1,500 products bulk-loaded as the benchmark loads them (vacuumed and analysed on
    PostgreSQL)."""
    from bench import seed
    with app.app_context():
        seed.products(db, 1500, seed.categories(db), app.config["UPLOAD_FOLDER"])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would have done by now: the index's pending entries merged, statistics.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE product")
    return app


def test_search_reads_its_index_rather_than_every_product(search_shop):
    """However many products, a search reads its index, on either database."""
    with search_shop.app_context():
        dialect = db.engine.dialect.name
    (_sqlite_plans if dialect == "sqlite" else _postgres_plans)(search_shop)


def _sqlite_plans(search_shop):
    """On SQLite the window is read from the full-text index, and the product table is only
    probed by id for each match, never walked."""
    from sqlalchemy import event
    plans = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        if "MATCH" in statement:
            other = cursor.connection.cursor()
            plans.append([row[-1] for row in other.execute("EXPLAIN QUERY PLAN " + statement,
                                                           parameters).fetchall()])

    with search_shop.test_request_context():
        event.listen(db.engine, "after_cursor_execute", explain)
        try:
            totals = [catalog.search(query).total for query in ("linen", "linen mug", "머그컵")]
        finally:
            event.remove(db.engine, "after_cursor_execute", explain)
    assert all(totals) and plans
    for plan in plans:
        assert any(step.startswith("SCAN product_fts VIRTUAL TABLE INDEX") for step in plan), plan
        product_steps = [step for step in plan if " product " in step + " "]
        assert product_steps and all("USING INTEGER PRIMARY KEY" in step
                                     for step in product_steps), plan


def _postgres_plans(search_shop):
    """Past the newest products, which it checks one by one, the window is read through the
    trigram index of the word list (not by walking the products and checking each one's
    texts); the planner settings that needs end with the search: the rest of the request plans
    as usual."""
    from sqlalchemy import event
    plans = {}

    def explain(conn, cursor, statement, parameters, context, executemany):
        if "search_words LIKE" in statement and "ORDER BY" in statement:
            with cursor.connection.cursor() as other:
                other.execute("EXPLAIN " + statement, parameters)
                plans.setdefault(query, []).append(
                    "\n".join(row[0] for row in other.fetchall()))

    with search_shop.test_request_context():
        event.listen(db.engine, "after_cursor_execute", explain)
        try:
            totals = {}
            for query in ("linen", "linen mug"):
                totals[query] = catalog.search(query).total
        finally:
            event.remove(db.engine, "after_cursor_execute", explain)
        settings = db.session.execute(db.text(
            "SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan')")).one()
    assert totals["linen"] > 100 and totals["linen mug"] > 0
    for query in totals:
        first, *further = plans[query]
        assert further and all("ix_product_search_words" in plan for plan in further), plans
    assert tuple(settings) == ("on", "on")
