"""Ending sessions: a session cookie copied before signing out (or before a password reset, an
email change, "Sign out everywhere") no longer opens the account or the back office."""
from urllib.parse import urlsplit

from domain.extensions import db
from domain.models import OutboxMessage
from tests.page_helpers import csrf_token, sign_in, text


def copy_of(app, client):
    """A second browser holding the same session cookie, as someone who copied it would."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie to copy"
    other.set_cookie("session", cookie.value)
    return other


def signed_in_browser(app, user):
    """Another browser where the same account signed in through the sign-in form."""
    other = app.test_client()
    assert sign_in(other, user["email"], user["password"]).status_code == 303
    return other


def sent_to_sign_in(response):
    return response.status_code in (302, 303) and urlsplit(response.headers["Location"]).path \
        == "/account/login"


def sign_out(client):
    response = client.post("/account/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert response.status_code == 303


def test_a_cookie_copied_before_signing_out_no_longer_opens_the_account(app, client, make,
                                                                        login):
    """Signing out ends the session itself, not only this browser's copy of it."""
    login(make.user())
    copied = copy_of(app, client)
    assert copied.get("/account/").status_code == 200
    sign_out(client)
    assert sent_to_sign_in(copied.get("/account/"))
    assert sent_to_sign_in(client.get("/account/"))


def test_a_merchants_copied_cookie_no_longer_opens_the_back_office(app, client, merchant):
    """The same for a merchant: the copied cookie is sent to sign in from /admin/orders."""
    copied = copy_of(app, client)
    assert copied.get("/admin/orders").status_code == 200
    sign_out(client)
    assert sent_to_sign_in(copied.get("/admin/orders"))


def test_signing_in_again_after_signing_out_works(app, client, make, login):
    """A new sign-in gets a session that works, with the old cookie still refused."""
    user = make.user()
    login(user)
    copied = copy_of(app, client)
    sign_out(client)
    login(user)
    assert client.get("/account/").status_code == 200
    assert sent_to_sign_in(copied.get("/account/"))


def test_a_password_reset_ends_the_other_sessions(app, client, make, login):
    """Whoever resets the password is signed in; every session from before is not."""
    user = make.user(password="the old password")
    login(user)
    resetting = app.test_client()
    resetting.post("/account/reset", data={"csrf_token": csrf_token(resetting, "/account/reset"),
                                           "email": user["email"]})
    with app.app_context():
        [message] = db.session.scalars(db.select(OutboxMessage)).all()
        path = urlsplit(message.data["url"]).path
    done = resetting.post(path, data={"csrf_token": csrf_token(resetting, path),
                                      "password": "a brand new password"})
    assert done.status_code == 303
    assert resetting.get("/account/").status_code == 200
    assert sent_to_sign_in(client.get("/account/"))


def _change_email(app, client, make, login, password):
    """Min, signed in here and in another browser, asks to change her email with `password`;
    (the answer, the other browser)."""
    user = make.user("min@example.com", password="my current password")
    login(user)
    elsewhere = signed_in_browser(app, user)
    return client.post("/account/settings/email", data={
        "csrf_token": csrf_token(client, "/account/settings"),
        "email-email": "min.new@example.com", "email-current_password": password}), elsewhere


def test_an_email_change_ends_the_other_sessions(app, client, make, login):
    """Changing the sign-in email keeps this browser signed in and signs the others out."""
    response, elsewhere = _change_email(app, client, make, login, "my current password")
    assert response.status_code == 303
    assert "Signed in as min.new@example.com." in text(client.get("/account/"))
    assert sent_to_sign_in(elsewhere.get("/account/"))


def test_a_refused_email_change_ends_nothing(app, client, make, login):
    """A wrong password changes nothing, so every session stays signed in."""
    response, elsewhere = _change_email(app, client, make, login, "not my password")
    assert response.status_code == 422
    assert elsewhere.get("/account/").status_code == 200
    assert client.get("/account/").status_code == 200


def test_sign_out_everywhere_ends_every_session(app, client, make, login):
    """The account page's button signs out this browser and every other one, and needs the
    form's CSRF token."""
    user = make.user()
    login(user)
    elsewhere = signed_in_browser(app, user)
    copied = copy_of(app, client)
    page = text(client.get("/account/"))
    assert 'action="/account/sign-out-everywhere"' in page
    assert client.post("/account/sign-out-everywhere").status_code == 400
    assert elsewhere.get("/account/").status_code == 200

    response = client.post("/account/sign-out-everywhere",
                           data={"csrf_token": csrf_token(client, "/account/")})
    assert response.status_code == 303
    assert "You are signed out on every device." in text(client.get(response.headers["Location"]))
    for browser in (client, elsewhere, copied):
        assert sent_to_sign_in(browser.get("/account/"))


def change_password(client, current, new):
    return client.post("/account/settings/password", data={
        "csrf_token": csrf_token(client, "/account/settings"),
        "password-current_password": current, "password-new_password": new})


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, make, login):
    """The new password works, the old one does not, and only this browser stays signed in."""
    user = make.user()
    login(user)
    copied, elsewhere = copy_of(app, client), signed_in_browser(app, user)
    response = change_password(client, user["password"], "a much better passphrase")
    assert response.status_code == 303
    assert "Every other device was signed out" in text(client.get("/account/settings"))
    assert sent_to_sign_in(copied.get("/account/"))
    assert sent_to_sign_in(elsewhere.get("/account/"))
    assert sign_in(app.test_client(), user["email"], user["password"]).status_code == 422
    assert sign_in(app.test_client(), user["email"], "a much better passphrase").status_code == 303


def test_a_refused_password_change_says_why_and_changes_nothing(app, client, make, login):
    user = make.user()
    login(user)
    copied = copy_of(app, client)
    wrong = change_password(client, "not my password", "a much better passphrase")
    assert wrong.status_code == 422 and "That is not your current password." in text(wrong)
    short = change_password(client, user["password"], "short")
    assert short.status_code == 422 and "at least 10 characters" in text(short)
    assert copied.get("/account/").status_code == 200
    assert sign_in(app.test_client(), user["email"], user["password"]).status_code == 303
