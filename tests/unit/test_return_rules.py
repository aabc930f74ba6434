"""The return rules: which one applies, what the merchant may save, and the product page's line."""
from datetime import datetime, timedelta, timezone

import pytest

from domain import returns
from domain.errors import InvalidReturnRule
from domain.extensions import db
from domain.models import ReturnRule
from tests.return_helpers import rule_values as values

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
LATER = NOW + timedelta(hours=5)


@pytest.fixture
def catalogue(make):
    """A category with two products, and one product outside it."""
    category = make.category("Ceramics")
    jar = make.product("Moon jar", category_id=category["id"])
    cup = make.product("Tea cup", category_id=category["id"])
    scarf = make.product("Silk scarf")
    return {"category": category["id"], "jar": jar["id"], "cup": cup["id"], "scarf": scarf["id"]}


def test_without_any_rule_the_built_in_default_applies(ctx, catalogue):
    """30 days, refund, exchange or credit, free return shipping, no fee."""
    rule = returns.rule_for(catalogue["jar"], catalogue["category"])
    assert rule == returns.DEFAULT
    assert (rule.window_days, rule.actions, rule.return_shipping, rule.restocking_fee_bp) == (
        30, ("refund", "exchange", "credit"), "free", 0)


def test_product_beats_category_beats_shop(ctx, catalogue):
    """Each product gets the most specific rule there is for it."""
    returns.save_rule("shop", None, values(window_days=14), NOW)
    returns.save_rule("category", catalogue["category"], values(window_days=7), NOW)
    returns.save_rule("product", catalogue["jar"], values(window_days=3), NOW)
    jar = returns.rule_for(catalogue["jar"], catalogue["category"])
    cup = returns.rule_for(catalogue["cup"], catalogue["category"])
    scarf = returns.rule_for(catalogue["scarf"], None)
    assert (jar.window_days, jar.scope, jar.scope_id) == (3, "product", catalogue["jar"])
    assert (cup.window_days, cup.scope, cup.scope_id) == (7, "category", catalogue["category"])
    assert (scarf.window_days, scarf.scope, scarf.scope_id) == (14, "shop", None)


def test_a_product_rule_applies_without_a_category_rule(ctx, catalogue):
    """A product exception works whether or not its category has a rule."""
    returns.save_rule("product", catalogue["scarf"], values(final_sale=True), NOW)
    assert returns.rule_for(catalogue["scarf"], None).final_sale
    assert returns.rule_for(catalogue["jar"], catalogue["category"]) == returns.DEFAULT


def test_deleting_an_override_falls_back_to_the_wider_rule(ctx, catalogue):
    """Product rule gone: the category's; category rule gone: the shop's; then the default."""
    returns.save_rule("category", catalogue["category"], values(window_days=7), NOW)
    returns.save_rule("product", catalogue["jar"], values(window_days=3), NOW)
    returns.delete_rule("product", catalogue["jar"], LATER)
    assert returns.rule_for(catalogue["jar"], catalogue["category"]).window_days == 7
    returns.save_rule("shop", None, values(window_days=14), NOW)
    returns.delete_rule("category", catalogue["category"], LATER)
    assert returns.rule_for(catalogue["jar"], catalogue["category"]).window_days == 14


def test_saving_again_updates_the_same_rule(ctx, catalogue):
    """One row per scope: a second save edits it rather than adding another."""
    returns.save_rule("category", catalogue["category"], values(window_days=7), NOW)
    returns.save_rule("category", catalogue["category"], values(window_days=10), LATER)
    rows = db.session.scalars(db.select(ReturnRule)).all()
    assert [(r.category_id, r.window_days, r.updated_at) for r in rows] == [
        (catalogue["category"], 10, LATER)]


def test_the_shop_rule_cannot_be_deleted(ctx):
    """Something must always apply; the shop rule can only be edited."""
    with pytest.raises(InvalidReturnRule):
        returns.delete_rule("shop", None, NOW)


@pytest.mark.parametrize("changes, field", [
    ({"window_days": -1}, "window_days"),
    ({"window_days": "two weeks"}, "window_days"),
    ({"restocking_fee_bp": 10001}, "restocking_fee_bp"),
    ({"restocking_fee_bp": -100}, "restocking_fee_bp"),
    ({"return_shipping": "flat", "return_shipping_fee": 0}, "return_shipping_fee"),
    ({"return_shipping": "flat", "return_shipping_fee": -3000}, "return_shipping_fee"),
    ({"return_shipping": "by pigeon"}, "return_shipping"),
    ({"allow_refund": False, "allow_exchange": False, "allow_credit": False}, "allow_refund"),
])
def test_an_unusable_rule_names_the_field_and_saves_nothing(ctx, catalogue, changes, field):
    """The merchant sees which field to fix; no rule is written and the policy date stays."""
    before = returns.policy().changed_at
    with pytest.raises(InvalidReturnRule) as raised:
        returns.save_rule("category", catalogue["category"], values(**changes), LATER)
    assert field in raised.value.fields and raised.value.fields[field]
    assert db.session.scalars(db.select(ReturnRule)).all() == []
    assert returns.policy().changed_at == before


def test_final_sale_needs_no_action(ctx, catalogue):
    """Final sale with every action off is a valid rule: nothing may come back."""
    returns.save_rule("product", catalogue["jar"], values(
        final_sale=True, allow_refund=False, allow_exchange=False, allow_credit=False), NOW)
    rule = returns.rule_for(catalogue["jar"], catalogue["category"])
    assert rule.final_sale and rule.actions == () and not rule.returnable


def test_the_fee_is_dropped_unless_shipping_is_flat(ctx):
    """A leftover fee from an earlier flat rule is not charged once shipping is free."""
    row = returns.save_rule("shop", None, values(return_shipping="free", return_shipping_fee=3000),
                            NOW)
    assert row.return_shipping_fee == 0


def test_a_rule_needs_a_known_scope(ctx):
    """The shop rule takes no id; a category or product rule needs one."""
    for scope, scope_id in (("shop", 4), ("category", None), ("brand", 1)):
        with pytest.raises(InvalidReturnRule):
            returns.save_rule(scope, scope_id, values(), NOW)


def test_saving_and_deleting_rules_dates_the_policy_page(ctx, catalogue):
    """The policy page's "last changed" follows every rule change."""
    returns.save_rule("product", catalogue["jar"], values(window_days=3), NOW)
    assert returns.policy().changed_at == NOW
    returns.delete_rule("product", catalogue["jar"], LATER)
    assert returns.policy().changed_at == LATER


def test_the_rules_table_lists_shop_categories_and_exceptions(ctx, catalogue):
    """Every category shows the rule it really gets, and whether it has its own."""
    returns.save_rule("shop", None, values(window_days=14), NOW)
    returns.save_rule("product", catalogue["jar"], values(window_days=3), NOW)
    table = [(r.label, r.scope, r.rule.window_days, r.overridden) for r in returns.rules_table()]
    assert table == [("All other products", "shop", 14, True),
                     ("Ceramics", "category", 14, False),
                     ("Moon jar", "product", 3, True)]


def rule(**fields):
    return returns.Rule(**fields)


@pytest.mark.parametrize("fields, currency, line", [
    ({}, "KRW", "Free returns within 30 days"),
    ({"window_days": 1}, "USD", "Free returns within 1 day"),
    ({"window_days": 0}, "USD", "Free returns on the day of delivery"),
    ({"window_days": 14, "return_shipping": "flat", "return_shipping_fee": 3000}, "KRW",
     "Returns within 14 days · ₩3,000 return shipping"),
    ({"window_days": 14, "return_shipping": "flat", "return_shipping_fee": 450}, "USD",
     "Returns within 14 days · $4.50 return shipping"),
    ({"restocking_fee_bp": 1000}, "KRW", "Returns within 30 days · 10 % restocking fee"),
    ({"restocking_fee_bp": 1250, "return_shipping": "flat", "return_shipping_fee": 450}, "USD",
     "Returns within 30 days · $4.50 return shipping · 12.5 % restocking fee"),
    ({"return_shipping": "customer"}, "USD",
     "Returns within 30 days · you send it back at your cost"),
    ({"allow_refund": False, "allow_credit": False}, "KRW",
     "Free returns within 30 days · exchange only"),
    ({"final_sale": True}, "KRW", "Final sale: this item cannot be returned"),
])
def test_the_product_page_line_says_what_the_rule_is(ctx, fields, currency, line):
    """Window, who pays the return shipping (in the shop's currency), fees, final sale."""
    assert returns.summary(rule(**fields), currency) == line
