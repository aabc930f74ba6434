"""Finding your way: order tracking is linked from every page and from the account menu."""
from html.parser import HTMLParser

import pytest

from tests.page_helpers import csrf_token

TRACK_URL = "/orders/track"


class _Links(HTMLParser):
    """The links (href, text) in the page's header and footer, and in the account menu (the
    nav labelled `account_label`)."""

    def __init__(self, account_label):
        super().__init__()
        self.account_label = account_label
        self.chrome, self.account_menu = [], []
        self._open = []  # (tag, list the links inside it go to)
        self._link = None

    def _where(self):
        return self._open[-1][1] if self._open else None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("header", "footer"):
            self._open.append((tag, self.chrome))
        elif tag == "nav":
            label = attrs.get("aria-label")
            self._open.append((tag, self.account_menu if label == self.account_label else self._where()))
        elif tag == "a" and self._where() is not None:
            self._link = [attrs.get("href"), ""]

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self._where().append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        elif self._open and self._open[-1][0] == tag:
            self._open.pop()


def links(response, account_label="Your account"):
    parser = _Links(account_label)
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.fixture
def shop(make):
    make.settings(name="Moonjar Studio", currency="KRW", email="hello@moonjar.example")
    make.shipping("Standard", price=3000)
    mugs = make.category("Mugs")
    make.product("Blue mug", category_id=mugs["id"], price=12000)


@pytest.mark.parametrize("path", ["/", "/c/mugs", "/search?q=mug", "/products/blue-mug", "/cart",
                                  "/account/login", "/account/register", "/account/reset",
                                  "/policies/shipping", "/policies/returns", TRACK_URL,
                                  "/no-such-page"])
def test_every_page_links_to_order_tracking(client, shop, path):
    """A guest who lost the email finds the lookup from any page, in its header or footer."""
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert (TRACK_URL, "Track an order") in links(response).chrome


def test_the_account_menu_links_to_order_tracking(client, shop, make, login):
    """Each account page's menu has the lookup too, next to the customer's own orders."""
    login(make.user())
    for path in ("/account/", "/account/addresses", "/account/settings"):
        page = links(client.get(path))
        assert (TRACK_URL, "Track an order") in page.account_menu, path
        assert (TRACK_URL, "Track an order") in page.chrome, path


def test_the_tracking_link_is_in_korean(client, shop, make, login):
    """In Korean the link reads 주문 조회, in the footer and in the account menu."""
    login(make.user())
    client.post("/language", data={"csrf_token": csrf_token(client, "/"), "lang": "ko", "next": "/"})
    assert (TRACK_URL, "주문 조회") in links(client.get("/")).chrome
    account = client.get("/account/")
    assert '<html lang="ko">' in account.get_data(as_text=True)
    assert (TRACK_URL, "주문 조회") in links(account, account_label="내 계정").account_menu
