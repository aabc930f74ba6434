"""Merchant alerts as the merchant gets them: a shopper's order reaching the merchant's inbox in
the merchant's language with a link into the back office, every kind of alert written in
English and Korean, the switches in Settings, and the dashboard's warning about failing mail."""
import re
from datetime import timedelta

import pytest

from blueprints import mail
from domain import alerts, notify, orders, returns, transaction
from domain.extensions import db
from domain.models import OutboxMessage, ShopSettings, User
from tests.checkout_helpers import add_to_cart, checkout_form
from tests.order_helpers import NOW, delivered_order, place, shop_with_a_product
from tests.page_helpers import csrf_token, text
from tests.return_helpers import ask, step
from tests.smtp_helpers import smtp_server, text_and_html

BOSS = "boss@example.com"
HANGUL = re.compile("[\uac00-\ud7a3]")
SWITCHES = ("new_order", "transfer_to_confirm", "return_requested", "refund_failed",
            "payment_expired", "low_stock", "mail_failing", "new_question")


def merchant_reads(app, locale):
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == BOSS)).locale = locale
        db.session.commit()


def alerts_to(app, address=BOSS):
    with app.app_context():
        return [m.kind for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.to_address == address)
            .order_by(OutboxMessage.id))]


def send_all(app, port):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output + repr(result.exception)


@pytest.fixture
def alert_shop(app, make, checkout_shop):
    """The checkout shop, run from the merchant's own address, its links on SHOP_URL."""
    make.settings(email=BOSS)
    app.config.update(SHOP_URL="https://shop.example")
    return checkout_shop


def test_a_shoppers_order_reaches_the_korean_merchant_once_in_korean(app, make, alert_shop):
    """Guest checkout by bank transfer: the shopper gets the confirmation, the merchant one
    Korean email asking to confirm the transfer, linking to the order in the back office."""
    make.user(email=BOSS, merchant=True)
    merchant_reads(app, "ko")
    shopper = app.test_client()
    add_to_cart(shopper, alert_shop["small"])
    response = shopper.post("/checkout", data=checkout_form(shopper, alert_shop))
    assert response.status_code == 303
    number = re.match(r"^/orders/([A-Z0-9-]+)\?", response.headers["Location"]).group(1)
    with smtp_server() as (inbox, port):
        send_all(app, port)
        send_all(app, port)
    to_merchant = [m for m in inbox.messages if m["To"] == BOSS]
    assert sorted(m["To"] for m in inbox.messages) == [BOSS, "minji@example.com"]
    [alert] = to_merchant
    assert alert["Subject"] == f"입금 확인 필요: 주문 {number}, ₩42,000"
    assert alert["Content-Language"] == "ko"
    plain, html = text_and_html(alert)
    link = f"https://shop.example/admin/orders/{number}"
    assert link in plain and f'href="{link}"' in html
    assert "minji@example.com" in plain and "₩42,000" in plain and "1 Sejong-daero" in plain
    assert "https://shop.example/admin/settings#alerts" in plain
    assert '<html lang="ko">' in html


def test_a_checkout_that_fails_alerts_nobody(app, make, alert_shop):
    """A declined card: the order is not placed, and nobody is told about it."""
    make.user(email=BOSS, merchant=True)
    shopper = app.test_client()
    add_to_cart(shopper, alert_shop["small"])
    response = shopper.post("/checkout", data=checkout_form(
        shopper, alert_shop, payment_method="test_card", card_number="4000 0000 0000 0002"))
    assert response.status_code == 422
    assert "declined" in text(response)
    assert alerts_to(app) == []


def every_alert(app, make):
    """One alert of each kind, raised by the steps that raise them; {kind: (message id, the
    back-office page it must link to)}."""
    setup = shop_with_a_product(make, email=BOSS, low_stock_threshold=49)
    app.config.update(SHOP_URL="https://shop.example", CLOCK=lambda: NOW)
    transfer = place(app, setup, payment="bank_transfer", token="t-1")
    card = place(app, setup, payment="test_card", token="t-2")
    refused = delivered_order(app, setup, payment="test_card", card="4000000000000341",
                              token="t-3")
    rma = ask(app, refused["number"])
    step(app, rma, "approve", "receive")
    with app.test_request_context():
        returns.complete(returns.by_number(rma), "system", NOW + timedelta(days=2))
        orders.expire_unpaid(NOW + timedelta(days=4))
        db.session.commit()
        notify.enqueue("order_paid", "minji@example.com", "en", now=NOW)
        failing = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.kind == "order_paid")).all()[-1]
        failing.attempts, failing.last_error = 3, "ConnectionRefusedError: [Errno 111]"
        failing.first_failed_at = NOW
        db.session.commit()
        with transaction.unit_of_work():
            alerts.check_mail(NOW + timedelta(hours=2))
        from domain.helpdesk import contact
        from domain.shopconfig import current as current_config
        question, _created = contact.ask(email="minji@example.com", body="Is the jar safe in a microwave?", now=NOW,
                    schedule=current_config().schedule, name="Kim Minji", topic="product")
        db.session.commit()
        messages = {}
        for message in db.session.scalars(db.select(OutboxMessage).where(
                OutboxMessage.kind.startswith("alert_")).order_by(OutboxMessage.id)):
            messages.setdefault(message.kind, message)
        ret = returns.by_number(rma)
        pages = {
            "alert_transfer_to_confirm": f"/admin/orders/{transfer['number']}",
            "alert_new_order": f"/admin/orders/{card['number']}",
            "alert_return_requested": f"/admin/returns/{rma}",
            "alert_refund_failed": f"/admin/returns/{rma}",
            "alert_payment_expired": f"/admin/orders/{transfer['number']}",
            "alert_low_stock": f"/admin/products/{ret.order.lines[0].product_id}/edit",
            "alert_mail_failing": "/admin/outbox?show=unsent",
            "alert_new_question": f"/admin/inbox/{question.reference}",
        }
        return {kind: (messages[kind].id, "https://shop.example" + page)
                for kind, page in pages.items()}


def test_every_alert_is_written_in_english_and_korean_with_its_back_office_link(app, make):
    """Each kind renders in both languages (Korean subject and words for a Korean merchant)
    with an absolute link to the page where the merchant acts on it."""
    made = every_alert(app, make)
    assert sorted(made) == sorted(f"alert_{name}" for name in SWITCHES)
    render = mail.renderer(app)
    for kind, (message_id, link) in made.items():
        subjects = {}
        for locale in ("en", "ko"):
            with app.app_context():
                message = db.session.get(OutboxMessage, message_id)
                message.locale = locale
                email = render(message)
            plain, html = text_and_html(email)
            assert link in plain and f'href="{link.replace("&", "&amp;")}"' in html, (kind, locale)
            subjects[locale] = email["Subject"]
            if locale == "ko":
                assert HANGUL.search(email["Subject"]) and HANGUL.search(plain), (kind, plain)
            else:
                assert not HANGUL.search(email["Subject"] + plain), (kind, plain)
        assert subjects["en"] != subjects["ko"], kind


def alert_checkboxes(html):
    """{switch: checked} as the settings page shows the alert switches."""
    boxes = {}
    for tag in re.findall(r"<input[^>]*name=\"alert_[a-z_]+\"[^>]*>", html):
        name = re.search(r'name="alert_([a-z_]+)"', tag).group(1)
        boxes[name] = " checked" in tag
    return boxes


def alerts_off(app):
    with app.app_context():
        return db.session.get(ShopSettings, 1).alerts_off


def test_the_merchant_switches_alerts_off_and_on_in_settings(app, client, make, merchant,
                                                            alert_shop):
    """Every alert starts on; the ones left unticked are saved off and stay off for the next
    order, and ticking them again turns them back on."""
    page = text(client.get("/admin/settings"))
    assert "Email alerts" in page and "Alerts go to the shop's contact email, boss@example.com" in page
    assert alert_checkboxes(page) == dict.fromkeys(SWITCHES, True)
    kept_on = {f"alert_{name}": "y" for name in SWITCHES
               if name not in ("new_order", "transfer_to_confirm")}
    response = client.post("/admin/settings/alerts",
                           data={"csrf_token": csrf_token(client, "/admin/settings"), **kept_on})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/settings"
    assert alerts_off(app) == ["new_order", "transfer_to_confirm"]
    page = text(client.get("/admin/settings"))
    assert "Alerts saved." in page
    assert alert_checkboxes(page) == {name: name not in ("new_order", "transfer_to_confirm")
                                      for name in SWITCHES}

    shopper = app.test_client()
    add_to_cart(shopper, alert_shop["small"])
    assert shopper.post("/checkout", data=checkout_form(shopper, alert_shop)).status_code == 303
    assert alerts_to(app) == []

    everything = {f"alert_{name}": "y" for name in SWITCHES}
    client.post("/admin/settings/alerts",
                data={"csrf_token": csrf_token(client, "/admin/settings"), **everything})
    assert alerts_off(app) == []


def test_the_alert_switches_need_a_merchant_and_the_form_token(app, client, make, login,
                                                               alert_shop):
    """Without the CSRF token, as a customer or signed out, nothing changes."""
    merchant = make.user(email=BOSS, merchant=True)
    customer = make.user(email="minji@example.com")
    login(merchant)
    assert client.post("/admin/settings/alerts", data={}).status_code == 400
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/account/")})
    signed_out = client.post("/admin/settings/alerts",
                             data={"csrf_token": csrf_token(client, "/")})
    assert signed_out.status_code == 303 and "/account/login" in signed_out.headers["Location"]
    login(customer)
    response = client.post("/admin/settings/alerts", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 403
    assert alerts_off(app) == []


def test_the_dashboard_warns_when_mail_has_failed_for_over_an_hour(app, client, make, merchant):
    """The alert waits in the same outbox as the rest; the dashboard says it at once."""
    app.config["CLOCK"] = lambda: NOW
    with app.app_context():
        message = notify.enqueue("order_paid", "minji@example.com", "en", now=NOW)
        message.attempts, message.last_error = 2, "ConnectionRefusedError: [Errno 111]"
        message.first_failed_at = NOW - timedelta(minutes=50)
        db.session.commit()
    assert "failing for over an hour" not in text(client.get("/admin/"))
    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=11)
    page = text(client.get("/admin/"))
    assert "1 email has not gone out since" in page and "failing for over an hour" in page
    assert 'href="/admin/outbox?show=unsent"' in page
