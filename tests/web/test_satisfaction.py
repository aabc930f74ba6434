"""The five faces: in the delivered email, on a closed return's page and on a resolved
conversation's page; signed links, a GET never records (mail scanners open every link), one
answer per touchpoint per subject, an optional comment; the merchant's monthly chart."""
import re
from datetime import timedelta
from email import message_from_bytes, policy
from html import unescape
from urllib.parse import urlsplit

from blueprints.mail import renderer
from domain.extensions import db
from domain.models import Conversation, OutboxMessage, ReviewRequest, Satisfaction
from tests.order_helpers import NOW, delivered_order, place
from tests.page_helpers import csrf_of, text
from tests.return_helpers import ask, step

EMAIL = "minji@example.com"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def answers(app):
    with app.app_context():
        return [(a.touchpoint, a.subject, a.score, a.comment) for a in db.session.scalars(
            db.select(Satisfaction).order_by(Satisfaction.id))]


def delivered_email(app):
    with app.app_context():
        message = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.kind == "order_delivered"))
        return message_from_bytes(renderer(app)(message).as_bytes(), policy=policy.default)


def face_links(email):
    html = next(part.get_content() for part in email.walk()
                if part.get_content_type() == "text/html")
    return [unescape(href) for href in re.findall(r'href="([^"]*/satisfaction/[^"]*)"', html)]


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_the_delivered_email_asks_with_five_faces_and_a_scanners_get_records_nothing(
        app, client, setup):
    order = delivered_order(app, setup, email=EMAIL)
    links = face_links(delivered_email(app))
    assert [urlsplit(link).query for link in links] == [f"score={n}" for n in range(1, 6)]
    # A mail scanner opens every link: nothing is recorded.
    for link in links:
        assert client.get(path_of(link)).status_code == 200
    assert answers(app) == []
    page = text(client.get(path_of(links[3])))
    assert f"How was your order {order['number']}?" in page
    assert re.search(r'value="4" checked', page)
    action = urlsplit(links[3]).path
    response = client.post(action, data={"csrf_token": csrf_of(page), "score": "4"})
    assert response.status_code == 303
    assert answers(app) == [("delivery", f"order:{order['id']}", 4, "")]
    # A later tap changes the one answer, and a comment may follow.
    page = text(client.get(response.headers["Location"]))
    assert "Your answer is saved" in page
    client.post(action, data={"csrf_token": csrf_of(page), "score": "2",
                              "comment": "  The box was crushed.  "})
    assert answers(app) == [("delivery", f"order:{order['id']}", 2, "The box was crushed.")]


def test_bad_answers_change_nothing(app, client, setup):
    delivered_order(app, setup, email=EMAIL)
    link = face_links(delivered_email(app))[4]
    page = text(client.get(path_of(link)))
    action = urlsplit(link).path
    for data, message in (({"score": "6"}, "Choose one of the five faces."),
                          ({"score": ""}, "Choose one of the five faces."),
                          ({"score": "5", "comment": "x" * 1001}, "under 1000 characters")):
        response = client.post(action, data={"csrf_token": csrf_of(page), **data})
        assert response.status_code == 422 and message in text(response)
    assert client.post(action, data={"score": "5"}).status_code == 400  # no CSRF token
    assert answers(app) == []
    # An altered link opens nothing and records nothing.
    forged = action[:-3] + "abc"
    assert client.get(forged).status_code == 404
    assert client.post(forged, data={"csrf_token": csrf_of(page), "score": "1"}).status_code == 404
    assert answers(app) == []


def test_no_faces_for_an_order_not_delivered(app, client, setup):
    from domain.reviews import satisfaction
    order = place(app, setup, email=EMAIL)
    with app.app_context():
        from domain.models import Order
        token = satisfaction.token("delivery", db.session.get(Order, order["id"]),
                                   app.config["SECRET_KEY"])
    assert client.get(f"/satisfaction/{token}?score=5").status_code == 404


def test_a_closed_returns_page_asks_with_one_tap(app, client, setup):
    order = delivered_order(app, setup, email=EMAIL, quantity=2)
    rma = ask(app, order["number"], quantity=1)
    page_url = f"/returns/{rma}?t={order['token']}"
    assert "How did this return go?" not in text(client.get(page_url))  # still open
    step(app, rma, "approve", "receive", "complete", when=NOW + timedelta(days=3))
    page = text(client.get(page_url))
    assert "How did this return go?" in page
    [action] = re.findall(r'<form method="post" action="(/satisfaction/[^"]+)"', page)
    assert page.count('name="score"') == 5 and 'aria-label="Very happy"' in page
    response = client.post(action, data={"csrf_token": csrf_of(page), "tap": "1", "score": "5"})
    assert response.status_code == 303
    with app.app_context():
        from domain import returns
        ret_id = returns.by_number(rma).id
    assert answers(app) == [("return", f"return:{ret_id}", 5, "")]
    # The comment box follows the tap; a second tap keeps the comment.
    page = text(client.get(response.headers["Location"]))
    client.post(action, data={"csrf_token": csrf_of(page), "score": "5", "comment": XSS})
    client.post(action, data={"csrf_token": csrf_of(page), "tap": "1", "score": "4"})
    assert answers(app) == [("return", f"return:{ret_id}", 4, XSS)]
    page = text(client.get(action))
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_a_resolved_conversation_asks_how_we_did(app, client, setup):
    order = delivered_order(app, setup, email=EMAIL)
    with app.app_context():
        db.session.add(Conversation(reference="C-TESTAB1", secret="s" * 32, email=EMAIL,
                                    order_id=order["id"], status="open"))
        db.session.commit()
    url = f"/help/messages/C-TESTAB1/{'s' * 32}"
    assert "faces-heading" not in text(client.get(url))
    with app.app_context():
        db.session.scalar(db.select(Conversation)).status = "resolved"
        db.session.commit()
    page = text(client.get(url))
    [action] = re.findall(r'<form method="post" action="(/satisfaction/[^"]+)"', page)
    client.post(action, data={"csrf_token": csrf_of(page), "tap": "1", "score": "3"})
    with app.app_context():
        conversation_id = db.session.scalar(db.select(Conversation.id))
    assert answers(app) == [("conversation", f"conversation:{conversation_id}", 3, "")]


def test_the_merchant_sees_satisfaction_by_month_and_the_response_rate(app, client, setup,
                                                                      make, login):
    from domain.reviews import satisfaction
    first = delivered_order(app, setup, email=EMAIL)
    second = delivered_order(app, setup, email="jiho@example.com")
    with app.app_context():
        from domain.models import Order
        for number, score, when in ((first, 5, NOW - timedelta(days=31)), (second, 2, NOW),
                                    (first, 4, NOW)):
            order = db.session.get(Order, number["id"])
            satisfaction.record(satisfaction.subject_of("delivery", order), score, XSS, when)
        db.session.add_all([ReviewRequest(order_id=first["id"], state="sent", sent_at=NOW,
                                          answered_at=NOW),
                            ReviewRequest(order_id=second["id"], state="sent", sent_at=NOW)])
        db.session.commit()
    login(make.user(email="boss@example.com", merchant=True, name="Boss"))
    page = text(client.get("/admin/satisfaction"))
    # The first order's answer was changed to 4 this month: each order counts once.
    assert "2026-03" in page and "3.0 from 2" in page and "(1 happy)" in page
    assert '<svg class="satisfaction-chart"' in page and "<circle" in page
    assert "2 review requests sent in the last 90 days" in page
    assert "1 answered with a review" in page and "response rate 50%" in page
    assert "<script>alert" not in page


def test_staff_cannot_open_the_satisfaction_page(app, client, make, login):
    login(make.user(email="clerk@example.com", role="staff", name="Clerk"))
    assert client.get("/admin/satisfaction").status_code in (403, 404)


def test_the_reply_that_resolves_a_question_asks_how_we_did(app, client, setup, make):
    """A reply that resolves the conversation carries the faces; a reply that waits for the
    customer does not."""
    from domain.helpdesk import conversations as desk
    staff = make.user(email="boss@example.com", merchant=True, name="Boss")
    with app.app_context():
        from domain.models import User
        db.session.add(Conversation(reference="C-TESTAB1", secret="s" * 32, email=EMAIL))
        db.session.commit()
        conversation = db.session.scalar(db.select(Conversation))
        boss = db.session.get(User, staff["id"])
        desk.staff_reply(conversation, boss, "Could you send a photo?", NOW)
        db.session.commit()
    with app.app_context():
        [waiting] = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.kind == "help_reply")).all()
        assert face_links(message_from_bytes(renderer(app)(waiting).as_bytes(),
                                             policy=policy.default)) == []
        conversation = db.session.scalar(db.select(Conversation))
        desk.staff_reply(conversation, db.session.get(User, staff["id"]),
                         "Sorted: a new one is on its way.", NOW + timedelta(hours=1),
                         resolve=True)
        db.session.commit()
        resolved = db.session.scalars(db.select(OutboxMessage).where(
            OutboxMessage.kind == "help_reply").order_by(OutboxMessage.id)).all()[-1]
        email = message_from_bytes(renderer(app)(resolved).as_bytes(), policy=policy.default)
    links = face_links(email)
    assert len(links) == 5
    page = text(client.get(path_of(links[0])))
    assert "How did we do with C-TESTAB1?" in page
    client.post(urlsplit(links[0]).path, data={"csrf_token": csrf_of(page), "score": "1",
                                               "comment": "Took three emails."})
    with app.app_context():
        conversation_id = db.session.scalar(db.select(Conversation.id))
    assert answers(app) == [("conversation", f"conversation:{conversation_id}", 1,
                             "Took three emails.")]
