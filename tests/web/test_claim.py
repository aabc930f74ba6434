"""A guest's account in one click: the first order's confirmation page and email carry a signed
link; it asks only for a password, makes the account with the order's email and attaches that
email's guest orders (and no one else's). A changed, expired or used link is refused."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from blueprints import mail
from domain.extensions import db
from domain.loyalty import claim
from domain.models import Order, OutboxMessage, User
from tests.order_helpers import NOW, place, shop_with_a_product
from tests.page_helpers import text
from tests.smtp_helpers import text_and_html

GUEST = "Min.Ji@Example.com"


@pytest.fixture
def shop(app, make):
    app.config["CLOCK"] = lambda: NOW
    return shop_with_a_product(make)


def claim_path(client, placed):
    page = client.get(f"/orders/{placed['number']}?t={placed['token']}&placed=1")
    assert page.status_code == 200
    found = re.search(r'href="(/account/claim/[^"]+)"', page.get_data(as_text=True))
    return found.group(1) if found else None


def owners(app):
    with app.app_context():
        return {o.id: o.user_id for o in db.session.scalars(db.select(Order))}


def test_the_first_guest_order_invites_to_an_account_in_the_page_and_the_email(app, client, shop):
    first = place(app, shop, email=GUEST)
    path = claim_path(client, first)
    assert path is not None
    assert "Create my account" in text(client.get(f"/orders/{first['number']}?t={first['token']}"
                                                  "&placed=1"))
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "order_placed"))
        plain, html = text_and_html(mail.renderer(app)(message))
    linked = re.search(r"(https?://\S+/account/claim/\S+)", plain).group(1)
    assert urlsplit(linked).path.startswith("/account/claim/") and "Create my account" in html
    # A second guest order of the same email does not invite again.
    second = place(app, shop, email="MIN.JI@example.com", now=NOW + timedelta(hours=1))
    assert claim_path(client, second) is None


def test_claiming_makes_the_account_attaches_only_that_emails_guest_orders_and_signs_in(
        app, client, post, shop):
    first = place(app, shop, email=GUEST)
    same = place(app, shop, email="MIN.JI@example.com", now=NOW + timedelta(hours=1))
    # Without the dot it is another mailbox: not theirs to claim.
    undotted = place(app, shop, email="minji@example.com", now=NOW + timedelta(hours=2))
    other = place(app, shop, email="someone.else@example.com", now=NOW + timedelta(hours=2))
    path = claim_path(client, first)
    page = text(client.get(path))
    assert "min.ji@example.com" in page and "2 orders" in page
    response = post(path, {"password": "short"}, token_from=path)
    assert response.status_code == 422 and "at least 10 characters" in text(response)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "min.ji@example.com")) is None
    response = post(path, {"password": "a long enough password"}, token_from=path)
    assert response.status_code == 303 and response.location.endswith("/account/")
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "min.ji@example.com"))
    assert owners(app) == {first["id"]: user.id, same["id"]: user.id, undotted["id"]: None,
                           other["id"]: None}
    overview = text(client.get("/account/"))
    assert first["number"] in overview  # signed in, the claimed orders in the history
    # The link is spent: the account exists now.
    client.post("/account/logout", data={})
    again = client.get(path)
    assert again.status_code == 409 and "already exists" in text(again)


def test_a_changed_or_expired_link_is_refused_and_makes_nothing(app, client, post, shop):
    first = place(app, shop, email=GUEST)
    path = claim_path(client, first)
    token = path.rsplit("/", 1)[1]
    changed = f"/account/claim/{token[:-3]}{'AAA' if not token.endswith('AAA') else 'BBB'}"
    assert client.get(changed).status_code == 400
    with app.app_context():
        order = db.session.get(Order, first["id"])
        old = claim.token(order, app.config["SECRET_KEY"], NOW - timedelta(days=7, seconds=1))
        fresh = claim.token(order, app.config["SECRET_KEY"], NOW - timedelta(days=6, hours=23))
    expired = client.get(f"/account/claim/{old}")
    assert expired.status_code == 400 and "expired" in text(expired)
    response = post(f"/account/claim/{old}", {"password": "a long enough password"},
                    token_from="/")
    assert response.status_code == 400
    assert client.get(f"/account/claim/{fresh}").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_no_invitation_when_the_email_already_has_an_account(app, client, make, shop):
    make.user(email="min.ji@example.com")
    first = place(app, shop, email=GUEST)
    assert claim_path(client, first) is None
