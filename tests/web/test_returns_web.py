"""The customer's return form and return page: who may ask and see, what the form offers,
the estimate, validation, and one return per submitted form."""
import re
from datetime import timedelta

import pytest

from domain import orders, returns
from domain.extensions import db
from domain.models import ReturnPolicy, ReturnRequest
from domain.payments import TestCard
from tests.order_helpers import LATER, NOW, advance, delivered_order, place, shop_with_a_product
from tests.page_helpers import csrf_of
from tests.return_helpers import ACCOUNT

TOKEN_RE = re.compile(r'name="request_token"[^>]*value="([^"]+)"')
HX = {"HX-Request": "true"}


@pytest.fixture
def shop(app, make):
    """The moon jar shop of the tracking tests, a tea cup sold as final sale, and the clock
    two days after delivery."""
    app.config["CLOCK"] = lambda: LATER
    setup = shop_with_a_product(make)
    cup = make.product("Tea cup", price=12000, stock=5)
    with app.test_request_context():
        returns.save_rule("product", cup["id"], {"window_days": 30, "final_sale": True}, NOW)
        db.session.commit()
    return {**setup, "cup": cup["variant_ids"][0]}


def place_delivered(app, shop, email="minji@example.com", user_id=None, cup=True, key="a"):
    """A delivered order of a moon jar (and a final-sale cup); {"number", "token", "lines"}."""
    items = {str(shop["variant"]): 2, **({str(shop["cup"]): 1} if cup else {})}
    placed = delivered_order(app, shop, payment="bank_transfer", email=email, user_id=user_id,
                             token=f"tok-returns-{key}-{email}", items=items)
    with app.app_context():
        lines = {line.title: line.id for line in orders.by_number(placed["number"]).lines}
    return {"number": placed["number"], "token": placed["token"],
            "jar": next(iter(lines.values())), "lines": lines}


def form_page(client, order, token=True):
    query = {"t": order["token"]} if token else {}
    return client.get(f"/orders/{order['number']}/return", query_string=query)


def form_data(html, order, token=True, **fields):
    """What a shopper sends: one moon jar back for a refund, dropped off, with the page's tokens
    and the bank account the refund of a bank transfer goes to."""
    data = {"csrf_token": csrf_of(html),
            "request_token": TOKEN_RE.search(html).group(1),
            f"qty-{order['jar']}": "1", "action": "refund", "reason": "size_fit",
            "reason_text": "", "method": "dropoff", **ACCOUNT}
    if token:
        data["t"] = order["token"]
    data.update(fields)
    return data


def count_returns(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(ReturnRequest.id)))


def ask(client, order, token=True, **fields):
    html = form_page(client, order, token).get_data(as_text=True)
    return client.post(f"/orders/{order['number']}/return", data=form_data(html, order, token, **fields))


def test_a_guest_with_the_signed_link_asks_for_a_return_and_follows_it(app, client, shop):
    """The form opens from the order's link; sending it leads to the return's page (link kept)."""
    order = place_delivered(app, shop)
    assert form_page(client, order).status_code == 200
    response = ask(client, order)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(rf"/returns/R-[A-Z0-9]{{7}}\?t={re.escape(order['token'])}", location)
    html = client.get(location).get_data(as_text=True)
    assert "Return requested" in html and "Moon jar" in html and "₩39,000" in html
    assert f"Order {order['number']}" in html and 'hx-trigger="every 60s"' in html


def test_a_wrong_or_another_orders_token_gets_404_everywhere(app, client, shop):
    """Form, POST and return page all answer 404 to a token of another order or an altered one."""
    order = place_delivered(app, shop)
    other = place_delivered(app, shop, email="other@example.com", key="b")
    number = ask(client, order).headers["Location"].split("?")[0].rsplit("/", 1)[1]
    for token in (other["token"], order["token"][:-2] + "xx", ""):
        assert client.get(f"/orders/{order['number']}/return",
                          query_string={"t": token}).status_code == 404
        assert client.get(f"/returns/{number}", query_string={"t": token}).status_code == 404
    html = form_page(client, other).get_data(as_text=True)
    forged = form_data(html, order, t=other["token"])
    assert client.post(f"/orders/{order['number']}/return", data=forged).status_code == 404
    assert client.get("/returns/R-ZZZZZZZ", query_string={"t": order["token"]}).status_code == 404
    assert count_returns(app) == 1


def test_another_customer_gets_404_on_the_form_the_post_and_the_return(app, client, make, login,
                                                                      shop):
    """Signed in as someone else, the owner's order and return look like they do not exist."""
    owner = make.user()
    order = place_delivered(app, shop, email=owner["email"], user_id=owner["id"])
    login(owner)
    number = ask(client, order, token=False).headers["Location"].rsplit("/", 1)[1]
    assert "?" not in number  # the owner's own link needs no token
    html = form_page(client, order, token=False).get_data(as_text=True)
    client.post("/account/logout", data={"csrf_token": csrf_of(html)})

    login(make.user())
    assert form_page(client, order, token=False).status_code == 404
    page = client.get("/").get_data(as_text=True)
    data = {"csrf_token": csrf_of(page), "request_token": "x" * 24,
            f"qty-{order['jar']}": "1", "action": "refund", "reason": "size_fit",
            "method": "dropoff"}
    assert client.post(f"/orders/{order['number']}/return", data=data).status_code == 404
    assert client.get(f"/returns/{number}").status_code == 404
    assert count_returns(app) == 1


def test_the_same_request_token_twice_makes_one_return(app, client, shop):
    """A double-click sends the form twice: both land on the same single return."""
    order = place_delivered(app, shop)
    html = form_page(client, order).get_data(as_text=True)
    data = form_data(html, order)
    first = client.post(f"/orders/{order['number']}/return", data=data)
    second = client.post(f"/orders/{order['number']}/return", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count_returns(app) == 1


def test_a_final_sale_line_says_why_and_a_tampered_post_is_refused(app, client, shop):
    """The cup shows "Final sale" and no quantity; posting a quantity for it anyway: 422, no return."""
    order = place_delivered(app, shop)
    html = form_page(client, order).get_data(as_text=True)
    cup_id = order["lines"]["Tea cup"]
    cup_line = re.search(rf'<div class="return-line" id="line-{cup_id}">.*?</div>', html, re.S).group(0)
    assert "Final sale" in cup_line and "<select" not in cup_line
    response = client.post(f"/orders/{order['number']}/return",
                           data=form_data(html, order, **{f"qty-{cup_id}": "1"}))
    assert response.status_code == 422
    assert "Tea cup: Final sale" in response.get_data(as_text=True)
    assert count_returns(app) == 0


def test_missing_reason_comes_back_422_with_the_message_by_the_field(app, client, shop):
    """Nothing is made; the message sits next to the reason and the same request token is kept."""
    order = place_delivered(app, shop)
    html = form_page(client, order).get_data(as_text=True)
    data = form_data(html, order, reason="")
    response = client.post(f"/orders/{order['number']}/return", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="reason-error"' in body and "Choose why you are returning the items." in body
    assert 'aria-invalid="true"' in body and TOKEN_RE.search(body).group(1) == data["request_token"]
    assert count_returns(app) == 0


def test_nothing_chosen_is_refused(app, client, shop):
    """A form with every quantity at 0 asks for at least one item."""
    order = place_delivered(app, shop)
    html = form_page(client, order).get_data(as_text=True)
    response = client.post(f"/orders/{order['number']}/return",
                           data=form_data(html, order, **{f"qty-{order['jar']}": "0"}))
    assert response.status_code == 422
    assert "Choose at least one item to return." in response.get_data(as_text=True)
    assert count_returns(app) == 0


def test_the_estimate_is_on_the_form_before_sending(app, client, shop):
    """One moon jar of a one-jar-line order is preselected: ₩39,000 back, free return shipping."""
    order = place_delivered(app, shop, cup=False, key="solo")
    html = form_page(client, order).get_data(as_text=True)
    assert '<option value="1" selected>1</option>' in html
    assert "You get back ₩39,000" in html and "Estimated refund" in html
    assert "Update estimate" in html


def test_the_estimate_fragment_follows_the_choices_under_htmx(app, client, make, shop):
    """Two jars with a 10 % restocking fee and ₩3,000 return shipping: the fragment says
    ₩67,200 back, and the actions come along out of band."""
    with app.test_request_context():
        returns.save_rule("shop", None, {"window_days": 30, "allow_refund": True,
                                         "allow_exchange": True, "allow_credit": True,
                                         "restocking_fee_bp": 1000, "return_shipping": "flat",
                                         "return_shipping_fee": 3000}, NOW)
        db.session.commit()
    order = place_delivered(app, shop)
    html = form_page(client, order).get_data(as_text=True)
    data = form_data(html, order, **{f"qty-{order['jar']}": "2", "recalculate": "1"})
    response = client.post(f"/orders/{order['number']}/return", data=data,
                           headers={**HX, "X-CSRFToken": data["csrf_token"]})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" not in body and "<table" in body
    assert "−₩7,800" in body and "−₩3,000" in body and "You get back ₩67,200" in body
    assert 'id="action"' in body and 'hx-swap-oob="true"' in body
    assert count_returns(app) == 0


def test_without_javascript_update_estimate_redraws_the_whole_form(app, client, shop):
    """The "Update estimate" button gives the page again, same request token, nothing made."""
    order = place_delivered(app, shop)
    html = form_page(client, order).get_data(as_text=True)
    data = form_data(html, order, **{f"qty-{order['jar']}": "2", "recalculate": "1"})
    response = client.post(f"/orders/{order['number']}/return", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in body
    assert "You get back ₩78,000" in body and TOKEN_RE.search(body).group(1) == data["request_token"]
    assert count_returns(app) == 0


def test_store_credit_is_offered_only_to_the_signed_in_owner(app, client, make, login, shop):
    """A guest's link shows refund and exchange only; the owner signed in also sees store credit."""
    owner = make.user()
    order = place_delivered(app, shop, email=owner["email"], user_id=owner["id"])
    guest_html = form_page(client, order).get_data(as_text=True)
    assert 'value="refund"' in guest_html and 'value="credit"' not in guest_html
    refused = client.post(f"/orders/{order['number']}/return",
                          data=form_data(guest_html, order, action="credit"))
    assert refused.status_code == 422 and count_returns(app) == 0
    login(owner)
    assert 'value="credit"' in form_page(client, order, token=False).get_data(as_text=True)


def test_exchange_lists_other_options_at_the_same_price_with_sold_out_ones_disabled(app, client,
                                                                                    make):
    """Small for Medium (in stock) or Large (sold out: choose a refund instead); never the
    dearer XL."""
    app.config["CLOCK"] = lambda: LATER
    setup = shop_with_a_product(make)
    bowl = make.product("Bowl", option1_name="Size", variants=[
        {"sku": "B-S", "option1": "Small", "price": 20000, "stock": 5},
        {"sku": "B-M", "option1": "Medium", "price": 20000, "stock": 5},
        {"sku": "B-L", "option1": "Large", "price": 20000, "stock": 0},
        {"sku": "B-XL", "option1": "XL", "price": 25000, "stock": 5}])
    order = place_delivered(app, {**setup, "variant": bowl["variant_ids"][0]}, cup=False,
                            key="bowl")
    html = form_page(client, order).get_data(as_text=True)
    data = form_data(html, order, action="exchange", recalculate="1")
    body = client.post(f"/orders/{order['number']}/return", data=data).get_data(as_text=True)
    assert re.search(r'<option value="\d+">Medium</option>', body)
    assert re.search(r'<option value="\d+" disabled>Large \(sold out: choose a refund instead\)</option>', body)
    assert not re.search(r"<option[^>]*>XL\b", body) and "Your exchange costs nothing" in body


def test_the_order_page_links_to_the_form_and_lists_its_returns(app, client, shop):
    """Delivered: a "Return or exchange items" button; after asking, the return with its status."""
    order = place_delivered(app, shop)
    html = client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}).get_data(as_text=True)
    assert f'href="/orders/{order["number"]}/return?t={order["token"]}">Return or exchange items' in html
    assert "You can ask for a return until April 2, 2026." in html
    location = ask(client, order).headers["Location"]
    html = client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}).get_data(as_text=True)
    number = location.split("?")[0].rsplit("/", 1)[1]
    assert f"Return {number}" in html and "Return requested" in html and f'href="{location}"' in html


def test_viewing_the_order_page_and_the_form_writes_nothing(app, client, shop, count_queries):
    """Before the merchant saves any return settings, the pages that read them use the
    defaults and never insert a row: a page view must not take the database's write lock."""
    order = place_delivered(app, shop)
    with app.app_context():
        db.session.execute(db.delete(ReturnPolicy))
        db.session.commit()
    with count_queries() as queries:
        client.get(f"/orders/{order['number']}", query_string={"t": order["token"]})
        client.get(f"/orders/{order['number']}/return", query_string={"t": order["token"]})
    writes = [q for q in queries if q.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    with app.app_context():
        assert db.session.get(ReturnPolicy, 1) is None


def test_past_the_window_the_order_page_says_when_it_closed(app, client, shop):
    """Delivered 3 March with 30 days: in May the page says the window closed on Apr 2, 2026,
    and that a damaged or wrong item may still come back for the law's three months (this
    is a KRW shop); in June nothing may."""
    order = place_delivered(app, shop)
    app.config["CLOCK"] = lambda: NOW + timedelta(days=60)
    html = client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}).get_data(as_text=True)
    assert "The return window for this order closed on Apr 2, 2026." in html
    assert "Return or exchange items" not in html
    assert "You can send it back until June 3, 2026." in html
    assert "Send back a damaged or wrong item" in html
    form = form_page(client, order).get_data(as_text=True)
    assert "Window closed on 2 April" in form and "choose that reason above" in form
    app.config["CLOCK"] = lambda: NOW + timedelta(days=93)
    html = client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}).get_data(as_text=True)
    assert "The return window for this order closed on Apr 2, 2026." in html
    assert "damaged or wrong item" not in html
    form = form_page(client, order).get_data(as_text=True)
    assert "Window closed on 2 April" in form and "Send return request" not in form


def test_an_order_not_shipped_yet_offers_no_return(app, client, shop):
    """Paid but not shipped: no return button; the form says "Not delivered yet"."""
    order = place(app, shop)
    advance(app, order["number"], "paid")
    html = client.get(f"/orders/{order['number']}", query_string={"t": order["token"]}).get_data(as_text=True)
    assert "Return or exchange items" not in html
    assert "Not delivered yet" in form_page(client, order).get_data(as_text=True)


def test_the_account_lists_the_customers_returns(app, client, make, login, shop):
    """Number, order and status, linking to the return."""
    owner = make.user()
    order = place_delivered(app, shop, email=owner["email"], user_id=owner["id"])
    login(owner)
    location = ask(client, order, token=False).headers["Location"]
    html = client.get("/account/").get_data(as_text=True)
    number = location.rsplit("/", 1)[1]
    assert "Your returns" in html and f"Return {number}" in html
    assert f"Order {order['number']} · Return requested" in html and f'href="{location}"' in html


def test_a_post_without_the_csrf_token_is_refused(app, client, shop):
    """No CSRF token: 400 and no return, even with a valid link and request token."""
    assert app.config.get("WTF_CSRF_ENABLED", True)
    order = place_delivered(app, shop)
    html = form_page(client, order).get_data(as_text=True)
    data = form_data(html, order)
    data.pop("csrf_token")
    assert client.post(f"/orders/{order['number']}/return", data=data).status_code == 400
    assert count_returns(app) == 0


def test_a_failed_refund_reads_delayed_and_the_page_polls_until_refunded(app, client, make):
    """Refund refused by the card issuer: "Refund delayed" and the timeline keeps polling (as a
    fragment); once a retry goes through it reads "Refunded" and stops polling."""
    app.config["CLOCK"] = lambda: LATER
    setup = shop_with_a_product(make)
    placed = delivered_order(app, setup, payment="test_card", card=TestCard.REFUND_FAILS)
    with app.app_context():
        line_id = orders.by_number(placed["number"]).lines[0].id
    order = {**placed, "jar": line_id}
    location = ask(client, order).headers["Location"]
    with app.test_request_context():
        ret = returns.by_number(location.split("?")[0].rsplit("/", 1)[1])
        returns.approve(ret, "merchant:test", LATER)
        returns.receive(ret, "merchant:test", LATER, {line.id: True for line in ret.lines})
        returns.complete(ret, "merchant:test", LATER)
        db.session.commit()
        assert ret.status == "refund_failed"
    html = client.get(location).get_data(as_text=True)
    assert "Refund delayed" in html and "Refunded" not in html
    fragment = client.get(location, headers=HX)
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="timeline"') and "<html" not in body
    assert f'hx-get="{location}"' in body and 'hx-trigger="every 60s"' in body

    with app.test_request_context():
        ret = returns.by_number(location.split("?")[0].rsplit("/", 1)[1])
        for payment in ret.order.payments:  # the issuer accepts refunds again
            payment.reference = payment.reference.replace(TestCard.NO_REFUNDS, "test_")
        returns.complete(ret, "merchant:test", LATER)
        db.session.commit()
    body = client.get(location, headers=HX).get_data(as_text=True)
    assert "Refunded" in body and "hx-trigger" not in body


def test_an_exchange_names_the_option_wanted_and_links_the_replacement_order(app, client, make):
    """Small for Medium: the return lists "Exchange for Medium"; once approved, its page links
    to the replacement order, which the guest's link opens too."""
    app.config["CLOCK"] = lambda: LATER
    setup = shop_with_a_product(make)
    bowl = make.product("Bowl", option1_name="Size", variants=[
        {"sku": "B-S", "option1": "Small", "price": 20000, "stock": 5},
        {"sku": "B-M", "option1": "Medium", "price": 20000, "stock": 5}])
    order = place_delivered(app, {**setup, "variant": bowl["variant_ids"][0]}, cup=False,
                            key="swap")
    html = form_page(client, order).get_data(as_text=True)
    response = client.post(f"/orders/{order['number']}/return", data=form_data(
        html, order, action="exchange", **{f"exchange-{order['jar']}": str(bowl["variant_ids"][1])}))
    assert response.status_code == 303
    location = response.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Exchange for Medium" in page and "No cost" in page
    with app.test_request_context():
        ret = returns.by_number(location.split("?")[0].rsplit("/", 1)[1])
        returns.approve(ret, "merchant:test", LATER)
        db.session.commit()
        replacement = ret.exchange_order.number
    page = client.get(location).get_data(as_text=True)
    link = re.search(rf'href="(/orders/{replacement}\?t=[^"]+)">Follow the replacement order', page)
    assert link and client.get(link.group(1)).status_code == 200


def test_the_order_page_costs_the_same_with_one_return_or_two(app, client, shop, count_queries):
    """The returns section loads every return with its lines at once, not one query each."""
    order = place_delivered(app, shop, key="counted")
    path = f"/orders/{order['number']}?t={order['token']}"

    def cost():
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    ask(client, order, **{f"qty-{order['jar']}": "1"})
    one = cost()
    ask(client, order, **{f"qty-{order['jar']}": "1"})
    # (The eleventh: the order's thank-you code for the next order, shown on its page.)
    assert cost() == one <= 11
