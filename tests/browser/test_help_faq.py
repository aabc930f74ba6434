"""The help page on a phone: results appear while typing, a vote swaps only its own box, and
after "No" the shop offers to be asked directly. The page passes the accessibility audit."""
from playwright.sync_api import expect

from tests.faq_helpers import faq_shop


def test_search_while_typing_and_vote(phone, live_server, app, make, axe_violations):
    entries = faq_shop(app, make)
    page = phone
    page.goto(f"{live_server}/help")
    assert axe_violations(page) == []
    washer = page.locator(f"#q-{entries['washer']}")
    expect(washer).to_be_visible()

    # Typing asks for the results only; the page around them stays.
    page.get_by_label("Search the questions").press_sequentially("speckles", delay=30)
    expect(page.get_by_role("status")).to_contain_text("1 answer for “speckles”")
    expect(washer).to_have_count(0)
    cup = page.locator(f"#q-{entries['cup']}")
    expect(cup).to_be_visible()
    expect(page.get_by_role("heading", name="Help and questions")).to_have_count(1)
    assert "q=speckles" in page.url

    # The answer is open in the results; "No" swaps its vote box for thanks and an offer.
    summary = cup.locator("summary")
    assert summary.bounding_box()["height"] >= 44
    no = cup.get_by_role("button", name="No")
    assert no.bounding_box()["height"] >= 44
    no.click()
    expect(cup.get_by_text("Thank you for telling us.")).to_be_visible()
    ask = cup.get_by_role("link", name="Ask us directly")
    expect(ask).to_have_attribute("href", "/help/contact?topic=care&from=/help")
    expect(page.get_by_label("Search the questions")).to_have_value("speckles")
    assert axe_violations(page) == []

    # Clearing the search brings every topic back.
    page.get_by_label("Search the questions").fill("")
    expect(page.locator(f"#q-{entries['washer']}")).to_be_visible()
    expect(page.get_by_role("heading", name="Care")).to_be_visible()
