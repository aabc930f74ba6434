"""Reading the catalogue: listings, sorting, pagination and search."""
import pytest

from domain import catalog
from domain.errors import NotFound
from domain.extensions import db
from domain.models import Product
from domain.products import archive_product, update_product


def titles(page):
    return [p.title for p in page.items]


@pytest.fixture
def five(ctx, make):
    """Five active products created one after another, cheapest last."""
    return [make.product(f"Item {n}", price=price)
            for n, price in enumerate((3000, 1000, 5000, 2000, 4000), start=1)]


def test_listing_pages_through_all_products(five):
    """Five products two to a page: 3 pages of 2, 2 and 1, with working prev/next."""
    first = catalog.listing(sort="newest", page=1, per_page=2)
    assert (first.total, first.pages, first.page) == (5, 3, 1)
    assert not first.has_prev and first.has_next
    last = catalog.listing(sort="newest", page=3, per_page=2)
    assert last.has_prev and not last.has_next
    seen = [t for n in (1, 2, 3)
            for t in titles(catalog.listing(sort="newest", page=n, per_page=2))]
    assert sorted(seen) == sorted(p["title"] for p in five)
    assert [len(catalog.listing(page=n, per_page=2).items) for n in (1, 2, 3)] == [2, 2, 1]


@pytest.mark.parametrize("asked", ["0", "-3", "abc", None, "", 0])
def test_nonsense_page_numbers_show_the_first_page(five, asked):
    """A hand-edited ?page= that is not a positive number shows page 1."""
    page = catalog.listing(sort="newest", page=asked, per_page=2)
    assert page.page == 1
    assert titles(page) == ["Item 5", "Item 4"]


@pytest.mark.parametrize("asked", [4, "99", 10**9])
def test_pages_past_the_end_show_the_last_page(five, asked):
    """An old link to page 99 shows the last page of products, not an empty 'page 99 of 3'."""
    page = catalog.listing(sort="newest", page=asked, per_page=2)
    assert page.page == 3
    assert titles(page) == ["Item 1"]
    assert page.has_prev and not page.has_next


def test_empty_listing_has_one_empty_page(ctx):
    """A shop without products shows page 1 of 1 with nothing on it."""
    page = catalog.listing(page=5)
    assert (page.total, page.pages, page.page, page.items) == (0, 1, 1, [])


def test_sort_newest_first(five):
    """Newest shows the most recently added product first."""
    assert titles(catalog.listing(sort="newest")) == [
        "Item 5", "Item 4", "Item 3", "Item 2", "Item 1"]


def test_sort_by_price(five):
    """Low to high and high to low order by price."""
    cheapest_first = ["Item 2", "Item 4", "Item 1", "Item 5", "Item 3"]
    assert titles(catalog.listing(sort="price_asc")) == cheapest_first
    assert titles(catalog.listing(sort="price_desc")) == cheapest_first[::-1]


def test_sort_featured_puts_the_merchants_picks_first(ctx, make):
    """Featured picks in the merchant's order, then best sellers, then the newest."""
    make.product("Plain old")
    seller = make.product("Best seller")
    make.product("Second pick", featured=True, featured_position=2)
    make.product("Plain new")
    make.product("First pick", featured=True, featured_position=1)
    db.session.get(Product, seller["id"]).sales_count = 7
    db.session.commit()
    assert titles(catalog.listing(sort="featured")) == [
        "First pick", "Second pick", "Best seller", "Plain new", "Plain old"]
    assert titles(catalog.listing(sort="no-such-sort")) == titles(catalog.listing(sort="featured"))
    assert [p.title for p in catalog.featured()] == ["First pick", "Second pick"]
    assert [p.title for p in catalog.best_sellers()] == ["Best seller"]


def test_category_filter(ctx, make):
    """A category page lists only its own products."""
    mugs = make.category("Mugs")
    plates = make.category("Plates")
    make.product("Tall mug", category_id=mugs["id"])
    make.product("Short mug", category_id=mugs["id"])
    make.product("Dinner plate", category_id=plates["id"])
    make.product("Loose item")
    assert sorted(titles(catalog.listing(mugs["id"]))) == ["Short mug", "Tall mug"]
    assert titles(catalog.listing(plates["id"])) == ["Dinner plate"]
    assert catalog.listing(mugs["id"]).total == 2


@pytest.fixture
def hidden(ctx, make):
    """A draft, an archived and an active product that all mention 'teapot'."""
    make.product("Draft teapot", status="draft")
    archived = make.product("Archived teapot")
    archive_product(db.session.get(Product, archived["id"]))
    db.session.commit()
    return make.product("Live teapot", featured=True)


def test_draft_and_archived_products_are_never_shown(hidden):
    """Only the active product appears in listings, search and the featured row."""
    assert titles(catalog.listing()) == ["Live teapot"]
    assert catalog.listing().total == 1
    assert titles(catalog.search("teapot")) == ["Live teapot"]
    assert catalog.search("teapot").total == 1
    assert [p.title for p in catalog.featured()] == ["Live teapot"]


def test_draft_product_page_is_not_found(ctx, make):
    """A draft's page is not found, as if it did not exist."""
    draft = make.product("Secret launch", status="draft")
    with pytest.raises(NotFound):
        catalog.product_page(draft["slug"])
    assert catalog.product_page(make.product("Public")["slug"]).title == "Public"


@pytest.fixture(params=["fts", "like"])
def shelf(request, ctx, make, monkeypatch):
    """A few products, searched with SQLite's FTS index and with the portable LIKE search."""
    if request.param == "like":
        monkeypatch.setattr(catalog, "_fts_available", lambda: False)
    make.product("Blue Mug", description_md="A *sturdy* stoneware cup for coffee.",
                 tags="kitchen, gift")
    make.product("Green Vase", description_md="Hand-thrown, for tall flowers.", tags="home")
    make.product("Tea Towel", description_md="Linen towel.", tags="kitchen")
    make.product("머그컵 세트", description_md="도자기 머그컵 두 개", tags="선물")
    return request.param


@pytest.mark.parametrize("q, found", [
    ("Blue Mug", ["Blue Mug"]),
    ("mug", ["Blue Mug"]),
    ("MUG", ["Blue Mug"]),
    ("mu", ["Blue Mug"]),
    ("stoneware", ["Blue Mug"]),
    ("sturdy", ["Blue Mug"]),
    ("flowers", ["Green Vase"]),
    ("gift", ["Blue Mug"]),
    ("kitchen", ["Blue Mug", "Tea Towel"]),
    ("kitchen towel", ["Tea Towel"]),
    ("towel kitchen", ["Tea Towel"]),
    ("머그", ["머그컵 세트"]),
    ("도자기", ["머그컵 세트"]),
    ("선물", ["머그컵 세트"]),
])
def test_search_finds_title_description_and_tags(shelf, q, found):
    """Each word must appear (as a word start) in the title, description or tags."""
    assert sorted(titles(catalog.search(q))) == sorted(found)
    assert catalog.search(q).total == len(found)


@pytest.mark.parametrize("q", ["mug vase", "zebra", "kitchen flowers"])
def test_search_without_matches_is_empty(shelf, q):
    """Words that no single product has together give no results."""
    result = catalog.search(q)
    assert (result.items, result.total) == ([], 0)


@pytest.mark.parametrize("q", ['"', '"mug', "*", "mug*", "OR", "mug OR", "-", "-mug", "NEAR(",
                               "NEAR(mug vase)", "AND NOT", "^mug", "title:mug", "(", "'", "%", "_",
                               "\\", "mug\x00", "a" * 500, "😀", "100%"])
def test_search_with_special_characters_does_not_fail(shelf, q):
    """Quotes, operators and odd characters are searched as plain words, never an error."""
    result = catalog.search(q)
    assert result.total == len(result.items)


def test_operator_words_are_plain_words(shelf):
    """'-mug' and 'mug*' still find the mug rather than excluding or breaking the query."""
    assert titles(catalog.search("-mug")) == ["Blue Mug"]
    assert titles(catalog.search('"mug"')) == ["Blue Mug"]


@pytest.mark.parametrize("q", ["", "   ", "-", "!!!"])
def test_search_without_words_finds_nothing(shelf, q):
    """An empty or punctuation-only query shows no products."""
    assert catalog.search(q).total == 0


def test_search_sorts_and_pages(shelf):
    """Search results can be sorted by price and paged like listings."""
    result = catalog.search("kitchen", sort="price_asc", per_page=1, page=2)
    assert (result.total, result.pages, result.page, len(result.items)) == (2, 2, 2, 1)
    past_end = catalog.search("kitchen", per_page=1, page=50)
    assert past_end.page == 2 and len(past_end.items) == 1


def test_search_index_follows_renames(ctx, make):
    """Renamed products are found by their new title and no longer by the old one."""
    made = make.product("Blue Mug")
    update_product(db.session.get(Product, made["id"]), title="Crimson Beaker")
    db.session.commit()
    assert titles(catalog.search("crimson")) == ["Crimson Beaker"]
    assert titles(catalog.search("mug")) == []


def test_search_index_follows_description_and_tag_changes(ctx, make):
    """New description words and tags are searchable; removed ones stop matching."""
    made = make.product("Cup", description_md="porcelain", tags="old-tag")
    update_product(db.session.get(Product, made["id"]), description_md="enamel", tags="camping")
    db.session.commit()
    assert titles(catalog.search("enamel")) == ["Cup"]
    assert titles(catalog.search("camping")) == ["Cup"]
    assert titles(catalog.search("porcelain")) == []


def test_archived_product_leaves_search(ctx, make):
    """Archiving a product removes it from search at once."""
    made = make.product("Blue Mug")
    archive_product(db.session.get(Product, made["id"]))
    db.session.commit()
    assert catalog.search("mug").total == 0


def test_pick_variant_prefers_the_asked_one_else_the_first_in_stock(ctx, make):
    """The product page opens on the chosen option, or the first one that can be bought."""
    made = make.product("Shirt", option1_name="Size", variants=[
        {"sku": "S", "option1": "Small", "price": 1000, "stock": 0},
        {"sku": "M", "option1": "Medium", "price": 1000, "stock": 2},
        {"sku": "L", "option1": "Large", "price": 1200, "stock": 5},
    ])
    product = catalog.product_page(made["slug"])
    small, medium, large = made["variant_ids"]
    assert catalog.pick_variant(product).id == medium
    assert catalog.pick_variant(product, str(large)).id == large
    assert catalog.pick_variant(product, small).id == small
    assert catalog.pick_variant(product, "999").id == medium
    assert catalog.pick_variant(product, option1="Large").id == large
