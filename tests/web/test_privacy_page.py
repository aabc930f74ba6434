"""The privacy policy's generated part: how to download or delete one's data, and the cookies
the shop sets, named from the settings that set them, and exactly the ones a visit receives."""
import re

from tests.checkout_helpers import add_to_cart, checkout_form
from tests.page_helpers import csrf_of, csrf_token, text

LISTED = re.compile(r"<th scope=\"row\" role=\"rowheader\"><code>([^<]+)</code>")


def listed_cookies(client):
    return LISTED.findall(client.get("/policies/privacy").get_data(as_text=True))


def test_the_privacy_page_lists_the_cookie_from_the_settings_and_links_to_the_rights(client):
    page = text(client.get("/policies/privacy"))
    assert listed_cookies(client) == ["session", "recent"]
    assert "HttpOnly, SameSite=Lax" in page and "Until you close your browser" in page
    assert "This shop sets 2 cookies" in page
    assert 'href="/account/privacy"' in page and 'href="/privacy/request"' in page


def test_a_renamed_or_secure_cookie_is_listed_as_it_is_sent(app, client):
    app.config.update(SESSION_COOKIE_NAME="moonjar", SESSION_COOKIE_SECURE=True)
    assert listed_cookies(client) == ["moonjar", "recent"]
    assert "HttpOnly, SameSite=Lax, Secure" in text(client.get("/policies/privacy"))


def set_cookies(response):
    """(name, attributes) of each cookie a response sets with a value (not those it clears)."""
    found = []
    for header in response.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        value, _, attributes = rest.partition(";")
        if value:
            found.append((name, attributes.lower()))
    return found


def test_a_whole_visit_receives_only_the_listed_cookies_and_none_outlives_the_browser(
        client, checkout_shop, make):
    """Browsing, changing language, a cart, checkout, registering, signing in and out."""
    user = make.user(email="minji@example.com")
    received = []

    def visit(response):
        received.extend(set_cookies(response))
        return response

    visit(client.get("/"))
    # A product page's recently viewed list (loaded with the page) remembers the product.
    visit(client.get(f"/recently-viewed?seen={checkout_shop['jar']['id']}"))
    visit(client.post("/language", data={"csrf_token": csrf_token(client), "lang": "ko",
                                         "next": "/"}))
    add_to_cart(client, checkout_shop["small"])
    visit(client.post("/checkout", data=checkout_form(client, checkout_shop)))
    visit(client.post("/account/login", data={"csrf_token": csrf_token(client, "/account/login"),
                                              "email": user["email"],
                                              "password": user["password"]}))
    visit(client.get("/account/"))
    visit(client.post("/account/logout", data={"csrf_token": csrf_of(
        client.get("/account/").get_data(as_text=True))}))
    visit(client.post("/account/register", data={
        "csrf_token": csrf_token(client, "/account/register"), "email": "jisoo@example.com",
        "password": "another long password", "name": "Park Jisoo"}))
    assert received, "the visit set no cookie: nothing was checked"
    assert {name for name, _attributes in received} == set(listed_cookies(client))
    assert [a for _name, a in received if "expires" in a or "max-age" in a] == []
