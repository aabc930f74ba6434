"""The review request: sent on day N after delivery in the shop's time zone, once, held while a
return or a conversation about the order is open, dropped after 60 days, one reminder for the
lines still unreviewed, and a one-click opt-out that is respected."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest

import worker
from blueprints.mail import renderer
from domain import mailer
from domain.extensions import db
from domain.models import (Conversation, EmailOptOut, OrderLine, OutboxMessage, Review,
                           ReviewRequest)
from domain.reviews import requests
from tests.concurrency_helpers import race
from tests.order_helpers import NOW, delivered_order, shop_with_a_product
from tests.page_helpers import csrf_of, text
from tests.return_helpers import ask, step

EMAIL = "minji@example.com"
# Delivered at NOW, 2026-03-03 09:00 UTC: 18:00 on 3 March in Seoul. Seven Seoul days later,
# from 10:00 Seoul (01:00 UTC), the request is due.
DUE = datetime(2026, 3, 10, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock(app):
    moment = {"now": NOW}
    app.config["CLOCK"] = lambda: moment["now"]
    return moment


@pytest.fixture
def seoul(app, make, clock):
    """A shop in Seoul selling a moon jar, the request after 7 days and a reminder 7 later."""
    return shop_with_a_product(make, timezone="Asia/Seoul", review_request_days=7,
                               review_reminder_days=7)


def deliver(app, shop, when=NOW, quantity=2, email=EMAIL, **kwargs):
    return delivered_order(app, shop, now=when, quantity=quantity, email=email,
                           token=f"tok-{email}-{when.timestamp()}", **kwargs)


def run_job(app, tmp_path):
    transport = mailer.EmlTransport(str(tmp_path / "sent"))
    return worker.run_jobs(app, transport, renderer(app), lambda line: None,
                           registry=worker._only(["review-requests"]))


def run_at(app, clock, tmp_path, when):
    clock["now"] = when
    # Each pass is a due run of the job: the schedule's next time is now.
    with app.app_context():
        from domain.models import ScheduledJob
        db.session.execute(db.update(ScheduledJob).values(next_due_at=when))
        db.session.commit()
    run_job(app, tmp_path)


def sent(app):
    with app.app_context():
        return [(m.to_address, m.locale, m.dedupe_key, dict(m.data)) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == "review_request")
            .order_by(OutboxMessage.id))]


def request_of(app, order_id):
    with app.app_context():
        row = db.session.scalar(db.select(ReviewRequest).where(ReviewRequest.order_id == order_id))
        if row is None:
            return None
        return row.state, row.sent_at, row.reminded_at, row.note


def rendered(app, index=-1):
    with app.app_context():
        message = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.kind == "review_request").order_by(OutboxMessage.id)).all()[index]
        return message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)


def body_of(email, kind="text/plain"):
    return next(part.get_content() for part in email.walk() if part.get_content_type() == kind)


def test_sent_on_day_seven_in_the_shops_time_zone_once(app, seoul, clock, tmp_path):
    order = deliver(app, seoul)
    run_at(app, clock, tmp_path, DUE - timedelta(minutes=1))
    assert sent(app) == [] and request_of(app, order["id"]) is None
    run_at(app, clock, tmp_path, DUE)
    [(to, locale, key, data)] = sent(app)
    assert (to, locale, key, data["reminder"]) == (EMAIL, "en", f"review_request:{order['id']}",
                                                    False)
    assert request_of(app, order["id"])[:2] == ("sent", DUE)
    run_at(app, clock, tmp_path, DUE + timedelta(hours=5))
    assert len(sent(app)) == 1  # never twice


def test_the_day_is_the_shops_day_not_utc(app, seoul, clock, tmp_path):
    """Delivered at 16:00 UTC, already 4 March in Seoul: due on 11 March from 10:00 Seoul."""
    deliver(app, seoul, when=NOW + timedelta(hours=7))
    run_at(app, clock, tmp_path, datetime(2026, 3, 10, 23, 0, tzinfo=timezone.utc))
    assert sent(app) == []  # 11 March 08:00 in Seoul
    run_at(app, clock, tmp_path, datetime(2026, 3, 11, 1, 0, tzinfo=timezone.utc))
    assert len(sent(app)) == 1


def test_never_before_delivery(app, seoul, clock, tmp_path):
    from tests.order_helpers import advance, place
    order = place(app, seoul, email=EMAIL, payment="test_card")
    advance(app, order["number"], "packed", "shipped", now=NOW)
    run_at(app, clock, tmp_path, DUE + timedelta(days=3))
    assert sent(app) == [] and request_of(app, order["id"]) is None


def test_the_email_lists_the_lines_links_to_the_form_and_declines_in_one_click(
        app, client, seoul, clock, tmp_path):
    deliver(app, seoul)
    run_at(app, clock, tmp_path, DUE)
    email = rendered(app)
    assert email["Subject"].startswith("How do you like your order ")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    opt_out = email["List-Unsubscribe"].strip("<>")
    body = body_of(email)
    assert "- Moon jar (Small)" in body
    assert "/review?t=" in body and urlsplit(opt_out).path in body
    # The one-click POST of a mail program: no page, no CSRF token, recorded at once.
    path = urlsplit(opt_out).path
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(EmailOptOut.kind).where(
            EmailOptOut.email == EMAIL)) == "review_request"
    # ... so the reminder is not sent.
    run_at(app, clock, tmp_path, DUE + timedelta(days=7))
    assert len(sent(app)) == 1
    assert request_of(app, sent_order_id(app))[0] == "dropped"


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sent_order_id(app):
    with app.app_context():
        return db.session.scalar(db.select(ReviewRequest.order_id))


def test_the_opt_out_page_asks_first_and_a_get_records_nothing(app, client, seoul, clock):
    with app.test_request_context():
        token = requests.opt_out_token(EMAIL, app.config["SECRET_KEY"])
    page = text(client.get(f"/reviews/no-requests/{token}"))
    assert "Stop the emails asking minji@example.com" in page
    with app.app_context():
        assert db.session.scalar(db.select(EmailOptOut)) is None
    # Without the page's CSRF token, the button's POST is refused and records nothing.
    assert client.post(f"/reviews/no-requests/{token}").status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(EmailOptOut)) is None
    response = client.post(f"/reviews/no-requests/{token}", data={"csrf_token": csrf_of(page)})
    assert response.status_code == 303
    assert "will get no more requests" in text(client.get(response.headers["Location"]))
    # An altered link opens nothing.
    assert client.get(f"/reviews/no-requests/{token[:-2]}xx").status_code == 400
    assert client.post(f"/reviews/no-requests/{token[:-2]}xx",
                       data={"List-Unsubscribe": "One-Click"}).status_code == 400


def test_an_address_that_declined_gets_no_request(app, seoul, clock, tmp_path):
    order = deliver(app, seoul)
    with app.app_context():
        requests.opt_out("Minji@Example.com ", NOW, "link")
        db.session.commit()
    run_at(app, clock, tmp_path, DUE)
    assert sent(app) == []
    assert request_of(app, order["id"])[0] == "dropped"


def test_held_by_an_open_return_then_sent_when_it_closes(app, seoul, clock, tmp_path):
    order = deliver(app, seoul)
    rma = ask(app, order["number"], quantity=1, when=NOW + timedelta(days=1))
    run_at(app, clock, tmp_path, DUE)
    assert sent(app) == [] and request_of(app, order["id"])[0] == "held"
    step(app, rma, "approve", "receive", "complete", when=DUE + timedelta(days=2))
    run_at(app, clock, tmp_path, DUE + timedelta(days=2, hours=1))
    [(_to, _locale, _key, data)] = sent(app)
    # One of the two jars went back and was refunded; the other is kept and may be reviewed.
    assert len(data["line_ids"]) == 1
    assert request_of(app, order["id"])[0] == "sent"


def test_a_line_sent_back_in_full_is_not_asked_about(app, seoul, clock, tmp_path):
    order = deliver(app, seoul, quantity=1)
    rma = ask(app, order["number"], quantity=1, when=NOW + timedelta(days=1))
    step(app, rma, "approve", "receive", "complete", when=NOW + timedelta(days=3))
    run_at(app, clock, tmp_path, DUE)
    assert sent(app) == []
    assert request_of(app, order["id"])[0] == "done"


def test_held_by_an_open_conversation_then_sent_when_resolved(app, seoul, clock, tmp_path):
    order = deliver(app, seoul)
    with app.app_context():
        conversation = Conversation(reference="C-TESTAB1", secret="s" * 32, email=EMAIL,
                                    order_id=order["id"], status="waiting")
        db.session.add(conversation)
        db.session.commit()
    run_at(app, clock, tmp_path, DUE)
    assert sent(app) == [] and request_of(app, order["id"])[0] == "held"
    with app.app_context():
        db.session.scalar(db.select(Conversation)).status = "resolved"
        db.session.commit()
    run_at(app, clock, tmp_path, DUE + timedelta(days=1))
    assert len(sent(app)) == 1


def test_dropped_when_still_held_sixty_days_after_it_was_due(app, seoul, clock, tmp_path):
    order = deliver(app, seoul)
    ask(app, order["number"], quantity=1, when=NOW + timedelta(days=1))
    run_at(app, clock, tmp_path, DUE)
    run_at(app, clock, tmp_path, DUE + timedelta(days=59, hours=23))
    assert request_of(app, order["id"])[0] == "held"
    run_at(app, clock, tmp_path, DUE + timedelta(days=60))
    assert request_of(app, order["id"])[0] == "dropped" and sent(app) == []


def test_one_reminder_only_for_lines_still_unreviewed(app, client, make, clock, tmp_path):
    """The customer reviews the jar through the emailed link: the request counts as answered,
    and the one reminder asks about the tea bowl only."""
    shop = shop_with_a_product(make, timezone="Asia/Seoul", review_request_days=7,
                               review_reminder_days=3)
    bowl = make.product("Tea bowl", variants=[{"sku": "TB-1", "price": 25000, "stock": 9}])
    order = deliver(app, shop, items={str(shop["variant"]): 1, str(bowl["variant_ids"][0]): 1})
    run_at(app, clock, tmp_path, DUE)
    [first] = sent(app)
    assert len(first[3]["line_ids"]) == 2
    body = body_of(rendered(app))
    assert "- Moon jar (Small)" in body and "- Tea bowl" in body
    [link] = [word for word in body.split() if "/review?t=" in word]
    form_url = path_of(link)
    page = text(client.get(form_url))
    with app.app_context():
        jar = db.session.scalar(db.select(OrderLine.id).where(OrderLine.order_id == order["id"],
                                                              OrderLine.title == "Moon jar"))
    response = client.post(form_url.split("?")[0], data={
        "csrf_token": csrf_of(page), "t": form_url.split("?t=")[1], f"rating-{jar}": "4"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(Review.rating)) == 4
        assert db.session.scalar(db.select(ReviewRequest.answered_at)) == DUE
    run_at(app, clock, tmp_path, DUE + timedelta(days=2, hours=23))
    assert len(sent(app)) == 1
    run_at(app, clock, tmp_path, DUE + timedelta(days=3))
    [_first, (_to, _locale, key, data)] = sent(app)
    assert key == f"review_request:{order['id']}:reminder" and data["reminder"] is True
    with app.app_context():
        [line_id] = data["line_ids"]
        assert db.session.get(OrderLine, line_id).title == "Tea bowl"
    assert request_of(app, order["id"])[0] == "reminded"
    run_at(app, clock, tmp_path, DUE + timedelta(days=10))
    assert len(sent(app)) == 2  # one reminder, never two
    email = rendered(app)
    assert email["Subject"].startswith("A reminder:")
    body = body_of(email)
    assert "Tea bowl" in body and "Moon jar" not in body


def test_no_reminder_when_the_setting_is_zero(app, make, clock, tmp_path):
    shop = shop_with_a_product(make, timezone="Asia/Seoul", review_request_days=7,
                               review_reminder_days=0)
    order = deliver(app, shop)
    run_at(app, clock, tmp_path, DUE)
    run_at(app, clock, tmp_path, DUE + timedelta(days=30))
    assert len(sent(app)) == 1 and request_of(app, order["id"])[0] == "sent"


def test_in_the_customers_language(app, seoul, clock, tmp_path):
    order = deliver(app, seoul)
    with app.app_context():
        from domain.models import Order
        db.session.get(Order, order["id"]).locale = "ko"
        db.session.commit()
    run_at(app, clock, tmp_path, DUE)
    email = rendered(app)
    assert "주문" in email["Subject"]
    assert "리뷰" in body_of(email)


def test_two_workers_send_one_request_and_one_reminder(app, seoul, clock, tmp_path):
    order = deliver(app, seoul)
    clock["now"] = DUE
    race([lambda: run_job(app, tmp_path), lambda: run_job(app, tmp_path)])
    with app.app_context():
        from domain.models import Order
        # A second worker whose claim lapsed decides the same order again: it is taken.
        assert requests.start(db.session.get(Order, order["id"]), DUE) == "taken"
        db.session.rollback()
    assert len(sent(app)) == 1
    clock["now"] = DUE + timedelta(days=7)
    with app.app_context():
        from domain.models import ScheduledJob
        db.session.execute(db.update(ScheduledJob).values(next_due_at=clock["now"]))
        db.session.commit()
    race([lambda: run_job(app, tmp_path), lambda: run_job(app, tmp_path)])
    assert [data["reminder"] for *_rest, data in sent(app)] == [False, True]


def test_orders_due_long_ago_are_not_asked_when_the_worker_comes_back(app, seoul, clock,
                                                                    tmp_path):
    """The worker was down (or the feature just switched on): a request due more than 14 days
    ago is recorded as dropped, not sent; one due 13 days ago still goes."""
    old = deliver(app, seoul, when=NOW - timedelta(days=15))
    recent = deliver(app, seoul, when=NOW - timedelta(days=13), email="jiho@example.com")
    run_at(app, clock, tmp_path, DUE)
    assert [to for to, *_rest in sent(app)] == ["jiho@example.com"]
    assert request_of(app, old["id"])[0] == "dropped"
    assert request_of(app, recent["id"])[0] == "sent"


def test_a_members_request_names_the_thank_you_credit_that_never_depends_on_the_stars(
        app, make, clock, tmp_path):
    shop = shop_with_a_product(make, timezone="Asia/Seoul", review_incentive="credit",
                               review_incentive_amount=1000)
    member = make.user(email=EMAIL)
    deliver(app, shop, user_id=member["id"])
    deliver(app, shop, when=NOW + timedelta(minutes=1), email="guest@example.com")
    run_at(app, clock, tmp_path, DUE)
    member_body, guest_body = body_of(rendered(app, 0)), body_of(rendered(app, 1))
    assert "we add ₩1,000 of store credit to your account" in member_body
    assert "whatever your stars and words" in member_body
    # A guest has no account to hold credit: no promise is made.
    assert "store credit" not in guest_body


def test_a_request_names_the_thank_you_code_for_members_and_guests(app, make, clock, tmp_path):
    shop = shop_with_a_product(make, timezone="Asia/Seoul", review_incentive="code",
                               review_incentive_amount=2000)
    member = make.user(email=EMAIL)
    deliver(app, shop, user_id=member["id"])
    deliver(app, shop, when=NOW + timedelta(minutes=1), email="guest@example.com")
    run_at(app, clock, tmp_path, DUE)
    for index in (0, 1):
        body = body_of(rendered(app, index))
        assert "we send you a single-use code of ₩2,000 off a later order" in body
        assert "store credit" not in body
