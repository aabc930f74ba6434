"""Privacy on a phone: a customer downloads their data and deletes their account."""
import json

from playwright.sync_api import expect

from tests.browser_helpers import sign_in
from tests.privacy_helpers import MINJI, customer_with_everything


def test_a_customer_downloads_their_data_and_deletes_their_account(
        app, phone, live_server, make, setup, axe_violations):
    customer = customer_with_everything(app, make, setup, MINJI)
    page = phone
    sign_in(page, live_server, customer)
    page.get_by_role("link", name="Account").click()
    account_nav = page.get_by_role("navigation", name="Your account")
    account_nav.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Privacy and your data", level=1)).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert [order["number"] for order in data["orders"]] == [customer["order"]]
    assert data["profile"]["email"] == MINJI["email"]

    expect(page.get_by_text("will be lost")).to_be_visible()
    page.get_by_label("Your password").fill(customer["password"])
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_contain_text("Please tick the box to confirm.")
    assert axe_violations(page) == []
    page.get_by_label("Your password").fill(customer["password"])
    page.get_by_label("I understand that my account and my personal data will be deleted").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account and your personal data are deleted")).to_be_visible()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(live_server + "/account/privacy")
    expect(page).to_have_url(live_server + "/account/login?next=%2Faccount%2Fprivacy")
