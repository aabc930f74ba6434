"""Storefront pages as a browser and htmx see them: full pages, fragments, headers and safety."""
import re

import pytest

from tests.page_helpers import text

HX = {"HX-Request": "true"}


@pytest.fixture
def shop(app, make):
    """A Korean shop: 10 % tax included, free shipping from 50,000 won, two shipping methods."""
    make.settings(name="Seoul Ceramics", currency="KRW", tax_rate_bp=1000, prices_include_tax=True,
                  free_shipping_threshold=50000, low_stock_threshold=5,
                  email="hello@example.com", phone="02 123 4567")
    make.shipping("Standard", price=3000, days_min=2, days_max=3)
    make.shipping("Express", price=6000, days_min=1, days_max=1)
    mugs = make.category("Mugs")
    mug = make.product("Blue Mug", category_id=mugs["id"], featured=True, tags="kitchen, gift",
                       summary="A sturdy stoneware mug.",
                       variants=[{"sku": "MUG-1", "price": 39000, "compare_at_price": 45000,
                                  "stock": 3}])
    gone = make.product("Old Vase", category_id=mugs["id"], stock=0, price=20000)
    shirt = make.product("Shirt", option1_name="Size", variants=[
        {"sku": "SH-S", "option1": "Small", "price": 25000, "stock": 0},
        {"sku": "SH-M", "option1": "Medium", "price": 25000, "stock": 8},
        {"sku": "SH-L", "option1": "Large", "price": 27000, "stock": 20},
    ])
    return {"category": mugs, "mug": mug, "gone": gone, "shirt": shirt}


def assert_full_page(response):
    body = text(response)
    assert response.status_code == 200
    assert "<html" in body and "</html>" in body
    assert 'href="mailto:hello@example.com"' in body
    assert 'href="/policies/shipping"' in body
    assert 'href="/policies/returns"' in body
    assert "HX-Request" in response.headers.get("Vary", "")


PAGES = {
    "home": ("/", None),
    "category": ("/c/mugs", 'class="result-count"'),
    "search": ("/search?q=mug", 'class="result-count"'),
    "product": ("/products/blue-mug", 'id="buybox"'),
    "cart": ("/cart", "Your cart is empty."),
    "shipping policy": ("/policies/shipping", None),
    "sign in": ("/account/login", 'id="login-form"'),
}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_as_a_full_page(client, shop, name):
    """A plain visit gets the whole page with the footer's contact and policy links."""
    path, _ = PAGES[name]
    assert_full_page(client.get(path))


@pytest.mark.parametrize("name", [n for n, (_, marker) in PAGES.items() if marker])
def test_htmx_requests_get_only_the_fragment(client, shop, name):
    """An htmx request gets just the swapped region: no page shell, no footer."""
    path, marker = PAGES[name]
    response = client.get(path, headers=HX)
    body = text(response)
    assert response.status_code == 200
    assert marker in body
    assert "<html" not in body and "<footer" not in body and "<header" not in body
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize("name", [n for n, (_, marker) in PAGES.items() if not marker])
def test_pages_without_a_fragment_stay_whole_for_htmx(client, shop, name):
    """Pages with no swappable region answer htmx with the full page, still varying on it."""
    assert_full_page(client.get(PAGES[name][0], headers=HX))


@pytest.mark.parametrize("extra", [{"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}])
@pytest.mark.parametrize("name", [n for n, (_, marker) in PAGES.items() if marker])
def test_boosted_and_history_restore_requests_get_the_full_page(client, shop, name, extra):
    """A boosted link or a history restore replaces the whole body, so it needs the whole page."""
    assert_full_page(client.get(PAGES[name][0], headers={**HX, **extra}))


def test_home_shows_featured_products_and_categories(client, shop):
    """Home shows the featured mug, the category tiles and free shipping 'of ₩50,000 or more'."""
    body = text(client.get("/"))
    assert "Blue Mug" in body
    assert 'href="/c/mugs"' in body
    assert "Free shipping on orders of ₩50,000 or more" in body


def test_category_page_lists_its_products(client, shop):
    """The category page lists its two products and not the shirt."""
    body = text(client.get("/c/mugs"))
    assert "2 products" in body
    assert "Blue Mug" in body and "Old Vase" in body and "Shirt" not in body


def test_search_page_shows_results_and_an_empty_state(client, shop):
    """Searching shows what matched, or says nothing did."""
    assert "1 result for “mug”" in text(client.get("/search?q=mug"))
    assert "No products match" in text(client.get("/search?q=zebra"))
    assert "Type a word to search the shop." in text(client.get("/search"))


def test_search_with_query_syntax_characters_still_answers(client, shop):
    """Characters that mean something to the search engine are just searched."""
    for q in ['"', "*", "OR", "-", "NEAR(", "mug OR"]:
        assert client.get("/search", query_string={"q": q}).status_code == 200


def test_search_query_is_shown_as_text(client, shop):
    """A query containing markup is echoed back escaped, never as live HTML."""
    for headers in ({}, HX):
        body = text(client.get("/search", query_string={"q": '<script>alert(1)</script>"'},
                               headers=headers))
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_search_pages_link_to_the_next_page(client, shop, make):
    """Thirty matching products are split over two pages with a link to the second."""
    for n in range(30):
        make.product(f"Cup {n}")
    first = text(client.get("/search?q=cup"))
    assert "30 results for “cup”" in first
    assert "Page 1 of 2" in first
    assert re.search(r'<a rel="next" href="/search\?q=cup&amp;page=2">', first)
    second = text(client.get("/search?q=cup&page=2", headers=HX))
    assert "Page 2 of 2" in second and "<html" not in second
    assert len(re.findall(r'<li class="card">', second)) == 6


@pytest.mark.parametrize("path", ["/products/no-such-thing", "/c/no-such-category",
                                  "/policies/no-such-policy"])
def test_unknown_pages_404_with_a_helpful_page(client, shop, path):
    """A wrong address says so in words and links back to the shop."""
    response = client.get(path)
    body = text(response)
    assert response.status_code == 404
    assert "<html" in body
    assert "We could not find that page" in body
    assert 'href="/"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_draft_product_page_is_not_found(client, shop, make):
    """A product still in draft cannot be seen by guessing its address."""
    make.product("Secret Teapot", status="draft")
    assert client.get("/products/secret-teapot").status_code == 404


def test_product_page_shows_price_compare_at_and_low_stock(client, shop):
    """The mug shows its price, the crossed-out old price, the saving and 'Only 3 left'."""
    body = text(client.get("/products/blue-mug"))
    assert '<span class="amount">₩39,000</span>' in body
    assert re.search(r'<s class="compare-at">.*₩45,000</s>', body)
    assert "Save ₩6,000" in body
    assert "Only 3 left" in body
    assert "Add to cart" in body and 'name="quantity"' in body


def test_sold_out_product_says_so_and_cannot_be_added(client, shop):
    """A sold-out product says 'Sold out' and its add button is disabled."""
    body = text(client.get("/products/old-vase"))
    assert "Sold out" in body
    assert re.search(r'<button type="submit" class="primary" disabled>', body)


def test_variants_are_radio_buttons_with_sold_out_ones_disabled(client, shop):
    """Each size is a radio button; the sold-out size cannot be picked; the first in stock is."""
    body = text(client.get("/products/shirt"))
    radios = re.findall(r'<input type="radio" name="variant_id"[^>]*>', body)
    assert len(radios) == 3
    small, medium, large = shop["shirt"]["variant_ids"]
    assert any(f'value="{small}"' in r and "disabled" in r for r in radios)
    assert any(f'value="{medium}"' in r and "checked" in r for r in radios)
    assert "Small" in body and "Medium" in body and "Large" in body


def test_choosing_a_variant_updates_the_buybox(client, shop):
    """Picking Large (htmx) swaps in the buybox with Large's price and breakdown."""
    large = shop["shirt"]["variant_ids"][2]
    body = text(client.get(f"/products/shirt?variant_id={large}", headers=HX))
    assert '<span class="amount">₩27,000</span>' in body
    assert re.search(rf'value="{large}" checked', body)
    assert "In stock" in body
    assert "<html" not in body


def test_product_page_shows_the_full_price_breakdown_before_any_input(client, shop):
    """Unprompted, the page shows item, named shipping, tax, total and what free shipping needs."""
    for headers in ({}, HX):
        response = client.get("/products/blue-mug", headers=headers)
        body = text(response)
        table = re.search(r'<table class="breakdown">.*?</table>', body, re.S).group(0)
        assert re.search(r"1 item</th><td>₩39,000</td>", table)
        assert re.search(r'Shipping <span class="detail">\(Standard, 2–3 days, Domestic\)'
                         r"</span></th>\s*<td>₩3,000</td>", table)
        assert re.search(r"Tax included \(10 %\)</th><td>₩3,818</td>", table)
        assert re.search(r"Total</th><td>₩42,000</td>", table)
        assert "Add ₩11,000 more for free shipping." in body


def test_product_at_the_threshold_shows_free_shipping(client, shop, make):
    """A 50,000 won product ships free with the cheapest method, and the page says so."""
    make.product("Big Platter", price=50000)
    body = text(client.get("/products/big-platter"))
    assert re.search(r"<td>Free</td>", body)
    assert "You get free shipping." in body
    assert re.search(r"Total</th><td>₩50,000</td>", body)


def test_markdown_description_cannot_run_scripts(client, make, shop):
    """A description with <script>, an onerror image and javascript: links shows as text."""
    make.product("Trick Mug", description_md=(
        "Nice mug <script>alert('x')</script>\n\n"
        "<img src=x onerror=alert(1)>\n\n"
        "[click me](javascript:alert(1)) [also](JAVASCRIPT:alert(2)) "
        "[real link](https://example.com/care)"))
    body = text(client.get("/products/trick-mug"))
    description = re.search(r'<section class="description".*?</section>', body, re.S).group(0)
    assert "<script" not in description.lower()
    assert "&lt;script&gt;alert" in description
    assert "<img" not in description and "&lt;img" in description
    assert "javascript:" not in re.sub(r">[^<]*<", "><", description).lower()
    assert not re.search(r'href="\s*javascript:', description, re.I)
    assert 'href="https://example.com/care"' in description
    # Only the shop's own files: the pinned htmx, the local-time, the chat panel's and the Share
    # button's scripts (and the product's schema.org data, which no browser runs).
    scripts = [tag for tag in re.findall(r"<script[^>]*>", body, re.I)
               if tag != '<script type="application/ld+json">']
    assert len(scripts) == 4 and all('src="/static/' in tag for tag in scripts)


def test_content_security_policy_forbids_inline_scripts(client, shop):
    """Every page and fragment carries a CSP whose script-src has no 'unsafe-inline'."""
    for response in (client.get("/"), client.get("/products/blue-mug", headers=HX),
                     client.get("/no-such-page")):
        csp = response.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert "'unsafe-inline'" not in directives["script-src"]
        assert "'unsafe-eval'" not in directives["script-src"]
        assert directives["object-src"] == "'none'"


def test_pages_have_no_inline_scripts_or_styles(client, shop):
    """No inline scripts, event handlers or style attributes, which the strict CSP would block."""
    for path in ("/", "/c/mugs", "/search?q=mug", "/products/shirt", "/cart", "/account/login"):
        body = text(client.get(path))
        for tag in re.findall(r"<script[^>]*>", body):
            # A data block (the product's schema.org data) is not run, so the CSP allows it.
            assert 'src="/static/' in tag or tag == '<script type="application/ld+json">'
        assert not re.search(r"<[^>]+\son[a-z]+=", body)
        assert not re.search(r"<[^>]+\sstyle=", body)


def test_static_files_are_versioned_and_cached_long(client, shop):
    """CSS and JS links carry a content hash (?v=) and are cached for a year."""
    body = text(client.get("/"))
    for url in (re.search(r'src="(/static/vendor/htmx-[^"]+)"', body).group(1),
                re.search(r'href="(/static/css/site\.css[^"]*)"', body).group(1)):
        assert re.search(r"\?v=[0-9a-f]{12}$", url)
        response = client.get(url)
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]


def test_unversioned_static_files_are_cached_briefly(client, shop):
    """A static file fetched without its hash is cached for minutes, not a year."""
    response = client.get("/static/css/site.css")
    assert "max-age=300" in response.headers["Cache-Control"]


def test_pages_are_never_stored_by_shared_caches(client, shop):
    """Pages carry the visitor's cart and language, so proxies must not share them."""
    assert client.get("/products/blue-mug").headers["Cache-Control"] == "private, no-cache"


def test_session_cookie_is_httponly_and_samesite_lax(client, shop):
    """The session cookie cannot be read by scripts and is not sent on cross-site posts."""
    response = client.get("/account/login")
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "the sign-in page should start a session for its CSRF token"
    assert "HttpOnly" in cookies[0]
    assert "SameSite=Lax" in cookies[0]



def test_korean_shopper_reads_the_shop_in_korean(client, make):
    """Accept-Language: ko gives Korean words, with won formatted by Babel."""
    make.settings(currency="KRW", tax_rate_bp=1000, prices_include_tax=True)
    make.shipping("Standard", price=3000)
    make.product("Moon jar", price=39000, stock=2)
    html = client.get("/products/moon-jar", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ko">' in html
    assert "장바구니에 담기" in html and "2개 남음" in html and "₩39,000" in html
