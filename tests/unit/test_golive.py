"""The go-live checklist: each item turns green only when the shop really is set up that way."""
import os
from datetime import datetime, timedelta, timezone

import pytest

from domain import golive, heartbeat, policies, returns, shopconfig
from domain.extensions import db
from domain.helpdesk import settings as helpdesk_settings

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
READY = dict(secure_request=True, shop_url="https://shop.example", smtp_url="smtp://mail.example:587")


@pytest.fixture
def serving(tmp_path):
    def _serving(**changes):
        return golive.Serving(**{**READY, "backup_dir": str(tmp_path / "backups"), **changes})
    return _serving


def items(app, serving, now=NOW):
    db.session.commit()
    config = shopconfig.current()
    return {item.key: item for item in golive.checklist(config, serving, now)}


def set_fields(**values):
    row = shopconfig.get_settings_row()
    for name, value in values.items():
        setattr(row, name, value)


def test_a_new_shop_has_everything_still_to_do(ctx, serving):
    """Out of the box nothing is done: a new shop is a trial, not yet a shop to buy from."""
    found = items(ctx, serving(secure_request=False, shop_url="http://127.0.0.1:5000",
                               smtp_url=""))
    assert [key for key, item in found.items() if item.done] == []
    assert list(found) == ["https", "shop_url", "mail", "worker", "contact", "returns", "privacy",
                           "terms", "backup", "test_mode"]


@pytest.mark.parametrize("secure, url, done, says", [
    (True, "https://shop.example", True, "Served over HTTPS"),
    (False, "https://shop.example", False, "You are using the shop over plain HTTP."),
    (True, "http://shop.example", False, "SHOP_URL starts with http://"),
    (False, "http://shop.example", False, "plain HTTP, and SHOP_URL starts with http://"),
])
def test_https_needs_both_the_request_and_the_emailed_links(ctx, serving, secure, url, done, says):
    """Green only when this request came over HTTPS and SHOP_URL is https://; else it says why."""
    item = items(ctx, serving(secure_request=secure, shop_url=url))["https"]
    assert item.done is done and says in item.detail


@pytest.mark.parametrize("url, done", [
    ("http://127.0.0.1:5000", False), ("http://localhost:8000", False), ("http://[::1]:5000", False),
    ("http://0.0.0.0:5000", False), ("https://shop.example", True), ("http://203.0.113.7", True),
])
def test_shop_url_must_be_an_address_customers_can_open(ctx, serving, url, done):
    """The make-run default (this computer's own address) is not an address for emails."""
    assert items(ctx, serving(shop_url=url))["shop_url"].done is done


def test_mail_is_done_with_an_smtp_server_not_eml_files(ctx, serving):
    assert items(ctx, serving())["mail"].done
    item = items(ctx, serving(smtp_url=""))["mail"]
    assert not item.done and "saved as files" in item.detail


def test_the_worker_is_green_while_its_heartbeat_is_recent(ctx, serving):
    """Never seen, seen 3 minutes ago (green), seen 20 minutes ago (amber): in those words."""
    item = items(ctx, serving())["worker"]
    assert not item.done and "has not run yet" in item.detail
    heartbeat.beat(NOW - timedelta(minutes=3))
    item = items(ctx, serving())["worker"]
    assert item.done and item.detail == "Worker last seen 3 minutes ago."
    heartbeat.beat(NOW - timedelta(minutes=20))
    item = items(ctx, serving())["worker"]
    assert not item.done and "Worker last seen 20 minutes ago" in item.detail


def test_the_worker_records_its_heartbeat_on_every_run(ctx, serving):
    """`flask worker --once` (as cron runs it) leaves a beat the checklist reads."""
    ctx.config["CLOCK"] = lambda: NOW - timedelta(seconds=20)
    result = ctx.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert heartbeat.last_seen() == NOW - timedelta(seconds=20)
    item = items(ctx, serving())["worker"]
    assert item.done and "less than a minute ago" in item.detail


def test_contact_details_need_email_phone_and_business_hours(ctx, serving):
    """The old free-text hours line no longer counts: the hours are set as data."""
    set_fields(email="hello@moonjar.example", phone="", hours="Tue–Sat 11:00–18:00")
    item = items(ctx, serving())["contact"]
    assert not item.done and item.detail == "Missing: phone, business hours."
    set_fields(phone="+82 2-555-0142")
    assert items(ctx, serving())["contact"].detail == "Missing: business hours."
    helpdesk_settings.save_hours([[("11:00", "18:00")]] * 5 + [[], []])
    assert items(ctx, serving())["contact"].done


def test_business_information_is_asked_of_shops_selling_in_won_only(ctx, serving):
    """A USD shop has no such item; a KRW shop lists what is missing until all is there."""
    set_fields(currency="USD")
    assert "business" not in items(ctx, serving())
    set_fields(currency="KRW", business_name="달항아리 공방", email="hello@moonjar.example")
    item = items(ctx, serving())["business"]
    assert not item.done
    assert item.detail == ("Missing: representative, business registration number, mail-order "
                           "business report number, address, phone, hosting provider.")
    set_fields(business_representative="김민지", business_registration_number="2208162517",
               mail_order_number="제2026-서울종로-0123호", address="12 Bukchon-ro 5-gil, Seoul",
               phone="+82 2-555-0142", hosting_provider="Example Cloud Korea")
    assert items(ctx, serving())["business"].done


def test_return_rules_turn_green_when_confirmed(ctx, serving):
    assert not items(ctx, serving())["returns"].done
    returns.confirm(NOW)
    assert items(ctx, serving())["returns"].done


def test_privacy_and_terms_must_be_written_and_less_than_a_year_old(ctx, serving):
    """Unwritten is amber; written last month is green; written 13 months ago is amber again."""
    found = items(ctx, serving())
    assert not found["privacy"].done and "Not written yet" in found["privacy"].detail
    policies.save_page("privacy", "We keep your address to deliver.", NOW - timedelta(days=30))
    policies.save_page("terms", "Korean law applies.", NOW - timedelta(days=400))
    found = items(ctx, serving())
    assert found["privacy"].done and found["privacy"].detail == "Last updated on Feb 1, 2026."
    assert not found["terms"].done and "over a year ago" in found["terms"].detail


def test_a_backup_counts_for_24_hours(ctx, serving, tmp_path):
    """The newest file in the backups folder decides; an unfinished .tmp copy does not count."""
    folder = tmp_path / "backups"
    assert not items(ctx, serving())["backup"].done
    folder.mkdir()
    unfinished = folder / "shop-20260303-080000.tar.gz.tmp"
    unfinished.write_text("half")
    assert not items(ctx, serving())["backup"].done
    old = folder / "shop-20260301-030000.tar.gz"
    old.write_text("copy")
    stamp = (NOW - timedelta(hours=30)).timestamp()
    os.utime(old, (stamp, stamp))
    item = items(ctx, serving())["backup"]
    assert not item.done and "shop-20260301-030000.tar.gz" in item.detail
    fresh = folder / "shop-20260303-030000.tar.gz"
    fresh.write_text("copy")
    stamp = (NOW - timedelta(hours=6)).timestamp()
    os.utime(fresh, (stamp, stamp))
    item = items(ctx, serving())["backup"]
    assert item.done and item.detail == "The newest backup, shop-20260303-030000.tar.gz, was made 6 hours ago."


def test_test_mode_must_be_off(app, ctx, serving):
    """PAYMENTS_TEST_MODE=1 (the tests' and the demo's): to do, saying what it means and how to
    turn it off; without it, done."""
    item = items(ctx, serving())["test_mode"]
    assert item.title == "Test mode off" and not item.done
    assert "PAYMENTS_TEST_MODE is set" in item.detail and "no money moves" in item.detail
    app.config["PAYMENTS_TEST_MODE"] = False
    shopconfig.changed()
    assert items(ctx, serving())["test_mode"].done
