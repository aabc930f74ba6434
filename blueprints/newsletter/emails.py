"""The newsletter's own emails, what blueprints/mail.py renders them with:

- newsletter_confirm: the double opt-in's email, with the signed link that expires
  (consent.CONFIRM_DAYS); or, for an address already subscribed, an email saying so (the
  sign-up page says "check your inbox" either way). Transactional: it asks, and offers nothing.
- consent_reminder: every two years, when and how the subscriber agreed, with a link to keep
  the subscription and one to unsubscribe (domain/newsletter/reminders.py). A notice, not an
  advertisement; it carries the unsubscribe link and headers all the same.
"""
from flask import current_app, url_for
from flask_babel import gettext as _

from domain import consent
from domain.extensions import db
from domain.models import Consent
from domain.newsletter import reminders

from ..common import shop

KINDS = (consent.CONFIRM_KIND, reminders.KIND)
# Carry the List-Unsubscribe headers without being advertising.
NOTICES = (reminders.KIND,)


def source_label(source):
    """How a consent was given, in the reader's language."""
    return {"checkout": _("the box at checkout"), "account": _("your account settings"),
            "newsletter_form": _("the sign-up form on our website")}.get(source, source)


def context(message, unsubscribe_url):
    data = message.data or {}
    record = db.session.get(Consent, data.get("consent_id") or 0)
    if record is None:
        raise ValueError(f"message {message.id} ({message.kind}) has no consent")
    config = shop()
    if message.kind == consent.CONFIRM_KIND:
        if data.get("already"):
            return {"subject": _("You already get news from %(shop)s", shop=config.name),
                    "already": True, "unsubscribe_url": unsubscribe_url(message.to_address)}
        token = consent.confirm_token(record, current_app.config["SECRET_KEY"])
        return {"subject": _("Please confirm your subscription to %(shop)s", shop=config.name),
                "already": False, "days": consent.CONFIRM_DAYS,
                "confirm_url": url_for("newsletter.confirm", token=token, _external=True)}
    return {"subject": _("A reminder: you agreed to get news from %(shop)s", shop=config.name),
            "record": record, "how": source_label(record.source),
            "keep_url": url_for("newsletter.keep", _external=True),
            "unsubscribe_url": unsubscribe_url(message.to_address)}
