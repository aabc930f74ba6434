"""The newsletter's double opt-in as a shopper meets it: the confirmation email in the outbox,
its link, and the page's button."""
import re
from urllib.parse import urlsplit

from blueprints.mail import render_parts
from domain.extensions import db
from domain.models import OutboxMessage
from flask_babel import force_locale
from tests.page_helpers import csrf_of

CONFIRM_LINK = re.compile(r"https?://\S+/newsletter/confirm/[\w.\-]+")


def confirmation_emails(app, email=None):
    with app.app_context():
        query = db.select(OutboxMessage).where(OutboxMessage.kind == "newsletter_confirm")
        if email is not None:
            query = query.where(OutboxMessage.to_address == email)
        return [(m.to_address, dict(m.data or {})) for m in
                db.session.scalars(query.order_by(OutboxMessage.id))]


def rendered(app, message_id):
    """(subject, text, html) of an outbox message as the worker renders it."""
    with app.test_request_context(base_url=app.config["SHOP_URL"]):
        message = db.session.get(OutboxMessage, message_id)
        with force_locale(message.locale or "en"):
            return render_parts(message)


def confirm_path(app, email):
    """The path of the confirmation link in the latest email to `email`."""
    with app.app_context():
        message_id = db.session.scalar(
            db.select(OutboxMessage.id).where(OutboxMessage.kind == "newsletter_confirm",
                                              OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id.desc()).limit(1))
    assert message_id, f"no confirmation email to {email}"
    _subject, text, _html = rendered(app, message_id)
    return urlsplit(CONFIRM_LINK.search(text).group(0)).path


def confirm(app, client, email):
    """Open the emailed link and press its button; returns the page after it."""
    path = confirm_path(app, email)
    page = client.get(path)
    assert page.status_code == 200
    response = client.post(path, data={"csrf_token": csrf_of(page.get_data(as_text=True))})
    assert response.status_code == 303
    return client.get(response.headers["Location"])
