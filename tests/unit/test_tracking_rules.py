"""The tracking timeline, the guest lookup and the back office's order list, at the domain level."""
from datetime import timedelta

import pytest

from domain import fulfilment, orders, tracking
from tests.order_helpers import NOW, advance, place


def states(order):
    return [(s.status, s.state) for s in tracking.timeline(order)]


@pytest.mark.parametrize("typed, expected", [
    ("K7Q-4D2M", "K7Q-4D2M"), ("k7q4d2m", "K7Q-4D2M"), (" k7q 4d2m ", "K7Q-4D2M"),
    ("K7Q-4D2", ""), ("K7Q-4D2MM", ""), ("K0Q-4D2M", ""), ("", ""), (None, ""),
])
def test_order_numbers_are_read_the_way_people_type_them(typed, expected):
    """Case, spaces and the dash do not matter; impossible numbers are empty."""
    assert tracking.normalize_number(typed) == expected


def test_lookup_needs_both_the_number_and_the_email(app, ctx, setup):
    """Right pair: the order; a wrong number or a wrong email: None, alike."""
    number = place(app, setup)["number"]
    assert tracking.lookup(number.lower().replace("-", ""), " Minji@Example.com ").number == number
    assert tracking.lookup(number, "someone@example.com") is None
    assert tracking.lookup("ZZZ-ZZZZ", "minji@example.com") is None
    assert tracking.lookup("nonsense", "") is None


def test_a_skipped_stage_is_passed_without_a_date(app, ctx, setup):
    """Shipped straight to delivered: out for delivery is skipped, delivered is current."""
    number = place(app, setup)["number"]
    advance(app, number, "paid", "packed", "shipped", "delivered")
    order = orders.by_number(number)
    assert states(order) == [("placed", "done"), ("paid", "done"), ("packed", "done"),
                             ("shipped", "done"), ("out_for_delivery", "skipped"),
                             ("delivered", "current")]
    assert tracking.expected_delivery(order) is None and not tracking.is_in_transit(order)


def test_cash_on_delivery_is_paid_when_delivered(app, ctx, setup):
    """The pay-on-delivery stage waits until the courier has the money."""
    number = place(app, setup, payment="cash_on_delivery")["number"]
    advance(app, number, "packed")
    order = orders.by_number(number)
    assert states(order)[1] == ("paid", "upcoming")
    assert tracking.timeline(order)[1].label == "Pay on delivery"
    later = NOW + timedelta(days=2)
    advance(app, number, "shipped", "delivered", now=later)
    assert tracking.timeline(order)[1].reached_at == later


def test_an_expired_order_ends_with_its_final_state(app, ctx, setup):
    """Only what it reached, then "Payment expired" as the current step."""
    number = place(app, setup)["number"]
    advance(app, number, "payment_expired")
    assert states(orders.by_number(number)) == [("placed", "done"), ("payment_expired", "current")]


def test_the_order_list_pages_newest_first_with_counts(app, ctx, setup):
    """Three orders, two per page: the newest two first; counts cover every status."""
    numbers = [place(app, setup, now=NOW + timedelta(minutes=i))["number"] for i in range(3)]
    advance(app, numbers[0], "paid")
    first = fulfilment.order_list(page=1, per_page=2, now=NOW + timedelta(hours=1))
    assert [o.number for o in first.page.items] == [numbers[2], numbers[1]]
    assert first.page.pages == 2 and first.counts["placed"] == 2 and first.counts["paid"] == 1
    second = fulfilment.order_list(page=2, per_page=2, now=NOW + timedelta(hours=1))
    assert [o.number for o in second.page.items] == [numbers[0]]
    assert second.ready == {orders.by_number(numbers[0]).id}


def test_bulk_only_packs_or_ships(app, ctx, setup):
    """Any other bulk status is refused outright."""
    from domain.errors import InvalidTransition
    with pytest.raises(InvalidTransition):
        fulfilment.bulk_set_status(["X"], "delivered", "merchant:test", NOW)
    outcomes = fulfilment.bulk_set_status(["ZZZ-ZZZZ", "ZZZ-ZZZZ", ""], "packed", "merchant:test", NOW)
    assert [(o.number, o.ok) for o in outcomes] == [("ZZZ-ZZZZ", False)]
