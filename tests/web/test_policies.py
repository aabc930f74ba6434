"""The policy pages shoppers read: returns drawn from the rules, privacy and terms as written."""
import re
from datetime import datetime, timezone

import pytest

from domain import policies, returns
from domain.extensions import db
from domain.models import PolicyPage, ReturnPolicy

from tests.checkout_helpers import add_to_cart, krw_shop


@pytest.fixture
def shop(make):
    make.settings(name="Moonjar Studio", currency="KRW", timezone="Asia/Seoul",
                  email="hello@moonjar.example")
    bowls = make.category("Bowls")
    vases = make.category("Vases")
    bowl = make.product("Rice bowl", category_id=bowls["id"])
    return {"bowls": bowls, "vases": vases, "bowl": bowl}


def at(year, month, day):
    return datetime(year, month, day, 3, 0, tzinfo=timezone.utc)


def save_rule(app, scope, scope_id, when, **values):
    rule = dict(window_days=30, allow_refund=True, allow_exchange=True, allow_credit=True,
                return_shipping="free")
    rule.update(values)
    with app.test_request_context():
        returns.save_rule(scope, scope_id, rule, when, "KRW")
        db.session.commit()


def text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


NOT_SET = "This shop has not set its return rules yet."
KOREAN_LAW = "Act on Consumer Protection in Electronic Commerce (Article 17)"


def confirm(app, when):
    with app.test_request_context():
        returns.confirm(when)
        db.session.commit()


def test_a_new_shop_states_no_return_terms_without_writing_anything(client, shop, count_queries):
    """Nobody chose the suggested rules yet: no window, fee or refund days are promised, only
    what Korean law gives a shopper in a shop selling in won."""
    with count_queries() as statements:
        html = text(client, "/policies/returns")
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert NOT_SET in html and KOREAN_LAW in html and "within 7 days of receiving the goods" in html
    assert "<table" not in html and "Free: we pay" not in html
    assert "We refund within" not in html and "Last changed" not in html
    assert 'href="mailto:hello@moonjar.example"' in html
    product = text(client, f"/products/{shop['bowl']['slug']}")
    assert '<a href="/policies/returns">Returns policy</a>' in product
    assert "Free returns" not in product


def test_a_shop_in_another_currency_cites_no_korean_law(client, make):
    """The statutory note is Korean law's only where it applies; elsewhere it stays general."""
    make.settings(name="Jar Co", currency="USD")
    html = text(client, "/policies/returns")
    assert NOT_SET in html and KOREAN_LAW not in html
    assert "The consumer law where you live may give you the right to cancel" in html


def test_once_confirmed_the_suggestions_are_the_shops_promise(app, client, shop):
    """30 days, all choices, the 3-day refund promise, on the policy and the product page; the
    cached copies of the unconfirmed pages are not served again."""
    text(client, "/policies/returns")
    text(client, f"/products/{shop['bowl']['slug']}")
    confirm(app, at(2026, 3, 2))
    html = text(client, "/policies/returns")
    assert NOT_SET not in html and "Last changed on Mar 2, 2026" in html
    row = re.search(r'<th scope="row"[^>]*>Bowls</th>(.*?)</tr>', html, re.S).group(1)
    assert "30 days" in row and "Refund, Exchange, Store credit" in row and "Free: we pay" in row
    assert "We refund within 3 days of receiving your return." in html
    assert "The return window starts on the day your order is delivered" in html
    assert "it starts 7 days after we shipped the order" in html
    assert "Store credit gives you the full price you paid, and exchanges are free." in html
    assert "Drop-off" in html
    product = text(client, f"/products/{shop['bowl']['slug']}")
    assert '<a href="/policies/returns">Free returns within 30 days</a>' in product


def test_rule_change_shows_on_the_cached_page_with_a_new_date(app, client, shop):
    """A visitor's cached copy is replaced when a rule changes, and the date moves with it."""
    save_rule(app, "category", shop["vases"]["id"], at(2026, 3, 2), window_days=30)
    first = text(client, "/policies/returns")
    assert "Last changed on Mar 2, 2026" in first
    vases = re.search(r'<th scope="row"[^>]*>Vases</th>(.*?)</tr>', first, re.S).group(1)
    assert "30 days" in vases

    save_rule(app, "category", shop["vases"]["id"], at(2026, 4, 10), window_days=14,
              restocking_fee_bp=1000, return_shipping="customer", conditions="Unused")
    second = text(client, "/policies/returns")
    assert "Last changed on Apr 10, 2026" in second and "Mar 2, 2026" not in second
    vases = re.search(r'<th scope="row"[^>]*>Vases</th>(.*?)</tr>', second, re.S).group(1)
    assert "14 days" in vases and "10 % of the price, from refunds" in vases
    assert "You send it back at your cost" in vases and "Unused" in vases
    bowls = re.search(r'<th scope="row"[^>]*>Bowls</th>(.*?)</tr>', second, re.S).group(1)
    assert "30 days" in bowls


def test_product_line_follows_the_rule_for_anonymous_visitors(app, client, shop):
    """The product page's return line changes on the next visit, cache or not."""
    slug = shop["bowl"]["slug"]
    confirm(app, at(2026, 3, 1))
    assert "Free returns within 30 days" in text(client, f"/products/{slug}")
    save_rule(app, "category", shop["bowls"]["id"], at(2026, 3, 2), final_sale=True)
    html = text(client, f"/products/{slug}")
    assert re.search(r'<a href="/policies/returns">Final sale: this item cannot be returned</a>',
                     html)
    policy = text(client, "/policies/returns")
    bowls = re.search(r'<th scope="row"[^>]*>Bowls</th>(.*?)</tr>', policy, re.S).group(1)
    assert "Yes: final sale" in bowls and "No returns" in bowls


def test_refund_promise_and_ways_back_come_from_the_settings(app, client, shop):
    """Pickup and drop-off show their instructions; the promise says the merchant's days."""
    with app.test_request_context():
        returns.save_policy({"transit_days": 4, "pickup_enabled": True,
                             "pickup_instructions": "We book a CJ pickup for you.",
                             "dropoff_enabled": False, "refund_promise_days": 1,
                             "general_md": "## Gifts\n\nGift returns get store credit."},
                            at(2026, 5, 1))
        db.session.commit()
    html = text(client, "/policies/returns")
    assert "We refund within 1 day of receiving your return." in html
    assert "<h3>Courier pickup</h3>" in html and "We book a CJ pickup for you." in html
    assert "<h3>Drop-off</h3>" not in html
    assert "it starts 4 days after we shipped the order" in html
    assert "<h3>Gifts</h3>" in html and "Gift returns get store credit." in html
    assert "Last changed on May 1, 2026" in html


@pytest.mark.parametrize("name, title", [("privacy", "Privacy policy"),
                                         ("terms", "Terms of service")])
def test_unwritten_policy_says_so_with_contact_details(client, shop, name, title):
    """Until the merchant writes it, the page says it is not written yet and how to ask."""
    html = text(client, f"/policies/{name}")
    assert f"<h1>{title}</h1>" in html
    assert "This policy has not been written yet." in html
    assert 'href="mailto:hello@moonjar.example"' in html


def test_privacy_policy_shows_the_merchants_markdown_sanitised(app, client, shop):
    """Markdown becomes HTML; raw HTML such as <script> is shown as text, never run."""
    text(client, "/policies/privacy")  # cached for visitors before the change
    with app.test_request_context():
        policies.save_page("privacy", "# What we keep\n\n- your **address**\n\n"
                           "<script>alert('x')</script> [home](javascript:alert(1))",
                           at(2026, 6, 7))
        db.session.commit()
    html = text(client, "/policies/privacy")
    assert "<h2>What we keep</h2>" in html and "<strong>address</strong>" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert "Last updated on Jun 7, 2026" in html
    assert "not been written yet" not in html
    with app.app_context():
        assert db.session.get(PolicyPage, "privacy").updated_at == at(2026, 6, 7)


def test_footer_and_checkout_link_to_the_policies(client, make):
    """Every page links the policies; checkout names the terms and returns policy by its button."""
    shop = krw_shop(make)
    add_to_cart(client, shop["small"])
    html = text(client, "/checkout")
    footer = html[html.index("<footer"):]
    for path in ("/policies/shipping", "/policies/returns", "/policies/privacy",
                 "/policies/terms"):
        assert f'href="{path}"' in footer
    form = html[html.index('class="checkout-form"'):html.index("</form>", html.index(
        'class="checkout-form"'))]
    assert ('By placing your order you agree to our <a href="/policies/terms">terms</a> · '
            '<a href="/policies/returns">Returns policy</a>') in form


def test_policy_pages_have_no_placeholder_left(client, shop):
    """The old "we are writing this policy" text is gone from the returns page."""
    assert "We are writing this policy" not in text(client, "/policies/returns")


def test_missing_policy_row_is_not_created_by_a_visit(app, client, shop):
    """Looking at the policy leaves the database as it was."""
    text(client, "/policies/returns")
    with app.app_context():
        assert db.session.get(ReturnPolicy, 1) is None


def test_shipping_policy_writes_one_day_and_a_range_of_days(client, make):
    """A method that delivers in 1 to 1 days reads "1 day", not "1–1 days"; a range stays one,
    in English and in Korean."""
    make.settings(name="Moonjar Studio", currency="KRW")
    make.shipping("Standard", price=3000, days_min=2, days_max=3)
    make.shipping("Express", price=6000, days_min=1, days_max=1)
    english = text(client, "/policies/shipping")
    assert "1–1" not in english
    assert re.search(r"<td[^>]*>\s*1 day\s*</td>", english)
    assert re.search(r"<td[^>]*>\s*2–3 days\s*</td>", english)
    korean = client.get("/policies/shipping", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "1–1" not in korean
    assert re.search(r"<td[^>]*>\s*1일\s*</td>", korean)
    assert re.search(r"<td[^>]*>\s*2–3일\s*</td>", korean)
