"""Back-office returns: the queue and its filters, one return's next steps (approve, reject,
receive with restocking, refund, store credit), the refund promise's clock, the dashboard
counts, the order page's returns and the products that disappoint."""
import re
from datetime import timedelta

from domain import payments, returns
from domain.extensions import db
from domain.models import ReturnRequest, Variant
from tests.order_helpers import NOW, delivered_order
from tests.return_helpers import DAY, ask, delivered, step


def status_of(app, rma):
    with app.app_context():
        db.session.expire_all()
        return db.session.scalar(db.select(ReturnRequest.status).where(ReturnRequest.number == rma))


def stock_of(app, variant_id):
    with app.app_context():
        db.session.expire_all()
        return db.session.get(Variant, variant_id).stock


def page(client, rma):
    return client.get(f"/admin/returns/{rma}").get_data(as_text=True)


def shown_status(html):
    return re.search(r'<span class="status status-[a-z_]+">([^<]+)</span>', html).group(1)


def test_anonymous_and_customers_are_refused_everywhere(client, make, login, post, app, setup):
    """Every returns URL of the back office, GET and POST, is for merchants only."""
    rma = ask(app, delivered(app, setup))
    gets = ["/admin/returns", "/admin/returns?status=requested&overdue=1", f"/admin/returns/{rma}",
            "/admin/returns/insights"]
    posts = [(f"/admin/returns/{rma}/approve", {}), (f"/admin/returns/{rma}/reject", {"reason": "No"}),
             (f"/admin/returns/{rma}/receive", {"restock-1": "y"}),
             (f"/admin/returns/{rma}/complete", {"reference": "X"})]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 303 and "/account/login" in response.headers["Location"], url
    for url, data in posts:
        response = post(url, data)
        assert response.status_code == 303 and "/account/login" in response.headers["Location"], url
    login(make.user())
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert post(url, data).status_code == 403, url
    assert status_of(app, rma) == "requested"


def test_approve_receive_and_refund_by_card_through_the_page(client, post, app, setup, merchant):
    """Each button moves the return on and the page says so; the card refund needs no reference."""
    rma = ask(app, delivered(app, setup), reason="size_fit", text="Too small for my shelf")
    html = page(client, rma)
    assert shown_status(html) == "Return requested"
    assert "Wrong size or fit" in html and "Too small for my shelf" in html
    response = post(f"/admin/returns/{rma}/approve", token_from=f"/admin/returns/{rma}")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/admin/returns/{rma}")
    assert shown_status(page(client, rma)) == "Approved"
    with app.app_context():
        line_id = returns.by_number(rma).lines[0].id
    post(f"/admin/returns/{rma}/receive", {f"restock-{line_id}": "y"}, token_from=f"/admin/returns/{rma}")
    html = page(client, rma)
    assert shown_status(html) == "Received"
    assert "Refund ₩39,000" in html
    response = post(f"/admin/returns/{rma}/complete", token_from=f"/admin/returns/{rma}")
    assert response.status_code == 303
    html = page(client, rma)
    assert shown_status(html) == "Refunded"
    assert "Nothing more to do" in html
    assert "boss@example.com" in html
    assert status_of(app, rma) == "refunded"


def test_the_receive_form_ticks_restock_for_every_line(client, app, setup, merchant):
    """Restocking is the default: each line's checkbox is ticked when the form appears."""
    rma = ask(app, delivered(app, setup), quantity=2)
    step(app, rma, "approve")
    html = page(client, rma)
    assert re.search(r'<input type="checkbox" id="restock-\d+" name="restock-\d+" value="y" checked>', html)
    assert "Mark received" in html


def test_ticked_restock_puts_units_back_and_unticked_writes_them_off(client, post, app, setup, merchant):
    """A ticked line raises stock by its quantity; an unticked one leaves stock as it was."""
    first = ask(app, delivered(app, setup, token="a"), quantity=2)
    second = ask(app, delivered(app, setup, token="b"), quantity=2)
    step(app, first, "approve")
    step(app, second, "approve")
    before = stock_of(app, setup["variant"])
    with app.app_context():
        line_id = returns.by_number(first).lines[0].id
    post(f"/admin/returns/{first}/receive", {f"restock-{line_id}": "y"}, token_from=f"/admin/returns/{first}")
    assert stock_of(app, setup["variant"]) == before + 2
    assert "Back in stock" in page(client, first)
    post(f"/admin/returns/{second}/receive", {}, token_from=f"/admin/returns/{second}")
    assert stock_of(app, setup["variant"]) == before + 2
    assert status_of(app, second) == "received"
    assert "Written off" in page(client, second)


def test_reject_needs_a_reason(client, post, app, setup, merchant):
    """Without a reason: 422, a message, and the return still waits; with one it is rejected."""
    rma = ask(app, delivered(app, setup))
    response = post(f"/admin/returns/{rma}/reject", {"reason": "  "}, token_from=f"/admin/returns/{rma}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tell the customer why the return is rejected." in html
    assert status_of(app, rma) == "requested"
    response = post(f"/admin/returns/{rma}/reject", {"reason": "Used & washed"},
                    token_from=f"/admin/returns/{rma}")
    assert response.status_code == 303
    html = page(client, rma)
    assert shown_status(html) == "Rejected"
    assert "Used &amp; washed" in html


def test_a_refused_step_is_422_with_the_message_and_changes_nothing(client, post, app, setup, merchant):
    """Marking a return received before it is approved is refused in words."""
    rma = ask(app, delivered(app, setup))
    response = post(f"/admin/returns/{rma}/receive", {}, token_from=f"/admin/returns/{rma}")
    assert response.status_code == 422
    assert "cannot become" in response.get_data(as_text=True)
    assert status_of(app, rma) == "requested"


def test_a_bank_transfer_refund_needs_the_transfer_reference(client, post, app, setup, merchant):
    """No reference: 422 and still received; with it the return is refunded and the reference kept."""
    rma = ask(app, delivered(app, setup, payment="bank_transfer"))
    step(app, rma, "approve", "receive")
    html = page(client, rma)
    assert 'name="reference"' in html
    response = post(f"/admin/returns/{rma}/complete", {"reference": ""}, token_from=f"/admin/returns/{rma}")
    assert response.status_code == 422
    assert "enter the reference" in response.get_data(as_text=True)
    assert status_of(app, rma) == "received"
    response = post(f"/admin/returns/{rma}/complete", {"reference": "HANA-20260305-77"},
                    token_from=f"/admin/returns/{rma}")
    assert response.status_code == 303
    assert status_of(app, rma) == "refunded"
    assert "HANA-20260305-77" in page(client, rma)


def test_a_failed_refund_shows_why_and_can_be_tried_again(client, post, app, setup, merchant, monkeypatch):
    """The provider's message is on the page with the refund button; a retry that works refunds."""
    rma = ask(app, delivered(app, setup))
    step(app, rma, "approve", "receive")
    card = payments.PROVIDERS["test_card"]
    monkeypatch.setattr(card, "refund", lambda order, amount, reference="": payments.Result(
        payments.FAILED, message="The card account is closed."))
    response = post(f"/admin/returns/{rma}/complete", token_from=f"/admin/returns/{rma}")
    assert response.status_code == 303
    html = page(client, rma)
    assert shown_status(html) == "Refund failed"
    assert "The refund failed: The card account is closed." in html
    assert "Refund ₩39,000" in html
    monkeypatch.undo()
    post(f"/admin/returns/{rma}/complete", token_from=f"/admin/returns/{rma}")
    assert status_of(app, rma) == "refunded"


def test_after_a_failed_refund_a_customer_can_get_store_credit_instead(client, post, make, app, setup,
                                                                      merchant, monkeypatch):
    """For an order on an account the page also offers settling a failed refund as credit."""
    customer = make.user(email="minji@example.com")
    rma = ask(app, delivered(app, setup, user_id=customer["id"]))
    step(app, rma, "approve", "receive")
    monkeypatch.setattr(payments.PROVIDERS["test_card"], "refund", lambda order, amount, reference="":
                        payments.Result(payments.FAILED, message="Processor offline."))
    post(f"/admin/returns/{rma}/complete", token_from=f"/admin/returns/{rma}")
    html = page(client, rma)
    assert "Give ₩39,000 store credit instead" in html
    post(f"/admin/returns/{rma}/complete", {"as_credit": "1"}, token_from=f"/admin/returns/{rma}")
    assert status_of(app, rma) == "credited"


def test_store_credit_is_given_with_a_button_naming_the_amount(client, post, make, app, setup, merchant):
    """A credit return offers "Give ₩39,000 store credit", which settles it."""
    customer = make.user(email="minji@example.com")
    rma = ask(app, delivered(app, setup, user_id=customer["id"]), action="credit")
    step(app, rma, "approve", "receive")
    assert "Give ₩39,000 store credit" in page(client, rma)
    post(f"/admin/returns/{rma}/complete", token_from=f"/admin/returns/{rma}")
    assert status_of(app, rma) == "credited"
    assert shown_status(page(client, rma)) == "Store credit given"


def test_an_exchange_links_its_replacement_order_and_is_marked_exchanged(client, post, make, app, setup, merchant):
    """The page links the replacement order and its last button is "Mark exchanged"."""
    mug = make.product("Mug", option1_name="Colour", variants=[
        {"sku": "MUG-B", "option1": "Blue", "price": 15000, "stock": 5},
        {"sku": "MUG-G", "option1": "Green", "price": 15000, "stock": 5}])
    number = delivered(app, {"method": setup["method"], "variant": mug["variant_ids"][0]})
    rma = ask(app, number, action="exchange", reason="changed_mind",
              exchange_variant_id=mug["variant_ids"][1])
    post(f"/admin/returns/{rma}/approve", token_from=f"/admin/returns/{rma}")
    with app.app_context():
        replacement = returns.by_number(rma).exchange_order.number
    html = page(client, rma)
    assert f'href="/admin/orders/{replacement}"' in html and "Exchange for: Green" in html
    step(app, rma, "receive")
    assert "Mark exchanged" in page(client, rma)
    post(f"/admin/returns/{rma}/complete", token_from=f"/admin/returns/{rma}")
    assert status_of(app, rma) == "exchanged"


def test_customer_text_is_shown_as_text(client, app, setup, merchant):
    """What the customer typed cannot inject markup into the back office."""
    rma = ask(app, delivered(app, setup), reason="other", text='<script>alert("x")</script>')
    html = page(client, rma)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_the_refund_clock_counts_down_then_turns_overdue(client, app, setup, merchant):
    """Received with a three-day promise: due in 2 days, due today, then overdue by 1 day."""
    rma = ask(app, delivered(app, setup))
    step(app, rma, "approve", "receive", when=NOW + DAY)
    app.config["CLOCK"] = lambda: NOW + 2 * DAY
    assert "Refund due in 2 days" in page(client, rma)
    assert "Refund due in 2 days" in client.get("/admin/returns").get_data(as_text=True)
    app.config["CLOCK"] = lambda: NOW + 4 * DAY - timedelta(hours=1)
    assert "Refund due today" in page(client, rma)
    app.config["CLOCK"] = lambda: NOW + 5 * DAY
    html = client.get("/admin/returns").get_data(as_text=True)
    assert re.search(r'<strong class="error refund-clock"><time [^>]+>Refund overdue by 1 day</time>', html)
    assert "Refund overdue by 1 day" in page(client, rma)


def test_the_dashboard_counts_returns_to_decide_and_overdue_refunds(client, app, setup, merchant):
    """Both counts link to the filtered queue; the overdue one is marked as an error."""
    html = client.get("/admin/").get_data(as_text=True)
    assert "0 returns waiting for your decision" in html
    assert re.search(r'<a href="/admin/returns\?overdue=1">0 overdue refunds', html)
    waiting = ask(app, delivered(app, setup, token="a"))
    late = ask(app, delivered(app, setup, token="b"))
    step(app, late, "approve", "receive", when=NOW + DAY)
    app.config["CLOCK"] = lambda: NOW + 10 * DAY
    html = client.get("/admin/").get_data(as_text=True)
    assert re.search(r'<a href="/admin/returns\?status=requested">1 return waiting for your decision', html)
    assert re.search(r'<a href="/admin/returns\?overdue=1" class="error">1 overdue refund\b', html)
    assert waiting in client.get("/admin/returns?status=requested").get_data(as_text=True)


def test_the_queue_filters_by_status_and_overdue(client, app, setup, merchant):
    """Newest first; a status shows only its returns; "overdue only" only the late refunds;
    an htmx request gets just the list."""
    older = ask(app, delivered(app, setup, token="a"), when=NOW + DAY)
    newer = ask(app, delivered(app, setup, token="b"), when=NOW + 2 * DAY)
    step(app, older, "approve", "receive", when=NOW + 2 * DAY)
    app.config["CLOCK"] = lambda: NOW + 10 * DAY
    html = client.get("/admin/returns").get_data(as_text=True)
    assert html.index(newer) < html.index(older)
    assert "minji@example.com" in html and "Refund" in html
    received = client.get("/admin/returns?status=received").get_data(as_text=True)
    assert older in received and newer not in received
    overdue = client.get("/admin/returns?overdue=1").get_data(as_text=True)
    assert older in overdue and newer not in overdue
    fragment = client.get("/admin/returns?status=requested", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert newer in text and older not in text and "<html" not in text
    assert "HX-Request" in fragment.headers["Vary"]


def test_the_order_page_lists_its_returns(client, app, setup, merchant):
    """The merchant reaches each return from its order."""
    number = delivered(app, setup)
    rma = ask(app, number)
    html = client.get(f"/admin/orders/{number}").get_data(as_text=True)
    assert f'href="/admin/returns/{rma}"' in html and "Return requested" in html
    assert f'href="/admin/orders/{number}"' in page(client, rma)


def test_the_insights_page_shows_return_rate_and_top_reason(client, app, setup, merchant):
    """2 of 4 jars came back, mostly damaged: 50 % and "Arrived damaged (2)"."""
    first = delivered(app, setup, token="a")
    second = delivered(app, setup, token="b")
    ask(app, first, reason="damaged")
    ask(app, second, reason="damaged")
    html = client.get("/admin/returns/insights").get_data(as_text=True)
    assert "Products that disappoint" in html
    row = re.search(r"Moon jar</a></th>(.*?)</tr>", html, re.S).group(1)
    assert "50 %" in row and "Arrived damaged (2)" in row


def test_the_refund_button_says_which_part_goes_back_as_store_credit(client, make, app, setup, merchant):
    """Of a ₩42,000 order, ₩20,000 was paid with store credit: before refunding the ₩39,000 jar
    the merchant reads that ₩22,000 goes back to the card and ₩17,000 as credit."""
    from domain import credit
    customer = make.user(email="minji@example.com")
    with app.test_request_context():
        credit.grant(customer["id"], 20000, "KRW", "Welcome", NOW)
        db.session.commit()
    order = delivered_order(app, setup, payment="test_card", user_id=customer["id"],
                            use_credit=True, token="credit-split")
    rma = ask(app, order["number"])
    step(app, rma, "approve", "receive")
    html = page(client, rma)
    assert ("₩22,000 goes back to Card (test mode) and ₩17,000 as store credit: that part of "
            "the order was paid with credit.") in html
    assert "Refund ₩39,000" in html
