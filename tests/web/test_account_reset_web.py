"""Password reset through the browser: ask, follow the emailed link, choose a new password."""
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from domain.extensions import db
from domain.models import OutboxMessage
from tests.page_helpers import csrf_token, sign_in, text

SAME_ANSWER = "If an account exists for that email, we sent a link."


def ask(client, email):
    return client.post("/account/reset", data={
        "csrf_token": csrf_token(client, "/account/reset"), "email": email})


def outbox(app):
    with app.app_context():
        return [(m.kind, m.to_address, dict(m.data))
                for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]


def set_password(client, path, password):
    return client.post(path, data={"csrf_token": csrf_token(client, path), "password": password})


def test_the_whole_reset_flow(app, client, make):
    """Ask, get a link by email, set a new password; the old one fails, the new one works,
    and the same link is refused the second time."""
    user = make.user("min@example.com", password="the old password")
    client.get("/account/login")
    assert 'href="/account/reset"' in text(client.get("/account/login"))
    response = ask(client, "Min@Example.com")
    assert response.status_code == 303
    assert SAME_ANSWER in text(client.get(response.headers["Location"]))

    [(kind, to, data)] = outbox(app)
    assert (kind, to, data["expires_minutes"]) == ("password_reset", user["email"], 60)
    link = urlsplit(data["url"])
    assert link.scheme in ("http", "https") and link.netloc
    assert re.fullmatch(r"/account/reset/[\w.-]+", link.path)

    form = client.get(link.path)
    assert form.status_code == 200
    assert 'autocomplete="new-password"' in text(form)
    too_short = set_password(client, link.path, "short")
    assert too_short.status_code == 422 and "at least 10 characters" in text(too_short)

    done = set_password(client, link.path, "a brand new password")
    assert done.status_code == 303 and done.headers["Location"] == "/account/"
    assert "Your password is changed, and you are signed in." in text(client.get("/account/"))

    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert sign_in(client, user["email"], "the old password").status_code == 422
    assert sign_in(client, user["email"], "a brand new password").status_code == 303

    again = client.get(link.path)
    assert again.status_code == 400
    assert "already been used" in text(again) and 'href="/account/reset"' in text(again)
    reused = set_password(client, link.path, "a third new password")
    assert reused.status_code == 400
    assert sign_in(client, user["email"], "a third new password").status_code == 422


def test_an_expired_link_is_refused(app, client, make):
    """An hour and a minute later the link says it expired and offers a new one."""
    user = make.user(password="the old password")
    sent_at = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
    app.config["CLOCK"] = lambda: sent_at
    ask(client, user["email"])
    path = urlsplit(outbox(app)[0][2]["url"]).path
    app.config["CLOCK"] = lambda: sent_at + timedelta(minutes=59)
    assert client.get(path).status_code == 200
    app.config["CLOCK"] = lambda: sent_at + timedelta(minutes=61)
    response = client.get(path)
    assert response.status_code == 400
    assert "expired" in text(response) and 'href="/account/reset"' in text(response)
    assert set_password(client, path, "a brand new password").status_code == 400
    assert sign_in(client, user["email"], "the old password").status_code == 303


def test_a_forged_link_is_refused(client):
    """A made-up token gets the 'not valid' page, not an error."""
    response = client.get("/account/reset/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in text(response)


def test_an_unknown_email_gets_the_same_answer_and_no_mail(app, client, make):
    """Nobody can learn which emails have accounts from the reset form."""
    make.user("min@example.com")
    known = ask(client, "min@example.com")
    unknown = ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["Location"] == unknown.headers["Location"]
    assert [to for _, to, _ in outbox(app)] == ["min@example.com"]


def test_shop_url_fixes_the_links_host(app, client, make):
    """With SHOP_URL set, a forged Host header cannot point the emailed link elsewhere."""
    app.config["SHOP_URL"] = "https://shop.example"
    # The browser's cookies belong to the real host, so CSRF cannot pass for the forged one.
    app.config["WTF_CSRF_ENABLED"] = False
    user = make.user()
    response = client.post("/account/reset", headers={"Host": "evil.example"},
                           data={"email": user["email"]})
    assert response.status_code == 303
    assert outbox(app)[0][2]["url"].startswith("https://shop.example/account/reset/")


def test_a_malformed_email_is_shown_as_an_error(app, client):
    """Something that is not an email address gets a field error and no mail."""
    response = ask(client, "not an email")
    assert response.status_code == 422
    assert 'role="alert"' in text(response)
    assert outbox(app) == []


def test_requests_are_limited_per_address(client, make):
    """Five requests an hour from one place; the sixth gets 429."""
    user = make.user()
    for n in range(5):
        assert ask(client, f"someone{n}@example.com").status_code == 303
    assert ask(client, user["email"]).status_code == 429


def test_requests_are_limited_per_email(app, client, make):
    """Five requests an hour for one email, even from different places."""
    user = make.user()
    for n in range(5):
        response = client.post("/account/reset", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
                               data={"csrf_token": csrf_token(client, "/account/reset"),
                                     "email": user["email"]})
        assert response.status_code == 303
    response = client.post("/account/reset", environ_base={"REMOTE_ADDR": "10.0.0.99"},
                           data={"csrf_token": csrf_token(client, "/account/reset"),
                                 "email": user["email"].upper()})
    assert response.status_code == 429
    assert len(outbox(app)) == 5


def test_reset_posts_need_csrf(app, client, make):
    """A forged request sends no mail; a forged new password changes nothing."""
    user = make.user(password="the old password")
    assert client.post("/account/reset", data={"email": user["email"]}).status_code == 400
    assert outbox(app) == []
    ask(client, user["email"])
    path = urlsplit(outbox(app)[0][2]["url"]).path
    assert client.post(path, data={"password": "a brand new password"}).status_code == 400
    assert sign_in(client, user["email"], "the old password").status_code == 303
