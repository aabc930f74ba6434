"""The Share button on a 390 px phone without a share sheet: it copies the product's address
and says so where a screen reader hears it."""
from playwright.sync_api import expect

# Chromium on Linux has no share sheet; taken away all the same, so the fallback is what runs.
NO_SHARE_SHEET = "delete Navigator.prototype.share;"


def test_share_copies_the_products_link_and_confirms_it(app, browser, browser_context_args,
                                                          live_server, make, axe_violations):
    app.config["SHOP_URL"] = "https://shop.example"
    make.product("Moon jar", price=39000)
    context = browser.new_context(**browser_context_args, bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    context.add_init_script(NO_SHARE_SHEET)
    page = context.new_page()
    page.goto(f"{live_server}/products/moon-jar")
    button = page.get_by_role("button", name="Share")
    expect(button).to_be_visible()
    assert button.bounding_box()["height"] >= 44
    button.click()
    expect(page.locator(".share [role=status]")).to_have_text(
        "Link copied. Paste it wherever you like.")
    assert page.evaluate("navigator.clipboard.readText()") == "https://shop.example/products/moon-jar"
    assert axe_violations(page, ".share") == []
    context.close()


def test_the_about_and_cause_pages_pass_the_audit(app, phone, live_server, make, axe_violations):
    from datetime import date

    from domain.extensions import db
    from domain.models import CauseDonation
    make.settings(name="Moonjar Studio", currency="KRW", brand_colour="#2f6b55",
                  about_md={"en": "# Our kiln\n\nWe fire **twice** a month."},
                  social_links={"instagram": "https://www.instagram.com/moonjar"},
                  cause_name={"en": "Seoul Forest Conservancy"}, cause_bp=200,
                  cause_url="https://forest.example")
    with app.app_context():
        db.session.add(CauseDonation(donated_on=date(2026, 1, 31), amount=50000, currency="KRW",
                                     note="January", proof_url="https://receipts.example/1"))
        db.session.commit()
    for path, heading in (("/about", "About us"), ("/cause", "Our cause: Seoul Forest Conservancy")):
        phone.goto(f"{live_server}{path}")
        assert phone.get_by_role("heading", level=1).inner_text() == heading
        assert axe_violations(phone, "main") == [], path
    footer = phone.get_by_role("contentinfo")
    assert footer.get_by_role("link", name="Moonjar Studio on Instagram").get_attribute("href") \
        == "https://www.instagram.com/moonjar"
    assert axe_violations(phone, "footer") == []
