"""The privacy pages: a customer downloads their own data (and only theirs) and deletes their
account after typing their password; a guest does both through a link emailed to the address
they ordered with; the back office sees the erasure log."""
import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext

import worker
from blueprints.mail import renderer
from domain import mailer, privacy
from domain.extensions import db
from domain.models import ErasureLog, Order, OutboxMessage, User
from tests.order_helpers import NOW, delivered_order, place
from tests.page_helpers import csrf_of, sign_in, text
from tests.privacy_helpers import (JISOO, MINJI, customer_with_everything, identifying,
                                   text_hits)


@pytest.fixture
def minji(app, make, setup):
    return customer_with_everything(app, make, setup, MINJI)


@pytest.fixture
def jisoo(app, make, setup):
    return customer_with_everything(app, make, setup, JISOO)


def download(client, path="/account/privacy/download"):
    response = client.get(path)
    assert response.status_code == 200, text(response)[:300]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


def delete_form(client, **values):
    html = client.get("/account/privacy").get_data(as_text=True)
    return client.post("/account/privacy/delete", data={"csrf_token": csrf_of(html), **values})


def test_the_privacy_page_offers_the_download_and_the_deletion(client, login, minji):
    login(minji)
    page = text(client.get("/account/privacy"))
    assert "Download my data (JSON)" in page and 'href="/account/privacy/download"' in page
    assert "Delete my account" in page and 'autocomplete="current-password"' in page
    assert "Your store credit of" in page and "will be lost" in page


def test_a_customer_downloads_their_own_data_and_nobody_elses(app, client, login, minji, jisoo):
    assert client.get("/account/privacy/download").status_code in (302, 303)
    login(minji)
    mine = download(client)
    assert [o["number"] for o in mine["orders"]] == [minji["order"]]
    assert mine["profile"]["email"] == MINJI["email"]
    assert not any(n.lower() in json.dumps(mine).lower() for n in identifying(JISOO))
    other = app.test_client()
    assert sign_in(other, jisoo["email"], jisoo["password"]).status_code == 303
    theirs = download(other)
    assert [o["number"] for o in theirs["orders"]] == [jisoo["order"]]
    assert not any(n.lower() in json.dumps(theirs).lower() for n in identifying(MINJI))


@pytest.mark.parametrize("values, message", [
    ({"password": "not my password", "confirm": "y"}, "That is not your current password."),
    ({"password": "correct horse battery"}, "Please tick the box to confirm."),
])
def test_deleting_needs_the_password_and_the_tick(app, client, login, minji, values, message):
    login(minji)
    response = delete_form(client, **values)
    assert response.status_code == 422 and message in text(response)
    with app.app_context():
        assert db.session.get(User, minji["id"]).email == MINJI["email"]
        assert db.session.scalar(db.select(db.func.count(ErasureLog.id))) == 0
    assert client.get("/account/").status_code == 200


def test_deleting_erases_the_account_and_signs_it_out_everywhere(app, client, login, minji):
    login(minji)
    elsewhere = app.test_client()
    assert sign_in(elsewhere, minji["email"], minji["password"]).status_code == 303
    response = delete_form(client, password=minji["password"], confirm="y")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    home = text(client.get("/"))
    with app.app_context():
        reference = db.session.scalar(db.select(ErasureLog.reference))
        assert text_hits(identifying(MINJI)) == set()
    assert f"Your account and your personal data are deleted" in home and reference in home
    for browser in (client, elsewhere):
        assert browser.get("/account/").status_code in (302, 303)
    assert sign_in(app.test_client(), minji["email"], minji["password"]).status_code == 422


def test_an_order_on_its_way_holds_the_deletion_back(app, client, make, login, setup):
    user = make.user(email=MINJI["email"])
    placed = place(app, setup, email=MINJI["email"], user_id=user["id"])
    login(user)
    page = text(client.get("/account/privacy"))
    assert f"Order {placed['number']} is still open (Order placed)" in page
    assert 'id="delete-form"' not in page
    html = client.get("/account/settings").get_data(as_text=True)
    response = client.post("/account/privacy/delete", data={
        "csrf_token": csrf_of(html), "password": user["password"], "confirm": "y"})
    assert response.status_code == 422 and placed["number"] in text(response)
    with app.app_context():
        assert db.session.get(User, user["id"]).erased_at is None


# Guests ----------------------------------------------------------------------------------

def ask_for_link(client, email, action):
    html = client.get("/privacy/request").get_data(as_text=True)
    response = client.post("/privacy/request", data={"csrf_token": csrf_of(html),
                                                     "email": email, "action": action})
    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy/request/sent"


def emailed_link(app, email):
    with app.app_context():
        messages = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.kind == "privacy_request", OutboxMessage.to_address == email)).all()
        return [urlsplit(m.data["url"]).path for m in messages]


def test_a_guest_gets_a_link_by_email_only_for_an_address_with_orders(app, client, setup):
    delivered_order(app, setup, email="guest@example.com", token="guest-order")
    ask_for_link(client, "Guest@Example.com", "export")
    ask_for_link(client, "nobody@example.com", "export")
    assert len(emailed_link(app, "guest@example.com")) == 1
    assert emailed_link(app, "nobody@example.com") == []
    assert "If we hold data for that email, we sent a link to it." in text(
        client.get("/privacy/request/sent"))


def test_the_emailed_link_downloads_that_guests_data_only(app, client, setup):
    mine = delivered_order(app, setup, email="guest@example.com", token="guest-order")["number"]
    other = delivered_order(app, setup, email="other@example.com", token="other-order")["number"]
    ask_for_link(client, "guest@example.com", "export")
    (path,) = emailed_link(app, "guest@example.com")
    page = text(client.get(path))
    assert "guest@example.com" in page and "Download my data (JSON)" in page
    data = download(client, path + "/download")
    assert [o["number"] for o in data["orders"]] == [mine]
    assert other not in json.dumps(data) and data["profile"] is None


def test_a_wrong_or_expired_link_says_so_and_gives_nothing(app, client, setup):
    delivered_order(app, setup, email="guest@example.com", token="guest-order")
    secret = app.config["SECRET_KEY"]
    expired = privacy.link_token("guest@example.com", "export", secret,
                                 now=NOW - timedelta(hours=25))
    forged = privacy.link_token("guest@example.com", "export", "not the shop's secret", now=NOW)
    for token, message in ((expired, "This link has expired: links work for 24 hours."),
                           (forged, "This link is not valid. Please ask for a new one.")):
        for path in (f"/privacy/link/{token}", f"/privacy/link/{token}/download"):
            response = client.get(path)
            assert response.status_code == 400 and message in text(response)
            assert "guest@example.com" not in text(response)


def test_the_erase_link_erases_the_guests_data_once_confirmed(app, client, setup):
    number = delivered_order(app, setup, email="guest@example.com", token="guest-order")["number"]
    other = delivered_order(app, setup, email="other@example.com", token="other-order")["number"]
    ask_for_link(client, "guest@example.com", "erase")
    (path,) = emailed_link(app, "guest@example.com")
    html = client.get(path).get_data(as_text=True)
    assert "Delete my data" in html
    response = client.post(path, data={"csrf_token": csrf_of(html)})
    assert response.status_code == 422 and "Please tick the box to confirm." in text(response)
    with app.app_context():
        assert text_hits(["guest@example.com"])
    response = client.post(path, data={"csrf_token": csrf_of(html), "confirm": "y"})
    assert response.status_code == 303
    assert "Your personal data is deleted" in text(client.get("/"))
    with app.app_context():
        assert text_hits(["guest@example.com"]) == set()
        orders = {o.number: o for o in db.session.scalars(db.select(Order))}
        assert orders[number].erasure_ref and orders[number].total == orders[other].total
        assert orders[other].email == "other@example.com"
        assert db.session.scalar(db.select(ErasureLog.requested_by)) == "email_link"


def test_a_download_link_cannot_erase(app, client, setup):
    delivered_order(app, setup, email="guest@example.com", token="guest-order")
    ask_for_link(client, "guest@example.com", "export")
    (path,) = emailed_link(app, "guest@example.com")
    html = client.get(path).get_data(as_text=True)
    client.post(path, data={"csrf_token": csrf_of(html), "confirm": "y"})
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ErasureLog.id))) == 0
        assert db.session.scalar(db.select(Order.email)) == "guest@example.com"


# The back office ------------------------------------------------------------------------

def test_the_back_office_lists_erasures_without_saying_whose(app, client, make, login, minji):
    with app.test_request_context():
        entry = privacy.delete_account(db.session.get(User, minji["id"]), minji["password"], NOW)
        db.session.commit()
        reference = entry.reference
    boss = make.user(email="boss@example.com", merchant=True)
    login(boss)
    page = text(client.get("/admin/privacy"))
    assert reference in page and "The customer, signed in" in page
    assert "Orders 1" in page and "Addresses 1" in page
    assert not any(n.lower() in page.lower() for n in identifying(MINJI))
    assert "전자상거래 등에서의 소비자보호에 관한 법률 시행령 제6조제1항제2호" in page
    order = text(client.get(f"/admin/orders/{minji['order']}"))
    assert f"The buyer's personal data was erased at their request (reference {reference})" in order
    assert "₩78,000" in order and not any(n.lower() in order.lower() for n in identifying(MINJI))


def test_customers_cannot_see_the_erasure_log(client, login, jisoo):
    login(jisoo)
    assert client.get("/admin/privacy").status_code == 403


# Forms ----------------------------------------------------------------------------------

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def test_every_post_needs_the_forms_token_and_changes_nothing_without_it(app, client, login,
                                                                          minji):
    """Every POST route of the shop, the privacy ones with working links: 400 without the
    token. The unsubscribe link's one-click POST is the one form a mail program sends without
    it, and it does nothing unless the body is RFC 8058's."""
    from domain import consent
    secret = app.config["SECRET_KEY"]
    tokens = {"/privacy/link/": privacy.link_token(MINJI["email"], "erase", secret, now=NOW),
              "/privacy/unsubscribe/": consent.unsubscribe_token(MINJI["email"], secret)}
    login(minji)
    paths = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            path = ARGUMENT.sub(lambda m: "1" if m.group(1) != "token" else "{token}", rule.rule)
            paths.append(path.replace("{token}", next(
                (t for prefix, t in tokens.items() if path.startswith(prefix)), "x")))
    assert {"/account/privacy/delete", "/account/settings/marketing",
            "/privacy/request"} <= set(paths)
    refused = {path: client.post(path, data={"List-Unsubscribe": "Unsure", "confirm": "y",
                                             "password": minji["password"]}).status_code
               for path in paths}
    # The import upload checks its token itself, after the merchants-only guard has turned
    # the customer away (its own tests send a merchant without a token: 400).
    assert {path: status for path, status in refused.items()
            if status != 400 and (path, status) != ("/admin/imports", 403)} == {}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ErasureLog.id))) == 0
        assert consent.may_market(MINJI["email"])


def test_the_link_email_says_what_it_is_for_in_the_guests_language(app, client, setup):
    delivered_order(app, setup, email="guest@example.com", token="guest-order")
    client.post("/language", data={"csrf_token": csrf_of(client.get("/").get_data(as_text=True)),
                                   "lang": "ko", "next": "/"})
    ask_for_link(client, "guest@example.com", "erase")
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "privacy_request"))
        assert message.locale == "ko"
        email = renderer(app)(message)
        with force_locale("ko"):
            subject = gettext("Your request about your personal data")
    assert email["To"] == "guest@example.com" and email["Subject"] == subject != \
        "Your request about your personal data"
    body = email.get_body(("plain",)).get_content()
    assert message.data["url"] in body and "24" in body


def test_erasure_removes_the_saved_copies_of_the_customers_emails(app, minji, jisoo, tmp_path):
    """Without a mail server the shop keeps each email as an .eml file: the customer's go
    with their data, once the erasure is committed; others stay."""
    transport = mailer.EmlTransport(app.config["MAIL_FOLDER"])
    app.config["CLOCK"] = lambda: NOW + timedelta(days=3)  # when every email is due
    worker.run_pass(app, transport, renderer(app), lambda line: None)
    with app.app_context():
        mine = {m.id for m in db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.to_address == MINJI["email"]))}
        all_files = mailer.eml_ids(app.config["MAIL_FOLDER"])
        assert mine and mine < all_files
        with app.test_request_context():
            privacy.delete_account(db.session.get(User, minji["id"]), minji["password"], NOW)
            assert mailer.eml_ids(app.config["MAIL_FOLDER"]) == all_files  # not before the commit
            db.session.commit()
    assert mailer.eml_ids(app.config["MAIL_FOLDER"]) == all_files - mine
