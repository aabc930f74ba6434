"""The abandoned checkout reminder: once, only with consent, never after an order, an
advertisement's subject in Korean, the one-click unsubscribe headers, and a signed link that
restores the cart."""
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest

import worker
from blueprints.mail import renderer
from domain import consent, mailer
from domain.extensions import db
from domain.models import CheckoutRecord, Consent, OutboxMessage
from tests.checkout_helpers import add_to_cart, checkout_form
from tests.concurrency_helpers import race
from tests.newsletter_helpers import confirm
from tests.order_helpers import NOW
from tests.page_helpers import csrf_of, text

EMAIL = "minji@example.com"


@pytest.fixture
def clock(app):
    moment = {"now": NOW}
    app.config["CLOCK"] = lambda: moment["now"]
    return moment


@pytest.fixture
def with_jar(client, checkout_shop, clock):
    add_to_cart(client, checkout_shop["small"], quantity=2)
    return checkout_shop


def flush(app):
    from blueprints.checkout import heartbeat
    return heartbeat.flush(app)


def leave_checkout(app, client, email=EMAIL, marketing=True, language=None):
    """The shopper types an email (ticking the offers box or not) and leaves."""
    headers = {"Accept-Language": language} if language else {}
    html = text(client.get("/checkout", headers=headers))
    data = {"csrf_token": csrf_of(html), "email": email}
    if marketing:
        data["marketing"] = "y"
    assert client.post("/checkout/heartbeat", data=data, headers=headers).status_code == 204
    assert flush(app) == 1
    if marketing:
        # The ticked box asks (double opt-in): the shopper confirms from the email.
        assert not consenting(app, email)
        confirm(app, app.test_client(), email)


def consenting(app, email):
    with app.app_context():
        return consent.may_market(email)


def run_job(app, tmp_path, echo=None):
    transport = mailer.EmlTransport(str(tmp_path / "sent"))
    return worker.run_jobs(app, transport, renderer(app), echo or (lambda line: None),
                           registry=worker._only(["checkout-reminders"]))


def reminders(app):
    with app.app_context():
        return [(m.to_address, m.locale, m.dedupe_key) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "abandoned_checkout"))]


def rendered(app):
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "abandoned_checkout"))
        return message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)


def body_of(email):
    return next(part.get_content() for part in email.walk()
                if part.get_content_type() == "text/plain")


def test_one_reminder_after_the_hours_with_consent(app, client, with_jar, clock, tmp_path):
    leave_checkout(app, client)
    with app.app_context():
        assert consent.may_market(EMAIL)  # the ticked box, recorded as consent
    clock["now"] += timedelta(hours=9)
    run_job(app, tmp_path)
    assert reminders(app) == []  # left, but not 10 hours ago yet
    clock["now"] += timedelta(hours=1, minutes=1)
    run_job(app, tmp_path)
    [(to, locale, key)] = reminders(app)
    assert (to, locale) == (EMAIL, "en") and key.startswith("abandoned_checkout:")
    clock["now"] += timedelta(hours=2)
    run_job(app, tmp_path)
    assert len(reminders(app)) == 1  # never twice
    email = rendered(app)
    assert email["Subject"].startswith("(Ad) ")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/privacy/unsubscribe/" in email["List-Unsubscribe"]
    body = body_of(email)
    assert "2 × Moon jar (Small)" in body and "₩78,000" in body
    assert "/checkout/restore/" in body and "/privacy/unsubscribe/" in body


def test_two_workers_queue_one_reminder(app, client, with_jar, clock, tmp_path):
    leave_checkout(app, client)
    clock["now"] += timedelta(hours=11)
    race([lambda: run_job(app, tmp_path), lambda: run_job(app, tmp_path)])
    with app.app_context():
        # The second worker's run, as if its claim had lapsed: the checkout is decided.
        from domain import checkout_reminders
        record = db.session.scalar(db.select(CheckoutRecord))
        assert checkout_reminders.remind(record, clock["now"]) == "taken"
        db.session.commit()
    assert len(reminders(app)) == 1


def test_no_reminder_without_consent(app, client, with_jar, clock, tmp_path):
    leave_checkout(app, client, marketing=False)
    clock["now"] += timedelta(hours=11)
    run_job(app, tmp_path)
    assert reminders(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(Consent)) is None
        assert db.session.scalar(db.select(CheckoutRecord.reminder)) == "no_consent"


def test_no_reminder_after_consent_is_withdrawn(app, client, with_jar, clock, tmp_path):
    leave_checkout(app, client)
    with app.app_context():
        consent.withdraw(EMAIL, NOW, "unsubscribe_link")
        db.session.commit()
    clock["now"] += timedelta(hours=11)
    run_job(app, tmp_path)
    assert reminders(app) == []


def test_no_reminder_when_they_ordered_since(app, client, make, with_jar, clock, tmp_path):
    """They left this checkout, then ordered in another browser: no reminder."""
    leave_checkout(app, client)
    other = app.test_client()
    add_to_cart(other, with_jar["cup"])
    clock["now"] += timedelta(hours=1)
    assert other.post("/checkout", data=checkout_form(other, with_jar)).status_code == 303
    clock["now"] += timedelta(hours=11)
    run_job(app, tmp_path)
    assert reminders(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(CheckoutRecord.reminder).where(
            CheckoutRecord.state == "abandoned")) == "ordered"


def test_no_reminder_when_switched_off(app, client, make, with_jar, clock, tmp_path):
    make.settings(reminder_on=False)
    leave_checkout(app, client)
    clock["now"] += timedelta(hours=11)
    run_job(app, tmp_path)
    assert reminders(app) == []


def test_the_korean_subject_starts_with_the_advertising_mark(app, client, with_jar, clock,
                                                              tmp_path):
    leave_checkout(app, client, language="ko")
    clock["now"] += timedelta(hours=11)
    run_job(app, tmp_path)
    [(_to, locale, _key)] = reminders(app)
    assert locale == "ko"
    assert rendered(app)["Subject"].startswith("(광고)")


def test_the_restore_link_brings_the_cart_back_and_counts_the_return(app, client, with_jar,
                                                                      clock, tmp_path):
    leave_checkout(app, client)
    clock["now"] += timedelta(hours=11)
    run_job(app, tmp_path)
    link = next(word for word in body_of(rendered(app)).split() if "/checkout/restore/" in word)
    path = urlsplit(link).path
    # Another browser (the phone the email was read on): an empty cart until the link.
    phone = app.test_client()
    assert "2 × Moon jar" not in text(phone.get("/checkout", follow_redirects=True))
    response = phone.get(path)
    assert response.status_code == 303 and response.headers["Location"].endswith("/checkout")
    html = text(phone.get("/checkout"))
    assert "2 × Moon jar" in html
    # A tampered link is refused and restores nothing.
    stranger = app.test_client()
    assert stranger.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB")).status_code == 404
    assert "2 × Moon jar" not in text(stranger.get("/checkout", follow_redirects=True))
    # They order: the checkout that was reminded came back.
    clock["now"] += timedelta(minutes=5)
    assert phone.post("/checkout", data=checkout_form(phone, with_jar)).status_code == 303
    with app.app_context():
        from domain import checkout_reminders
        figures = checkout_reminders.figures(clock["now"])
        assert (figures.abandoned, figures.reminded, figures.came_back) == (1, 1, 1)
