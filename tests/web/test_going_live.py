"""Going live, as the merchant and shoppers see it: the dashboard's checklist, the business
information in every footer. A live shop without the test card: test_live_payments.py."""
import re
from html import unescape

from tests.checkout_helpers import add_to_cart, checkout_form
from tests.page_helpers import text

FTC_LINK = "https://www.ftc.go.kr/bizCommPop.do?wrkr_no=2208162517"
BUSINESS = {"business_name": "달항아리 공방", "business_representative": "김민지",
            "business_registration_number": "220-81-62517",
            "mail_order_number": "제2026-서울종로-0123호", "hosting_provider": "Example Cloud Korea"}


def settings_form(**overrides):
    data = {"name": "Moonjar Studio", "email": "hello@moonjar.example", "phone": "+82 2-555-0142",
            "hours": "Tue–Sat 11:00–18:00", "address": "12 Bukchon-ro 5-gil, Seoul",
            "currency": "KRW", "tax_rate": "10", "prices_include_tax": "y",
            "free_shipping_threshold": "", "default_region": "Domestic",
            "timezone": "Asia/Seoul", "low_stock_threshold": "5"}
    data.update(overrides)
    return data


def checklist(html):
    """{title: "Done"/"To do"} as the dashboard lists them."""
    return dict((unescape(title), state) for state, title in re.findall(
        r'<span class="check-state">([^<]+)</span>\s*<strong>([^<]+)</strong>', html))


def test_the_dashboard_lists_what_is_left_to_do_with_links(app, client, merchant):
    """A new shop on plain HTTP: HTTPS, email, return rules... each amber with where to fix it."""
    html = text(client.get("/admin/"))
    items = checklist(html)
    assert items["HTTPS"] == "To do" and "You are using the shop over plain HTTP" in html
    assert items["Return rules"] == "To do" and items["Test mode off"] == "To do"
    assert items["Email"] == "To do" and items["Mail worker"] == "To do"
    assert "Done" not in items.values()
    assert 'href="/admin/returns/rules">Set it up<span class="visually-hidden">: Return rules' in html
    assert 'href="/admin/settings#payments">Set it up' in html


def test_over_https_with_an_https_shop_url_the_https_item_is_done(app, client, merchant):
    """Signed in over HTTPS with an https:// SHOP_URL: green; an http:// one: amber, saying so."""
    app.config["SHOP_URL"] = "https://localhost"
    items = checklist(text(client.get("/admin/", base_url="https://localhost")))
    assert items["HTTPS"] == "Done"
    # The browser's own address: no public address for emailed links yet.
    assert items["The shop's address"] == "To do"
    app.config["SHOP_URL"] = "http://localhost"
    html = text(client.get("/admin/", base_url="https://localhost"))
    assert checklist(html)["HTTPS"] == "To do" and "SHOP_URL starts with http://" in html


def test_business_information_is_in_every_footer_with_the_ftc_link(client, post, make, merchant):
    """Saved in the settings, it shows on storefront pages in both languages, checkable at the
    Fair Trade Commission; the dashboard's item turns green."""
    product = make.product("Moon jar")
    response = post("/admin/settings", settings_form(**BUSINESS), token_from="/admin/settings")
    assert response.status_code == 303
    for path in ("/", f"/products/{product['slug']}", "/policies/terms", "/cart"):
        html = text(client.get(path))
        assert "달항아리 공방" in html and "김민지" in html and "220-81-62517" in html, path
        assert f'<a href="{FTC_LINK}" rel="external noopener">' in html, path
        assert "제2026-서울종로-0123호" in html and "Example Cloud Korea" in html, path
    post("/language", {"lang": "ko", "next": "/"})
    korean = text(client.get("/"))
    assert "사업자등록번호" in korean and "통신판매업 신고번호" in korean
    assert checklist(text(client.get("/admin/")))["사업자 정보"] == "완료"


def test_a_mistyped_registration_number_is_refused_next_to_its_field(app, client, post, merchant):
    """422, the message by the field, the typed value kept for correcting; nothing shows."""
    response = post("/admin/settings", settings_form(**{**BUSINESS, "business_name": "New name",
                                                        "business_registration_number": "220-81-62518"}),
                    token_from="/admin/settings")
    html = text(response)
    assert response.status_code == 422
    assert re.search(r'id="business_registration_number-error"[^>]*>\s*220-81-62518 is not a valid '
                     r'business registration number', html)
    assert 'value="220-81-62518"' in html
    footer = text(client.get("/"))
    assert "New name" not in footer and "Business information" not in footer


def test_a_shop_without_business_information_shows_no_empty_section(client, make):
    make.settings(name="Jar Co", currency="USD")
    assert "Business information" not in text(client.get("/"))


def test_contact_us_shows_only_once_there_is_a_way_to_reach_the_shop(client, make):
    """No empty contact details heading; the contact form's link is there either way."""
    make.settings(name="Jar Co", currency="USD", email="", phone="", hours="", address="")
    bare = text(client.get("/"))
    assert 'id="footer-contact"' not in bare and 'href="/help/contact">Contact us</a>' in bare
    make.settings(name="Jar Co", currency="USD", email="hello@jar.example")
    footer = text(client.get("/"))
    assert "Contact us" in footer and 'href="mailto:hello@jar.example"' in footer
