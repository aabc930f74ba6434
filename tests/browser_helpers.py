"""Steps the browser tests share: signing in through the real form."""
from playwright.sync_api import expect


def sign_in(page, live_server, user, lands_on="/"):
    """Sign in through the form and wait for the page the shop then shows (merchants: /admin/)."""
    page.goto(f"{live_server}/account/login")
    page.get_by_label("Email").fill(user["email"])
    page.get_by_label("Password").fill(user["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + lands_on)


def decoded_width(image):
    """The width of a picture once the browser has fetched and decoded it, 0 when it cannot.

    Pictures on the shop's pages load lazily and decode asynchronously, so reading naturalWidth
    as soon as the element is visible can see a picture that has not arrived yet."""
    image.scroll_into_view_if_needed()
    return image.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)")
