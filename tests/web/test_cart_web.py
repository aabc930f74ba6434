"""The cart through the browser: plain forms, htmx swaps, stock limits, CSRF and signing in."""
import re

import pytest

from domain.extensions import db
from domain.models import Product
from domain.products import archive_product
from tests.page_helpers import text

HX = {"HX-Request": "true"}


@pytest.fixture
def shop(app, make):
    """A won shop with tax included, free shipping from 50,000 won, and a mug with 3 left."""
    make.settings(currency="KRW", tax_rate_bp=1000, prices_include_tax=True,
                  free_shipping_threshold=50000, low_stock_threshold=5)
    make.shipping("Standard", price=3000, days_min=2, days_max=3)
    return {"mug": make.product("Blue Mug", price=12000, stock=3),
            "bowl": make.product("Rice Bowl", price=8000, stock=10)}


def badge(body):
    """The number on the header's cart badge."""
    return int(re.search(r'<span class="badge" aria-hidden="true">(\d+)</span>', body).group(1))


def cart_lines(client):
    """{title: quantity} as the cart page shows them."""
    body = text(client.get("/cart"))
    found = re.findall(r'<label for="qty-\d+">Quantity of ([^<]+)</label>\s*'
                       r'<input id="qty-\d+" name="quantity"[^>]*value="(\d+)"', body)
    return {title: int(qty) for title, qty in found}


def add(post, product, quantity=1, headers=None):
    return post("/cart/add", {"product": product["slug"], "variant_id": product["variant_ids"][0],
                              "quantity": quantity}, token_from=f"/products/{product['slug']}",
                headers=headers or {})


def test_add_with_a_plain_form_redirects_to_the_cart(client, post, shop):
    """Without JavaScript, adding goes to the cart page, which shows the line and its totals."""
    response = add(post, shop["mug"], 2)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/cart")
    body = text(client.get("/cart"))
    assert cart_lines(client) == {"Blue Mug": 2}
    assert "₩12,000 each" in body
    assert '<p class="line-total">₩24,000</p>' in body
    assert re.search(r"2 items</th><td>₩24,000</td>", body)
    assert re.search(r"Total</th><td>₩27,000</td>", body)
    assert "Add ₩26,000 more for free shipping." in body
    assert badge(body) == 2


def test_add_with_htmx_swaps_the_buybox_and_the_badge(client, post, shop):
    """With htmx the buybox says it was added and the header badge updates out of band."""
    add(post, shop["bowl"], 1)
    response = add(post, shop["mug"], 2, headers=HX)
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="buybox"' in body
    assert "Added to your cart." in body
    oob = re.search(r'<a id="cart-link"[^>]*hx-swap-oob="true"[^>]*>.*?</a>', body, re.S)
    assert oob, "the cart badge should come along out of band"
    assert badge(oob.group(0)) == 3
    assert "3 items" in oob.group(0)
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("headers", [{}, HX])
def test_adding_more_than_stock_is_refused_with_a_clear_message(client, post, shop, headers):
    """Asking for 5 of 3 mugs answers 422 naming the mug and what is left; the cart stays empty."""
    response = add(post, shop["mug"], 5, headers=headers)
    body = text(response)
    assert response.status_code == 422
    assert "Sorry, only 3 of Blue Mug are left." in body
    assert 'role="alert"' in body
    assert ("<html" in body) is (not headers)
    assert cart_lines(client) == {}
    assert badge(text(client.get("/"))) == 0


def test_adding_past_stock_on_top_of_the_cart_is_refused(client, post, shop):
    """With 2 mugs in the cart, 2 more are refused and the cart keeps 2."""
    add(post, shop["mug"], 2)
    response = add(post, shop["mug"], 2, headers=HX)
    assert response.status_code == 422
    assert "only 3 of Blue Mug are left and your cart already has 2" in text(response)
    assert cart_lines(client) == {"Blue Mug": 2}


@pytest.mark.parametrize("quantity", ["0", "-2", "abc", "100"])
def test_bad_quantity_is_refused(client, post, shop, quantity):
    """A quantity that is not 1 to 99 is refused with 422 and nothing is added."""
    response = add(post, shop["bowl"], quantity)
    assert response.status_code == 422
    assert "Please" in text(response)
    assert cart_lines(client) == {}


def test_unknown_product_page_in_the_form_is_404(client, post, shop):
    """A form for a product that no longer exists ends on the helpful not-found page."""
    response = post("/cart/add", {"product": "gone", "variant_id": "999999"})
    assert response.status_code == 404


@pytest.mark.parametrize("headers", [{}, HX])
def test_update_quantity(client, post, shop, headers):
    """Changing a line's quantity updates the cart, with or without htmx."""
    add(post, shop["bowl"], 1)
    response = post("/cart/update", {"variant_id": shop["bowl"]["variant_ids"][0], "quantity": 4},
                    token_from="/cart", headers=headers)
    if headers:
        body = text(response)
        assert response.status_code == 200
        assert "<html" not in body
        assert re.search(r'value="4"', body)
        assert re.search(r"4 items</th><td>₩32,000</td>", body)
        assert badge(re.search(r'<a id="cart-link"[^>]*hx-swap-oob="true".*?</a>', body, re.S)
                     .group(0)) == 4
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/cart")
    assert cart_lines(client) == {"Rice Bowl": 4}


@pytest.mark.parametrize("headers", [{}, HX])
def test_update_past_stock_is_refused(client, post, shop, headers):
    """Setting 5 mugs of 3 answers 422 with the message and keeps the old quantity."""
    add(post, shop["mug"], 1)
    response = post("/cart/update", {"variant_id": shop["mug"]["variant_ids"][0], "quantity": 5},
                    token_from="/cart", headers=headers)
    assert response.status_code == 422
    assert "Sorry, only 3 of Blue Mug are left." in text(response)
    assert cart_lines(client) == {"Blue Mug": 1}


def test_update_to_zero_removes_the_line(client, post, shop):
    """Quantity 0 takes the line out of the cart."""
    add(post, shop["mug"], 1)
    add(post, shop["bowl"], 1)
    post("/cart/update", {"variant_id": shop["mug"]["variant_ids"][0], "quantity": 0},
         token_from="/cart")
    assert cart_lines(client) == {"Rice Bowl": 1}


@pytest.mark.parametrize("headers", [{}, HX])
def test_remove(client, post, shop, headers):
    """The remove button takes the line out, with or without htmx."""
    add(post, shop["mug"], 1)
    add(post, shop["bowl"], 2)
    response = post("/cart/remove", {"variant_id": shop["mug"]["variant_ids"][0]},
                    token_from="/cart", headers=headers)
    if headers:
        body = text(response)
        assert response.status_code == 200
        assert "Blue Mug" not in body and "Rice Bowl" in body
        assert 'hx-swap-oob="true"' in body
    else:
        assert response.status_code == 303
    assert cart_lines(client) == {"Rice Bowl": 2}


def test_removing_the_last_line_shows_an_empty_cart(client, post, shop):
    """After the last line goes, the cart says it is empty and offers a way back."""
    add(post, shop["mug"], 1)
    response = post("/cart/remove", {"variant_id": shop["mug"]["variant_ids"][0]},
                    token_from="/cart", headers=HX)
    body = text(response)
    assert "Your cart is empty." in body
    assert "Continue shopping" in body
    assert '<table class="breakdown">' not in body


def test_archived_product_leaves_the_cart(client, post, app, shop):
    """A product taken off sale after it was added is gone from the cart and its total."""
    add(post, shop["mug"], 1)
    add(post, shop["bowl"], 1)
    with app.app_context():
        archive_product(db.session.get(Product, shop["mug"]["id"]))
        db.session.commit()
    body = text(client.get("/cart"))
    assert cart_lines(client) == {"Rice Bowl": 1}
    assert re.search(r"1 item</th><td>₩8,000</td>", body)


@pytest.mark.parametrize("path", ["/cart/add", "/cart/update", "/cart/remove"])
def test_post_without_csrf_token_is_refused_and_changes_nothing(client, post, shop, path):
    """A forged or expired form gets 400 with an explanation and the cart is untouched."""
    add(post, shop["bowl"], 1)
    variant_id = shop["bowl"]["variant_ids"][0]
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(path, data={"product": shop["bowl"]["slug"],
                                           "variant_id": variant_id, "quantity": 3, **data})
        assert response.status_code == 400
        assert "nothing was changed" in text(response)
    assert cart_lines(client) == {"Rice Bowl": 1}


def test_htmx_sends_the_csrf_token_in_a_header(client, shop):
    """htmx posts the token from hx-headers as X-CSRFToken, and that is accepted."""
    page = text(client.get("/products/rice-bowl"))
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    response = client.post("/cart/add", data={"product": "rice-bowl",
                                              "variant_id": shop["bowl"]["variant_ids"][0]},
                           headers={**HX, "X-CSRFToken": token})
    assert response.status_code == 200
    assert cart_lines(client) == {"Rice Bowl": 1}


def test_customer_cart_persists_across_sign_out_and_in(client, post, login, make, shop):
    """A signed-in customer's cart is still there after signing out and back in."""
    user = make.user()
    login(user)
    add(post, shop["bowl"], 2)
    response = post("/account/logout", token_from="/account/")
    assert response.status_code == 303
    assert cart_lines(client) == {}
    login(user)
    assert cart_lines(client) == {"Rice Bowl": 2}


def test_guest_cart_merges_on_sign_in(client, post, login, make, shop):
    """Signing in through the form adds the guest's lines to the saved cart, capped by stock."""
    user = make.user()
    login(user)
    add(post, shop["mug"], 2)
    post("/account/logout", token_from="/account/")

    add(post, shop["mug"], 2)
    add(post, shop["bowl"], 1)
    response = login(user)
    landing = text(client.get(response.headers["Location"]))
    assert "Only 3 of Blue Mug left, so your cart has 3." in landing
    assert badge(landing) == 4
    assert cart_lines(client) == {"Blue Mug": 3, "Rice Bowl": 1}


def test_two_visitors_have_separate_carts(app, client, post, shop):
    """One visitor's cart never shows up in another's."""
    add(post, shop["bowl"], 2)
    other = app.test_client()
    assert badge(text(other.get("/"))) == 0
    assert "Your cart is empty." in text(other.get("/cart"))
