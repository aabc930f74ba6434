"""One-click buying at the domain level: the offer, and a press that finds the total changed."""
from datetime import datetime, timezone

import pytest

from domain import cart as carts
from domain import oneclick, shopconfig
from domain.extensions import db
from domain.models import Order, User
from tests.checkout_helpers import krw_shop, one_click_customer

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def shop(make):
    return krw_shop(make)


def _buy(app, user_id, cart, expected_total, token="tok-one-click-0001", single_item=True):
    config = shopconfig.current()
    user = db.session.get(User, user_id)
    lines = carts.lines(cart, config.currency)
    return oneclick.buy(config, user, cart, lines, token, expected_total, NOW, "en",
                        single_item=single_item)


def _orders():
    return db.session.scalar(db.select(db.func.count(Order.id)))


def test_the_offer_states_where_how_and_what_it_will_charge(app, ctx, shop, make):
    """Default address, bank transfer, the cheapest method home: ₩39,000 + ₩3,000."""
    customer = one_click_customer(app, make)
    config = shopconfig.current()
    user = db.session.get(User, customer["id"])
    lines = carts.lines(carts.GuestCart({str(shop["small"]): 1}), config.currency)
    offer = oneclick.offer(user, lines, config)
    assert (offer.place, offer.payment_method, offer.shipping_method_id) == (
        "Home", "bank_transfer", shop["standard"])
    assert (offer.total.amount, offer.to_pay.amount) == (42000, 42000)


def test_a_press_at_another_total_places_nothing_and_offers_the_new_one(app, ctx, shop, make):
    """The button showed ₩42,000 for one jar; two jars cost ₩81,000: nothing is ordered yet."""
    customer = one_click_customer(app, make)
    cart = carts.GuestCart({str(shop["small"]): 2})
    with pytest.raises(oneclick.TotalChanged) as changed:
        _buy(app, customer["id"], cart, "42000")
    assert changed.value.offer.total.amount == 81000
    assert "₩81,000 for 2 items" in str(changed.value) and "Nothing was ordered" in str(changed.value)
    assert _orders() == 0
    order, created = _buy(app, customer["id"], cart, "81000")
    assert created and order.total == 81000 and _orders() == 1


def test_one_click_is_refused_until_it_is_set_up(app, ctx, shop, make):
    """Without a default address the button cannot buy, and says what is missing."""
    customer = one_click_customer(app, make, with_address=False)
    with pytest.raises(oneclick.Unavailable) as refused:
        _buy(app, customer["id"], carts.GuestCart({str(shop["small"]): 1}), "42000")
    assert "default address" in str(refused.value) and _orders() == 0


def test_a_product_gone_since_the_page_was_drawn_is_said_so(app, ctx, shop, make):
    """A product page's button whose product left the shop places nothing."""
    customer = one_click_customer(app, make)
    with pytest.raises(oneclick.Unavailable) as refused:
        _buy(app, customer["id"], carts.GuestCart({}), "42000")
    assert "no longer available" in str(refused.value) and _orders() == 0
