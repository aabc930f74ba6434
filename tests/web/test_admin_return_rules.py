"""The merchant's return rule editor and policy texts, as the storefront shows them."""
import html
import re
from datetime import datetime, timezone

import pytest

from domain.extensions import db
from domain.models import PolicyPage, ReturnPolicy, ReturnRule

RULES = "/admin/returns/rules"


@pytest.fixture(autouse=True)
def seoul_shop(make):
    """A KRW shop in Seoul with a contact email, as the policy texts need."""
    make.settings(currency="KRW", timezone="Asia/Seoul", email="hello@example.com")


@pytest.fixture
def clock(app):
    """A settable request clock: clock.now = datetime(...)."""
    class Clock:
        now = datetime(2026, 3, 2, 3, 0, tzinfo=timezone.utc)
    app.config["CLOCK"] = lambda: Clock.now
    return Clock


def rule_form(**overrides):
    data = {"window_days": "30", "allow_refund": "y", "allow_exchange": "y", "allow_credit": "y",
            "restocking_fee": "0", "return_shipping": "free", "return_shipping_fee": "",
            "conditions": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def page(client, path):
    return client.get(path).get_data(as_text=True)


def rule_rows(app):
    with app.app_context():
        return sorted((r.category_id, r.product_id, r.window_days, r.restocking_fee_bp,
                       r.return_shipping, r.return_shipping_fee, r.final_sale)
                      for r in db.session.scalars(db.select(ReturnRule)))


def test_category_window_change_shows_on_the_policy_and_product_pages(client, post, make, app,
                                                                      merchant, clock):
    """Mugs go from 30 to 14 days: the policy table, its date and the mug's page change at once."""
    mugs = make.category("Mugs")
    mug = make.product("Blue mug", category_id=mugs["id"])
    assert post(RULES + "/category", rule_form(category_id=mugs["id"]),
                token_from=RULES).status_code == 303
    assert "Free returns within 30 days" in page(client, f"/products/{mug['slug']}")
    assert "Last changed on Mar 2, 2026" in page(client, "/policies/returns")

    clock.now = datetime(2026, 4, 10, 3, 0, tzinfo=timezone.utc)
    response = post(RULES + "/category", rule_form(category_id=mugs["id"], window_days="14"),
                    token_from=RULES)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(RULES + "#rules")

    policy = page(client, "/policies/returns")
    assert "Last changed on Apr 10, 2026" in policy
    row = re.search(r'<th scope="row"[^>]*>Mugs</th>(.*?)</tr>', policy, re.S).group(1)
    assert "14 days" in row and "30 days" not in row
    product = page(client, f"/products/{mug['slug']}")
    assert "Free returns within 14 days" in product
    assert 'href="/policies/returns"' in product


def test_fees_show_in_the_product_line_and_policy_table(client, post, make, merchant):
    """A flat ₩5,000 return fee and a 10 % restocking fee are spelled out for shoppers."""
    vases = make.category("Vases")
    vase = make.product("Tall vase", category_id=vases["id"])
    response = post(RULES + "/category", rule_form(
        category_id=vases["id"], window_days="14", restocking_fee="10",
        return_shipping="flat", return_shipping_fee="5,000", conditions="Unused, boxed"),
        token_from=RULES)
    assert response.status_code == 303
    product = page(client, f"/products/{vase['slug']}")
    assert "Returns within 14 days · ₩5,000 return shipping · 10 % restocking fee" in product
    policy = page(client, "/policies/returns")
    assert "₩5,000, kept from refunds" in policy
    assert "10 % of the price, from refunds" in policy
    assert "Unused, boxed" in policy


def test_product_exception_by_sku_wins_and_can_be_removed(client, post, make, app, merchant):
    """A second picked by SKU becomes final sale; removing the exception restores the shop rule."""
    seconds = make.product("Seconds bowl", variants=[{"sku": "BWL-2ND", "price": 9000,
                                                       "stock": 3}])
    response = post(RULES + "/product", rule_form(product="bwl-2nd", final_sale="y"),
                    token_from=RULES)
    assert response.status_code == 303
    assert "Final sale: this item cannot be returned" in page(client,
                                                               f"/products/{seconds['slug']}")
    policy = page(client, "/policies/returns")
    assert "Seconds bowl" in policy and "Yes: final sale" in policy

    response = post(f"{RULES}/product/{seconds['id']}/delete", {}, token_from=RULES)
    assert response.status_code == 303
    assert rule_rows(app) == []
    assert "Free returns within 30 days" in page(client, f"/products/{seconds['slug']}")


def test_product_picked_by_its_address(client, post, make, app, merchant):
    """Pasting the product's address works as well as its SKU."""
    mug = make.product("Espresso cup")
    response = post(RULES + "/product", rule_form(product=f"https://shop.example/products/"
                                                          f"{mug['slug']}", window_days="7"),
                    token_from=RULES)
    assert response.status_code == 303
    assert rule_rows(app) == [(None, mug["id"], 7, 0, "free", 0, False)]


def test_a_sku_on_two_products_asks_for_the_address(client, post, make, app, merchant):
    """A repeated SKU does not pick one product at random: the merchant names it by address."""
    make.product("Linen shirt", variants=[{"sku": "LINEN", "price": 30000, "stock": 1}])
    dress = make.product("Linen dress", variants=[{"sku": "LINEN", "price": 50000, "stock": 1}])
    response = post(RULES + "/product", rule_form(product="linen", final_sale="y"),
                    token_from=RULES)
    assert response.status_code == 422
    assert ("The SKU “linen” is on several products (“Linen dress”, “Linen shirt”): enter the "
            "last part of the product's address instead.") in html.unescape(
                response.get_data(as_text=True))
    assert rule_rows(app) == []
    response = post(RULES + "/product", rule_form(product=dress["slug"], final_sale="y"),
                    token_from=RULES)
    assert response.status_code == 303
    assert [row[1] for row in rule_rows(app)] == [dress["id"]]


@pytest.mark.parametrize("path, overrides, field, message", [
    ("/shop", {"window_days": "-3"}, "shop-window_days",
     "Enter the return window as whole days, from 0 to 3650."),
    ("/shop", {"restocking_fee": "150"}, "shop-restocking_fee",
     "The restocking fee must be between 0 and 100 %."),
    ("/shop", {"return_shipping": "flat", "return_shipping_fee": ""}, "shop-return_shipping_fee",
     "Enter the flat return shipping fee, or choose another option."),
    ("/shop", {"restocking_fee": "ten"}, "shop-restocking_fee",
     "Enter a percentage like 10 or 7.5"),
    ("/product", {"product": "NO-SUCH-SKU"}, "product-product",
     "No product has the SKU or address “NO-SUCH-SKU”."),
])
def test_bad_rule_input_gets_a_message_next_to_the_field_and_changes_nothing(
        client, post, app, merchant, path, overrides, field, message):
    """Negative windows, fees over 100 %, a flat fee without an amount or an unknown product: 422."""
    post(RULES + "/shop", rule_form(), token_from=RULES)
    before = rule_rows(app)
    response = post(RULES + path, rule_form(**overrides), token_from=RULES)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="error" id="{field}-error" role="alert">(.*?)</p>', html)
    assert error and message in error.group(1), html[:300]
    assert 'aria-invalid="true"' in html
    assert rule_rows(app) == before


def test_processing_settings_show_on_the_policy_page(client, post, app, merchant, clock):
    """Pickup and drop-off instructions, the refund promise and the transit days are published."""
    response = post(RULES + "/processing", {
        "transit_days": "5", "pickup_enabled": "y", "pickup_instructions": "Book a CJ pickup.",
        "dropoff_enabled": "y", "dropoff_instructions": "Any GS25 store.\nKeep the receipt.",
        "refund_promise_days": "2", "general_md": "Wrap **every** piece."}, token_from=RULES)
    assert response.status_code == 303
    html = page(client, "/policies/returns")
    assert "We refund within 2 days of receiving your return." in html
    assert "Book a CJ pickup." in html
    assert "<p>Any GS25 store.</p><p>Keep the receipt.</p>" in html
    assert "it starts 5 days after we shipped the order" in html
    assert "Wrap <strong>every</strong> piece." in html


def test_processing_needs_a_way_back(client, post, app, merchant):
    """Turning off both pickup and drop-off is refused with 422."""
    response = post(RULES + "/processing", {"transit_days": "5", "refund_promise_days": "3",
                                            "general_md": ""}, token_from=RULES)
    assert response.status_code == 422
    assert "Offer pickup, drop-off or both" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ReturnPolicy, 1) is None


def test_general_rules_preview_is_a_fragment_for_htmx(client, post, merchant):
    """Typing in the general rules asks for just the preview, rendered and sanitised."""
    response = post(RULES + "/preview", {"general_md": "**Careful** <script>x</script>"},
                    token_from=RULES, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="general-preview"')
    assert "<strong>Careful</strong>" in html and "<script>" not in html


def test_policy_text_is_published_sanitised(client, post, app, merchant, clock):
    """The merchant's Markdown becomes the terms page; a <script> in it is shown as text."""
    path = "/admin/policies/terms"
    assert "Not written yet" in page(client, path)
    response = post(path, {"body_md": "# Orders\n\nWe ship **fast**. <script>alert(1)</script>"},
                    token_from=path)
    assert response.status_code == 303 and response.headers["Location"].endswith(path)
    html = page(client, "/policies/terms")
    assert "<h2>Orders</h2>" in html and "<strong>fast</strong>" in html
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "Last updated on Mar 2, 2026" in html
    with app.app_context():
        assert db.session.get(PolicyPage, "terms").body_md.startswith("# Orders")


def test_unknown_policy_page_is_404(client, merchant):
    """Only privacy and terms are edited here."""
    assert client.get("/admin/policies/cookies").status_code == 404


@pytest.mark.parametrize("path", [RULES, "/admin/policies/privacy"])
def test_customers_get_403_and_visitors_sign_in(client, post, make, login, app, path):
    """The editors are for merchants: a customer is refused, a visitor is asked to sign in."""
    assert client.get(path).status_code == 303
    login(make.user())
    assert client.get(path).status_code == 403
    assert post(path if path != RULES else RULES + "/shop",
                rule_form(body_md="Mine now")).status_code == 403
    assert rule_rows(app) == []
    with app.app_context():
        assert db.session.get(PolicyPage, "privacy") is None


def test_editor_lists_rules_with_edit_links(client, post, make, merchant):
    """Each category is listed with a link that opens its rule in the category form."""
    mugs = make.category("Mugs")
    post(RULES + "/category", rule_form(category_id=mugs["id"], window_days="21"),
         token_from=RULES)
    html = page(client, RULES)
    assert f'href="/admin/returns/rules?category={mugs["id"]}#category-rule"' in html
    edit = page(client, f"{RULES}?category={mugs['id']}")
    assert re.search(r'id="category-window_days"[^>]*value="21"|value="21"[^>]*id="category-window_days"',
                     edit)
    assert 'aria-current="page">Return rules' in edit


def test_a_new_shop_confirms_the_suggested_rules_in_one_step(client, post, make, app, merchant,
                                                            clock):
    """The rules page says nothing is promised yet; "Confirm these rules" stores the suggested
    rule as the shop's and the storefront states it from then on."""
    mug = make.product("Blue mug")
    assert '<a href="/policies/returns">Returns policy</a>' in page(client, f"/products/{mug['slug']}")
    html = page(client, RULES)
    assert "Your return rules are not confirmed yet" in html and "Confirm these rules" in html
    response = post(RULES + "/confirm", {}, token_from=RULES)
    assert response.status_code == 303
    assert rule_rows(app) == [(None, None, 30, 0, "free", 0, False)]
    with app.app_context():
        assert db.session.get(ReturnPolicy, 1).confirmed_at == clock.now
    assert "Free returns within 30 days" in page(client, f"/products/{mug['slug']}")
    assert "not set its return rules" not in page(client, "/policies/returns")
    assert "Your return rules are not confirmed yet" not in page(client, RULES)


def test_confirming_needs_the_forms_token(client, make, app, merchant):
    """A cross-site POST confirms nothing: the shop still promises no terms."""
    response = client.post(RULES + "/confirm", data={})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(ReturnPolicy, 1) is None
    assert "This shop has not set its return rules yet." in page(client, "/policies/returns")


def test_saving_the_return_settings_confirms_the_rules(client, post, app, merchant, clock):
    """A merchant who saved the processing settings has chosen: no separate confirmation."""
    response = post(RULES + "/processing", {"transit_days": "5", "refund_promise_days": "2",
                                            "dropoff_enabled": "y", "general_md": ""},
                    token_from=RULES)
    assert response.status_code == 303
    html = page(client, "/policies/returns")
    assert "not set its return rules" not in html
    assert "We refund within 2 days of receiving your return." in html
