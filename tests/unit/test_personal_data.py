"""The personal-data registry: a download holds every kind of record a customer owns and nothing
of anyone else's; an erasure leaves nothing that names or reaches them in any table while their
orders keep what the law requires; the retention purge deletes only what is due, once, however
many workers run it."""
from datetime import timedelta

import pytest

import worker
from blueprints.mail import renderer
from domain import mailer, orders, personal_data, privacy
from domain.errors import ErasureRefused, InvalidCredentials
from domain.extensions import db
from domain.models import ErasureLog, Order, OrderLine, Payment, ReturnRequest, User
from tests.concurrency_helpers import race
from tests.order_helpers import NOW, delivered_order, place
from tests.privacy_helpers import (JISOO, MINJI, customer_with_everything, identifying,
                                   order_facts, text_hits)

PASSWORD = "correct horse battery"
# Workers started at the same moment, each in its own thread with its own connection.
WORKERS = 4


@pytest.fixture
def two_customers(app, make, setup):
    return (customer_with_everything(app, make, setup, MINJI),
            customer_with_everything(app, make, setup, JISOO))


def subject_of(user_id):
    return privacy.account_subject(db.session.get(User, user_id))


def test_every_table_is_covered_by_a_kind_or_declared_free_of_personal_data(ctx):
    """A new table must say how its rows are downloaded and erased, or that it holds no one's
    data: none is left out of the download and the deletion by accident."""
    covered = {table for kind in personal_data.kinds() for table in kind.tables}
    assert {"user", "address", "order", "payment", "return_request", "credit_entry", "consent",
            "outbox_message", "cart_item"} <= covered
    assert personal_data.unaccounted_tables() == []


def test_the_download_holds_every_kind_of_record_of_the_customer_and_none_of_another(
        app, two_customers):
    minji, jisoo = two_customers
    with app.test_request_context():
        data = privacy.download(subject_of(minji["id"]), NOW)
    assert data["profile"]["email"] == MINJI["email"] and data["profile"]["name"] == MINJI["name"]
    assert [a["line1"] for a in data["addresses"]] == [MINJI["address"]["line1"]]
    assert [o["number"] for o in data["orders"]] == [minji["order"]]
    order = data["orders"][0]
    assert order["ship_to"]["phone"] == MINJI["address"]["phone"]
    assert [line["quantity"] for line in order["lines"]] == [2]
    assert {p["operation"] for p in order["payments"]} == {"authorize", "capture"}
    assert [e["status"] for e in order["events"]] == ["placed", "paid", "packed", "shipped",
                                                      "delivered"]
    assert [r["number"] for r in data["returns"]] == [minji["return"]]
    assert MINJI["address"]["phone"] in data["returns"][0]["reason_text"]
    assert data["store_credit"]["balance"] > 0 and len(data["store_credit"]["entries"]) == 1
    assert [c["purpose"] for c in data["consents"]] == ["marketing_email"]
    assert len(data["cart"]) == 1
    assert data["emails"] and {e["to"] for e in data["emails"]} == {MINJI["email"]}
    # Nothing of the other customer, anywhere in the file.
    assert not any(needle.lower() in str(data).lower() for needle in identifying(JISOO))
    assert jisoo["order"] not in str(data) and jisoo["return"] not in str(data)


def test_erasure_leaves_nothing_that_names_the_customer_in_any_table_and_keeps_the_accounts(
        app, two_customers):
    """Every text column of every table is scanned for the customer's email, name, phone and
    address; their order keeps its items, amounts, dates, payments and refunds."""
    minji, jisoo = two_customers
    with app.app_context():
        found = {table for table, _column in text_hits(identifying(MINJI))}
        assert {"user", "address", "order", "outbox_message", "return_request"} <= found
        others_before = text_hits(identifying(JISOO))
        kept = order_facts(minji["order"])
    with app.test_request_context():
        user = db.session.get(User, minji["id"])
        entry = privacy.delete_account(user, PASSWORD, NOW)
        db.session.commit()
        reference = entry.reference
    with app.app_context():
        assert text_hits(identifying(MINJI)) == set()
        assert text_hits(identifying(JISOO)) == others_before
        assert order_facts(minji["order"]) == kept
        order = db.session.scalar(db.select(Order).where(Order.number == minji["order"]))
        assert (order.user_id, order.email, order.erasure_ref) == (None, "", reference)
        assert order.retain_until.year == NOW.year + 5
        log = db.session.scalars(db.select(ErasureLog)).all()
        assert [(e.reference, e.action, e.requested_by) for e in log] == [
            (reference, "erased", "customer")]
        assert log[0].records["orders"] == 1 and log[0].records["addresses"] == 1
        assert text_hits([reference]) == {("erasure_log", "reference"), ("order", "erasure_ref"),
                                          ("user", "email")}


def test_erasure_needs_the_password_and_changes_nothing_without_it(app, two_customers):
    minji, _jisoo = two_customers
    with app.test_request_context():
        with pytest.raises(InvalidCredentials):
            privacy.delete_account(db.session.get(User, minji["id"]), "wrong password", NOW)
        db.session.rollback()
        assert db.session.get(User, minji["id"]).email == MINJI["email"]
        assert db.session.scalar(db.select(db.func.count(ErasureLog.id))) == 0


def test_erasure_waits_for_an_order_on_its_way(app, make, setup):
    """An order not yet delivered still needs its address: deleting is refused, saying which."""
    user = make.user(email=MINJI["email"], password=PASSWORD)
    placed = place(app, setup, email=MINJI["email"], user_id=user["id"])
    with app.test_request_context():
        with pytest.raises(ErasureRefused, match=placed["number"]):
            privacy.delete_account(db.session.get(User, user["id"]), PASSWORD, NOW)
        db.session.rollback()
        assert db.session.get(User, user["id"]).erased_at is None


def _erased(app, make, setup, person, placed_at):
    """A customer with everything, whose data is then erased at NOW; returns their order's
    number and the erasure's reference."""
    customer = customer_with_everything(app, make, setup, person, placed_at=placed_at)
    with app.test_request_context():
        entry = privacy.delete_account(db.session.get(User, customer["id"]), PASSWORD, NOW)
        db.session.commit()
        return customer["order"], entry.reference


def _exists(number):
    db.session.expire_all()
    return db.session.scalar(db.select(Order.id).where(Order.number == number)) is not None


def _erased_guest(app, setup, email, placed_at):
    """A guest's delivered order, erased at NOW; returns its number and the reference."""
    number = delivered_order(app, setup, email=email, now=placed_at, token=f"order-of-{email}")
    with app.test_request_context():
        for payment in orders.by_number(number["number"]).payments:
            payment.created_at = placed_at  # stamped by the wall clock: as if paid back then
        entry = personal_data.erase(privacy.guest_subject(email), NOW, "email_link")
        db.session.commit()
        return number["number"], entry.reference


def test_workers_purge_what_is_past_its_retention_once_and_nothing_else(
        app, make, setup, tmp_path):
    """Kept five years after the last thing that happened to it: orders erased long after they
    were placed are purged at once (with their lines, payments and returns), a recent one stays,
    and an order nobody asked to erase is not the purge's business. Each purge is logged once."""
    long_ago = NOW - timedelta(days=5 * 366 + 10)
    old = dict([_erased(app, make, setup, MINJI, long_ago)] + [
        _erased_guest(app, setup, f"guest{n}@example.com", long_ago) for n in range(4)])
    recent, _recent_reference = _erased(app, make, setup, JISOO, NOW - timedelta(days=30))
    untouched = delivered_order(app, setup, email="guest@example.com", token="old-guest-order",
                                now=NOW - timedelta(days=6 * 366))["number"]
    with app.app_context():
        old_ids = db.session.scalars(db.select(Order.id).where(Order.number.in_(old))).all()
    app.config["CLOCK"] = lambda: NOW + timedelta(minutes=1)
    transport = mailer.EmlTransport(str(tmp_path / "sent"))
    logs = [[] for _worker in range(WORKERS)]
    outcomes = race([lambda i=i: worker.run_pass(app, transport, renderer(app), logs[i].append)
                     for i in range(WORKERS)])
    assert all(isinstance(outcome, list) for outcome in outcomes)
    with app.app_context():
        assert not any(_exists(number) for number in old), logs
        assert _exists(recent) and _exists(untouched)
        for model, column in ((OrderLine, OrderLine.order_id), (Payment, Payment.order_id),
                              (ReturnRequest, ReturnRequest.order_id)):
            assert db.session.scalar(db.select(db.func.count(model.id))
                                     .where(column.in_(old_ids))) == 0
        purges = db.session.scalars(db.select(ErasureLog)
                                    .where(ErasureLog.action == "purged")).all()
        assert sorted((e.reference, e.requested_by, e.records) for e in purges) == sorted(
            (reference, "retention", {"orders": 1}) for reference in old.values())
    assert sum("purged the records of erasure" in line for log in logs for line in log) == len(old)
    worker.run_pass(app, transport, renderer(app), lambda line: None)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ErasureLog.id))
                                 .where(ErasureLog.action == "purged")) == len(old)


def test_months_are_added_by_the_calendar():
    assert personal_data.add_months(NOW, 60) == NOW.replace(year=NOW.year + 5)
    leap = NOW.replace(year=2024, month=2, day=29)
    assert personal_data.add_months(leap, 12) == leap.replace(year=2025, day=28)
    assert personal_data.add_months(NOW.replace(month=8, day=31), 6) == \
        NOW.replace(year=NOW.year + 1, month=2, day=28)
