"""Upgrading a shop that already runs: return rules it saved are its promise already, so they
count as confirmed; a shop that never saved any starts unconfirmed, like a new one."""
from datetime import datetime, timezone

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from domain import returns
from domain.extensions import db
from shop import create_app

SAVED = "2026-02-01 10:00:00.000000+00:00"
RULE_SAVED = "2026-01-15 08:30:00.000000+00:00"


@pytest.fixture
def old_shop(app, tmp_path):
    """A database at revision 0008 (before this change), to fill and then upgrade."""
    old = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}"})
    with old.app_context():
        upgrade(revision="0008")
        yield old
        db.session.remove()
        db.engine.dispose()


def rule(updated_at):
    db.session.execute(text(
        "INSERT INTO return_rule (window_days, allow_refund, allow_exchange, allow_credit, "
        "final_sale, restocking_fee_bp, return_shipping, return_shipping_fee, conditions, "
        "updated_at) VALUES (14, 1, 1, 0, 0, 0, 'customer', 0, '', :at)"), {"at": updated_at})


def confirmed_at():
    return db.session.scalar(text("SELECT confirmed_at FROM return_policy WHERE id = 1"))


@pytest.mark.sqlite_only
def test_saved_return_settings_count_as_confirmed_from_when_they_changed(old_shop):
    rule(RULE_SAVED)
    db.session.execute(text(
        "INSERT INTO return_policy (id, transit_days, pickup_enabled, pickup_instructions, "
        "dropoff_enabled, dropoff_instructions, refund_promise_days, general_md, general_html, "
        "changed_at) VALUES (1, 5, 0, '', 1, '', 2, '', '', :at)"), {"at": SAVED})
    db.session.commit()
    upgrade()
    assert confirmed_at().startswith("2026-02-01 10:00:00")


@pytest.mark.sqlite_only
def test_rules_without_their_settings_row_are_confirmed_with_the_default_settings(old_shop):
    """Rules written without the settings row (by hand, say) still were the shop's word."""
    rule(RULE_SAVED)
    db.session.commit()
    upgrade()
    row = db.session.execute(text("SELECT transit_days, refund_promise_days, dropoff_enabled, "
                                  "confirmed_at FROM return_policy")).one()
    assert row[:3] == (7, 3, 1) and row[3].startswith("2026-01-15 08:30:00")


@pytest.mark.sqlite_only
def test_a_shop_that_never_saved_return_rules_starts_unconfirmed(old_shop):
    upgrade()
    assert db.session.scalar(text("SELECT count(*) FROM return_policy")) == 0
    assert not returns.confirmed()
    # The new settings columns have their defaults: test payments on, no business information.
    db.session.execute(text("INSERT INTO shop_settings (id, name, tagline, email, phone, hours, "
                            "address, currency, tax_rate_bp, prices_include_tax, default_region, "
                            "timezone, low_stock_threshold, updated_at) VALUES (1, 'Old', '', '', "
                            "'', '', '', 'KRW', 0, 0, 'Domestic', 'UTC', 5, :at)"),
                       {"at": datetime(2026, 1, 1, tzinfo=timezone.utc)})
    assert db.session.execute(text("SELECT test_payments, business_name FROM shop_settings")
                              ).one() == (1, "")
