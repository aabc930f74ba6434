"""The alert switches in the back office's settings, on a phone."""
from playwright.sync_api import expect

from domain.extensions import db
from domain.models import ShopSettings
from tests.browser_helpers import sign_in


def test_a_merchant_turns_an_alert_off_on_a_phone(phone, live_server, app, make, axe_violations):
    """Found by its label, unticked, saved: it stays off, every other alert stays on."""
    make.settings(name="Moonjar Studio", currency="KRW", email="studio@moonjar.example")
    sign_in(phone, live_server, make.user(merchant=True), lands_on="/admin/")
    phone.goto(f"{live_server}/admin/settings#alerts")
    expect(phone.get_by_text("Alerts go to the shop's contact email, studio@moonjar.example")) \
        .to_be_visible()
    low_stock = phone.get_by_role("checkbox", name="Low stock")
    expect(low_stock).to_be_checked()
    low_stock.uncheck()
    phone.get_by_role("button", name="Save alerts").click()
    expect(phone.get_by_text("Alerts saved.")).to_be_visible()
    expect(phone.get_by_role("checkbox", name="Low stock")).not_to_be_checked()
    expect(phone.get_by_role("checkbox", name="A new order")).to_be_checked()
    assert axe_violations(phone, "#alerts") == []
    with app.app_context():
        assert db.session.get(ShopSettings, 1).alerts_off == ["low_stock"]
