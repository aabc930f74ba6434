"""The emails of the outbox, rendered from templates/emails/<kind>.txt and .html in the
customer's language, with absolute links to the order's tracking page; the merchant's alerts
(alert_*) in the merchant's language, with absolute links to the back office.

The worker has no visitor and no request: renderer(app) renders each message inside a request
context built on SHOP_URL, so url_for(..., _external=True) gives the shop's public address,
and inside force_locale(message.locale), so the words and the money are the customer's.
"""
import re
from datetime import datetime

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext as _

from domain import (alerts, checkout_reminders, checkouts, consent, mailer, marketing,
                    order_refunds, orders, payments, refund_accounts, returns, staff, tracking)
from domain.extensions import db
from domain.helpdesk import inbound
from domain.models import ReturnRequest, User
from domain.returns import offer

from .common import shop
from .campaigns import emails as campaign_emails
from .loyalty.context import claim_url
from .products import goes_well
from .help import emails as help_emails
from .loyalty import code_emails
from .newsletter import emails as newsletter_emails
from .reviews import emails as review_emails
from .reviews import change_emails
from .templating import format_order_money, now


def _subjects():
    """Evaluated at render time, inside the message's locale."""
    return {
        "order_placed": lambda n: _("Thank you for your order %(number)s", number=n),
        "order_paid": lambda n: _("Payment received for order %(number)s", number=n),
        "order_packed": lambda n: _("Order %(number)s is packed", number=n),
        "order_shipped": lambda n: _("Order %(number)s is on its way", number=n),
        "order_out_for_delivery": lambda n: _("Order %(number)s is out for delivery today", number=n),
        "order_delivered": lambda n: _("Order %(number)s was delivered", number=n),
        "order_cancelled": lambda n: _("Order %(number)s was cancelled", number=n),
        "order_payment_expired": lambda n: _("Order %(number)s was cancelled: no payment arrived",
                                             number=n),
        "order_refunded": lambda n: _("Your refund for order %(number)s is sent", number=n),
        "order_goodwill": lambda n: _("Making it right: order %(number)s", number=n),
        "points_expiring": lambda n: _("Some of your points at %(shop)s expire soon",
                                       shop=shop().name),
        "password_reset": lambda n: _("Reset your password"),
        "referral_rewarded": lambda n: _("Your friend's order earned you a reward"),
        "privacy_request": lambda n: _("Your request about your personal data"),
        "staff_invitation": lambda n: _("You are invited to the back office of %(shop)s",
                                        shop=shop().name),
        # Return messages get the return's number (R-...).
        "return_requested": lambda n: _("We received your return request %(number)s", number=n),
        "return_approved": lambda n: _("Your return %(number)s is approved", number=n),
        "return_rejected": lambda n: _("About your return request %(number)s", number=n),
        "return_received": lambda n: _("Your returned items arrived (%(number)s)", number=n),
        "return_refunded": lambda n: _("Your refund for return %(number)s is on its way", number=n),
        "return_refund_failed": lambda n: _("Your refund for return %(number)s is delayed",
                                            number=n),
        "return_exchanged": lambda n: _("Your exchange %(number)s is complete", number=n),
        "return_credited": lambda n: _("Store credit added for return %(number)s", number=n),
        # Advertising under Korean law: the Korean subject starts with "(광고)".
        "abandoned_checkout": lambda n: _("(Ad) Your cart at %(shop)s is waiting for you",
                                          shop=shop().name),
    }


def kind_label(kind):
    """What a message is, for the back office."""
    return {
        "order_placed": _("Order confirmation"), "order_paid": _("Payment received"),
        "order_packed": _("Packed"), "order_shipped": _("Shipped"),
        "order_out_for_delivery": _("Out for delivery"), "order_delivered": _("Delivered"),
        "order_cancelled": _("Cancelled"), "order_payment_expired": _("Payment expired"),
        "order_refunded": _("Refund sent"),
        "order_goodwill": _("Goodwill refund or credit"), "password_reset": _("Password reset"),
        "referral_rewarded": _("Referral reward"),
        "points_expiring": _("Points expiring"),
        "privacy_request": _("Personal data request"),
        "staff_invitation": _("Back-office invitation"),
        "return_requested": _("Return requested"), "return_approved": _("Return approved"),
        "return_rejected": _("Return rejected"), "return_received": _("Return received"),
        "return_refunded": _("Return refunded"), "return_refund_failed": _("Refund delayed"),
        "return_exchanged": _("Exchange complete"), "return_credited": _("Store credit given"),
        "alert_new_order": _("Alert: new order"),
        "alert_transfer_to_confirm": _("Alert: bank transfer to confirm"),
        "alert_return_requested": _("Alert: return requested"),
        "alert_refund_failed": _("Alert: refund failed"),
        "alert_payment_expired": _("Alert: payment expired"),
        "alert_late_card_payment": _("Alert: late card payment"),
        "alert_low_stock": _("Alert: low stock"),
        "alert_mail_failing": _("Alert: emails failing"),
        "alert_new_question": _("Alert: new question"),
        "help_acknowledgement": _("Question received"), "help_reply": _("Reply to a question"),
        "abandoned_checkout": _("Abandoned checkout reminder"),
        "review_request": _("Review request"),
        "change_note": _("You said, we did"),
        "birthday_code": _("Birthday code"), "review_code": _("Review thank-you code"),
        "campaign": _("Newsletter campaign"),
        "newsletter_confirm": _("Newsletter confirmation"),
        "consent_reminder": _("Newsletter consent reminder"),
    }.get(kind, kind)


RETURN_KINDS = ("return_requested", "return_approved", "return_rejected", "return_received",
                "return_refunded", "return_refund_failed", "return_exchanged", "return_credited")
KINDS = ("order_placed", "order_paid", "order_packed", "order_shipped", "order_out_for_delivery",
         "order_delivered", "order_cancelled", "order_payment_expired", "order_refunded",
         "order_goodwill", "points_expiring", "password_reset", "privacy_request", "staff_invitation",
         "referral_rewarded",
         *RETURN_KINDS, *alerts.KINDS, *help_emails.KINDS, checkout_reminders.KIND,
         *review_emails.KINDS, *change_emails.KINDS, *code_emails.KINDS,
         *campaign_emails.KINDS, *newsletter_emails.KINDS)


def tracking_link(order):
    """The order's tracking page as an absolute URL that opens it for whoever holds the email,
    signed in or not: the signed token is the guest's key (see blueprints/orders/access.py)."""
    return url_for("orders.track_order", number=order.number, t=orders.tracking_token(order),
                   _external=True)


def return_context(ret, destination="", reference=""):
    """What every return email shows: the return's page (signed for guests, like the order's
    link), the way the parcel travels, how the money comes back, the replacement order.
    `destination` is the masked account a refund was transferred to ("KB Kookmin ****1234")."""
    order = ret.order
    return_policy = returns.policy()
    method_label, method_instructions = offer.method_of(ret, return_policy)
    money, credit = returns.refund_parts(ret)
    provider = payments.provider(order.payment_method)
    kept = refund_accounts.stored(ret=ret) if returns.needs_account(ret) else None
    return {
        # A refund sent by hand still waiting for a readable account: the email asks for it.
        "account_wanted": returns.needs_account(ret) and not (kept and kept.readable),
        # Where the money went: "card", "account" (a transfer by hand to the account the
        # customer gave, named by the message's data) or "hand" (sent by hand, account unknown).
        "refund_to": "account" if destination else ("hand" if provider.manual_refunds else "card"),
        "destination": destination, "refund_reference": reference,
        "ret": ret,
        "return_url": url_for("returns.view_return", number=ret.number,
                              t=orders.tracking_token(order), _external=True),
        "action_label": returns.action_label(ret.action),
        "method_label": method_label, "method_instructions": method_instructions,
        "refund_money": money, "refund_credit": credit,
        "payment_label": payments.provider(order.payment_method).label,
        "refund_promise_days": return_policy.refund_promise_days,
        "replacement": ret.exchange_order,
        "replacement_url": tracking_link(ret.exchange_order) if ret.exchange_order else None,
    }


def alert_context(message, order):
    """What a merchant alert shows: its subject, the back-office page it links to (absolute,
    on SHOP_URL), the return or the variant it is about, and where alerts are switched off."""
    data = message.data or {}
    kind = message.kind
    context = {"settings_url": url_for("admin.settings", _anchor="alerts", _external=True)}
    if order is not None:
        context["admin_url"] = url_for("admin.order", number=order.number, _external=True)
        total = format_order_money(order.total, order.currency)
        context["payment_label"] = payments.provider(order.payment_method).label
    ret = None
    if data.get("return_id"):
        ret = db.session.get(ReturnRequest, data["return_id"])
        if ret is None:
            raise ValueError(f"message {message.id} ({kind}) has no return")
        context.update(ret=ret, action_label=returns.action_label(ret.action),
                       reason_label=returns.REASONS.get(ret.reason, ret.reason),
                       admin_url=url_for("admin.return_detail", number=ret.number,
                                         _external=True))
    if kind == "alert_new_order":
        subject = _("New order %(number)s: %(total)s", number=order.number, total=total)
    elif kind == "alert_transfer_to_confirm":
        subject = _("Bank transfer to confirm: order %(number)s, %(total)s", number=order.number,
                    total=format_order_money(order.amount_due, order.currency))
    elif kind == "alert_return_requested":
        subject = _("Return requested: %(number)s (order %(order)s)", number=ret.number,
                    order=order.number)
    elif kind == "alert_refund_failed":
        amount = format_order_money(data.get("amount", 0), order.currency)
        context["amount"] = amount
        subject = _("Refund failed: %(amount)s for order %(number)s", amount=amount,
                    number=order.number)
    elif kind == "alert_late_card_payment":
        amount = format_order_money(data.get("amount", 0), order.currency)
        context["amount"] = amount
        subject = _("Late card payment of %(amount)s for expired order %(number)s",
                    amount=amount, number=order.number)
    elif kind == "alert_payment_expired":
        subject = _("No payment arrived: order %(number)s was cancelled", number=order.number)
    elif kind == "alert_low_stock":
        item = f"{data['title']} · {data['variant_title']}" if data.get("variant_title") \
            else data.get("title", "")
        context.update(item=item, admin_url=url_for("admin.product_edit",
                                                    product_id=data["product_id"], _external=True))
        subject = _("Low stock: %(item)s, %(num)d left", item=item, num=data["left"])
    elif kind == "alert_new_question":
        context.update(help_emails.alert_context(message))
        subject = context.pop("subject")
    else:  # alert_mail_failing
        context.update(since=datetime.fromisoformat(data["since"]),
                       admin_url=url_for("admin.outbox", show="unsent", _external=True))
        subject = _("Emails from your shop have not gone out for over an hour")
    context["subject"] = subject
    return context


def sender():
    return mailer.shop_sender(current_app.config.get("MAIL_FROM"), shop(),
                              current_app.config.get("SHOP_URL"))


def render_parts(message):
    """(subject, text, html) for a message; call inside a request context and its locale."""
    if message.kind not in KINDS:
        raise ValueError(f"no email template for message kind {message.kind!r}")
    order = message.order
    needs_order = message.kind.startswith("order_") or (
        message.kind in alerts.KINDS and message.kind not in ("alert_low_stock",
                                                              "alert_mail_failing",
                                                              "alert_new_question"))
    if needs_order and order is None:
        raise ValueError(f"message {message.id} ({message.kind}) has no order")
    context = {"message": message, "order": order, "data": message.data or {}}
    if order is not None:
        view = tracking.tracking(order, shop(), now())
        context.update(view=view, track_url=tracking_link(order),
                       payment_label=payments.PROVIDERS[order.payment_method].label
                       if order.payment_method in payments.PROVIDERS else order.payment_method)
        if message.kind == "order_cancelled":
            # Told as it stands when the email goes: a refund sent since is no longer waiting.
            waiting = order_refunds.waiting(order)
            kept = refund_accounts.stored(order=order) if waiting else None
            context.update(refund_waiting=waiting, destination=kept.short if kept else "")
    number = order.number if order else ""
    if message.kind in RETURN_KINDS:
        ret = db.session.get(ReturnRequest, (message.data or {}).get("return_id") or 0)
        if ret is None:
            raise ValueError(f"message {message.id} ({message.kind}) has no return")
        data = message.data or {}
        context.update(return_context(ret, data.get("destination", ""),
                                      data.get("reference", "")))
        number = ret.number
    if message.kind == checkout_reminders.KIND:
        context.update(reminder_context(message))
    if message.kind == "order_delivered":
        context.update(review_emails.faces_context("delivery", order))
        suggested = delivered_suggestions(order)
        if suggested:
            context.update(goes_well=suggested,
                           unsubscribe_url=unsubscribe_url(message.to_address))
    if message.kind == "order_placed":
        context["claim_url"] = claim_url(order, external=True)
    if message.kind == "points_expiring":
        context.update(expires_at=datetime.fromisoformat((message.data or {})["expires_at"]),
                       rewards_url=url_for("loyalty.rewards", _external=True))
    if message.kind == "staff_invitation":
        context["role_label"] = staff.role_label((message.data or {}).get("role"))
    if message.kind in alerts.KINDS:
        context.update(alert_context(message, order))
        subject = context.pop("subject")
    elif message.kind in help_emails.KINDS:
        context.update(help_emails.context(message))
        subject = context.pop("subject")
        if message.kind == "help_reply":
            context.update(review_emails.faces_context("conversation", context["conversation"]))
    elif message.kind in review_emails.KINDS:
        context.update(review_emails.context(message))
        subject = context.pop("subject")
    elif message.kind in code_emails.KINDS:
        context.update(code_emails.context(message))
        if message.kind in code_emails.MARKETING:
            context["unsubscribe_url"] = unsubscribe_url(message.to_address)
        subject = context.pop("subject")
    elif message.kind == "order_placed" and _carries_offer(context, message):
        # The thank-you code makes the confirmation advertising: "(광고)" starts the Korean
        # subject, and it carries the unsubscribe link (and headers, in render_message).
        subject = _("(Ad) Thank you for your order %(number)s", number=number)
    elif message.kind in campaign_emails.KINDS:
        context.update(campaign_emails.context(message))
        subject = context.pop("subject")
    elif message.kind in newsletter_emails.KINDS:
        context.update(newsletter_emails.context(message, unsubscribe_url))
        subject = context.pop("subject")
    elif message.kind in change_emails.KINDS:
        context.update(change_emails.context(message),
                       unsubscribe_url=unsubscribe_url(message.to_address))
        subject = context.pop("subject")
    elif message.kind == "order_delivered" and context.get("goes_well"):
        # Suggestions make the delivery email advertising: "(광고)" starts the Korean subject,
        # and it carries the unsubscribe link (and headers, in render_message).
        subject = _("(Ad) Order %(number)s was delivered", number=number)
    else:
        subject = _subjects()[message.kind](number)
    text = render_template(f"emails/{message.kind}.txt", subject=subject, **context)
    # Optional sections leave blank lines behind them; one is enough between paragraphs.
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    html = render_template(f"emails/{message.kind}.html", subject=subject, **context)
    return subject, text, html


# Marketing emails carry the one-click unsubscribe headers: a feature that sends them adds its
# kinds here, and asks consent.may_market() before queueing each message.
MARKETING_KINDS = frozenset({checkout_reminders.KIND, *change_emails.KINDS,
                             *code_emails.MARKETING, *campaign_emails.KINDS})
NOT_SENT_WITHOUT_CONSENT = "not sent: the recipient no longer agrees to marketing email"


def delivered_suggestions(order):
    """What goes with a delivered order, for its email: advertising (KISA counts a
    transactional email carrying an offer as advertising), so only for a buyer who agreed to
    marketing, as it stands when the email goes, and not in quiet hours, when the delivery news
    goes without them rather than wait. What is sold out by then is not suggested. None when
    the email goes without suggestions."""
    buyer = db.session.get(User, order.user_id) if order.user_id else None
    if marketing.quiet_until(now(), shop()) is not None \
            or not consent.may_market(buyer or order.email):
        return None
    return goes_well.for_order(order)() or None


def _carries_offer(context, message):
    """An order confirmation that carries the order's thank-you code (only for a buyer who
    agreed to marketing email: see domain/loyalty/codes.py) puts it and the unsubscribe link
    in `context`; True if it does."""
    offer = code_emails.thank_you_context(message.order)
    if not offer:
        return False
    context.update(offer, unsubscribe_url=unsubscribe_url(message.to_address))
    return True


def reminder_context(message):
    """The abandoned checkout's cart, the signed link that restores it, and the unsubscribe
    link. A checkout erased since it was queued leaves nothing to send."""
    from domain.models import CheckoutRecord
    record = db.session.get(CheckoutRecord, (message.data or {}).get("checkout_id") or 0)
    if record is None:
        raise ValueError(f"message {message.id} ({message.kind}) has no checkout")
    cart = record.cart or {}
    currency = cart.get("currency") or shop().currency
    return {
        "lines": [{**line, "amount": format_order_money(line.get("amount", 0), currency)}
                  for line in cart.get("lines", [])],
        "total": format_order_money(cart.get("total", 0), currency),
        "restore_url": url_for("checkout.restore", _external=True,
                               token=checkouts.restore_token(record,
                                                             current_app.config["SECRET_KEY"])),
        "unsubscribe_url": unsubscribe_url(message.to_address),
    }


def unsubscribe_url(email):
    """The signed link that withdraws the address's marketing consent, with or without a page."""
    return url_for("privacy.unsubscribe", _external=True,
                   token=consent.unsubscribe_token(email, current_app.config["SECRET_KEY"]))


def list_unsubscribe_headers(email):
    """The List-Unsubscribe and List-Unsubscribe-Post headers for a marketing email to `email`."""
    return consent.unsubscribe_headers(unsubscribe_url(email))


def render_message(message):
    """The EmailMessage for an outbox message; call inside a request context and its locale."""
    if message.kind in MARKETING_KINDS and not campaign_emails.is_test(message) \
            and not consent.may_market(message.to_address):
        # Consent withdrawn (or erased) while the message waited, in quiet hours say: it is
        # put aside by the outbox and never sent.
        raise ValueError(NOT_SENT_WITHOUT_CONSENT)
    subject, text, html = render_parts(message)
    advertising = message.kind in MARKETING_KINDS or (
        message.kind == "order_placed" and code_emails.thank_you_context(message.order)) or (
        message.kind == "order_delivered" and delivered_suggestions(message.order))
    with_unsubscribe = advertising or message.kind in newsletter_emails.NOTICES
    headers = list_unsubscribe_headers(message.to_address) if with_unsubscribe else {}
    if message.kind in campaign_emails.KINDS:
        # The campaign's link names it, so the report counts who left through it.
        headers = campaign_emails.headers(message)
    # Help emails: replies go to the conversation's own address, read back by the worker.
    headers.update(inbound.reply_headers(message))
    if message.kind in review_emails.KINDS:
        headers.update(review_emails.headers(message))
    return mailer.compose(message, sender(), subject, text, html, headers=headers)


def renderer(app):
    """The render callback for mailer.send_due, usable where there is no request (the worker)."""
    def render(message):
        with app.test_request_context(base_url=app.config["SHOP_URL"]), \
                force_locale(message.locale or "en"):
            return render_message(message)
    return render
