"""Order and account emails: rendered in the customer's language, sent by the worker over real
SMTP or saved as .eml files, and listed in the back office for merchants only."""
import email
import os
import re
import signal
import subprocess
import sys
import uuid
from datetime import timedelta
from email import policy
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext

from blueprints import mail
from domain import accounts, mailer, notify
from domain.extensions import db
from domain.models import Order, OrderLine, OutboxMessage
from tests.order_helpers import NOW, advance, order_state, place, shop_with_a_product
from tests.smtp_helpers import DeadPort, smtp_server, text_and_html

BANK = "Hana Bank 123-456789-01 (Moonjar Studio)"
NOTE = "Thank you for choosing a piece made by hand.\nMinji <3 & the studio"
CARRIER_URL = "https://trace.cjlogistics.example/track?no={number}"


@pytest.fixture
def shop(app, make):
    make.settings(name="Moonjar Studio", currency="KRW", email="hello@moonjar.example",
                  timezone="Asia/Seoul", bank_account=BANK, thank_you_note=NOTE,
                  carriers=[{"name": "CJ Logistics", "url": CARRIER_URL}])
    app.config.update(SHOP_URL="https://shop.example", CLOCK=lambda: NOW)
    return app


def make_order(app, status="placed", locale="ko", payment="bank_transfer", kind=None, **fields):
    """An order written straight to the tables, with its stage's message queued."""
    with app.app_context():
        values = dict(
            number="K7Q-" + uuid.uuid4().hex[:4].upper(), checkout_token=uuid.uuid4().hex,
            email="minji@example.com", locale=locale, status=status, currency="KRW",
            subtotal=39000, discount=0, shipping=3000, tax=3818, tax_included=True, tax_rate_bp=1000,
            fees=0, total=42000, shipping_method_name="Standard", shipping_days_min=2,
            shipping_days_max=3, payment_method=payment, ship_name="Kim Minji",
            ship_line1="1 Sejong-daero", ship_line2="Apt 301", ship_city="Seoul",
            ship_postcode="04524", ship_region="Domestic", ship_country="KR",
            placed_at=NOW, pay_by=NOW + timedelta(days=3) if payment == "bank_transfer" else None)
        values.update(fields)
        order = Order(**values)
        order.lines.append(OrderLine(title="Moon jar", variant_title="Small", sku="MJ-S",
                                     unit_price=39000, quantity=1, tax_rate_bp=1000))
        db.session.add(order)
        message = notify.enqueue(kind or notify.ORDER_MESSAGES[status], order.email, locale,
                                 order=order, now=NOW)
        db.session.commit()
        return {"number": order.number, "message": message.id}


def rendered(app, message_id):
    with app.app_context():
        return mail.renderer(app)(db.session.get(OutboxMessage, message_id))


def translated(app, text, locale="ko", **values):
    """The message in `locale` if the catalogue has it, else the English: tests that pass
    before and after the Korean strings are added."""
    with app.test_request_context(), force_locale(locale):
        return gettext(text, **values)


def run_worker(app, smtp_url=""):
    app.config["SMTP_URL"] = smtp_url
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_a_korean_order_confirmation_arrives_once_over_smtp(shop):
    """Text and HTML parts, subject, recipient, Korean words and won, bank details, the note."""
    order = make_order(shop)
    with smtp_server() as (inbox, port):
        output = run_worker(shop, f"smtp://127.0.0.1:{port}")
        run_worker(shop, f"smtp://127.0.0.1:{port}")
    assert f"sent #{order['message']} order_placed to minji@example.com" in output
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["minji@example.com"]
    [received] = inbox.messages
    assert received["Subject"] == translated(shop, "Thank you for your order %(number)s",
                                             number=order["number"])
    assert received["Content-Language"] == "ko"
    assert "Moonjar Studio" in received["From"] and "hello@moonjar.example" in received["From"]
    text, html = text_and_html(received)
    assert '<html lang="ko">' in html
    for part in (text, html):
        assert order["number"] in part
        assert "₩39,000" in part and "₩42,000" in part and "₩3,000" in part
        assert translated(shop, "Total") in part
        assert BANK in part and "1 Sejong-daero" in part
    assert translated(shop, "Quantity") in html
    assert NOTE in text
    assert "Minji &lt;3 &amp; the studio" in html
    # Pay by three days after 09:00 UTC, shown in Seoul time: 18:00 on March 6.
    assert "2026. 3. 6." in text and "6:00" in text


def test_the_link_in_the_email_opens_the_tracking_page_for_a_guest(shop, client):
    """An absolute link on SHOP_URL carrying the signed token the tracking page accepts."""
    order = make_order(shop, locale="en")
    text, html = text_and_html(rendered(shop, order["message"]))
    link = re.search(r"https://shop\.example/orders/\S+", text).group(0)
    assert f'href="{link.replace("&", "&amp;")}"' in html
    url = urlsplit(link)
    assert url.path == f"/orders/{order['number']}" and "t=" in url.query
    page = client.get(f"{url.path}?{url.query}")
    assert page.status_code == 200 and order["number"] in page.get_data(as_text=True)
    assert client.get(url.path).status_code == 404


@pytest.mark.parametrize("status, expected", [
    ("placed", ["Thank you for your order!", "How to pay", BANK, "Pay by", "₩42,000",
                "Delivery address", "Kim Minji"]),
    ("paid", ["We received your payment of ₩42,000", "Expected delivery:"]),
    ("packed", ["is packed"]),
    ("shipped", ["on its way", "CJ Logistics", "6543210987",
                 "https://trace.cjlogistics.example/track?no=6543210987"]),
    ("out_for_delivery", ["should arrive today", "6543210987"]),
    ("delivered", ["Your order was delivered. We hope you enjoy it!"]),
    ("cancelled", ["This order was cancelled."]),
    ("payment_expired", ["No payment arrived in time", "https://shop.example/"]),
])
def test_every_order_stage_has_its_email(shop, status, expected):
    """Each stage says what happened, in both parts, with the tracking link and the items."""
    carrier = {"carrier": "CJ Logistics", "tracking_number": "6543210987"} \
        if status in ("shipped", "out_for_delivery") else {}
    order = make_order(shop, status=status, locale="en", **carrier)
    message = rendered(shop, order["message"])
    assert order["number"] in message["Subject"]
    text, html = text_and_html(message)
    for part in (text, html):
        assert f"https://shop.example/orders/{order['number']}?t=" in part
        assert "Moon jar" in part
        for words in expected:
            assert words in part, (status, words)
    if status not in ("placed", "packed"):
        assert BANK not in text


def test_a_card_order_confirmation_says_it_is_paid(shop):
    """No bank details when nothing is left to pay."""
    order = make_order(shop, status="paid", payment="test_card", locale="en", kind="order_placed")
    text, _ = text_and_html(rendered(shop, order["message"]))
    assert "Your payment of ₩42,000 was received." in text and BANK not in text


def test_merchant_and_customer_text_is_escaped_in_html(shop, make):
    """The note, the address and the product title are text, never markup."""
    make.settings(thank_you_note="<script>alert(1)</script>")
    order = make_order(shop, locale="en", ship_name='<img src=x onerror="alert(2)">')
    text, html = text_and_html(rendered(shop, order["message"]))
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" in text


def test_the_password_reset_email_has_the_link_and_its_expiry(shop, make):
    """The link the account page made, and how long it works."""
    make.user("min@example.com")
    with shop.app_context():
        message = accounts.request_password_reset(
            "min@example.com", lambda token: f"https://shop.example/account/reset/{token}",
            "secret", NOW, "en")
        db.session.commit()
        message_id = message.id
    email_message = rendered(shop, message_id)
    assert email_message["To"] == "min@example.com"
    assert email_message["Subject"] == "Reset your password"
    text, html = text_and_html(email_message)
    for part in (text, html):
        assert "https://shop.example/account/reset/" in part
        assert "60 minutes" in part


def test_without_smtp_emails_become_eml_files_listed_for_merchants(shop, make, client, login):
    """Written under MAIL_FOLDER, parseable, listed at /admin/outbox and downloadable."""
    order = make_order(shop, locale="en")
    output = run_worker(shop)
    assert f"sent #{order['message']}" in output
    folder = shop.config["MAIL_FOLDER"]
    [name] = os.listdir(folder)
    with open(os.path.join(folder, name), "rb") as fh:
        parsed = email.message_from_binary_file(fh, policy=policy.default)
    assert order["number"] in parsed["Subject"] and parsed["To"] == "minji@example.com"

    login(make.user("boss@example.com", merchant=True))
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert order["number"] in page and "minji@example.com" in page
    assert "Order confirmation" in page and "Saved as a file" in page
    assert f'/admin/outbox/{order["message"]}.eml' in page
    download = client.get(f"/admin/outbox/{order['message']}.eml")
    assert download.status_code == 200 and download.mimetype == "message/rfc822"
    assert email.message_from_bytes(download.data, policy=policy.default)["To"] == "minji@example.com"
    reading = client.get(f"/admin/outbox/{order['message']}")
    assert reading.status_code == 200
    assert "Thank you for choosing a piece made by hand." in reading.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/admin/outbox", "/admin/outbox/1", "/admin/outbox/1.eml"])
def test_the_outbox_is_for_merchants_only(shop, make, client, login, path):
    """Anonymous visitors are sent to sign in; customers are refused."""
    make_order(shop, locale="en")
    run_worker(shop)
    response = client.get(path)
    assert response.status_code == 303 and "/account/login" in response.headers["Location"]
    login(make.user("shopper@example.com"))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/admin/outbox/..%2F..%2Fshop.sqlite.eml", "/admin/outbox/1/../../x.eml",
                                  "/admin/outbox/99.eml", "/admin/outbox/2.eml", "/admin/outbox/2"])
def test_eml_routes_serve_only_the_outbox_files(shop, make, client, login, path):
    """Only a numbered message's own file: no other paths, no messages without one."""
    make_order(shop, locale="en")
    run_worker(shop)
    make_order(shop, locale="en")  # message 2: queued, not written
    login(make.user("boss@example.com", merchant=True))
    assert client.get(path).status_code == 404


def test_failures_show_in_the_back_office_and_the_log(shop, make, client, login):
    """With the mail server down the worker reports the failure; the merchant sees it too."""
    order = make_order(shop, locale="en")
    dead = DeadPort()
    try:
        output = run_worker(shop, f"smtp://127.0.0.1:{dead.port}")
    finally:
        dead.release()
    assert f"failed #{order['message']} order_placed" in output and "ConnectionRefusedError" in output
    login(make.user("boss@example.com", merchant=True))
    page = client.get("/admin/outbox?show=unsent").get_data(as_text=True)
    assert "ConnectionRefusedError" in page and "could not be sent yet" in page
    assert f"127.0.0.1:{dead.port}" in page


def test_placed_and_fulfilled_orders_email_each_stage(app, make):
    """End to end through place_order and set_status: one email per stage, in order."""
    setup = shop_with_a_product(make)
    app.config.update(SHOP_URL="https://shop.example", CLOCK=lambda: NOW)
    placed = place(app, setup)
    advance(app, placed["number"], "paid", "packed", "shipped")
    with smtp_server() as (inbox, port):
        run_worker(app, f"smtp://127.0.0.1:{port}")
    subjects = [m["Subject"] for m in inbox.messages]
    assert subjects == [f"Thank you for your order {placed['number']}",
                        f"Payment received for order {placed['number']}",
                        f"Order {placed['number']} is packed",
                        f"Order {placed['number']} is on its way"]
    shipped_text, _ = text_and_html(inbox.messages[-1])
    assert "https://trace.cjlogistics.example/track?no=6543210987" in shipped_text
    assert f"t={placed['token']}" in shipped_text


def test_the_worker_expires_unpaid_transfers_and_says_so(app, make):
    """Past pay-by, the order expires in the worker's pass and the customer is told at once."""
    setup = shop_with_a_product(make)
    placed = place(app, setup)
    app.config.update(CLOCK=lambda: NOW + timedelta(days=4))
    with smtp_server() as (inbox, port):
        output = run_worker(app, f"smtp://127.0.0.1:{port}")
    assert "expired 1 unpaid bank-transfer order" in output
    assert order_state(app, placed["number"])[0] == "payment_expired"
    assert [m["Subject"] for m in inbox.messages][-1] == \
        f"Order {placed['number']} was cancelled: no payment arrived"


def test_the_worker_command_stops_cleanly_on_sigterm(app, tmp_path):
    """A real `flask worker` process: it starts, loops, and exits 0 on SIGTERM."""
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="x",
               SMTP_URL="", FLASK_APP="shop", PYTHONUNBUFFERED="1")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    process = subprocess.Popen([sys.executable, "-m", "flask", "worker", "--interval", "0.2"],
                               cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        first = process.stdout.readline()
        assert first.startswith("mail worker: sending through .eml files"), first
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "mail worker stopped" in output


def test_messages_that_cannot_be_built_show_on_the_outbox_and_the_dashboard(shop, make, client, login):
    """Put aside by the worker, they are marked on the outbox page and counted on the dashboard."""
    login(make.user("boss@example.com", merchant=True))
    assert "cannot be built" not in client.get("/admin/").get_data(as_text=True)
    with shop.app_context():
        message = notify.enqueue("order_paid", "a@b.com\nBcc: x@y.z", "en", now=NOW)
        db.session.commit()
        message_id = message.id
    with smtp_server() as (inbox, port):
        output = run_worker(shop, f"smtp://127.0.0.1:{port}")
    assert f"failed #{message_id} order_paid" in output and "never retried" in output
    assert inbox.envelopes == []
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "1 email cannot be built and will not be sent" in page
    assert "Cannot be built" in page and "not a usable email address" in page
    assert "could not be sent yet" not in page
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "1 email cannot be built and will not be sent" in dashboard
    assert 'href="/admin/outbox?show=unsent"' in dashboard
