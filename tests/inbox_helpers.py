"""Conversations for the inbox's tests, started and moved through domain.helpdesk as the
contact form and the back office do. The shop has no business hours set, so it is always open
and a reply is due 120 minutes after the question (the default target)."""
from datetime import timedelta

from domain import orders, shopconfig
from domain.extensions import db
from domain.helpdesk import conversations
from domain.models import Conversation, OutboxMessage, User
from tests.order_helpers import NOW

TARGET = timedelta(minutes=120)


def ask(app, body="Where is my parcel?", email="minji@example.com", name="Minji Park", now=NOW,
        subject="", topic="shipping", locale="en", order_number=None, user_id=None):
    """A customer's new question; returns its reference."""
    with app.test_request_context():
        order = orders.by_number(order_number) if order_number else None
        user = db.session.get(User, user_id) if user_id else None
        conversation, _message = conversations.start(
            email=email, body=body, now=now, schedule=shopconfig.current().schedule, name=name,
            topic=topic, subject=subject, locale=locale, order=order, user=user)
        db.session.commit()
        return conversation.reference


def conversation(app, reference):
    """A fresh look at the conversation, as the database has it (detached)."""
    with app.app_context():
        db.session.expire_all()
        found = conversations.by_reference(reference)
        found.messages, found.assigned_to  # load them before leaving the session
        db.session.expunge(found)
        return found


def reply(app, reference, staff_id, body="On its way.", now=NOW, resolve=False):
    with app.app_context():
        found = conversations.by_reference(reference)
        conversations.staff_reply(found, db.session.get(User, staff_id), body, now,
                                  resolve=resolve)
        db.session.commit()


def emails(app, kind="help_reply"):
    """The outbox's messages of `kind`: (to, data) pairs."""
    with app.app_context():
        return [(m.to_address, m.data) for m in db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))]


def set_columns(app, reference, **values):
    """Change columns the way time would (created long ago, answered at some point)."""
    with app.app_context():
        db.session.execute(db.update(Conversation).where(Conversation.reference == reference)
                           .values(**values))
        db.session.commit()
