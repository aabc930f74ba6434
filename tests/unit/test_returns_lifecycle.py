"""A return's way through the shop: asked for, approved or rejected, received, and settled as an
exchange, a refund or store credit, with the stock, the emails and the timeline that go with it."""
from datetime import timedelta

import pytest

from domain import orders, payments, returns, shopconfig
from domain.errors import InvalidReturnTransition, ReturnNotAllowed
from domain.extensions import db
from domain.models import Order, OutboxMessage, ReturnRequest, Variant
from domain.orders import NUMBER_ALPHABET
from domain.returns import Selection, lifecycle
from tests.checkout_helpers import stock_of
from tests.order_helpers import LATER, NOW, delivered_order, shop_with_a_product
from tests.return_helpers import ask_return as ask, return_emails

MERCHANT = "merchant:owner@moonjar.example"


@pytest.fixture
def shop(app, make):
    """A KRW shop (10 % tax included) selling a moon jar and a vase in three colours."""
    setup = shop_with_a_product(make)
    vase = make.product("Vase", option1_name="Colour", variants=[
        {"sku": "V-W", "option1": "White", "price": 25000, "stock": 5},
        {"sku": "V-B", "option1": "Blue", "price": 25000, "stock": 2},
        {"sku": "V-G", "option1": "Gold", "price": 45000, "stock": 5}])
    cup = make.product("Cup", price=25000, stock=5)
    white, blue, gold = vase["variant_ids"]
    return {**setup, "jar": setup["variant"], "vase": {"method": setup["method"], "variant": white},
            "white": white, "blue": blue, "gold": gold, "cup": cup["variant_ids"][0]}


def config(app):
    return shopconfig.current()


def test_a_request_copies_its_amounts_and_queues_an_email(app, shop):
    """The return gets an R- number, the price paid, an event and the customer's email."""
    placed = delivered_order(app, shop, quantity=2)
    with app.test_request_context():
        ret, created = ask(app, placed["number"], quantity=2, reason="other", text="Too heavy")
        assert created and ret.status == "requested" and ret.action == "refund"
        assert ret.number.startswith("R-") and len(ret.number) == 9
        assert set(ret.number[2:]) <= set(NUMBER_ALPHABET)
        assert (ret.items_amount, ret.refund_amount, ret.currency) == (78000, 78000, "KRW")
        assert [(line.quantity, line.amount) for line in ret.lines] == [(2, 78000)]
        assert [(e.status, e.actor) for e in ret.events] == [("requested", "customer")]
        assert return_emails(ret) == ["return_requested"]
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "return_requested"))
        assert message.to_address == "minji@example.com" and message.order.number == placed["number"]
        assert returns.by_number(ret.number.lower()) is ret


def test_zero_quantities_are_ignored(app, shop):
    """Lines left at 0 are not part of the return; only the chosen line is."""
    placed = delivered_order(app, shop)
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        line = order.lines[0]
        ret, _created = returns.request_return(
            order, [Selection(line.id, 0), Selection(line.id, 1)], "refund", "damaged", "",
            "dropoff", "tok", LATER, config(app))
        assert [rl.quantity for rl in ret.lines] == [1]


def test_the_same_token_gives_the_same_single_return(app, shop):
    """A double submission finds the return the first one made."""
    placed = delivered_order(app, shop, quantity=2)
    with app.test_request_context():
        first, created = ask(app, placed["number"], token="form-1")
        again, created_again = ask(app, placed["number"], token="form-1")
        assert created and not created_again and again.id == first.id
        assert db.session.scalar(db.select(db.func.count(ReturnRequest.id))) == 1


def test_a_token_race_lost_at_insert_returns_the_winner(app, shop, monkeypatch):
    """Two requests that both missed the first lookup: the loser gets the winner's return."""
    placed = delivered_order(app, shop, quantity=2)
    with app.test_request_context():
        winner, _created = ask(app, placed["number"], token="race")
        db.session.commit()
        real = lifecycle._by_token
        calls = []

        def late_lookup(token):
            calls.append(token)
            return None if len(calls) == 1 else real(token)
        monkeypatch.setattr(lifecycle, "_by_token", late_lookup)
        ret, created = ask(app, placed["number"], token="race")
        assert not created and ret.id == winner.id and len(calls) == 2


@pytest.mark.parametrize("kwargs, field, words", [
    ({"quantity": 2}, "line-", "only 1 can be returned"),
    ({"quantity": 0}, "lines", "Choose at least one item"),
    ({"action": "swap"}, "action", "Choose a refund"),
    ({"action": "credit"}, "action", "Sign in"),
    ({"reason": "bored"}, "reason", "Choose the reason"),
    ({"reason": "other"}, "reason_text", "in a few words"),
    ({"text": "x" * 1001}, "reason_text", "under 1000"),
    ({"method": "pickup"}, "method", "how the parcel comes back"),
    ({"action": "exchange"}, "exchange-", "choose the option you want"),
    ({"action": "exchange", "exchange_to": "white"}, "exchange-", "another option"),
    ({"action": "exchange", "exchange_to": "cup"}, "exchange-", "another option"),
    ({"action": "exchange", "exchange_to": "gold"}, "exchange-", "different price"),
    ({"action": "exchange", "exchange_to": "blue", "quantity": 1, "blue_stock": 0},
     "exchange-", "sold out"),
])
def test_requests_the_rules_do_not_allow_are_refused(app, shop, kwargs, field, words):
    """Each problem is reported on its field, naming the line it is about."""
    placed = delivered_order(app, shop["vase"])
    with app.test_request_context():
        if "blue_stock" in kwargs:
            db.session.get(Variant, shop["blue"]).stock = kwargs.pop("blue_stock")
            db.session.commit()
        if "exchange_to" in kwargs:
            kwargs["exchange_to"] = shop[kwargs["exchange_to"]]
        with pytest.raises(ReturnNotAllowed) as refused:
            ask(app, placed["number"], **kwargs)
        [(key, message)] = [(k, m) for k, m in refused.value.fields.items() if k.startswith(field)]
        assert words in message
        if key.startswith(("line-", "exchange-")):
            assert "Vase · White" in message and words in str(refused.value)
        assert db.session.scalar(db.select(db.func.count(ReturnRequest.id))) == 0


def test_an_action_the_rule_does_not_offer_is_refused(app, shop):
    """A product that is exchange-only cannot be refunded; the message names it."""
    placed = delivered_order(app, shop["vase"])
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        returns.save_rule("product", order.lines[0].product_id,
                          {"window_days": 30, "allow_exchange": True}, NOW)
        with pytest.raises(ReturnNotAllowed, match="Vase · White: refund is not offered"):
            ask(app, placed["number"])


def test_a_rejected_return_frees_its_units_for_another(app, shop):
    """Units in a live return cannot be asked for twice; a rejection gives them back."""
    placed = delivered_order(app, shop)
    with app.test_request_context():
        first, _created = ask(app, placed["number"])
        with pytest.raises(ReturnNotAllowed, match="Already returned"):
            ask(app, placed["number"])
        with pytest.raises(InvalidReturnTransition, match="why"):
            returns.reject(first, MERCHANT, LATER, "  ")
        returns.reject(first, MERCHANT, LATER, "Used and washed.")
        assert first.status == "rejected" and first.closed_at == LATER
        assert first.rejection_reason == "Used and washed."
        second, created = ask(app, placed["number"])
        assert created and second.status == "requested"
        assert return_emails(first) == ["return_requested", "return_rejected"]


STEPS = {
    "approve": lambda ret: returns.approve(ret, MERCHANT, LATER),
    "reject": lambda ret: returns.reject(ret, MERCHANT, LATER, "No"),
    "receive": lambda ret: returns.receive(ret, MERCHANT, LATER, {}),
    "complete": lambda ret: returns.complete(ret, MERCHANT, LATER),
}
ALLOWED_FROM = {"requested": {"approve", "reject"}, "approved": {"receive"},
                "received": {"complete"}, "rejected": set(), "refunded": set()}


@pytest.mark.parametrize("status", sorted(ALLOWED_FROM))
def test_each_step_is_allowed_only_where_the_pipeline_says(app, shop, status):
    """From every stage, the steps the pipeline allows work and the others are refused."""
    placed = delivered_order(app, shop)
    path = {"requested": [], "approved": ["approve"], "received": ["approve", "receive"],
            "rejected": ["reject"], "refunded": ["approve", "receive", "complete"]}[status]
    for step in STEPS:
        with app.test_request_context():
            ret, _created = ask(app, placed["number"], token=f"{status}-{step}")
            for done in path:
                STEPS[done](ret)
            assert ret.status == status
            if step in ALLOWED_FROM[status]:
                STEPS[step](ret)
                assert ret.status != status
            else:
                events = len(ret.events)
                with pytest.raises(InvalidReturnTransition):
                    STEPS[step](ret)
                assert ret.status == status and len(ret.events) == events
            db.session.rollback()


def test_receiving_restocks_or_writes_off_each_line_and_starts_the_clock(app, shop, make):
    """Restocked units are for sale again; written-off ones are not; the refund is due in 3 days."""
    placed = delivered_order(app, shop["vase"], quantity=3)
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        line = order.lines[0]
        ret, _created = returns.request_return(
            order, [Selection(line.id, 2)], "refund", "damaged", "", "dropoff", "t", LATER,
            config(app))
        assert stock_of(shop["white"]) == 2
        returns.approve(ret, MERCHANT, LATER)
        returns.receive(ret, MERCHANT, LATER, {str(ret.lines[0].id): True})
        assert stock_of(shop["white"]) == 4 and ret.lines[0].restocked is True
        assert ret.received_at == LATER and ret.refund_due_at == LATER + timedelta(days=3)
        assert "Back in stock: 2 × Vase · White" in ret.events[-1].note

        other, _created = returns.request_return(
            order, [Selection(line.id, 1)], "refund", "damaged", "", "dropoff", "u", LATER,
            config(app))
        returns.approve(other, MERCHANT, LATER)
        returns.receive(other, MERCHANT, LATER, {})
        assert stock_of(shop["white"]) == 4 and other.lines[0].restocked is False
        assert "Written off" in other.events[-1].note


def test_an_exchange_reserves_and_ships_the_replacement(app, shop):
    """Approval takes the blue vase from stock and makes a paid ₩0 order for it, sent to the
    same address; receiving and completing close the exchange."""
    placed = delivered_order(app, shop["vase"])
    with app.test_request_context():
        ret, _created = ask(app, placed["number"], action="exchange", exchange_to=shop["blue"])
        assert ret.refund_amount == 0 and stock_of(shop["blue"]) == 2
        returns.approve(ret, MERCHANT, LATER)
        replacement = ret.exchange_order
        original = orders.by_number(placed["number"])
        assert stock_of(shop["blue"]) == 1
        assert replacement.status == "paid" and replacement.total == 0
        assert replacement.payment_method == "exchange"
        assert replacement.checkout_token == f"exchange-{ret.number}"
        assert [(l.variant_id, l.quantity, l.unit_price, l.variant_title)
                for l in replacement.lines] == [(shop["blue"], 1, 0, "Blue")]
        for field in ("email", "locale", "user_id", "ship_line1", "ship_name", "shipping_method_id",
                      "shipping_method_name"):
            assert getattr(replacement, field) == getattr(original, field)
        assert [e.status for e in replacement.events] == ["placed", "paid"]
        assert ret.number in replacement.events[-1].note
        assert replacement.number in ret.events[-1].note
        assert "exchange" not in [p.key for p in payments.selectable(config(app))]
        # The replacement goes through fulfilment like any order.
        orders.set_status(replacement, "packed", MERCHANT, LATER)
        returns.receive(ret, MERCHANT, LATER, {ret.lines[0].id: True})
        assert stock_of(shop["white"]) == 5
        returns.complete(ret, MERCHANT, LATER)
        assert ret.status == "exchanged" and ret.closed_at == LATER
        assert return_emails(ret) == ["return_requested", "return_approved", "return_received",
                                      "return_exchanged"]
        # Delivered, the replacement cannot be sent back online: its price was paid on the
        # first order, so the shop handles it in person.
        for status in ("shipped", "delivered"):
            orders.set_status(replacement, status, MERCHANT, LATER, carrier="CJ", tracking_number="1")
        verdict = returns.eligible(replacement, replacement.lines[0], LATER, config(app))
        assert not verdict.ok and verdict.reason == "A replacement: please contact us to return it"


def test_an_exchange_whose_replacement_sold_out_is_approved_as_a_refund(app, shop):
    """Nothing is reserved, no order is made, and the refund keeps the fees refunds pay."""
    placed = delivered_order(app, shop["vase"])
    with app.test_request_context():
        returns.save_rule("shop", None, {"window_days": 30, "allow_refund": True,
                                         "allow_exchange": True, "restocking_fee_bp": 1000,
                                         "return_shipping": "flat",
                                         "return_shipping_fee": 3000}, NOW)
        ret, _created = ask(app, placed["number"], action="exchange", exchange_to=shop["blue"])
        assert ret.refund_amount == 0
        db.session.get(Variant, shop["blue"]).stock = 0
        orders_before = db.session.scalar(db.select(db.func.count(Order.id)))
        returns.approve(ret, MERCHANT, LATER)
        assert ret.status == "approved" and ret.action == "refund"
        assert ret.exchange_order_id is None and stock_of(shop["blue"]) == 0
        assert db.session.scalar(db.select(db.func.count(Order.id))) == orders_before
        assert (ret.items_amount, ret.restocking_fee, ret.return_shipping_fee,
                ret.refund_amount) == (25000, 2500, 3000, 19500)
        assert ret.lines[0].restocking_fee == 2500 and ret.lines[0].exchange_variant_id is None
        assert "sold out" in ret.events[-1].note and "Vase (Blue)" in ret.events[-1].note
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "return_approved"))
        assert message.data["exchange_unavailable"] is True


def test_an_exchange_short_of_one_replacement_reserves_none(app, shop, make):
    """All or nothing: when one of two replacements sold out, the other is given back."""
    placed = delivered_order(app, shop["vase"], quantity=2)
    with app.test_request_context():
        ret, _created = ask(app, placed["number"], quantity=2, action="exchange",
                            exchange_to=shop["blue"])
        db.session.get(Variant, shop["blue"]).stock = 1
        returns.approve(ret, MERCHANT, LATER)
        assert ret.action == "refund" and stock_of(shop["blue"]) == 1


def test_timeline_and_refund_clock(app, shop):
    """The customer's stages fill in as the return moves; the merchant's clock runs once it
    is received, turns overdue after the promise, and stops when refunded."""
    placed = delivered_order(app, shop, payment="bank_transfer")
    with app.test_request_context():
        ret, _created = ask(app, placed["number"])
        stages = returns.timeline(ret)
        assert [s.status for s in stages] == ["requested", "approved", "received", "refunded"]
        assert [s.reached for s in stages] == [True, False, False, False] and stages[0].current
        assert returns.refund_clock(ret, LATER) is None
        returns.approve(ret, MERCHANT, LATER)
        returns.receive(ret, MERCHANT, LATER, {})
        clock = returns.refund_clock(ret, LATER + timedelta(hours=1))
        assert clock.due_at == LATER + timedelta(days=3) and clock.days_left == 3
        assert not clock.overdue
        late = LATER + timedelta(days=4)
        assert returns.refund_clock(ret, late).overdue
        assert returns.overdue_count(late) == 1 and returns.overdue_count(LATER) == 0
        assert returns.queue(overdue=True, now=late) == [ret]
        assert returns.queue(status="received") == [ret] and returns.queue(status="approved") == []
        returns.complete(ret, MERCHANT, late, reference="HANA-778812")
        assert returns.refund_clock(ret, late) is None and returns.overdue_count(late) == 0
        stages = returns.timeline(ret)
        assert all(s.reached for s in stages) and stages[-1].current
        assert returns.status_label("refund_failed") == "Refund delayed"
        assert returns.status_label("refund_failed", merchant=True) == "Refund failed"


def test_the_queue_lists_newest_first(app, shop):
    """The merchant sees the latest returns on top."""
    placed = delivered_order(app, shop, quantity=3)
    with app.test_request_context():
        first, _c = ask(app, placed["number"], now=LATER)
        second, _c = ask(app, placed["number"], now=LATER + timedelta(hours=1))
        assert returns.queue() == [second, first]


def test_a_rejected_return_timeline_ends_with_the_rejection(app, shop):
    """Two stages: asked for, then rejected (marked as a problem)."""
    placed = delivered_order(app, shop)
    with app.test_request_context():
        ret, _created = ask(app, placed["number"])
        returns.reject(ret, MERCHANT, LATER, "Past the window.")
        assert [(s.status, s.problem, s.current) for s in returns.timeline(ret)] == [
            ("requested", False, False), ("rejected", True, True)]


def test_store_credit_is_only_for_the_account_that_placed_the_order(app, shop, make):
    """Someone else holding the order's link, signed in or not, cannot take its refund as credit."""
    owner, stranger = make.user(), make.user()
    placed = delivered_order(app, shop, email=owner["email"], user_id=owner["id"])
    with app.test_request_context():
        order = orders.by_number(placed["number"])
        line = order.lines[0]
        for asker in (None, stranger["id"]):
            with pytest.raises(ReturnNotAllowed) as refused:
                returns.request_return(order, [Selection(line.id, 1)], "credit", "size_fit", "",
                                       "dropoff", f"tok-{asker}", LATER, config(app),
                                       asker_id=asker)
            assert "Sign in" in refused.value.fields["action"]
        ret, created = returns.request_return(order, [Selection(line.id, 1)], "credit",
                                              "size_fit", "", "dropoff", "tok-owner", LATER,
                                              config(app), asker_id=owner["id"])
        assert created and ret.action == "credit"
