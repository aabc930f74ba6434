"""Checkouts in progress (domain/checkouts.py): sightings kept in memory until flushed, merged
across processes in any order, bounded, kept when the database refuses them; the help offer's
timing; and the checkout's personal data."""
from datetime import timedelta

import pytest
from sqlalchemy import text

from domain import checkouts, personal_data
from domain.extensions import db
from domain.models import CheckoutRecord
from tests.order_helpers import NOW

KEY = "a" * 32


def row():
    db.session.expire_all()
    return db.session.scalar(db.select(CheckoutRecord).where(CheckoutRecord.key == KEY))


def cart(quantity):
    return {"items": {"7": quantity}, "lines": [], "total": 39000 * quantity, "currency": "KRW"}


@pytest.mark.parametrize("order", ["first, second", "second, first"])
def test_two_processes_flushes_merge_in_either_order(ctx, order):
    """The earliest start, the latest sighting, the newest cart and error, whoever flushes last."""
    first, second = checkouts.Sightings(), checkouts.Sightings()
    first.record(KEY, NOW, cart=cart(1), email="Minji@Example.com")
    first.record(KEY, NOW + timedelta(minutes=9))
    second.record(KEY, NOW + timedelta(minutes=3), cart=cart(2),
                  error=("card_declined", "Your card was declined."))
    second.record(KEY, NOW + timedelta(minutes=5))
    flushes = [first, second] if order == "first, second" else [second, first]
    assert [s.flush(NOW + timedelta(minutes=10)) for s in flushes] == [1, 1]
    record = row()
    assert record.started_at == NOW and record.last_seen_at == NOW + timedelta(minutes=9)
    assert record.cart["items"] == {"7": 2}
    assert (record.error_code, record.error_message) == ("card_declined", "Your card was declined.")
    assert record.email == "minji@example.com" and record.state == "open"
    # Flushed again, nothing is left to write; the row is as it was.
    assert first.flush(NOW) == 0 and second.flush(NOW) == 0


def test_an_ordered_checkout_stays_ordered_and_an_abandoned_one_reopens(ctx):
    sightings = checkouts.Sightings()
    sightings.record(KEY, NOW)
    sightings.flush(NOW)
    db.session.execute(db.update(CheckoutRecord).values(state="abandoned",
                                                         abandoned_at=NOW + timedelta(hours=1)))
    db.session.commit()
    sightings.record(KEY, NOW + timedelta(minutes=30))  # a late flush of an older sighting
    sightings.flush(NOW + timedelta(hours=2))
    assert row().state == "abandoned"
    sightings.record(KEY, NOW + timedelta(hours=3))  # the shopper came back
    sightings.flush(NOW + timedelta(hours=3))
    assert row().state == "open"
    db.session.execute(db.update(CheckoutRecord).values(state="ordered"))
    db.session.commit()
    sightings.record(KEY, NOW + timedelta(hours=4))
    sightings.flush(NOW + timedelta(hours=4))
    assert row().state == "ordered"


def test_memory_is_bounded(ctx):
    sightings = checkouts.Sightings(limit=2)
    assert sightings.record("a", NOW) and sightings.record("b", NOW)
    assert not sightings.record("c", NOW)  # a third checkout is dropped and counted
    assert sightings.record("a", NOW + timedelta(minutes=1))  # known ones still update
    assert set(sightings.pending()) == {"a", "b"} and sightings.dropped == 1


def test_a_flush_the_database_refuses_keeps_the_sightings_for_the_next(ctx):
    sightings = checkouts.Sightings()
    sightings.record(KEY, NOW, error=("sold_out", "Sold out."))
    db.session.execute(text("ALTER TABLE checkout_record RENAME TO elsewhere"))
    db.session.commit()
    with pytest.raises(Exception):
        sightings.flush(NOW)
    db.session.rollback()
    sightings.record(KEY, NOW + timedelta(minutes=1))
    db.session.execute(text("ALTER TABLE elsewhere RENAME TO checkout_record"))
    db.session.commit()
    assert sightings.flush(NOW) == 1
    record = row()
    assert record.error_code == "sold_out" and record.last_seen_at == NOW + timedelta(minutes=1)


@pytest.mark.parametrize("minutes, error, offered", [
    (5, False, False), (4, False, True), (0, False, False), (0, True, True), (5, True, True)])
def test_help_is_offered_after_an_error_or_the_minutes(minutes, error, offered):
    """Four minutes and 59 seconds in: help after an error, or with a setting under five minutes
    (0 minutes: never on time alone)."""
    moment = NOW + timedelta(minutes=4, seconds=59)
    assert checkouts.offer_due(NOW, moment, minutes, error=error) is offered
    assert checkouts.offer_due(NOW, NOW + timedelta(minutes=5), 5) is True


def test_a_guests_checkouts_are_exported_and_erased(ctx):
    sightings = checkouts.Sightings()
    sightings.record(KEY, NOW, email="minji@example.com", cart=cart(1))
    sightings.record("b" * 32, NOW, email="other@example.com")
    sightings.flush(NOW)
    subject = personal_data.Subject(user_id=None, email="minji@example.com")
    [exported] = personal_data.export(subject, NOW)["checkouts"]
    assert exported["email"] == "minji@example.com" and exported["state"] == "open"
    personal_data.erase(subject, NOW, "customer")
    db.session.commit()
    assert [r.email for r in db.session.scalars(db.select(CheckoutRecord))] == ["other@example.com"]
