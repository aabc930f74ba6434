"""Sharing, the brand and the cause on the storefront: the cards a shared link shows (Open
Graph, Twitter), the canonical address, the Share button and its script, the footer's social
profiles, the accent colour (refused without enough contrast), the logo, the About page and
the cause's line and page; the back office's brand and cause pages are the owner's."""
import io
import re
from datetime import date
from types import SimpleNamespace

from PIL import Image

from domain.extensions import db
from domain.images import store_image
from domain.models import CauseDonation, ProductImage, ShopSettings
from domain.products import refresh_summary
from tests.page_helpers import csrf_token

SHOP_URL = "https://shop.example"


def meta(html, name):
    """The content of <meta property|name="name">, or None."""
    found = re.search(r'<meta (?:property|name)="%s" content="([^"]*)"' % re.escape(name), html)
    return found.group(1) if found else None


def png(width=1200, height=800, colour=(30, 90, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def with_photo(app, product_id, width=1200, height=800):
    from domain.models import Product
    with app.test_request_context():
        key, w, h = store_image(png(width, height), app.config["UPLOAD_FOLDER"])
        product = db.session.get(Product, product_id)
        product.images.append(ProductImage(key=key, width=w, height=h, alt="A green moon jar",
                                           position=0))
        refresh_summary(product)
        db.session.commit()
        return key, w, h


def settings(app):
    """The settings as stored (a shop that never saved any has none: the defaults)."""
    with app.app_context():
        row = db.session.scalar(db.select(ShopSettings))
        if row is None:
            return SimpleNamespace(social_links={}, brand_colour="", about_md={}, logo_key=None,
                                   cause_name={})
        return row


def test_a_product_page_carries_its_card_and_canonical_address(app, client, make):
    app.config["SHOP_URL"] = SHOP_URL
    make.settings(name="Moonjar Studio", currency="KRW")
    category = make.category("Jars")
    product = make.product("Moon jar", price=39000, stock=3, category_id=category["id"],
                           summary="A full, round jar thrown in two halves.")
    key, width, height = with_photo(app, product["id"])
    html = client.get("/products/moon-jar?variant=%d&utm_source=insta&fbclid=abc"
                      % product["variant_ids"][0]).get_data(as_text=True)
    assert '<link rel="canonical" href="https://shop.example/products/moon-jar">' in html
    assert meta(html, "og:url") == "https://shop.example/products/moon-jar"
    assert meta(html, "og:type") == "product"
    assert meta(html, "og:title") == "Moon jar"
    assert meta(html, "og:description") == "A full, round jar thrown in two halves."
    assert meta(html, "og:image") == f"https://shop.example/media/products/{key}-1024.webp"
    assert (width, meta(html, "og:image:width"), meta(html, "og:image:height")) == (1024, "1024", "683")
    assert meta(html, "product:price:amount") == "39000"
    assert meta(html, "product:price:currency") == "KRW"
    assert meta(html, "product:availability") == "in stock"
    assert meta(html, "twitter:card") == "summary_large_image"
    # The image named is really served.
    assert client.get(f"/media/products/{key}-1024.webp").status_code == 200


def test_a_sold_out_product_says_so_and_a_small_photo_gets_the_small_card(app, client, make):
    make.settings(currency="USD")
    product = make.product("Tea bowl", price=1250, stock=0)
    with_photo(app, product["id"], width=400, height=400)
    html = client.get("/products/tea-bowl").get_data(as_text=True)
    assert meta(html, "product:availability") == "out of stock"
    assert meta(html, "product:price:amount") == "12.50"
    assert meta(html, "og:image:width") == "400"
    assert meta(html, "twitter:card") == "summary"


def test_category_and_home_pages_carry_cards_without_sorting_or_tracking(app, client, make):
    app.config["SHOP_URL"] = SHOP_URL
    make.settings(name="Moonjar Studio", tagline="Ceramics from Seoul")
    category = make.category("Jars", description="Round jars for flowers and rice.")
    product = make.product("Moon jar", category_id=category["id"], featured=True)
    key, _w, _h = with_photo(app, product["id"])
    html = client.get(f"/c/{category['slug']}?sort=newest&utm_campaign=x").get_data(as_text=True)
    assert f'<link rel="canonical" href="https://shop.example/c/{category["slug"]}">' in html
    assert meta(html, "og:description") == "Round jars for flowers and rice."
    assert meta(html, "og:image") == f"https://shop.example/media/products/{key}-1024.webp"
    assert meta(html, "product:price:amount") is None
    home = client.get("/?ref=newsletter").get_data(as_text=True)
    assert '<link rel="canonical" href="https://shop.example/">' in home
    assert meta(home, "og:title") == "Moonjar Studio"
    assert meta(home, "og:description") == "Ceramics from Seoul"
    assert meta(home, "og:type") == "website"


def test_the_share_button_is_drawn_and_its_script_served(app, client, make):
    app.config["SHOP_URL"] = SHOP_URL
    make.product("Moon jar")
    html = client.get("/products/moon-jar").get_data(as_text=True)
    button = re.search(r'<button[^>]*data-share="([^"]+)"[^>]*>', html)
    assert button and button.group(1) == "https://shop.example/products/moon-jar"
    assert " hidden" in button.group(0)  # shown by the script, which alone can act on it
    assert 'data-copied="Link copied.' in button.group(0)
    src = re.search(r'<script src="(/static/js/share\.js[^"]*)"', html).group(1)
    script = client.get(src)
    assert script.status_code == 200 and b"navigator" in script.get_data()
    assert b"clipboard.writeText" in script.get_data()


def test_social_links_are_saved_checked_and_shown_in_the_footer(app, client, make, merchant, post):
    response = post("/admin/brand", {"colour": "", "about_en": "", "about_ko": "",
                                     "social_instagram": "http://instagram.com/moonjar",
                                     "social_youtube": "https://evil.example/watch"},
                    token_from="/admin/brand")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter the profile&#39;s address starting with https://instagram.com/." in page
    assert "Enter the profile&#39;s address starting with https://youtube.com/." in page
    assert settings(app).social_links == {}
    response = post("/admin/brand", {"colour": "", "social_instagram": "https://www.instagram.com/moonjar",
                                     "social_naver_blog": "https://blog.naver.com/moonjar"},
                    token_from="/admin/brand")
    assert response.status_code == 303
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    footer = client.get("/").get_data(as_text=True)
    assert ('<a href="https://www.instagram.com/moonjar" rel="me external noopener"\n'
            '             aria-label="') in footer
    assert "on Instagram\">Instagram</a>" in footer
    assert ">Naver Blog</a>" in footer


def test_a_colour_white_text_cannot_be_read_on_is_refused_and_nothing_saved(app, client, merchant, post):
    response = post("/admin/brand", {"colour": "#f0c000", "about_en": "Our story",
                                     "social_instagram": "https://instagram.com/moonjar"},
                    token_from="/admin/brand")
    assert response.status_code == 422
    assert "White text on #f0c000 has a contrast of 1.7" in response.get_data(as_text=True)
    row = settings(app)
    assert (row.brand_colour, row.about_md, row.social_links) == ("", {}, {})
    assert post("/admin/brand", {"colour": "#1E5B3A"}, token_from="/admin/brand").status_code == 303
    assert settings(app).brand_colour == "#1e5b3a"
    html = client.get("/").get_data(as_text=True)
    sheet = re.search(r'<link rel="stylesheet" href="(/brand/1e5b3a\.css)">', html).group(1)
    css = client.get(sheet)
    assert "--accent:#1e5b3a" in css.get_data(as_text=True) and css.mimetype == "text/css"
    assert "immutable" in css.headers["Cache-Control"]
    assert 'style="' not in html.split("<body")[0]
    # A colour that would be refused is not drawn either.
    assert client.get("/brand/f0c000.css").status_code == 404


def test_a_logo_upload_goes_through_the_photo_pipeline_and_shows_in_header_and_email(app, client, merchant, post):
    response = post("/admin/brand/logo", {"logo": (io.BytesIO(b"not an image"), "logo.png")},
                    token_from="/admin/brand", content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not an image we can read" in response.get_data(as_text=True)
    assert settings(app).logo_key is None
    response = post("/admin/brand/logo", {"logo": (io.BytesIO(png(800, 200)), "logo.png")},
                    token_from="/admin/brand", content_type="multipart/form-data")
    assert response.status_code == 303
    row = settings(app)
    assert (row.logo_width, row.logo_height) == (800, 200)
    html = client.get("/").get_data(as_text=True)
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert f'src="/media/products/{row.logo_key}-320.webp"' in header
    assert 'width="800" height="200" alt="' in header
    assert client.get(f"/media/products/{row.logo_key}-email.png").mimetype == "image/png"
    with app.test_request_context():
        from blueprints import mail
        from domain import notify
        notify.enqueue("password_reset", "minji@example.com", "en", data={"url": "https://x"})
        db.session.commit()
    with app.test_request_context(base_url=app.config["SHOP_URL"]):
        from domain.models import OutboxMessage
        message = db.session.scalar(db.select(OutboxMessage))
        _subject, _text, html = mail.render_parts(message)
    assert f'<img src="{app.config["SHOP_URL"]}/media/products/{row.logo_key}-email.png"' in html


def test_the_about_page_is_the_merchants_markdown_cleaned(app, client, make, merchant, post):
    assert client.get("/about").status_code == 404
    story = "# Our kiln\n\nWe fire **twice** a month.<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    assert post("/admin/brand", {"about_en": story, "about_ko": "저희 **가마** 이야기"},
                token_from="/admin/brand").status_code == 303
    html = client.get("/about").get_data(as_text=True)
    assert "<h2>Our kiln</h2>" in html and "<strong>twice</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html  # shown, never run
    assert 'href="javascript' not in html
    client.post("/language", data={"lang": "ko", "next": "/about", "csrf_token": csrf_token(client, "/about")})
    assert "<strong>가마</strong>" in client.get("/about").get_data(as_text=True)
    assert 'href="/about"' in client.get("/").get_data(as_text=True)


def test_the_cause_line_shows_only_when_a_cause_is_set(app, client, make, merchant, post):
    make.settings(currency="KRW")
    make.product("Moon jar")
    assert "cause-line" not in client.get("/products/moon-jar").get_data(as_text=True)
    response = post("/admin/cause", {"name_en": "Seoul Forest Conservancy", "name_ko": "서울숲컨서번시",
                                     "url": "https://seoulforest.example", "percent": "2",
                                     "fixed": "500"}, token_from="/admin/cause")
    assert response.status_code == 422
    assert "Give either a percentage or a fixed amount, not both." in response.get_data(as_text=True)
    assert settings(app).cause_name == {}
    response = post("/admin/cause", {"name_en": "Seoul Forest Conservancy", "name_ko": "서울숲컨서번시",
                                     "url": "https://seoulforest.example", "percent": "2"},
                    token_from="/admin/cause")
    assert response.status_code == 303
    row = settings(app)
    assert (row.cause_bp, row.cause_fixed) == (200, 0)
    html = client.get("/products/moon-jar").get_data(as_text=True)
    assert "2 % of every order goes to Seoul Forest Conservancy once it is delivered." in html
    assert post("/admin/cause", {"name_en": "Seoul Forest Conservancy", "fixed": "500"},
                token_from="/admin/cause").status_code == 303
    assert "₩500 of every order goes to Seoul Forest Conservancy" in \
        client.get("/products/moon-jar").get_data(as_text=True)


def test_donation_notes_are_added_edited_and_deleted_and_shown_on_the_cause_page(app, client, make, merchant, post):
    make.settings(currency="KRW", cause_name={"en": "Seoul Forest Conservancy"}, cause_bp=200)
    response = post("/admin/cause/donations", {"donated_on": "2026-01-31", "amount": "50,000",
                                               "note": "January's share", "proof_url": "ftp://x"},
                    token_from="/admin/cause")
    assert response.status_code == 422
    assert "Enter a web address starting with https://." in response.get_data(as_text=True)
    response = post("/admin/cause/donations", {"donated_on": "2026-01-31", "amount": "50,000",
                                               "note": "January's share",
                                               "proof_url": "https://receipts.example/1"},
                    token_from="/admin/cause")
    assert response.status_code == 303
    with app.app_context():
        donation = db.session.scalar(db.select(CauseDonation))
        assert (donation.donated_on, donation.amount, donation.currency) == (date(2026, 1, 31), 50000, "KRW")
        donation_id = donation.id
    page = client.get("/cause").get_data(as_text=True)
    assert "January&#39;s share" in page and 'href="https://receipts.example/1"' in page
    editing = client.get(f"/admin/cause?edit={donation_id}").get_data(as_text=True)
    assert 'value="50,000"' in editing and 'value="2026-01-31"' in editing
    assert f'action="/admin/cause/donations/{donation_id}"' in editing
    assert post(f"/admin/cause/donations/{donation_id}", {"donated_on": "2026-01-31", "amount": "60,000",
                                                          "note": "Corrected"},
                token_from="/admin/cause").status_code == 303
    assert "₩60,000" in client.get("/cause").get_data(as_text=True)
    assert post(f"/admin/cause/donations/{donation_id}/delete", {}, token_from="/admin/cause").status_code == 303
    assert "No donation noted yet." in client.get("/cause").get_data(as_text=True)


def test_staff_may_not_open_the_brand_or_cause_pages(app, client, make, login, post):
    login(make.user(email="clerk@example.com", role="staff"))
    for page in ("/admin/brand", "/admin/cause"):
        assert client.get(page).status_code == 403
    response = post("/admin/brand", {"colour": "#1e5b3a"}, token_from="/admin/orders")
    assert response.status_code == 403
    assert settings(app).brand_colour == ""


def test_checkout_says_what_this_order_gives_and_the_confirmation_offers_to_share_the_shop(app, client, make):
    from tests.checkout_helpers import add_to_cart, checkout_form, krw_shop
    app.config["SHOP_URL"] = SHOP_URL
    shop = krw_shop(make)
    make.settings(cause_name={"en": "Seoul Forest Conservancy", "ko": "서울숲컨서번시"}, cause_bp=250)
    add_to_cart(client, shop["small"])
    data = checkout_form(client, shop)
    page = client.get("/checkout").get_data(as_text=True)
    assert "2.5 % of this order goes to Seoul Forest Conservancy once it is delivered." in page
    response = client.post("/checkout", data=data)
    assert response.status_code == 303
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    button = re.search(r'<button[^>]*data-share="([^"]+)"[^>]*>([^<]*)</button>', confirmation)
    # The shop's address, never the order's own link (it opens the order).
    assert button.group(1) == "https://shop.example/" and "Share Moonjar Studio" in button.group(2)
    with app.app_context():
        from domain.models import Order
        assert db.session.scalar(db.select(Order.cause_bp)) == 250
    client.post("/language", data={"lang": "ko", "next": "/", "csrf_token": csrf_token(client, "/")})
    assert "모든 주문의 2.5%는 배송이 끝나면 서울숲컨서번시에 기부됩니다." in \
        client.get("/products/moon-jar").get_data(as_text=True)


def test_the_cause_page_counts_a_delivered_order_and_takes_a_refunded_return_off(app, client, make):
    """Through the real pipeline: 2 jars at ₩39,000 delivered give 2 % of ₩78,000 = ₩1,560; one
    refunded gives ₩780. The page counts again as soon as the return is settled."""
    from datetime import timedelta

    from tests.order_helpers import NOW, shop_with_a_product
    from tests.return_helpers import delivered as delivered_order_number, ask, step
    setup = shop_with_a_product(make, cause_name={"en": "Seoul Forest Conservancy"}, cause_bp=200)
    number = delivered_order_number(app, setup, quantity=2)
    page = client.get("/cause").get_data(as_text=True)
    assert '<p class="promise">₩1,560</p>' in page and "From 1 delivered order." in page
    rma = ask(app, number, quantity=1)
    assert '<p class="promise">₩1,560</p>' in client.get("/cause").get_data(as_text=True)
    step(app, rma, "approve", "receive", "complete", when=NOW + timedelta(days=3))
    assert '<p class="promise">₩780</p>' in client.get("/cause").get_data(as_text=True)
