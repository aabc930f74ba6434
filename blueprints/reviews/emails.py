"""The review request's email (and its reminder), and the five faces of the delivered email:
what blueprints/mail.py renders them with.

The request lists the lines the customer has still to review, links to the order's one-page
review form, and carries the one-click opt-out (a link and the List-Unsubscribe headers)."""
from flask import current_app, url_for
from flask_babel import gettext as _

from domain import consent, shopconfig
from domain.reviews import links, requests

from ..templating import format_order_money, satisfaction_faces, satisfaction_url

KINDS = (requests.KIND,)


def opt_out_url(email):
    return url_for("reviews.opt_out", _external=True,
                   token=requests.opt_out_token(email, current_app.config["SECRET_KEY"]))


def form_url(order):
    return url_for("reviews.form", number=order.number, t=links.form_token(order),
                   _external=True)


def context(message):
    """The subject and context of a review request; call in the message's locale."""
    order = message.order
    if order is None:
        raise ValueError(f"message {message.id} ({message.kind}) has no order")
    data = message.data or {}
    wanted = set(data.get("line_ids") or [])
    lines = [line for line in order.lines if line.id in wanted]
    reminder = bool(data.get("reminder"))
    subject = (_("A reminder: how do you like your order %(number)s?", number=order.number)
               if reminder else _("How do you like your order %(number)s?", number=order.number))
    return {"subject": subject, "lines": lines, "reminder": reminder,
            "form_url": form_url(order), "opt_out_url": opt_out_url(message.to_address),
            "thank_you": thank_you(order), "thank_you_code": thank_you_code()}


def thank_you(order):
    """The store credit a review of this order earns, formatted, as domain/reviews/incentive.py
    grants it (for any review, with an account); "" when none."""
    settings = shopconfig.get_settings_row()
    amount = settings.review_incentive_amount or 0
    if settings.review_incentive != "credit" or order.user_id is None or amount <= 0:
        return ""
    return format_order_money(amount, order.currency)


def thank_you_code():
    """The amount a review's thank-you code takes off, formatted, as domain/reviews/incentive.py
    issues it (for any review, with an account or without); "" when none."""
    settings = shopconfig.get_settings_row()
    amount = settings.review_incentive_amount or 0
    if settings.review_incentive != "code" or amount <= 0:
        return ""
    return format_order_money(amount, settings.currency)


def headers(message):
    """RFC 2369 / RFC 8058: a mail program's Unsubscribe button declines review requests."""
    return consent.unsubscribe_headers(opt_out_url(message.to_address))


def faces_context(touchpoint, thing):
    """The five faces of an email about an order (delivered) or a resolved conversation (the
    reply that resolved it): each face a link to the signed satisfaction page, with that face
    chosen. Nothing before the touchpoint has happened."""
    if thing is None or satisfaction_url(touchpoint, thing) is None:
        return {}
    return {"faces": [(score, face, label,
                       satisfaction_url(touchpoint, thing, score=score, external=True))
                      for score, face, label in satisfaction_faces()]}
