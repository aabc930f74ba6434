"""Preferences and what one-click buying would use."""
from dataclasses import replace

import pytest

from domain import addresses, preferences, shopconfig
from domain.errors import ShopError
from domain.extensions import db
from domain.models import ShippingMethod, User

LANGUAGES = ("en", "ko")


@pytest.fixture
def setup(app, make, ctx):
    standard = make.shipping("Standard", price=3000)
    island = make.shipping("Island", price=5000, region="Jeju")
    user = db.session.get(User, make.user()["id"])
    config = shopconfig.current()
    return {"user": user, "config": config, "standard": standard, "island": island}


def test_payment_methods_come_from_the_providers(ctx):
    """Every provider is offered, by key, with its label; the test card only in test mode."""
    config = shopconfig.current()
    keys = [key for key, label in preferences.payment_methods(config)]
    assert {"bank_transfer", "cash_on_delivery", "test_card"} <= set(keys)
    assert preferences.payment_label("bank_transfer", config) == "Bank transfer"
    assert preferences.payment_label("bitcoin", config) is None
    without_test_card = replace(config, test_mode=False)
    assert "test_card" not in dict(preferences.payment_methods(without_test_card))
    assert preferences.payment_label("test_card", without_test_card) is None


def test_preferences_are_saved(setup):
    """Name, language, shipping and payment are saved; blanks clear them."""
    user = setup["user"]
    preferences.set_preferences(user, setup["config"], "  Kim  Minji ", "ko", setup["standard"],
                                "cash_on_delivery", LANGUAGES)
    assert (user.name, user.locale, user.preferred_shipping_method_id,
            user.preferred_payment_method) == ("Kim Minji", "ko", setup["standard"],
                                               "cash_on_delivery")
    preferences.set_preferences(user, setup["config"], "", "", None, "", LANGUAGES)
    assert (user.locale, user.preferred_shipping_method_id, user.preferred_payment_method) == (
        None, None, None)


@pytest.mark.parametrize("locale, method, payment", [
    ("xx", None, None), (None, 999, None), (None, None, "bitcoin")])
def test_unknown_choices_are_refused(setup, locale, method, payment):
    """A language, shipping method or payment method the shop does not offer is refused."""
    with pytest.raises(ShopError):
        preferences.set_preferences(setup["user"], setup["config"], "", locale, method, payment,
                                    LANGUAGES)


def home(user, region="Domestic", label=""):
    return addresses.add(user.id, {"label": label, "name": "Kim", "line1": "1 Main St",
                                   "city": "Seoul", "region": region}, ["Domestic", "Jeju"])


def test_one_click_lists_what_is_missing(setup):
    """A new account lacks a default address and a payment method; shipping has a fallback."""
    summary = preferences.one_click(setup["user"], setup["config"])
    assert not summary.ready
    assert summary.missing == ["a default address", "a payment method"]
    assert summary.missing_text == "a default address and a payment method"


def test_one_click_is_ready_with_address_and_payment(setup):
    """Default address, preferred shipping and payment: one-click uses exactly those."""
    user = setup["user"]
    home(user, label="Home")
    preferences.set_preferences(user, setup["config"], "", None, setup["standard"],
                                "bank_transfer", LANGUAGES)
    summary = preferences.one_click(user, setup["config"])
    assert summary.ready and summary.notes == []
    assert (summary.address_label, summary.shipping.name, summary.payment) == (
        "Home", "Standard", "Bank transfer")


def test_without_a_shipping_preference_the_cheapest_for_the_region_is_used(setup):
    """As at checkout: no preferred method means the region's cheapest."""
    user = setup["user"]
    home(user)
    preferences.set_preferences(user, setup["config"], "", None, None, "cash_on_delivery",
                                LANGUAGES)
    summary = preferences.one_click(user, setup["config"])
    assert summary.ready and summary.shipping.name == "Standard"


def test_a_method_that_does_not_reach_the_address_falls_back(setup):
    """A Jeju-only preference with a Domestic default address: the Domestic method is used, and
    the page says why."""
    user = setup["user"]
    home(user)
    preferences.set_preferences(user, setup["config"], "", None, setup["island"], "bank_transfer",
                                LANGUAGES)
    summary = preferences.one_click(user, setup["config"])
    assert summary.ready and summary.shipping.name == "Standard"
    assert summary.notes == ["Island does not deliver to Domestic, so Standard is used."]
    assert summary.address_label == "1 Main St"


def test_a_card_cannot_be_used_with_one_click(setup):
    """Cards need their number each time, so a card preference blocks one-click buying."""
    user = setup["user"]
    home(user)
    preferences.set_preferences(user, setup["config"], "", None, None, "test_card", LANGUAGES)
    summary = preferences.one_click(user, setup["config"])
    assert not summary.ready and summary.missing == []
    assert "needs your card details at each purchase" in summary.problems[0]


def test_an_address_in_a_region_no_longer_served_blocks_one_click(setup):
    """When the address's region lost its last shipping method, one-click says so."""
    user = setup["user"]
    home(user, region="Jeju")
    db.session.get(ShippingMethod, setup["island"]).active = False
    db.session.commit()
    config = shopconfig.load()
    preferences.set_preferences(user, config, "", None, None, "bank_transfer", LANGUAGES)
    summary = preferences.one_click(user, config)
    assert not summary.ready and summary.shipping is None
    assert "We do not ship to Jeju" in summary.problems[0]
