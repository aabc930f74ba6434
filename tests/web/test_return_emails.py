"""Return emails: one for each stage a return reaches, naming the return, its items and the amount,
with a signed link that opens the return's page without signing in."""
import re
from urllib.parse import urlsplit

import pytest

from blueprints import mail
from domain import credit, orders, returns
from domain.extensions import db
from domain.models import OutboxMessage, Variant
from tests.order_helpers import LATER, NOW, delivered_order, shop_with_a_product
from tests.return_helpers import ask_return
from tests.smtp_helpers import text_and_html

MERCHANT = "merchant:owner@moonjar.example"


@pytest.fixture
def shop(app, make):
    """A KRW shop selling a ₩39,000 moon jar and a vase in two colours, drop-off returns."""
    setup = shop_with_a_product(make, email="hello@moonjar.example")
    vase = make.product("Vase", option1_name="Colour", variants=[
        {"sku": "V-W", "option1": "White", "price": 25000, "stock": 5},
        {"sku": "V-B", "option1": "Blue", "price": 25000, "stock": 2}])
    app.config.update(SHOP_URL="https://shop.example", CLOCK=lambda: LATER)
    with app.test_request_context():
        returns.save_policy({"transit_days": 7, "refund_promise_days": 3, "dropoff_enabled": True,
                             "dropoff_instructions": "Any CU convenience store, code MOON."}, NOW)
        db.session.commit()
    return {**setup, "vase": {"method": setup["method"], "variant": vase["variant_ids"][0]},
            "blue": vase["variant_ids"][1]}


def walk(app, placed, steps, action="refund", exchange_to=None, reference=""):
    """Ask for a return of the order's first line, take it through `steps`, commit; its number."""
    with app.test_request_context():
        ret, _created = ask_return(app, placed["number"], action=action, exchange_to=exchange_to)
        for step in steps:
            if step == "approve":
                returns.approve(ret, MERCHANT, LATER)
            elif step == "reject":
                returns.reject(ret, MERCHANT, LATER, "The jar was used & chipped <3")
            elif step == "receive":
                returns.receive(ret, MERCHANT, LATER, {ret.lines[0].id: True})
            else:
                returns.complete(ret, MERCHANT, LATER, reference=reference)
        db.session.commit()
        return ret.number


def message_of(app, kind):
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                    .order_by(OutboxMessage.id.desc()))
        return mail.renderer(app)(message)


FULL = ["approve", "receive", "complete"]


@pytest.mark.parametrize("kind, steps, payment, card, expected", [
    ("return_requested", [], "test_card", None,
     ["We received your request", "You asked for: Refund.", "Please do not send anything yet"]),
    ("return_approved", ["approve"], "test_card", None,
     ["we refund ₩39,000 within 3 days", "Drop-off", "Any CU convenience store, code MOON.",
      "Please write the return number"]),
    ("return_rejected", ["reject"], "test_card", None, ["we cannot accept this return"]),
    ("return_received", ["approve", "receive"], "test_card", None,
     ["We refund ₩39,000 by", "at the latest"]),
    ("return_refunded", FULL, "test_card", None, ["We refunded ₩39,000 to your card."]),
    ("return_refunded", FULL, "bank_transfer", None,
     ["We transferred ₩39,000 to KB Kookmin ****1234."]),
    ("return_refund_failed", FULL, "test_card", "4000000000000341",
     ["We tried to send your refund of ₩39,000", "Your refund is not lost"]),
])
def test_every_return_stage_has_its_email(app, shop, kind, steps, payment, card, expected):
    """Subject and both parts name the return; both parts list the item and link to its page."""
    extra = {"card": card} if card else {}
    placed = delivered_order(app, shop, payment=payment, **extra)
    number = walk(app, placed, steps, reference="HANA-778812")
    message = message_of(app, kind)
    assert number in message["Subject"]
    assert message["To"] == "minji@example.com"
    text, html = text_and_html(message)
    for part in (text, html):
        assert number in part and placed["number"] in part
        assert "Moon jar" in part and "₩39,000" in part
        assert f"https://shop.example/returns/{number}?t=" in part
        for words in expected:
            assert words in part.replace("&#39;", "'"), (kind, words)
    assert "provider" not in message["Subject"].lower() and "fail" not in text.lower()


def test_a_rejection_says_why_escaped_in_html(app, shop):
    """The merchant's reason reaches the customer as written, safely."""
    placed = delivered_order(app, shop)
    walk(app, placed, ["reject"])
    text, html = text_and_html(message_of(app, "return_rejected"))
    assert "The jar was used & chipped <3" in text
    assert "The jar was used &amp; chipped &lt;3" in html


def test_the_return_link_opens_the_return_page_for_a_guest(app, shop, client):
    """The signed link works without signing in; without its token the page stays closed."""
    placed = delivered_order(app, shop)
    number = walk(app, placed, [])
    text, html = text_and_html(message_of(app, "return_requested"))
    link = re.search(r"https://shop\.example/returns/\S+", text).group(0)
    assert f'href="{link.replace("&", "&amp;")}"' in html
    url = urlsplit(link)
    page = client.get(f"{url.path}?{url.query}")
    assert page.status_code == 200 and number in page.get_data(as_text=True)
    assert client.get(url.path).status_code in (403, 404)


def test_an_exchange_emails_its_replacement_order(app, shop):
    """Approval names the replacement order with its tracking link; the end says complete; the
    replacement's own emails say there is nothing to pay."""
    placed = delivered_order(app, shop["vase"])
    walk(app, placed, FULL, action="exchange", exchange_to=shop["blue"])
    text, html = text_and_html(message_of(app, "return_approved"))
    assert "in exchange for Blue" in text and "in exchange for Blue" in html
    found = re.search(r"ships as order (\S+):\s+(https://shop\.example/orders/\S+)", text)
    assert found, text
    assert f'href="{found.group(2).replace("&", "&amp;")}"' in html
    text, html = text_and_html(message_of(app, "return_exchanged"))
    assert "your exchange is complete" in text and found.group(1) in text
    assert "Refund" not in text
    with app.test_request_context():
        order = orders.by_number(found.group(1))
        orders.set_status(order, "packed", MERCHANT, LATER)
        db.session.commit()
    text, _html = text_and_html(message_of(app, "order_packed"))
    assert "nothing to pay" in text and "store credit" not in text


@pytest.mark.parametrize("payment", ["test_card", "bank_transfer"])
def test_a_sold_out_exchange_says_it_becomes_a_refund(app, shop, payment):
    """The customer learns before sending anything that the money comes back instead; a refund
    sent by hand asks for the bank account it goes to, which the exchange never asked for."""
    placed = delivered_order(app, shop["vase"], payment=payment)
    with app.test_request_context():
        ret, _c = ask_return(app, placed["number"], action="exchange", token="tok-sold-out",
                             exchange_to=shop["blue"])
        db.session.get(Variant, shop["blue"]).stock = 0
        returns.approve(ret, MERCHANT, LATER)
        db.session.commit()
    text, html = text_and_html(message_of(app, "return_approved"))
    for part in (text, html):
        assert "sold out before we could set it aside" in part and "₩25,000" in part
        assert "ships as order" not in part
        asked = "please tell us the bank account for your refund on the return's page" in \
            part.replace("&#39;", "'")
        assert asked == (payment == "bank_transfer")


def test_store_credit_emails_say_where_the_money_went(app, shop, make):
    """A credit return says it was added to store credit; a refund of an order partly paid
    with credit says which part went back to the card and which to credit."""
    user = make.user()
    with app.test_request_context():
        credit.grant(user["id"], 60000, "KRW", "Welcome", NOW)
        db.session.commit()
    # ₩81,000 for two jars: ₩60,000 in store credit, ₩21,000 by card.
    placed = delivered_order(app, shop, user_id=user["id"], use_credit=True, quantity=2)
    walk(app, placed, FULL)
    text, html = text_and_html(message_of(app, "return_refunded"))
    for part in (text, html):
        assert "We refunded ₩21,000" in part
        assert "₩18,000, the part you paid with store credit" in part
    walk(app, placed, FULL, action="credit")
    text, html = text_and_html(message_of(app, "return_credited"))
    for part in (text, html):
        assert "₩39,000 was added to your store credit" in part


def test_return_emails_are_written_in_the_customers_language(app, shop):
    """A Korean customer's return email is a Korean page."""
    placed = delivered_order(app, shop)
    with app.app_context():
        db.session.execute(db.update(orders.Order).values(locale="ko"))
        db.session.commit()
    walk(app, placed, [])
    message = message_of(app, "return_requested")
    assert message["Content-Language"] == "ko"
    _text, html = text_and_html(message)
    assert '<html lang="ko">' in html


def test_merchants_see_return_email_kinds_by_name(app):
    """The back office's email list names each return message."""
    with app.test_request_context():
        assert mail.kind_label("return_refund_failed") == "Refund delayed"
        assert all(mail.kind_label(kind) != kind for kind in mail.RETURN_KINDS)
