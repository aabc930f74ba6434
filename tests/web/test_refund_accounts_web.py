"""The refund account on the pages: asked for on the return form only when the refund is a
transfer by hand, shown masked to the customer and in full to the merchant in the refund step,
closed to everyone else, and gone once the refund is recorded; the same for a cancelled order
paid by bank transfer."""
import re

import pytest
from sqlalchemy import text as sql

from blueprints import mail
from domain.extensions import db
from domain.models import OutboxMessage, ReturnRequest
from tests.order_helpers import LATER, NOW, advance, delivered_order, place, shop_with_a_product
from tests.page_helpers import csrf_of, csrf_token, text
from tests.return_helpers import ACCOUNT, ask, step
from tests.smtp_helpers import text_and_html

TOKEN_RE = re.compile(r'name="request_token"[^>]*value="([^"]+)"')
LEGEND = "Where should we send your refund?"
FULL_NUMBER = ACCOUNT["account_number"]
MASKED = "KB Kookmin · ******-**-**1234 · Kim Minji"


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: LATER
    return shop_with_a_product(make, undo_minutes=30)


def raw_rows(app):
    with app.app_context():
        return [dict(r._mapping) for r in db.session.execute(sql("SELECT * FROM refund_account"))]


def form(client, order):
    return client.get(f"/orders/{order['number']}/return", query_string={"t": order["token"]})


def send_return(client, order, **fields):
    """The return form sent as a guest with the order's link: one jar back for a refund."""
    html = form(client, order).get_data(as_text=True)
    with client.application.app_context():
        line = db.session.scalar(sql("SELECT id FROM order_line WHERE order_id = :o"),
                                 {"o": order["id"]})
    data = {"csrf_token": csrf_of(html), "request_token": TOKEN_RE.search(html).group(1),
            "t": order["token"], f"qty-{line}": "1", "action": "refund", "reason": "size_fit",
            "method": "dropoff", **fields}
    return client.post(f"/orders/{order['number']}/return", data=data)


def count_returns(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(ReturnRequest.id)))


def test_the_form_asks_for_the_account_only_for_a_refund_sent_by_hand(app, client, shop):
    """Bank transfer: the fields are there for a refund and leave for an exchange; a card order
    is never asked."""
    bank = delivered_order(app, shop, payment="bank_transfer")
    html = text(form(client, bank))
    assert LEGEND in html and 'name="account_number"' in html
    assert "Transferred to your bank account within 3 days" in html
    korean = text(client.get(f"/orders/{bank['number']}/return",
                             query_string={"t": bank["token"]}, headers={"Accept-Language": "ko"}))
    assert "환불금을 어디로 보내 드릴까요?" in korean and "예금주 이름" in korean
    line = re.search(r'name="qty-(\d+)"', html).group(1)
    fragment = client.post(f"/orders/{bank['number']}/return", headers={"HX-Request": "true"},
                           data={"csrf_token": csrf_of(html), "t": bank["token"], "recalculate": "1",
                                 f"qty-{line}": "1", "action": "exchange"}).get_data(as_text=True)
    oob = re.search(r'<div id="refund-account" hx-swap-oob="true">(.*?)</div>', fragment, re.S)
    assert oob and 'name="account_number"' not in oob.group(1)
    card = delivered_order(app, shop, payment="test_card")
    html = text(form(client, card))
    assert LEGEND not in html and 'name="account_number"' not in html
    assert send_return(client, card).status_code == 303
    assert raw_rows(app) == []


@pytest.mark.parametrize("fields, message", [
    ({}, "Enter the name of your bank."),
    ({**ACCOUNT, "account_number": "12 34 56 78"}, "Use only digits and dashes"),
    ({**ACCOUNT, "account_number": "123-45"}, "An account number has 8 to 20 digits."),
    ({**ACCOUNT, "account_holder": ""}, "Enter the name of the account holder."),
])
def test_a_bad_account_is_shown_again_with_its_message_and_nothing_is_kept(app, client, shop,
                                                                          fields, message):
    order = delivered_order(app, shop, payment="bank_transfer")
    response = send_return(client, order, **fields)
    assert response.status_code == 422
    html = text(response)
    assert message in html and 'aria-invalid="true"' in html
    assert "Nothing was sent: no return was made yet." in html
    assert count_returns(app) == 0 and raw_rows(app) == []


def test_the_customer_sees_it_masked_and_the_database_holds_no_plain_number(app, client, shop):
    order = delivered_order(app, shop, payment="bank_transfer")
    response = send_return(client, order, **ACCOUNT)
    assert response.status_code == 303
    [row] = raw_rows(app)
    assert FULL_NUMBER not in str(row) and "Kim Minji" not in str(row)
    html = text(client.get(response.headers["Location"]))
    assert MASKED in html and FULL_NUMBER not in html


def test_the_merchant_sees_the_number_in_the_refund_step_and_it_is_gone_after(app, client, post,
                                                                              shop, make, login):
    """Requested: only "KB Kookmin ****1234"; received: the full account to transfer to;
    refunded: deleted, the history and the email name it masked."""
    order = delivered_order(app, shop, payment="bank_transfer")
    rma = ask(app, order["number"])
    login(make.user(email="boss@example.com", merchant=True))
    html = text(client.get(f"/admin/returns/{rma}"))
    assert "KB Kookmin ****1234" in html and FULL_NUMBER not in html
    step(app, rma, "approve", "receive")
    response = client.get(f"/admin/returns/{rma}")
    html = text(response)
    assert "Transfer ₩39,000 to" in html and FULL_NUMBER in html and "Kim Minji" in html
    assert response.headers["Cache-Control"] == "no-store"
    done = post(f"/admin/returns/{rma}/complete", {"reference": "HANA-77"},
                token_from=f"/admin/returns/{rma}")
    assert done.status_code == 303
    assert raw_rows(app) == []
    html = text(client.get(f"/admin/returns/{rma}"))
    assert FULL_NUMBER not in html
    assert "₩39,000 transferred to KB Kookmin ****1234 (reference HANA-77)." in html
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage)
                                    .where(OutboxMessage.kind == "return_refunded"))
        body = text_and_html(mail.renderer(app)(message))
    for part in body:
        assert "We transferred ₩39,000 to KB Kookmin ****1234." in part
        assert FULL_NUMBER not in part and "your payment method" not in part


def test_another_customer_cannot_see_or_change_it(app, client, shop, make, login):
    owner = make.user(email="minji@example.com")
    order = delivered_order(app, shop, payment="bank_transfer", user_id=owner["id"])
    rma = ask(app, order["number"])
    login(make.user(email="someone@example.com"))
    assert client.get(f"/returns/{rma}").status_code == 404
    response = client.post(f"/returns/{rma}/refund-account",
                           data={"csrf_token": csrf_token(client), **ACCOUNT,
                                 "account_number": "999999-99-999999"})
    assert response.status_code == 404
    with app.test_request_context():
        from domain import refund_accounts, returns
        assert refund_accounts.stored(ret=returns.by_number(rma)).account.number == FULL_NUMBER


def test_after_a_key_change_both_sides_are_asked_to_give_it_again(app, client, shop, make, login):
    """No 500: the merchant reads "ask the customer again", the customer gets the form back,
    and what they send is readable again."""
    owner = make.user(email="minji@example.com")
    order = delivered_order(app, shop, payment="bank_transfer", user_id=owner["id"])
    rma = ask(app, order["number"])
    step(app, rma, "approve", "receive")
    app.config["SECRET_KEY"] = "replaced after a leak"
    login(owner)
    page = client.get(f"/returns/{rma}")
    html = text(page)
    assert page.status_code == 200
    assert "We can no longer read the account you gave us (KB Kookmin ****1234)" in html
    bad = client.post(f"/returns/{rma}/refund-account",
                      data={"csrf_token": csrf_of(html), **ACCOUNT, "account_number": "12-AB"})
    assert bad.status_code == 422 and "Use only digits and dashes" in text(bad)
    good = client.post(f"/returns/{rma}/refund-account",
                       data={"csrf_token": csrf_of(html), **ACCOUNT,
                             "bank_name": "Shinhan", "account_number": "110-123-456789"})
    assert good.status_code == 303
    assert "Shinhan · ***-***-**6789 · Kim Minji" in text(client.get(good.headers["Location"]))
    app.config["SECRET_KEY"] = "and replaced once more"
    login(make.user(email="boss@example.com", merchant=True))
    admin = client.get(f"/admin/returns/{rma}")
    assert admin.status_code == 200
    assert "can no longer be read" in text(admin) and "Ask the customer again" in text(admin)


def test_cancelling_a_paid_bank_transfer_takes_the_account_and_the_merchant_sends_it(
        app, client, post, shop, make, login):
    """Without an account: 422 and still paid; with one: cancelled, shown masked; the merchant
    sees it in full, records the transfer, and the customer's email names it masked."""
    app.config["CLOCK"] = lambda: NOW
    order = place(app, shop, payment="bank_transfer")
    advance(app, order["number"], "paid")
    track = text(client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}))
    assert LEGEND in track and "we transfer ₩42,000 to your bank account" in track
    refused = client.post(f"/orders/{order['number']}/cancel",
                          data={"csrf_token": csrf_of(track), "t": order["token"],
                                "bank_name": "KB Kookmin"})
    assert refused.status_code == 422
    assert "Enter the account number." in text(refused)
    assert "the order is not cancelled yet" in text(refused)
    with app.app_context():
        assert db.session.scalar(sql('SELECT status FROM "order"')) == "paid"
    done = client.post(f"/orders/{order['number']}/cancel",
                       data={"csrf_token": csrf_of(track), "t": order["token"], **ACCOUNT})
    assert done.status_code == 303
    track = text(client.get(done.headers["Location"]))
    assert "We will transfer ₩42,000 back to your bank account" in track
    assert MASKED in track and FULL_NUMBER not in track

    login(make.user(email="boss@example.com", merchant=True))
    admin = text(client.get(f"/admin/orders/{order['number']}"))
    assert "Refund to send" in admin and FULL_NUMBER in admin
    sent = post(f"/admin/orders/{order['number']}/refund-sent", {"reference": "HANA-5"},
                token_from=f"/admin/orders/{order['number']}")
    assert sent.status_code == 303 and raw_rows(app) == []
    admin = text(client.get(f"/admin/orders/{order['number']}"))
    assert FULL_NUMBER not in admin and "Refund to send" not in admin
    assert "₩42,000 transferred to KB Kookmin ****1234 (reference HANA-5)." in admin
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage)
                                    .where(OutboxMessage.kind == "order_refunded"))
        body = text_and_html(mail.renderer(app)(message))
    for part in body:
        assert "We transferred ₩42,000 to KB Kookmin ****1234 for your cancelled order" in part
        assert FULL_NUMBER not in part


def test_an_unpaid_bank_transfer_is_cancelled_without_any_account(app, client, shop):
    app.config["CLOCK"] = lambda: NOW
    order = place(app, shop, payment="bank_transfer")
    track = text(client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}))
    assert "Cancel order" in track and LEGEND not in track
    done = client.post(f"/orders/{order['number']}/cancel",
                       data={"csrf_token": csrf_of(track), "t": order["token"]})
    assert done.status_code == 303
    assert LEGEND not in text(client.get(done.headers["Location"])) and raw_rows(app) == []


def test_after_the_merchant_cancels_a_paid_order_the_customer_gives_the_account(app, client, shop):
    """The cancellation email says the money comes back by transfer and asks for the account;
    the order's page takes it (a bad one comes back with its message)."""
    order = place(app, shop, payment="bank_transfer")
    advance(app, order["number"], "paid", "cancelled")
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage)
                                    .where(OutboxMessage.kind == "order_cancelled"))
        email_text, _html = text_and_html(mail.renderer(app)(message))
    assert "We will transfer ₩42,000 back to you: please tell us your bank account" in email_text
    assert "any payment is refunded" not in email_text
    url = f"/orders/{order['number']}"
    html = text(client.get(url, query_string={"t": order["token"]}))
    assert "Tell us which bank account to send your refund to." in html
    bad = client.post(f"{url}/refund-account", data={"csrf_token": csrf_of(html),
                                                     "t": order["token"], "bank_name": "KB"})
    assert bad.status_code == 422 and "Enter the account number." in text(bad)
    assert raw_rows(app) == []
    good = client.post(f"{url}/refund-account", data={"csrf_token": csrf_of(html),
                                                      "t": order["token"], **ACCOUNT})
    assert good.status_code == 303
    assert MASKED in text(client.get(good.headers["Location"]))
