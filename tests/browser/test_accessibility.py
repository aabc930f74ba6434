"""Accessibility: axe-core finds no WCAG 2.1 A/AA or best-practice violation on key pages."""
import pytest
from playwright.sync_api import expect


@pytest.fixture
def catalogue(make):
    make.settings(name="Moonjar Studio", tagline="Handmade stoneware", currency="KRW",
                  tax_rate_bp=1000, prices_include_tax=True, free_shipping_threshold=50000,
                  email="hello@moonjar.example", phone="+82 2 555 0100", hours="Mon-Fri 10-18")
    make.shipping("Standard", price=3000)
    mugs = make.category("Mugs", description="For coffee and tea")
    make.product("Speckled mug", category_id=mugs["id"], featured=True, option1_name="Glaze",
                 description_md="Wheel-thrown.\n\n- 350 ml\n- Dishwasher safe",
                 specs=[["Capacity", "350 ml"]], tags="mug",
                 variants=[{"sku": "MUG-W", "option1": "White", "price": 28000, "stock": 4,
                            "compare_at_price": 32000},
                           {"sku": "MUG-B", "option1": "Blue", "price": 28000, "stock": 0}])
    for n in range(30):
        make.product(f"Cup {n}", category_id=mugs["id"], price=12000 + n * 100)


@pytest.mark.parametrize("path", ["/", "/c/mugs", "/search?q=mug", "/products/speckled-mug",
                                  "/cart", "/account/login", "/account/register",
                                  "/policies/shipping", "/policies/returns", "/no-such-page"])
def test_pages_have_no_accessibility_violations(phone, live_server, catalogue, axe_violations,
                                                path):
    """Each page, as a phone renders it, passes the automated WCAG audit."""
    phone.goto(live_server + path)
    assert axe_violations(phone) == []


def test_cart_with_items_has_no_accessibility_violations(phone, live_server, catalogue,
                                                         axe_violations):
    """The filled cart (quantity forms, remove buttons, breakdown) passes the audit."""
    phone.goto(live_server + "/products/speckled-mug")
    phone.get_by_role("button", name="Add to cart").click()
    expect(phone.get_by_text("Added to your cart.")).to_be_visible()
    phone.goto(live_server + "/cart")
    expect(phone.get_by_role("link", name="Speckled mug")).to_be_visible()
    assert axe_violations(phone) == []


def test_checkout_has_no_accessibility_violations(phone, live_server, make, catalogue,
                                                 axe_violations):
    """The checkout of a shop that ships to one country (no Country field), a card chosen: the
    payment cards, the card number and the total by the button pass the audit."""
    make.settings(ship_countries=["South Korea"])
    phone.goto(live_server + "/products/speckled-mug")
    phone.get_by_role("button", name="Add to cart").click()
    expect(phone.get_by_text("Added to your cart.")).to_be_visible()
    phone.goto(live_server + "/checkout")
    phone.get_by_role("radio", name="Card (test mode)").check()
    expect(phone.get_by_label("Card number")).to_be_visible()
    expect(phone.get_by_label("Street address")).to_be_visible()
    expect(phone.get_by_label("Country")).to_have_count(0)
    assert axe_violations(phone) == []


def test_the_audit_catches_a_broken_page(phone, live_server, catalogue, axe_violations):
    """The audit is not vacuous: an unlabeled input and an image without alt are reported."""
    phone.goto(live_server + "/")
    phone.evaluate("""() => {
        document.querySelector('main').insertAdjacentHTML('beforeend',
            '<input type="text"><img src="/favicon.ico">');
    }""")
    found = {v["id"] for v in axe_violations(phone)}
    assert {"label", "image-alt"} <= found
