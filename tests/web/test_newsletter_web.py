"""The newsletter through the pages: the footer's sign-up form on every page (cached pages
too, with the anonymous form token), the same answer whatever the address, with and without
htmx, limited per visitor and per address; the confirmation link (a page, then its button);
and the back office's newsletter page, the owner's."""
import re

import pytest

from domain import consent
from domain.extensions import db
from domain.models import Consent, ShopSettings
from tests.newsletter_helpers import confirm, confirm_path, confirmation_emails
from tests.page_helpers import csrf_of, text

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
FOOTER_FORM = re.compile(r'<form method="post" action="/newsletter/subscribe".*?</form>', re.S)


@pytest.fixture
def shop(make):
    make.settings(name="Moonjar Studio", email="hello@moonjar.example")
    make.product("Moon jar", variants=[{"sku": "MJ-1", "price": 39000, "stock": 5}])


def footer_token(client, path="/"):
    html = client.get(path).get_data(as_text=True)
    (form,) = FOOTER_FORM.findall(html)
    return csrf_of(form)


def sign_up(client, email, token, headers=SAME_ORIGIN, **kwargs):
    return client.post("/newsletter/subscribe",
                       data={"csrf_token": token, "newsletter_email": email},
                       headers=headers, **kwargs)


def subscribed(app, email):
    with app.app_context():
        return consent.may_market(email)


def test_a_visitor_signs_up_in_the_footer_of_a_cached_page_and_confirms(app, client, shop):
    for path in ("/", "/products/moon-jar", "/help"):
        assert FOOTER_FORM.search(client.get(path).get_data(as_text=True)), path
    visitor = app.test_client()  # no cookie: the stored page with the anonymous token
    token = footer_token(visitor, "/products/moon-jar")
    assert token.startswith("anon.")
    response = sign_up(visitor, "minji@example.com", token)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/newsletter/sent")
    assert "Please check your inbox" in text(visitor.get("/newsletter/sent"))
    assert [to for to, _data in confirmation_emails(app)] == ["minji@example.com"]
    assert not subscribed(app, "minji@example.com")
    assert "Done: you will get our news" in text(confirm(app, app.test_client(),
                                                         "minji@example.com"))
    assert subscribed(app, "minji@example.com")


def test_the_answer_never_says_whether_an_address_is_subscribed(app, client, shop):
    with app.app_context():
        consent.grant(consent_time(), "account", "en", email="known@example.com")
        db.session.commit()
    answers = []
    for email in ("known@example.com", "new@example.com"):
        response = sign_up(client, email, footer_token(client),
                           headers={**SAME_ORIGIN, "HX-Request": "true"})
        assert response.status_code == 200
        answers.append(text(response).replace(email, "ADDRESS"))
    assert answers[0] == answers[1] and "Please check your inbox" in answers[0]
    assert 'id="newsletter-signup"' in answers[0] and "<html" not in answers[0]
    # Only the address's owner learns it, by email.
    assert confirmation_emails(app) == [
        ("known@example.com", {"consent_id": 1, "already": True}),
        ("new@example.com", {"consent_id": 2, "already": False})]


def consent_time():
    from datetime import datetime, timezone
    return datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_a_wrong_address_is_shown_with_a_message_and_nothing_is_kept(app, client, shop):
    for headers in (SAME_ORIGIN, {**SAME_ORIGIN, "HX-Request": "true"}):
        response = sign_up(client, "minji at example", footer_token(client), headers=headers)
        assert response.status_code == 422
        assert "Please enter a valid email address." in text(response)
    assert confirmation_emails(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Consent.id))) == 0


def test_a_cross_site_form_is_refused(app, shop):
    visitor = app.test_client()
    token = footer_token(visitor)
    response = sign_up(visitor, "minji@example.com", token,
                       headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 400 and confirmation_emails(app) == []


def test_sign_ups_are_limited_per_address_and_per_visitor(app, client, shop):
    token = footer_token(client)
    for n in range(3):
        assert sign_up(client, "MINJI@example.com", token,
                       environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code == 303
    refused = sign_up(client, "minji@example.com", token,
                      environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert refused.status_code == 429
    # One email however often it is asked for within the minutes.
    assert len(confirmation_emails(app, "minji@example.com")) == 1
    for n in range(10):  # ten an hour from one place, whatever the addresses
        assert sign_up(client, f"person{n}@example.com", token).status_code == 303
    assert sign_up(client, "one-more@example.com", token).status_code == 429
    assert confirmation_emails(app, "one-more@example.com") == []


def test_the_confirmation_link_asks_first_and_a_bad_one_is_explained(app, client, shop):
    sign_up(client, "minji@example.com", footer_token(client))
    path = confirm_path(app, "minji@example.com")
    page = client.get(path)
    assert page.status_code == 200 and "Yes, subscribe me" in text(page)
    assert consent.wording() in text(page)
    assert not subscribed(app, "minji@example.com")  # opening the link changes nothing
    assert client.post(path, data={}).status_code == 400  # no form token
    assert not subscribed(app, "minji@example.com")
    altered = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    for response in (client.get(altered), client.post(altered, data={
            "csrf_token": csrf_of(page.get_data(as_text=True))})):
        assert response.status_code == 400
        assert "This confirmation link is not valid." in text(response)
    assert not subscribed(app, "minji@example.com")
    # A week and a day later the link has expired.
    from datetime import datetime, timedelta, timezone
    app.config["CLOCK"] = lambda: datetime.now(timezone.utc) + timedelta(days=8)
    expired = client.get(path)
    assert expired.status_code == 400 and "has expired" in text(expired)
    app.config.pop("CLOCK")
    assert "Done" in text(confirm(app, client, "minji@example.com"))


def test_the_newsletter_page_shows_subscribers_and_keeps_the_settings(app, client, post, shop,
                                                                      merchant):
    with app.app_context():
        consent.grant(consent_time(), "newsletter_form", "ko", email="+minji@example.com")
        db.session.commit()
    page = text(client.get("/admin/newsletter"))
    assert "1 subscriber" in page and "+minji@example.com" in page and "Sign-up form" in page
    assert "한국어" in page and "2026-12" in page
    csv = client.get("/admin/newsletter/subscribers.csv")
    assert csv.headers["Cache-Control"] == "no-store"
    assert "'+minji@example.com" in csv.get_data(as_text=True)
    refused = post("/admin/newsletter/settings", {"campaign_rate": "0"},
                   token_from="/admin/newsletter")
    assert refused.status_code == 422
    assert "Enter a whole number of emails a second, from 1 to 1000." in text(refused)
    saved = post("/admin/newsletter/settings", {"campaign_rate": "25"},
                 token_from="/admin/newsletter")
    assert saved.status_code == 303
    with app.app_context():
        row = db.session.get(ShopSettings, 1)
        assert (row.quiet_hours, row.campaign_rate) == (False, 25)


def test_the_footer_form_and_its_answer_speak_korean(app, client, shop):
    korean = {"Accept-Language": "ko-KR,ko;q=0.9"}
    page = text(client.get("/", headers=korean))
    assert "뉴스레터" in page and "구독하기" in page
    response = sign_up(client, "minji@example.com", footer_token(client),
                       headers={**SAME_ORIGIN, **korean, "HX-Request": "true"})
    assert "받은편지함을 확인해 주세요" in text(response)
    with app.app_context():
        from domain.models import OutboxMessage
        message = db.session.scalar(db.select(OutboxMessage))
        assert message.locale == "ko"
    from tests.newsletter_helpers import rendered
    subject, body, _html = rendered(app, message.id)
    assert subject == "Moonjar Studio 구독을 확인해 주세요" and "/newsletter/confirm/" in body
