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
