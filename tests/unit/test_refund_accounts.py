"""The bank account a refund sent by hand goes to: checked field by field, sealed at rest under
a key derived from SECRET_KEY, asked for only when a transfer by hand is due, and deleted when
the refund is done."""
import pytest
from sqlalchemy import text

from domain import order_refunds, orders, refund_accounts, returns
from domain.errors import (InvalidRefundAccount, InvalidReturnTransition, InvalidTransition,
                           ReturnNotAllowed)
from domain.extensions import db
from domain.models import OutboxMessage, ReturnRequest
from tests.order_helpers import LATER, NOW, advance, delivered_order, place
from tests.return_helpers import ACCOUNT, ask, ask_return, return_of, step

MERCHANT = "merchant:owner@moonjar.example"


def raw_rows(app):
    """Every refund_account row as the database holds it, read with plain SQL."""
    with app.app_context():
        return [dict(row._mapping) for row in db.session.execute(text("SELECT * FROM refund_account"))]


@pytest.mark.parametrize("bank, number, holder, field, words", [
    ("", "123456-01-781234", "Kim Minji", "bank_name", "name of your bank"),
    ("K" * 41, "123456-01-781234", "Kim Minji", "bank_name", "under 40 characters"),
    ("KB Kookmin", "", "Kim Minji", "account_number", "Enter the account number"),
    ("KB Kookmin", "1234 5678 9012", "Kim Minji", "account_number", "only digits and dashes"),
    ("KB Kookmin", "12-34-AB-5678", "Kim Minji", "account_number", "only digits and dashes"),
    ("KB Kookmin", "-12345678-", "Kim Minji", "account_number", "only digits and dashes"),
    ("KB Kookmin", "123-4567", "Kim Minji", "account_number", "8 to 20 digits"),
    ("KB Kookmin", "1" * 21, "Kim Minji", "account_number", "8 to 20 digits"),
    ("KB Kookmin", "123456-01-781234", "  ", "account_holder", "name of the account holder"),
    ("KB Kookmin", "123456-01-781234", "K" * 61, "account_holder", "under 60 characters"),
])
def test_a_wrong_field_is_named_with_what_to_fix(ctx, bank, number, holder, field, words):
    with pytest.raises(InvalidRefundAccount) as refused:
        refund_accounts.clean(bank, number, holder)
    assert list(refused.value.fields) == [field]
    assert words in refused.value.fields[field] and words in str(refused.value)


def test_a_good_account_is_tidied_and_masked(ctx):
    account = refund_accounts.clean("  KB   Kookmin ", " 123456-01-781234 ", "Kim  Minji")
    assert (account.bank, account.number, account.holder) == ("KB Kookmin", "123456-01-781234",
                                                              "Kim Minji")
    assert account.masked == "KB Kookmin · ******-**-**1234 · Kim Minji"
    assert refund_accounts.mask("1234-56-781234") == "****-**-**1234"


def test_a_bank_transfer_refund_without_an_account_is_refused_and_nothing_is_kept(app, setup):
    """Every field's message comes back with the rest; no return and no account are written."""
    number = delivered_order(app, setup, payment="bank_transfer")["number"]
    with app.test_request_context():
        with pytest.raises(ReturnNotAllowed) as refused:
            ask_return(app, number, account={"account_number": "12ab"})
        assert {"bank_name", "account_number", "account_holder"} <= set(refused.value.fields)
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(ReturnRequest.id))) == 0
    assert raw_rows(app) == []


@pytest.mark.parametrize("payment, action", [("test_card", "refund"), ("bank_transfer", "credit"),
                                             ("cash_on_delivery", "credit")])
def test_no_account_is_asked_or_kept_when_no_transfer_by_hand_is_due(app, setup, make, payment,
                                                                     action):
    """A card is refunded by its processor; store credit sends no money."""
    user = make.user(email="minji@example.com")
    number = delivered_order(app, setup, payment=payment, user_id=user["id"])["number"]
    with app.test_request_context():
        assert not returns.asks_for_account(orders.by_number(number), action)
        _ret, created = ask_return(app, number, action=action, account={})
        assert created
        db.session.commit()
    assert raw_rows(app) == []


def test_cash_on_delivery_refunds_ask_for_the_account_too(app, setup):
    number = delivered_order(app, setup, payment="cash_on_delivery")["number"]
    with app.test_request_context():
        assert returns.asks_for_account(orders.by_number(number), "refund")
        assert not returns.asks_for_account(orders.by_number(number), "exchange")
        with pytest.raises(ReturnNotAllowed):
            ask_return(app, number, account={})


def test_the_number_and_the_name_are_not_stored_in_plain_text(app, setup):
    """The raw row holds the bank, the last four digits and a token: no number, no name."""
    rma = ask(app, delivered_order(app, setup, payment="bank_transfer")["number"])
    [row] = raw_rows(app)
    stored = " ".join(str(value) for value in row.values())
    for secret in ("123456", "01-78", "781234", "Kim Minji", "Minji"):
        assert secret not in stored
    assert row["bank_name"] == "KB Kookmin" and row["last_digits"] == "1234"
    assert row["ciphertext"].startswith("gAAAAA")  # a Fernet token
    with app.test_request_context():
        kept = refund_accounts.stored(ret=returns.by_number(rma))
        assert kept.readable and kept.account.number == "123456-01-781234"
        assert kept.masked == "KB Kookmin · ******-**-**1234 · Kim Minji"


def test_a_new_secret_key_leaves_the_account_unreadable_and_a_fallback_opens_it(app, setup):
    rma = ask(app, delivered_order(app, setup, payment="bank_transfer")["number"])
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a brand new key"
    with app.test_request_context():
        kept = refund_accounts.stored(ret=returns.by_number(rma))
        assert not kept.readable and kept.short == "KB Kookmin ****1234"
        assert kept.masked == "KB Kookmin ****1234"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    with app.test_request_context():
        assert refund_accounts.stored(ret=returns.by_number(rma)).account.holder == "Kim Minji"


def test_the_refund_deletes_the_account_and_names_it_masked(app, setup):
    """History and email name "KB Kookmin ****1234"; the row is gone; the number is nowhere."""
    rma = ask(app, delivered_order(app, setup, payment="bank_transfer")["number"])
    step(app, rma, "approve", "receive")
    with app.test_request_context():
        ret = returns.by_number(rma)
        returns.complete(ret, MERCHANT, LATER, reference="HANA-1")
        db.session.commit()
        note = ret.events[-1].note
        data = db.session.scalar(db.select(OutboxMessage.data)
                                 .where(OutboxMessage.kind == "return_refunded"))
    assert "₩39,000 transferred to KB Kookmin ****1234 (reference HANA-1)." in note
    assert data["destination"] == "KB Kookmin ****1234" and "781234" not in str(data)
    assert raw_rows(app) == []


def test_a_rejected_return_keeps_no_account(app, setup):
    rma = ask(app, delivered_order(app, setup, payment="bank_transfer")["number"])
    with app.test_request_context():
        returns.reject(returns.by_number(rma), MERCHANT, LATER, "Used")
        db.session.commit()
    assert raw_rows(app) == []


def test_a_refund_without_an_account_takes_it_later_and_only_while_one_is_due(app, setup):
    """An exchange turned into a refund on approval asked for no account: it is given later;
    a card refund or a closed return takes none."""
    number = delivered_order(app, setup, payment="bank_transfer")["number"]
    card = delivered_order(app, setup, payment="test_card")["number"]
    with app.test_request_context():
        order = orders.by_number(number)
        ret = return_of(order, {order.lines[0]: 1}, status="approved")
        ret.refund_amount = 39000
        assert returns.needs_account(ret)
        with pytest.raises(InvalidRefundAccount):
            returns.give_account(ret, {**ACCOUNT, "account_number": "x"})
        returns.give_account(ret, ACCOUNT)
        card_order = orders.by_number(card)
        card_ret = return_of(card_order, {card_order.lines[0]: 1}, status="approved")
        card_ret.refund_amount = 39000
        with pytest.raises(InvalidReturnTransition):
            returns.give_account(card_ret, ACCOUNT)
        db.session.commit()
    assert len(raw_rows(app)) == 1


def test_cancelling_a_paid_bank_transfer_needs_the_account_and_an_unpaid_one_does_not(app, setup,
                                                                                      make):
    make.settings(undo_minutes=30)
    paid = place(app, setup, payment="bank_transfer", token="paid")["number"]
    advance(app, paid, "paid")
    unpaid = place(app, setup, payment="bank_transfer", token="unpaid")["number"]
    with app.test_request_context():
        order = orders.by_number(paid)
        assert order_refunds.due_on_cancel(order) == 42000
        with pytest.raises(InvalidRefundAccount):
            orders.cancel_by_customer(order, NOW, refund_account={"bank_name": "KB"})
        assert order.status == "paid"
        db.session.rollback()
        assert order_refunds.due_on_cancel(orders.by_number(unpaid)) == 0
        orders.cancel_by_customer(orders.by_number(unpaid), NOW)
        orders.cancel_by_customer(orders.by_number(paid), NOW, refund_account=ACCOUNT)
        db.session.commit()
        assert order_refunds.waiting(orders.by_number(paid)) == 42000
        assert order_refunds.waiting(orders.by_number(unpaid)) == 0
    assert [row["order_id"] is not None for row in raw_rows(app)] == [True]


def test_recording_a_cancelled_orders_refund_sends_it_once_and_forgets_the_account(app, setup):
    number = place(app, setup, payment="bank_transfer", token="merchant-cancel")["number"]
    advance(app, number, "paid", "cancelled")
    with app.test_request_context():
        order = orders.by_number(number)
        order_refunds.give_account(order, ACCOUNT)
        with pytest.raises(InvalidTransition):
            order_refunds.record_sent(order, "  ", MERCHANT, NOW)
        order_refunds.record_sent(order, "HANA-9", MERCHANT, NOW)
        db.session.commit()
        assert order_refunds.waiting(order) == 0
        assert order.events[-1].note == "₩42,000 transferred to KB Kookmin ****1234 (reference HANA-9)."
        with pytest.raises(InvalidTransition):
            order_refunds.record_sent(order, "HANA-9", MERCHANT, NOW)
        sent = db.session.scalars(db.select(OutboxMessage.data)
                                  .where(OutboxMessage.kind == "order_refunded")).all()
    assert sent == [{"amount": 42000, "destination": "KB Kookmin ****1234", "reference": "HANA-9"}]
    assert raw_rows(app) == []
