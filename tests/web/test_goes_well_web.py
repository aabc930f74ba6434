""""Goes well with" in its four places (product page, cart, order confirmation, delivered email),
recently viewed from the visitor's cookie, and the back office's "pairs found and why"."""
import re

import pytest

from blueprints import mail
from domain import consent, notify, shopconfig
from domain.extensions import db
from domain.models import OutboxMessage, Product, ProductComplement, ProductPair, ShopSettings
from domain.recommend import complements, pairs
from tests.order_helpers import place
from tests.page_helpers import csrf_of, text
from tests.recommend_helpers import NOW, order_of
from tests.smtp_helpers import text_and_html
from tests.web.test_admin_products import product_form


@pytest.fixture
def goods(app, make):
    """A moon jar bought twice with a tea cup (a pair), a wooden tray the merchant picked for
    it, free shipping from ₩50,000."""
    make.settings(currency="KRW", free_shipping_threshold=50000, recommend_min_support=2)
    method = make.shipping("Standard", price=3000)
    ceramics = make.category("Ceramics")["id"]
    made = {key: make.product(title, price=price, stock=9, category_id=ceramics)
            for key, title, price in (("jar", "Moon jar", 39000), ("cup", "Tea cup", 12000),
                                      ("tray", "Wooden tray", 8000), ("vase", "Tall vase", 30000))}
    with app.test_request_context():
        rows = {key: db.session.get(Product, m["id"]) for key, m in made.items()}
        for _ in range(2):
            order_of([rows["jar"], rows["cup"]])
        complements.replace(rows["jar"], [rows["tray"]])
        pairs.compute(NOW, shopconfig.current())
        db.session.commit()
    return {**made, "method": method}


def goes_well_section(html):
    match = re.search(r'<section class="goes-well".*?</section>', html, re.S)
    return match.group(0) if match else ""


def writes(statements):
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_the_product_page_shows_it_below_the_buy_box_also_from_the_page_cache(app, goods):
    visitor = app.test_client()
    for _ in range(2):  # drawn, then from the page cache
        html = visitor.get("/products/moon-jar").get_data(as_text=True)
        section = goes_well_section(html)
        assert html.index('id="buybox"') < html.index('id="goes-well-heading"')
        assert "Tea cup" in section and "Wooden tray" in section
        assert "Moon jar" not in section and "Tall vase" not in section
        assert section.index("Tea cup") < section.index("Wooden tray")  # pairs first
    # The cup's page: the jar it was bought with.
    assert "Moon jar" in goes_well_section(visitor.get("/products/tea-cup").get_data(as_text=True))


def test_a_sold_out_product_is_not_suggested(app, client, goods):
    with app.app_context():
        for variant in db.session.get(Product, goods["cup"]["id"]).variants:
            variant.stock = 0
        db.session.get(Product, goods["cup"]["id"]).stock_total = 0
        db.session.commit()
    section = goes_well_section(client.get("/products/moon-jar").get_data(as_text=True))
    assert "Tea cup" not in section and "Wooden tray" in section


def test_a_signed_in_customer_never_sees_what_they_already_bought(app, client, make, login, goods):
    buyer = make.user(email="minji@example.com")
    with app.app_context():
        order_of([db.session.get(Product, goods["cup"]["id"])], status="shipped",
                 user_id=buyer["id"])
        db.session.commit()
    visitor = app.test_client()
    assert "Tea cup" in goes_well_section(visitor.get("/products/moon-jar").get_data(as_text=True))
    login(buyer)
    for _ in range(2):
        section = goes_well_section(client.get("/products/moon-jar").get_data(as_text=True))
        assert "Tea cup" not in section and "Wooden tray" in section
    # The visitors' stored copy is still theirs.
    assert "Tea cup" in goes_well_section(visitor.get("/products/moon-jar").get_data(as_text=True))


def test_viewing_pages_writes_nothing_and_computes_nothing(app, client, goods, count_queries):
    """Product pages (drawn and cached), the recently viewed list, the cart: reads only."""
    with app.app_context():
        before = sorted((p.product_id, p.other_id, p.support, p.computed_at)
                        for p in db.session.scalars(db.select(ProductPair)))
    paths = ["/products/moon-jar", "/products/moon-jar", f"/recently-viewed?seen={goods['jar']['id']}",
             "/products/tea-cup", f"/recently-viewed?seen={goods['cup']['id']}", "/cart"]
    for path in paths:
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        assert writes(statements) == [], path
    with app.app_context():
        after = sorted((p.product_id, p.other_id, p.support, p.computed_at)
                       for p in db.session.scalars(db.select(ProductPair)))
    assert after == before


def test_a_product_page_with_suggestions_costs_what_one_without_does(app, client, make, goods,
                                                                     count_queries):
    app.config["PAGE_CACHE_SIZE"] = 0
    make.product("Lonely spoon", price=1000, stock=3)
    client.get("/products/moon-jar")
    counts = []
    for path in ("/products/moon-jar", "/products/lonely-spoon"):
        with count_queries() as statements:
            client.get(path)
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 5


def test_recently_viewed_lives_in_the_visitors_cookie(app, client, goods):
    first = client.get(f"/recently-viewed?seen={goods['jar']['id']}", headers={"HX-Request": "true"})
    assert first.status_code == 200 and "Recently viewed" not in text(first)
    # The list is the only cookie: the visitor still gets the page cache's shared copies.
    [cookie] = first.headers.getlist("Set-Cookie")
    assert cookie.startswith(f"recent={goods['jar']['id']};") and "HttpOnly" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie
    second = client.get(f"/recently-viewed?seen={goods['cup']['id']}", headers={"HX-Request": "true"})
    assert "Moon jar" in text(second) and "Tea cup" not in text(second)
    assert f"recent={goods['cup']['id']}.{goods['jar']['id']};" in second.headers["Set-Cookie"]
    # Without JavaScript: a page of its own, newest first.
    page = text(client.get("/recently-viewed"))
    assert "<h1>Recently viewed</h1>" in page and page.index("Tea cup") < page.index("Moon jar")
    # The cart shows them too, but not what it holds already.
    assert "Recently viewed" in text(client.get("/cart"))
    client.post("/cart/add", data={"csrf_token": csrf_of(page), "product": "moon-jar",
                                   "variant_id": goods["jar"]["variant_ids"][0]})
    recent = re.search(r'<section class="recent".*?</section>', text(client.get("/cart")), re.S)
    assert "Tea cup" in recent.group(0) and "Moon jar" not in recent.group(0)
    # The product page asks for the list, leaving itself out.
    html = text(client.get("/products/moon-jar"))
    assert f'hx-get="/recently-viewed?seen={goods["jar"]["id"]}"' in html


def test_a_cookie_that_is_not_a_list_of_ids_is_ignored(client, goods):
    client.set_cookie("recent", "abc.0.-1.<script>")
    response = client.get("/recently-viewed")
    assert response.status_code == 200 and "You have not looked at any product yet." in text(response)
    cookies = client.get("/recently-viewed?seen=nonsense").headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("recent=")]


def test_the_cart_adds_a_suggestion_with_one_tap_and_tells_what_it_does_to_shipping(app, client, goods):
    page = client.get("/products/moon-jar").get_data(as_text=True)
    client.post("/cart/add", data={"csrf_token": csrf_of(page), "product": "moon-jar",
                                   "variant_id": goods["jar"]["variant_ids"][0]})
    html = text(client.get("/cart"))
    section = goes_well_section(html)
    assert "Goes well with these items" in section
    cup = section[section.index("Tea cup"):section.index("Wooden tray")]
    assert "With this, your order ships free." in cup
    tray = section[section.index("Wooden tray"):]
    assert "With this, ₩3,000 more for free shipping." in tray
    form = re.search(r'<form class="card-price" method="post" action="/cart/add">(.*?)</form>', cup, re.S)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    assert fields["variant_id"] == str(goods["cup"]["variant_ids"][0]) and fields["quantity"] == "1"
    assert client.post("/cart/add", data=fields).status_code == 303
    html = text(client.get("/cart"))
    assert html.count('class="cart-line"') == 2 and "Tea cup" not in goes_well_section(html)


def test_the_order_confirmation_suggests_what_goes_with_the_order(app, client, goods):
    order = place(app, {"variant": goods["jar"]["variant_ids"][0], "method": goods["method"]})
    html = text(client.get(f"/orders/{order['number']}?t={order['token']}&placed=1"))
    section = goes_well_section(html)
    assert "Tea cup" in section and "Moon jar" not in section
    later = text(client.get(f"/orders/{order['number']}?t={order['token']}"))
    assert goes_well_section(later) == ""


def delivered_email(app, with_consent, at=NOW):
    app.config["CLOCK"] = lambda: at
    with app.test_request_context():
        jar = db.session.scalar(db.select(Product).where(Product.slug == "moon-jar"))
        order = order_of([jar], email="minji@example.com")
        if with_consent:
            consent.grant(NOW, "checkout", "en", email="minji@example.com")
        message = notify.enqueue("order_delivered", order.email, "en", order=order, now=NOW)
        db.session.commit()
        message_id = message.id
    with app.app_context():
        email = mail.renderer(app)(db.session.get(OutboxMessage, message_id))
        return (*text_and_html(email), email)


def test_the_delivered_email_suggests_only_to_a_customer_who_agreed_to_marketing(app, goods):
    app.config["SHOP_URL"] = "https://shop.example"
    plain, html, email = delivered_email(app, with_consent=False)
    assert "Goes well with" not in plain and "Goes well with" not in html
    assert email["List-Unsubscribe"] is None and not email["Subject"].startswith("(")
    plain, html, email = delivered_email(app, with_consent=True)
    assert "Goes well with your order" in plain and "https://shop.example/products/tea-cup" in plain
    assert 'href="https://shop.example/products/tea-cup"' in html and "Moon jar</a>" not in html
    # Suggestions make it advertising: marked so, with the unsubscribe link and headers.
    assert email["Subject"].startswith("(Ad) Order ")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = email["List-Unsubscribe"].strip("<>")
    assert unsubscribe in plain and unsubscribe in html.replace("&amp;", "&")


def test_the_delivered_email_goes_without_suggestions_in_quiet_hours(app, goods):
    """At 22:00 shop time the delivery news goes at once, as plain news without suggestions."""
    plain, html, email = delivered_email(app, with_consent=True, at=NOW.replace(hour=22))
    assert "Your order was delivered." in plain and "Goes well with" not in plain + html
    assert email["List-Unsubscribe"] is None and not email["Subject"].startswith("(")


def test_the_back_office_shows_the_pairs_found_and_why_with_the_fallback_level(app, client, merchant, goods):
    page = text(client.get(f"/admin/products/{goods['jar']['id']}/goes-well"))
    assert "Tea cup" in page and "Bought together in 2 orders" in page
    assert "Fallback level used: Your picks" in page
    lonely = text(client.get(f"/admin/products/{goods['vase']['id']}/goes-well"))
    assert "No product was bought together with this one in 2 delivered orders or more." in lonely
    assert "Nothing yet" in lonely


def test_the_settings_are_saved_and_bad_ones_refused(app, client, post, merchant, goods):
    url = f"/admin/products/{goods['jar']['id']}/goes-well"
    bad = post(url + "/settings", {"min_support": "0", "after_orders": "5"}, token_from=url)
    assert bad.status_code == 422 and "from 1 to 1000" in text(bad)
    good = post(url + "/settings", {"min_support": "3", "after_orders": "0"}, token_from=url)
    assert good.status_code == 303
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        assert (row.recommend_min_support, row.recommend_after_orders) == (3, 0)


def test_the_product_form_saves_the_merchants_picks_and_refuses_unknown_ones(app, client, post,
                                                                            merchant, goods):
    url = f"/admin/products/{goods['vase']['id']}/edit"
    assert 'name="complements"' in text(client.get(url))
    form = product_form(**{"title": "Tall vase", "variants-0-sku": "V-1", "variants-0-price": "30,000",
                           "variants-0-option1": "", "variants-1-sku": "", "variants-1-option1": "",
                           "variants-1-price": "", "variants-1-compare_at_price": "",
                           "variants-1-stock": "", "option1_name": ""})
    refused = post(url, {**form, "complements": "tea-cup, no-such-thing"}, token_from=url)
    assert refused.status_code == 422 and "no-such-thing" in text(refused)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ProductComplement)
                                 .where(ProductComplement.product_id == goods["vase"]["id"])) == 0
    saved = post(url, {**form, "complements": "wooden-tray, tea-cup"}, token_from=url)
    assert saved.status_code == 303
    assert 'value="wooden-tray, tea-cup"' in text(client.get(url))
    section = goes_well_section(text(app.test_client().get("/products/tall-vase")))
    assert section.index("Wooden tray") < section.index("Tea cup")


def test_korean_shoppers_read_it_in_korean(app, goods):
    korean = {"Accept-Language": "ko"}
    visitor = app.test_client()
    assert "함께 쓰면 좋은 상품" in text(visitor.get("/products/moon-jar", headers=korean))
    assert "최근 본 상품" in text(visitor.get("/recently-viewed", headers=korean))


def test_a_suggestion_with_options_adds_its_first_glaze_in_stock_with_one_tap(app, client, make, goods):
    """The first glaze (sold out) is passed over: the button names the one it adds, at its
    price, and the product's page offers the others."""
    bowl = make.product("Rice bowl", option1_name="Glaze", variants=[
        {"sku": "BOWL-W", "option1": "White", "price": 15000, "stock": 0},
        {"sku": "BOWL-C", "option1": "Celadon", "price": 18000, "stock": 4}])
    with app.test_request_context():
        complements.replace(db.session.get(Product, goods["jar"]["id"]),
                            [db.session.get(Product, bowl["id"])])
        db.session.commit()
    page = client.get("/products/moon-jar").get_data(as_text=True)
    client.post("/cart/add", data={"csrf_token": csrf_of(page), "product": "moon-jar",
                                   "variant_id": goods["jar"]["variant_ids"][0]})
    section = goes_well_section(text(client.get("/cart")))
    bowl_card = section[section.index("Rice bowl"):]
    assert "Add Rice bowl, Celadon" in bowl_card and "₩18,000" in bowl_card
    assert "Other options" in bowl_card
    form = re.search(r'<form class="card-price" method="post" action="/cart/add">(.*?)</form>',
                     bowl_card, re.S)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    assert fields["variant_id"] == str(bowl["variant_ids"][1])
    assert client.post("/cart/add", data=fields).status_code == 303
    assert "Rice bowl" in text(client.get("/cart")).split('class="goes-well"')[0]
