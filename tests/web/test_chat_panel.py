"""The chat panel as the shopper opens it: the Help button on every storefront page, the
greeting about the page, the quick replies, the page without JavaScript, and inert markup."""
from datetime import datetime, timezone

import pytest

from domain.extensions import db
from domain.helpdesk import presence
from domain.models import User
from tests.chat_helpers import HX, XSS, chats, open_panel, send, tokens_of
from tests.help_helpers import help_shop
from tests.order_helpers import place, shop_with_a_product
from tests.page_helpers import text

# Monday 9 March 2026, noon in Seoul: the help shop is open.
MONDAY_NOON = datetime(2026, 3, 9, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def shop(app, make):
    help_shop(app, make)
    lamp = make.product(title="Walnut Desk Lamp")
    category = make.category("Lighting")
    return {"lamp": lamp, "category": category}


def test_every_storefront_page_has_a_help_link_to_the_contact_form(client, shop):
    """Without JavaScript the Help button is a link to the contact form, told which page it is on;
    with htmx it loads the panel, and nothing of the panel is on the page before."""
    page = text(client.get(f"/products/{shop['lamp']['slug']}"))
    assert (f'href="/help/contact?from=/products/{shop["lamp"]["slug"]}&amp;'
            f'product={shop["lamp"]["slug"]}"') in page
    assert 'hx-get="/chat?about=product' in page and 'hx-target="#chat-region"' in page
    assert "chat-panel" not in page and "Talk to a person" not in page
    assert "chat-button" in text(client.get("/")) and "chat-button" in text(client.get("/help"))


def test_the_widget_adds_under_two_kilobytes_and_no_inline_script(client, shop):
    """What the Help button adds to a page before it is opened stays small and CSP-clean."""
    page = text(client.get("/"))
    widget = page[page.rindex("<aside"):page.index("</body>")]
    script = next(line for line in page.splitlines() if "js/chat.js" in line)
    assert len(widget.encode()) + len(script.encode()) < 2048
    assert "<script" not in widget and "onclick" not in widget


def test_the_back_office_has_no_help_button(client, shop, merchant):
    assert "chat-button" not in text(client.get("/admin/"))


def test_a_cached_product_page_carries_the_same_widget_for_everyone(app, client, shop):
    """The button comes from the page's URL alone, so the page cache may serve it to anyone."""
    first = text(client.get(f"/products/{shop['lamp']['slug']}"))
    other = app.test_client()
    second = text(other.get(f"/products/{shop['lamp']['slug']}"))
    cut = lambda page: page[page.rindex("<aside"):]  # noqa: E731
    assert cut(first) == cut(second)


@pytest.mark.parametrize("query, greeting", [
    ({"about": "other"}, "Hello! How can we help?"),
    ({"about": "checkout"}, "Need help with paying or delivery? Ask us."),
])
def test_the_greeting_names_the_page(client, shop, query, greeting):
    panel = text(open_panel(client, query))
    assert greeting in panel and "Minji" in panel


def test_the_greeting_about_a_product_and_a_category(client, shop):
    product = text(open_panel(client, {"about": "product", "id": shop["lamp"]["slug"]}))
    assert "Questions about the Walnut Desk Lamp?" in product
    category = text(open_panel(client, {"about": "category", "id": shop["category"]["slug"]}))
    assert "Looking for something in Lighting? Ask us." in category


def test_the_greeting_about_an_order_only_for_who_may_see_it(app, make, client):
    setup = shop_with_a_product(make)
    order = place(app, setup)
    mine = text(open_panel(client, {"about": "order", "id": order["number"], "t": order["token"]}))
    assert f"Questions about order {order['number']}?" in mine
    probing = text(open_panel(client, {"about": "order", "id": order["number"]}))
    assert "Questions about order" not in probing and "Hello! How can we help?" in probing


def test_the_panel_offers_the_four_quick_replies_and_is_only_a_fragment(client, shop):
    response = open_panel(client)
    panel = text(response)
    for label in ("Where is my order?", "Returns", "Shipping cost", "Talk to a person"):
        assert f">{label}</button>" in panel
    assert "<html" not in panel and "HX-Request" in response.headers["Vary"]
    assert "<html" in text(client.get("/chat", headers={**HX, "HX-Boosted": "true"}))


def test_the_panel_is_in_korean_for_a_korean_visitor(client, shop):
    panel = text(client.get("/chat", headers={**HX, "Accept-Language": "ko"}))
    assert "상담원과 이야기하기" in panel and "민지" in panel


def test_without_javascript_the_chat_page_works_as_a_contact_form(app, client, shop):
    """A full page: send, land back on it after a redirect, see the answer and leave an email."""
    page = text(open_panel(client, {"about": "product", "id": shop["lamp"]["slug"]}, htmx=False))
    assert "<html" in page and 'action="/chat/messages"' in page
    sent = send(client, page, htmx=False, quick="person")
    assert sent.status_code == 303 and sent.headers["Location"].startswith("/chat")
    page = text(client.get("/chat"))
    assert "Talk to a person" in page
    assert "We are closed now and open Monday 09:00" in page
    assert "Leave your email address" in page
    kept = client.post("/chat/email", data={"csrf_token": tokens_of(page)["csrf_token"],
                                            "email": "minji@example.com"})
    assert kept.status_code == 303
    assert "We will answer by email at minji@example.com" in text(client.get("/chat"))
    assert chats(app)[0]["email"] == "minji@example.com"


def test_a_bad_email_address_is_refused_and_nothing_changes(app, client, shop):
    panel = text(open_panel(client))
    send(client, panel, quick="person")
    page = text(client.get("/chat"))
    refused = client.post("/chat/email", data={"csrf_token": tokens_of(page)["csrf_token"],
                                               "email": "not an address"}, headers=HX)
    assert refused.status_code == 422 and "Enter a valid email address." in text(refused)
    assert chats(app)[0]["email"] == ""


def test_a_person_is_promised_from_the_data_when_staff_are_there(app, make, client, shop):
    """In business hours with someone at the inbox: "Minji will reply shortly (usually within
    2 hours)", the shop's reply target while no chat has been answered yet."""
    app.config["CLOCK"] = lambda: MONDAY_NOON
    boss = make.user(email="boss@example.com", merchant=True)
    with app.app_context():
        presence.staff_seen(boss["id"], MONDAY_NOON)
        db.session.commit()
    answer = text(send(client, text(open_panel(client)), quick="person"))
    assert "Minji will reply shortly (usually within 2 hours)." in answer
    assert "Leave your email address" not in answer
    chat = chats(app)[0]
    assert chat["handed_over_at"] is not None and chat["away_sent_at"] is None


def _inert(page):
    return not any(raw in page for raw in ("<script>alert", "<img src=x", "<svg/onload", "<b>bold"))


def test_user_text_in_every_field_renders_inert(app, client, shop):
    """Markup sent as the page's context, a message, a quick reply or an email address is shown
    as text in the panel."""
    for attack in XSS:
        assert _inert(text(open_panel(client, {"about": "product", "id": attack, "path": attack,
                                               "t": attack})))
    send(client, text(open_panel(client, {"about": "category", "id": XSS[0]})), quick="person")
    for attack in XSS:
        for field in ("body", "say"):
            assert _inert(text(send(client, text(open_panel(client)), **{field: attack})))
            client.post("/chat/email", headers=HX, data={
            "csrf_token": tokens_of(text(open_panel(client)))["csrf_token"], "email": attack})
    shown = text(open_panel(client))
    assert _inert(shown) and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert sum(1 for m in chats(app)[0]["messages"] if m[1] == "customer") == 1 + 2 * len(XSS)
    assert _inert(text(client.get("/chat")))
