"""The product page's reviews on a phone: sorting and paging swap only the list, "Helpful"
swaps only its own form, tap targets are 44 px, and the page passes the accessibility audit."""
from playwright.sync_api import expect

from tests.order_helpers import NOW
from tests.review_listing_helpers import publish


def test_sort_page_and_vote_on_a_phone(phone, live_server, app, make, axe_violations):
    app.config["CLOCK"] = lambda: NOW
    make.settings(name="Moonjar", currency="KRW")
    jar = make.product("Moon jar", price=120000)
    for n in range(12):
        publish(app, jar["id"], 5 if n % 3 else 2, n, title=f"Review {n:02d}",
                body="Heavier than it looks.", variant_title="Large",
                reply="Thank you!" if n == 11 else "", incentive="credit" if n == 10 else "",
                photo=n == 9)
    page = phone
    page.goto(f"{live_server}/products/moon-jar")
    reviews = page.locator("#reviews")
    expect(reviews.get_by_role("heading", name="Customer reviews")).to_be_visible()
    expect(reviews.get_by_text("12 reviews").first).to_be_visible()
    expect(reviews.get_by_role("img", name="Rated 4.0 out of 5")).to_be_visible()
    newest = reviews.locator("li.review").first
    expect(newest.get_by_role("heading")).to_have_text("Review 11")
    expect(newest.get_by_text("Verified purchase")).to_be_visible()
    expect(newest.get_by_text("Reply from Moonjar")).to_be_visible()
    expect(reviews.get_by_text("Reviewed with a thank-you credit")).to_be_visible()
    expect(reviews.get_by_role("img", name="Photo 1 of 1 from this review")).to_be_visible()
    assert axe_violations(page) == []

    # Sorting swaps the list in place: the page and its address stay.
    lowest = reviews.get_by_role("link", name="Lowest rating")
    assert lowest.bounding_box()["height"] >= 44
    lowest.click()
    expect(page.locator("#reviews li.review").first.get_by_role("heading")).to_have_text("Review 09")
    expect(page.get_by_role("link", name="Lowest rating")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", name="Moon jar", exact=True)).to_be_visible()
    assert page.url == f"{live_server}/products/moon-jar"

    # The next page too.
    page.locator("#reviews").get_by_role("link", name="Next page").click()
    expect(page.locator("#reviews").get_by_text("Page 2 of 2")).to_be_visible()
    expect(page.locator("#reviews li.review")).to_have_count(2)
    assert page.url == f"{live_server}/products/moon-jar"

    # "Helpful" swaps only its own form, with the new count.
    first = page.locator("#reviews li.review").first
    helpful = first.get_by_role("button", name="Helpful (0)")
    assert helpful.bounding_box()["height"] >= 44
    helpful.click()
    expect(first.get_by_role("status")).to_have_text("Thanks: you marked this review helpful.")
    expect(first.get_by_role("button", name="Helpful (1)")).to_be_visible()
    expect(page.locator("#reviews li.review")).to_have_count(2)
    expect(page.get_by_role("heading", name="Moon jar", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="How reviews are collected and checked").click()
    expect(page.get_by_role("heading", name="Review policy")).to_be_visible()
    assert axe_violations(page) == []
