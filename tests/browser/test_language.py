"""Switching the language: the page that follows is in that language, down to <html lang>."""
from playwright.sync_api import expect


def test_switching_to_korean_with_javascript_marks_the_page_korean(page, live_server, make):
    """The footer's 한국어 button, with htmx boosting the page, still changes <html lang>: screen
    readers then read the Korean page with a Korean voice."""
    make.settings(name="Moonjar Studio", currency="KRW")
    make.product("Moon jar", price=39000)
    page.goto(f"{live_server}/products/moon-jar")
    assert page.evaluate("document.documentElement.lang") == "en"

    page.get_by_role("button", name="한국어").click()
    expect(page.get_by_role("button", name="한국어")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="장바구니에 담기")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    assert page.evaluate("document.documentElement.lang") == "ko"
    assert page.url == f"{live_server}/products/moon-jar"

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
