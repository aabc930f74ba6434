"""Storefront pages run a small, fixed number of SQL queries however many products they show."""
import re

import pytest

from domain.extensions import db
from domain.models import Product, ProductImage
from domain.products import refresh_summary

MAX_QUERIES = 5


@pytest.fixture(autouse=True)
def render_every_time(app):
    """Measure what building a page costs: the page cache would answer with no query at all."""
    app.config["PAGE_CACHE_SIZE"] = 0


def add_products(app, make, category_id, count, start):
    """Featured, best-selling products with a cover photo, as a real shop's home page has."""
    for n in range(start, start + count):
        made = make.product(f"Item {n}", price=1000 + n, stock=n % 7, category_id=category_id,
                            featured=True, featured_position=n, tags="sample, mug")
        with app.app_context():
            product = db.session.get(Product, made["id"])
            product.sales_count = n
            product.images.append(ProductImage(key=f"{n:024x}", alt="", width=1024, height=768))
            refresh_summary(product)
            db.session.commit()


def add_detailed_product(app, make, title, variants, images):
    made = make.product(title, option1_name="Size", variants=[
        {"sku": f"{title}-{n}", "option1": f"Size {n}", "price": 1000 + n, "stock": n}
        for n in range(variants)], description_md="Plain **text**.", tags="a, b")
    with app.app_context():
        product = db.session.get(Product, made["id"])
        for n in range(images):
            product.images.append(ProductImage(key=f"{title}{n}".ljust(24, "0"), alt="",
                                               width=800, height=800, position=n))
        refresh_summary(product)
        db.session.commit()
    return made


@pytest.fixture
def shop(app, make):
    """Settings, shipping and categories first: changing them later would reload the settings."""
    make.settings(name="Counted", currency="USD", tax_rate_bp=825, free_shipping_threshold=5000)
    make.shipping("Ground", price=500)
    make.category("Other")
    return make.category("Mugs")


def queries(client, count_queries, path):
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


PAGES = ["/", "/c/mugs", "/c/mugs?sort=price_desc&page=2", "/search?q=item",
         "/search?q=mug&sort=newest"]


def test_listing_pages_cost_the_same_with_5_and_50_products(app, client, make, count_queries,
                                                             shop):
    """Home, category and search pages run at most 5 queries, the same for 5 or 50 products."""
    add_products(app, make, shop["id"], 5, start=1)
    client.get("/")  # warm the settings cache, as any earlier visitor would have
    for path in PAGES:
        client.get(path)
    few = {path: queries(client, count_queries, path) for path in PAGES}

    add_products(app, make, shop["id"], 45, start=6)
    client.get("/")  # the change moved the storefront version: the first request reloads settings
    many = {path: queries(client, count_queries, path) for path in PAGES}

    assert few == many
    assert max(many.values()) <= MAX_QUERIES, many


def test_product_page_costs_the_same_with_few_or_many_variants_and_photos(app, client, make,
                                                                         count_queries, shop):
    """A product with 8 sizes and 6 photos costs as many queries as one with 1 of each."""
    add_detailed_product(app, make, "Plain", variants=1, images=1)
    add_detailed_product(app, make, "Rich", variants=8, images=6)
    client.get("/")
    client.get("/products/plain")
    plain = queries(client, count_queries, "/products/plain")
    rich = queries(client, count_queries, "/products/rich")
    assert plain == rich
    assert rich <= MAX_QUERIES


def test_cart_page_costs_the_same_with_one_or_five_lines(app, client, make, post, count_queries,
                                                        shop):
    """The cart reads all its lines at once, not one query per line."""
    items = [make.product(f"Cup {n}", stock=9) for n in range(5)]
    post("/cart/add", {"variant_id": items[0]["variant_ids"][0], "product": items[0]["slug"]})
    client.get("/cart")
    one = queries(client, count_queries, "/cart")
    for item in items[1:]:
        post("/cart/add", {"variant_id": item["variant_ids"][0], "product": item["slug"]})
    five = queries(client, count_queries, "/cart")
    assert one == five
    assert five <= MAX_QUERIES


def test_a_page_view_writes_nothing(app, client, make, count_queries, shop):
    """Viewing pages only reads: no INSERT or UPDATE that could lock the database under load."""
    add_products(app, make, shop["id"], 3, start=1)
    client.get("/")
    for path in PAGES + ["/products/item-1"]:
        with count_queries() as statements:
            client.get(path)
        writes = [s for s in statements
                  if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert writes == [], path


def test_the_korean_product_page_costs_what_the_english_one_does(app, client, make, count_queries,
                                                                 shop):
    """Translations ride on the rows the page loads anyway: no query per language."""
    make.product("Tea bowl", category_id=shop["id"], option1_name="Glaze", translations={
        "ko": {"title": "다완", "option1_name": "유약", "description_md": "**청자**"}},
        variants=[{"sku": f"TB-{n}", "option1": f"Glaze {n}", "price": 1000, "stock": 3,
                   "translations": {"ko": {"option1": f"유약 {n}"}}} for n in range(6)])
    client.get("/")
    client.get("/products/tea-bowl")
    english = queries(client, count_queries, "/products/tea-bowl")
    client.get("/products/tea-bowl", headers={"Accept-Language": "ko"})
    with count_queries() as statements:
        korean = client.get("/products/tea-bowl", headers={"Accept-Language": "ko"})
    assert "<h1>다완</h1>" in korean.get_data(as_text=True)
    assert len(statements) == english <= MAX_QUERIES


@pytest.mark.parametrize("path, most", [("/cart", 3), ("/checkout", 4)])
def test_a_customers_cart_is_read_once_per_page(client, customer, checkout_shop, count_queries,
                                                path, most):
    """The cart page and checkout read the signed-in customer and their cart once each, though
    the page and the header's cart count both show the cart: the customer with their default
    address (the one-click offer), and the cart's lines (with their products when the cart page
    is drawn rather than kept). The cart page adds one query, for what goes well with it
    (leaving out what the customer bought, in the same query)."""
    from tests.checkout_helpers import add_to_cart
    add_to_cart(client, checkout_shop["small"], quantity=2)
    client.get(path)
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200 and 'aria-hidden="true">2<' in response.get_data(as_text=True)
    assert sum(s.lstrip().startswith("SELECT cart_item.") for s in statements) == 1
    assert sum(re.search(r'\bFROM "?user"?\s', s) is not None for s in statements) == 1
    assert len(statements) <= most, statements


def add_reviews(app, product_id, count, photos_each=0):
    """`count` published reviews of a product, each with `photos_each` photos."""
    from domain.models import Review, ReviewPhoto
    from domain.reviews import ratings
    with app.app_context():
        start = db.session.scalar(db.select(db.func.count(Review.id)))
        for n in range(start, start + count):
            review = Review(product_id=product_id, reviewer=f"email:b{n}@example.com",
                            email=f"b{n}@example.com", rating=1 + n % 5, title=f"R{n}",
                            status="published", published_at=db.func.now())
            review.photos = [ReviewPhoto(key=f"{n:016x}{p:016x}", width=64, height=48, position=p)
                             for p in range(photos_each)]
            db.session.add(review)
        ratings.recount(product_id)
        db.session.commit()


def test_product_page_costs_the_same_with_one_or_many_reviews_with_photos(app, client, make,
                                                                           count_queries, shop):
    """The summary is on the product row and a page of reviews is one query with its photos:
    1 review or 25 with 3 photos each cost the same, within the page's budget, and write nothing."""
    add_detailed_product(app, make, "Reviewed", variants=3, images=2)
    add_detailed_product(app, make, "Popular", variants=3, images=2)
    with app.app_context():
        ids = dict(db.session.execute(db.select(Product.title, Product.id)).all())
    add_reviews(app, ids["Reviewed"], 1)
    add_reviews(app, ids["Popular"], 25, photos_each=3)
    client.get("/")
    client.get("/products/reviewed")
    one = queries(client, count_queries, "/products/reviewed")
    with count_queries() as statements:
        page = client.get("/products/popular")
    many = len(statements)
    assert page.get_data(as_text=True).count('class="review"') == 10
    assert one == many <= MAX_QUERIES
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    # The fragment of a later page costs the product row and the page of reviews.
    client.get("/products/popular/reviews?page=2&sort=photos")
    assert queries(client, count_queries, "/products/popular/reviews?page=3&sort=helpful") <= 2
