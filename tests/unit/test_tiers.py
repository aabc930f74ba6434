"""Tiers: reached exactly at their threshold (spend or delivered orders over the last 12
months), lost when orders leave those months or come back, what the next tier needs, and early
access refused in the cart and at checkout to customers whose tier has none."""
from datetime import timedelta

import pytest

from domain import cart as carts
from domain import orders, returns, shopconfig, transaction
from domain.extensions import db
from domain.loyalty import settings as loyalty_settings
from domain.loyalty import tiers
from domain.models import LoyaltyTier, Product, User
from domain.settings import InvalidSettings
from tests.order_helpers import ADDRESS, LATER, NOW, delivered_order

MERCHANT = "merchant:owner@moonjar.example"


def add_tiers(app, basis="spend", **gold):
    with app.test_request_context():
        loyalty_settings.get().tier_basis = basis
        values = {"name_en": "Gold", "name_ko": "골드", "min_spend": 42000, "min_orders": 2,
                  "early_access": True, **gold}
        db.session.add_all([LoyaltyTier(name_en="Member", name_ko="멤버", position=0),
                            LoyaltyTier(position=1, **values)])
        db.session.commit()


def tier_of(app, user_id, when=LATER):
    with app.test_request_context():
        tier = tiers.recompute(user_id, when)
        db.session.commit()
        return tier.name_en if tier else None


def customer(app, make, setup, orders_count=1, email="minji@example.com"):
    user = make.user(email)
    for n in range(orders_count):
        delivered_order(app, setup, user_id=user["id"], email=email, token=f"t-{email}-{n}")
    return user["id"]


def test_spend_reaches_a_tier_exactly_at_its_threshold(app, setup, make):
    """One ₩42,000 order (₩39,000 jar and ₩3,000 shipping): Gold at ₩42,000, not at ₩42,001."""
    add_tiers(app)
    user_id = customer(app, make, setup)
    assert tier_of(app, user_id) == "Gold"
    with app.test_request_context():
        db.session.scalar(db.select(LoyaltyTier).where(LoyaltyTier.name_en == "Gold")) \
            .min_spend = 42001
        db.session.commit()
    assert tier_of(app, user_id) == "Member"
    with app.test_request_context():
        user = db.session.get(User, user_id)
        needs = tiers.next_tier(user, LATER)
        assert (needs.tier.name_en, needs.basis, needs.missing) == ("Gold", "spend", 1)


def test_delivered_orders_reach_a_tier_and_old_ones_stop_counting(app, setup, make):
    add_tiers(app, basis="orders")
    user_id = customer(app, make, setup, orders_count=1)
    assert tier_of(app, user_id) == "Member"
    with app.test_request_context():
        needs = tiers.next_tier(db.session.get(User, user_id), LATER)
        assert (needs.basis, needs.missing) == ("orders", 1)
    delivered_order(app, setup, user_id=user_id, token="second")
    assert tier_of(app, user_id) == "Gold"
    # A year and a day after they were placed, the orders no longer count.
    assert tier_of(app, user_id, NOW + timedelta(days=366)) == "Member"
    with app.test_request_context():
        assert tiers.next_tier(db.session.get(User, user_id), LATER) is None


def test_a_fully_returned_order_does_not_count(app, setup, make):
    add_tiers(app, basis="orders", min_orders=1)
    user_id = customer(app, make, setup)
    assert tier_of(app, user_id) == "Gold"
    from tests.return_helpers import ask_return
    with app.test_request_context():
        order = db.session.scalar(db.select(orders.Order).where(orders.Order.user_id == user_id))
        ret, _created = ask_return(app, order.number, 1, "refund")
        returns.approve(ret, MERCHANT, LATER)
        returns.receive(ret, MERCHANT, LATER, {})
        returns.complete(ret, MERCHANT, LATER)
        db.session.commit()
    # The return's settlement computed the tier again.
    with app.test_request_context():
        assert db.session.get(User, user_id).tier_id is not None
        assert db.session.get(User, user_id).tier.name_en == "Member"


def test_tier_form_names_each_wrong_field_and_changes_nothing(app):
    with app.test_request_context():
        with pytest.raises(InvalidSettings) as refused:
            tiers.save_tier(None, {"name_en": "", "min_orders": "-1", "min_spend": "abc",
                                   "extra_percent": "5000", "birthday_points": "x"}, "KRW")
        assert set(refused.value.errors) == {"name_en", "min_orders", "min_spend",
                                             "extra_percent", "birthday_points"}
        assert loyalty_settings.tiers() == []
        tier = tiers.save_tier(None, {"name_en": "Gold", "name_ko": "골드", "min_orders": "3",
                                      "min_spend": "100,000", "extra_percent": "50",
                                      "birthday_points": "500", "free_shipping": True}, "KRW")
        assert (tier.min_spend, tier.extra_points_bp, tier.free_shipping, tier.early_access) \
            == (100000, 5000, True, False)


def early_product(app, make, setup, days=2):
    """The setup's product, in early access through the day before NOW + days (the shop is in
    UTC): until midnight starting 5 March, shown as "until 4 March"."""
    with app.test_request_context():
        product = db.session.scalar(db.select(Product))
        product.early_access_until = NOW.replace(hour=0) + timedelta(days=days)
        db.session.commit()
        return product.id


def test_early_access_is_refused_in_the_cart_to_others_until_it_ends(app, setup, make):
    add_tiers(app)
    early_product(app, make, setup)
    with app.test_request_context():
        with pytest.raises(tiers.EarlyAccessOnly) as refused:
            carts.add(carts.GuestCart({}), setup["variant"], 1, now=NOW)
        assert str(refused.value) == "Early access for Gold members until 4 March"
        # A customer in the Gold tier may; everyone may once it ends.
        user = make.user("gold@example.com")
        gold = db.session.scalar(db.select(LoyaltyTier).where(LoyaltyTier.name_en == "Gold"))
        db.session.get(User, user["id"]).tier_id = gold.id
        db.session.flush()
        carts.add(carts.CustomerCart(user["id"]), setup["variant"], 1, now=NOW)
        carts.add(carts.GuestCart({}), setup["variant"], 1, now=NOW + timedelta(days=2))


def test_early_access_is_refused_at_checkout_and_nothing_is_ordered(app, setup, make):
    add_tiers(app)
    early_product(app, make, setup)
    with app.test_request_context():
        checkout = orders.Checkout(checkout_token="early", email="minji@example.com",
                                   address=ADDRESS, shipping_method_id=setup["method"],
                                   payment_method="bank_transfer")
        with pytest.raises(tiers.EarlyAccessOnly), transaction.unit_of_work():
            orders.place_order(shopconfig.current(),
                               carts.GuestCart({str(setup["variant"]): 1}), checkout, NOW)
        assert db.session.scalar(db.select(db.func.count(orders.Order.id))) == 0
