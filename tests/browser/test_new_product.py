"""A merchant adds a product on a phone: typed with a German browser's decimal comma, a photo
chosen on the same form, kept as a draft until published."""
import io

from PIL import Image
from playwright.sync_api import expect

from tests.browser_helpers import sign_in


def test_merchant_adds_a_draft_with_a_photo_then_publishes_it(browser, browser_context_args,
                                                                live_server, make, tmp_path,
                                                                axe_violations):
    """At 390 px: name, price "4,90" (euros, German browser), a JPEG with its description;
    created as a draft the shop does not show; Publish puts it on sale with the photo."""
    make.settings(currency="EUR")
    photo = tmp_path / "scarf.jpg"
    Image.new("RGB", (640, 480), (180, 60, 40)).save(photo, "JPEG")
    context = browser.new_context(**{**browser_context_args, "locale": "de-DE"}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, make.user(merchant=True), lands_on="/admin/")

    page.goto(f"{live_server}/admin/products/new")
    expect(page.get_by_label("Status")).to_have_value("draft")
    page.get_by_label("Title · English", exact=True).fill("Wool scarf")
    page.get_by_label("SKU").first.fill("SCARF-1")
    page.get_by_label("Price (EUR)").first.fill("4,90")
    page.get_by_label("Stock").first.fill("3")
    page.get_by_label("Photo 1", exact=True).set_input_files(str(photo))
    page.get_by_label("Describe photo 1 for people who cannot see it").fill("A rust-red scarf")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    page.get_by_role("button", name="Create product").click()

    expect(page.get_by_text("was created as a draft")).to_be_visible()
    expect(page.get_by_label("Price (EUR)").first).to_have_value("4,90")
    shop = context.new_page()
    assert shop.goto(f"{live_server}/products/wool-scarf").status == 404

    page.get_by_role("button", name="Publish: put it on sale").click()
    expect(page.get_by_text("is published: it is for sale in the shop.")).to_be_visible()
    shop.goto(f"{live_server}/products/wool-scarf")
    expect(shop.get_by_role("img", name="A rust-red scarf").first).to_be_visible()
    expect(shop.get_by_text("€4.90").first).to_be_visible()
    context.close()
