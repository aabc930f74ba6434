"""Store credit at checkout: offered to customers who have some, used first, the provider asked
only for the rest, shown wherever the order's money is, given back when the order is cancelled."""
import re

from blueprints import mail
from domain import credit
from domain.extensions import db
from domain.models import CreditEntry, Order, OutboxMessage, User
from tests.checkout_helpers import (add_to_cart, buy_now_form, checkout_form, give_credit,
                                    one_click_customer)
from tests.concurrency_helpers import Buyer, race
from tests.page_helpers import csrf_of, text
from tests.smtp_helpers import text_and_html

HTMX = {"HX-Request": "true"}


def balance(app, user):
    with app.app_context():
        return credit.balance(user["id"])


def the_order(app):
    with app.app_context():
        order = db.session.scalar(db.select(Order))
        return {"number": order.number, "status": order.status, "total": order.total,
                "credit": order.credit_applied, "due": order.amount_due,
                "payments": [(p.operation, p.amount) for p in order.payments]}


def summary_of(html):
    return html[html.index('id="summary"'):html.index('name="checkout_token"')]


def test_the_credit_option_is_offered_only_to_customers_with_a_balance(app, client, make, login,
                                                                        checkout_shop):
    """Guest: no. Customer without credit: no. With ₩12,000: ticked, and the summary uses it."""
    add_to_cart(client, checkout_shop["small"])
    assert "store credit" not in text(client.get("/checkout")).lower()
    user = make.user()
    login(user)
    assert "store credit" not in text(client.get("/checkout")).lower()
    give_credit(app, user, 12000)
    html = text(client.get("/checkout"))
    assert "Use my store credit (₩12,000 available)" in html
    assert re.search(r'<input type="checkbox" id="use_credit" name="use_credit" value="1"[^>]* checked>', html)
    summary = summary_of(html)
    assert re.search(r"Store credit</th><td>−₩12,000</td>.*To pay</th><td>₩30,000</td>", summary, re.S)


def test_unticking_the_credit_updates_the_summary(app, client, customer, checkout_shop):
    """The htmx summary request says whether the box is ticked."""
    give_credit(app, customer, 12000)
    add_to_cart(client, checkout_shop["small"])
    args = {"region": "Domestic", "shipping_method": checkout_shop["standard"], "credit_offered": "1"}
    unticked = text(client.get("/checkout", query_string=args, headers=HTMX))
    ticked = text(client.get("/checkout", query_string={**args, "use_credit": "1"}, headers=HTMX))
    assert "Store credit" not in unticked and "₩42,000" in unticked
    assert "−₩12,000" in ticked and "₩30,000" in ticked


def test_credit_and_card_share_the_total_and_the_card_pays_only_the_rest(app, client, customer,
                                                                          checkout_shop):
    """₩12,000 credit on ₩42,000: the card is authorized and captured for ₩30,000."""
    give_credit(app, customer, 12000)
    add_to_cart(client, checkout_shop["small"])
    response = client.post("/checkout", data=checkout_form(
        client, checkout_shop, use_credit="1", payment_method="test_card", card_number="4242424242424242"))
    assert response.status_code == 303
    order = the_order(app)
    assert (order["status"], order["total"], order["credit"], order["due"]) == ("paid", 42000, 12000, 30000)
    assert order["payments"] == [("authorize", 30000), ("capture", 30000)]
    assert balance(app, customer) == 0
    page = text(client.get(response.headers["Location"]))
    assert re.search(r"Total</th><td>₩42,000</td>.*Store credit</th><td>−₩12,000</td>.*"
                     r"To pay</th><td>₩30,000</td>", page, re.S)


def test_a_bank_transfer_asks_for_the_rest_only(app, client, customer, checkout_shop):
    """The transfer instructions name ₩30,000, not the ₩42,000 total."""
    give_credit(app, customer, 12000)
    add_to_cart(client, checkout_shop["small"])
    response = client.post("/checkout", data=checkout_form(client, checkout_shop, use_credit="1"))
    page = text(client.get(response.headers["Location"]))
    assert "<dt>Amount</dt><dd>₩30,000</dd>" in page
    assert the_order(app)["payments"] == [("authorize", 30000)]


def test_an_order_fully_covered_by_credit_is_paid_at_once(app, client, customer, checkout_shop):
    """Bank transfer chosen, but nothing is left to transfer: paid, no instructions."""
    give_credit(app, customer, 100000)
    add_to_cart(client, checkout_shop["small"])
    response = client.post("/checkout", data=checkout_form(client, checkout_shop, use_credit="1"))
    order = the_order(app)
    assert (order["status"], order["credit"], order["due"], order["payments"]) == ("paid", 42000, 0, [])
    assert balance(app, customer) == 58000
    page = text(client.get(response.headers["Location"]))
    assert "How to pay" not in page and "To pay</th><td>₩0</td>" in page


def test_unticked_credit_is_kept_for_later(app, client, customer, checkout_shop):
    """Without the box the whole total goes to the payment method."""
    give_credit(app, customer, 12000)
    add_to_cart(client, checkout_shop["small"])
    client.post("/checkout", data=checkout_form(client, checkout_shop))
    assert (the_order(app)["credit"], balance(app, customer)) == (0, 12000)


def test_cancelling_within_the_undo_window_returns_the_credit(app, client, customer, checkout_shop):
    """The balance comes back and the account page lists both movements."""
    give_credit(app, customer, 12000)
    add_to_cart(client, checkout_shop["small"])
    response = client.post("/checkout", data=checkout_form(client, checkout_shop, use_credit="1"))
    location = response.headers["Location"]
    number = the_order(app)["number"]
    page = text(client.get(location))
    response = client.post(f"/orders/{number}/cancel", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert the_order(app)["status"] == "cancelled"
    assert balance(app, customer) == 12000
    assert "The ₩12,000 of store credit it used is back in your account." in text(client.get(location))
    account = text(client.get("/account/"))
    assert "Your balance: ₩12,000" in account
    assert re.search(rf"Order {number} cancelled</th>.*\+₩12,000.*Order {number}</th>.*−₩12,000.*"
                     r"Return R-7KQ4D2M</th>.*\+₩12,000", account, re.S)


def test_one_click_uses_the_credit_and_says_so(app, client, customer, checkout_shop):
    """The note beside the button states the split; the order takes the credit."""
    give_credit(app, customer, 12000)
    html = text(client.get("/products/moon-jar"))
    assert "Buy now: ₩42,000 to Home, bank transfer" in html
    assert "Your store credit pays ₩12,000 of it, so you pay ₩30,000." in html
    response = client.post("/checkout/buy-now", data=buy_now_form(html, checkout_shop["small"]))
    assert response.status_code == 303
    assert (the_order(app)["credit"], balance(app, customer)) == (12000, 0)


def test_the_emails_and_the_back_office_show_the_credit_line(app, client, make, login, customer,
                                                             checkout_shop):
    """Confirmation (text and HTML) and the merchant's order page: credit and what is left."""
    app.config["SHOP_URL"] = "https://shop.example"
    give_credit(app, customer, 12000)
    add_to_cart(client, checkout_shop["small"])
    client.post("/checkout", data=checkout_form(client, checkout_shop, use_credit="1"))
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "order_placed"))
        plain, html = text_and_html(mail.renderer(app)(message))
    assert "Store credit: −₩12,000\nTo pay: ₩30,000" in plain
    assert "Amount: ₩30,000" in plain
    assert "−₩12,000" in html and "₩30,000" in html
    number = the_order(app)["number"]
    login(make.user(email="boss@example.com", merchant=True))
    admin = text(client.get(f"/admin/orders/{number}"))
    assert re.search(r"Store credit</th><td>−₩12,000</td>.*To pay</th><td>₩30,000</td>", admin, re.S)


def test_two_checkouts_at_once_cannot_spend_the_same_credit_twice(app, make, checkout_shop, live_server):
    """Six one-click buys by one customer in six browsers at the same instant, ₩100,000 of
    credit, ₩42,000 each: exactly ₩100,000 is used, the balance ends at 0, never below."""
    user = one_click_customer(app, make)
    give_credit(app, user, 100000)
    buyers = [Buyer(live_server).sign_in(user) for _ in range(6)]
    forms = []
    for buyer in buyers:
        _, _, html = buyer.request("/products/moon-jar")
        forms.append(buy_now_form(html, checkout_shop["small"]))

    answers = race([lambda b=b, f=f: b.request("/checkout/buy-now", f) for b, f in zip(buyers, forms)])

    assert [status for status, _, _ in answers] == [303] * 6
    with app.app_context():
        applied = sorted(o.credit_applied for o in db.session.scalars(db.select(Order)))
        ledger = db.session.scalar(db.select(db.func.sum(CreditEntry.amount)))
        assert applied == [0, 0, 0, 16000, 42000, 42000]
        assert db.session.get(User, user["id"]).credit_balance == 0 == ledger
