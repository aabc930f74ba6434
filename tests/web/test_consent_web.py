"""Marketing consent through the pages: an unticked box in the account settings and at checkout
(double opt-in: each asks, and the emailed link confirms), and the unsubscribe link every marketing email will carry, a page with one button for people
and a one-click POST (RFC 8058) for mail programs, neither needing a sign-in."""
import re
from email import message_from_bytes
from urllib.parse import urlsplit

import pytest

from blueprints.mail import list_unsubscribe_headers
from domain import consent, mailer
from domain.extensions import db
from domain.models import Consent, OutboxMessage, User
from tests.checkout_helpers import add_to_cart, checkout_form
from tests.newsletter_helpers import confirm, confirmation_emails
from tests.order_helpers import NOW
from tests.page_helpers import csrf_of, text

MARKETING_BOX = re.compile(r'<input[^>]*name="(?:marketing-)?marketing"[^>]*>')


def consenting(app, who):
    with app.app_context():
        if isinstance(who, int):
            who = db.session.get(User, who)
        return consent.may_market(who)


def records(app):
    with app.app_context():
        return [(c.user_id, c.email, c.source, c.withdrawn_source)
                for c in db.session.scalars(db.select(Consent).order_by(Consent.id))]


def test_the_settings_box_gives_and_withdraws_consent(app, client, customer):
    html = client.get("/account/settings").get_data(as_text=True)
    (box,) = MARKETING_BOX.findall(html)
    assert "checked" not in box and consent.wording() in html
    response = client.post("/account/settings/marketing", data={
        "marketing-csrf_token": csrf_of(html), "marketing-marketing": "y"})
    assert response.status_code == 303 and not consenting(app, customer["id"])
    page = text(client.get("/account/settings"))
    assert "We sent you an email to confirm your subscription" in page
    assert "checked" not in MARKETING_BOX.findall(page)[0]
    assert [to for to, _data in confirmation_emails(app)] == [customer["email"]]
    assert "Done: you will get our news" in text(confirm(app, client, customer["email"]))
    assert consenting(app, customer["id"])
    page = text(client.get("/account/settings"))
    assert "You agreed on" in page and "checked" in MARKETING_BOX.findall(page)[0]
    response = client.post("/account/settings/marketing", data={"marketing-csrf_token":
                                                                  csrf_of(html)})
    assert response.status_code == 303 and not consenting(app, customer["id"])
    assert records(app) == [(customer["id"], None, "account", "account")]


def test_the_settings_box_needs_the_forms_token(app, client, customer):
    response = client.post("/account/settings/marketing", data={"marketing-marketing": "y"})
    assert response.status_code == 400 and not consenting(app, customer["id"])


def test_the_checkout_box_is_never_ticked_and_only_a_tick_gives_consent(app, client,
                                                                          checkout_shop):
    add_to_cart(client, checkout_shop["small"])
    data = checkout_form(client, checkout_shop)
    html = client.get("/checkout").get_data(as_text=True)
    (box,) = MARKETING_BOX.findall(html)
    assert "checked" not in box and "marketing" not in data
    assert client.post("/checkout", data=data).status_code == 303
    assert records(app) == [] and not consenting(app, "minji@example.com")
    add_to_cart(client, checkout_shop["small"])
    response = client.post("/checkout", data=checkout_form(client, checkout_shop,
                                                           marketing="y"))
    assert response.status_code == 303
    assert "We sent you an email to confirm your subscription" in text(
        client.get(response.headers["Location"]))
    assert records(app) == [(None, "minji@example.com", "checkout", "")]
    assert not consenting(app, "minji@example.com")  # asked, not yet confirmed
    confirm(app, client, "minji@example.com")
    assert consenting(app, "minji@example.com")


def unsubscribe_path(app, email):
    with app.test_request_context(base_url=app.config["SHOP_URL"]):
        return urlsplit(list_unsubscribe_headers(email)["List-Unsubscribe"][1:-1]).path


@pytest.fixture
def subscribed(app, make):
    user = make.user(email="minji@example.com")
    with app.app_context():
        consent.grant(NOW, "account", "en", user=db.session.get(User, user["id"]))
        db.session.commit()
    return user


def test_the_link_asks_before_it_unsubscribes_and_needs_no_sign_in(app, client, subscribed):
    path = unsubscribe_path(app, "minji@example.com")
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop our news and offers to minji@example.com?" in text(page)
    assert consenting(app, "minji@example.com")  # opening the link changes nothing
    assert client.post(path, data={}).status_code == 400
    assert consenting(app, "minji@example.com")
    response = client.post(path, data={"csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.status_code == 303 and not consenting(app, "minji@example.com")
    assert "will get no more marketing email" in text(client.get(response.headers["Location"]))
    assert records(app)[0][3] == "unsubscribe_link"


def test_a_mail_programs_one_click_post_unsubscribes(app, subscribed):
    """The headers of a marketing email lead to the link; the mail program's POST, with no
    cookie and no form token, unsubscribes."""
    message = OutboxMessage(id=7, kind="newsletter", to_address="minji@example.com", locale="en",
                            created_at=NOW)
    with app.test_request_context(base_url=app.config["SHOP_URL"]):
        email = mailer.compose(message, "Moonjar <hello@moonjar.example>", "News", "Hello",
                               "<p>Hello</p>", headers=list_unsubscribe_headers(message.to_address))
    parsed = message_from_bytes(email.as_bytes())
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = parsed["List-Unsubscribe"].strip("<>")
    assert url.startswith(app.config["SHOP_URL"] + "/privacy/unsubscribe/")
    mail_program = app.test_client()
    path = urlsplit(url).path
    assert mail_program.post(path, data={"List-Unsubscribe": "Other"}).status_code == 400
    assert consenting(app, "minji@example.com")
    response = mail_program.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and not consenting(app, "minji@example.com")
    assert records(app)[0][3] == "one_click"


def test_an_altered_link_is_refused_with_a_message(app, client, subscribed):
    path = unsubscribe_path(app, "minji@example.com")[:-3] + "abc"
    for response in (client.get(path), client.post(path, data={"List-Unsubscribe": "One-Click"})):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid." in text(response)
    assert consenting(app, "minji@example.com")
