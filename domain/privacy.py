"""Requests about a person's data: downloading it and erasing it.

A signed-in customer downloads from their account and deletes it after typing their password.
A guest (orders without an account) asks for a link, which is emailed to the address the
orders were placed with: only whoever reads that inbox gets the data, and the link expires.
What a download holds and what an erasure does is the registry's (domain/personal_data.py).
"""
from datetime import timedelta

from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import email_address, notify, order_records, personal_data
from .accounts import ClockedSigner
from .errors import ErasureRefused, InvalidCredentials, InvalidPrivacyLink
from .orders import status_label
from .returns.records import open_returns

ACTIONS = ("export", "erase")
LINK_HOURS = 24
LINK_SALT = "privacy-request"


def account_subject(user):
    return personal_data.Subject(user.id, email_address.normalize(user.email))


def guest_subject(email):
    return personal_data.Subject(None, email_address.normalize(email))


def download(subject, now):
    """Everything held about the subject, as a dict ready for JSON."""
    return personal_data.export(subject, now)


def blockers(subject):
    """Why the subject's data cannot be erased yet, fit to show; empty when it can. An order
    on its way still needs its address, and a refund still to come its customer."""
    problems = [_("Order %(number)s is still open (%(status)s): its data can be deleted once "
                  "it is delivered or cancelled.", number=order.number,
                  status=status_label(order.status))
                for order in order_records.open_orders(subject)]
    problems += [_("Return %(number)s is not settled yet: its data can be deleted once it is "
                   "refunded, exchanged or closed.", number=ret.number)
                 for ret in open_returns(subject)]
    return problems


def _refuse_if_busy(subject):
    problems = blockers(subject)
    if problems:
        raise ErasureRefused(" ".join(problems))


def delete_account(user, password, now):
    """Erase the account and everything about its owner, once they typed their password again.
    Orders keep what the law requires, without a buyer. Every session of the account ends.
    Returns the erasure log entry; raises InvalidCredentials or ErasureRefused, changing
    nothing."""
    if user.is_merchant:
        raise ErasureRefused(_("A back-office account cannot be deleted here."))
    if not user.check_password(password or ""):
        raise InvalidCredentials(_("That is not your current password."))
    subject = account_subject(user)
    _refuse_if_busy(subject)
    return personal_data.erase(subject, now, "customer")


# A guest's link: the address and what it is for, signed and timestamped.
def _serializer(secret, now=None):
    return URLSafeTimedSerializer(secret, salt=LINK_SALT, signer=ClockedSigner,
                                  signer_kwargs={"now": now})


def link_token(email, action, secret, now=None):
    return _serializer(secret, now).dumps([email_address.normalize(email), action])


def request_link(email, action, make_url, secret, now, locale="en"):
    """Email a link to download (action "export") or erase ("erase") a guest's data, if the
    shop holds any for that address. make_url(token) gives the link's absolute URL. Returns
    the queued message, or None (callers answer the same either way, so nobody learns which
    addresses have ordered)."""
    email = email_address.clean(email)
    if email is None or action not in ACTIONS:
        return None
    if not personal_data.holds_anything(guest_subject(email)):
        return None
    link = make_url(link_token(email, action, secret, now))
    return notify.enqueue("privacy_request", email, locale or "en", now=now,
                          data={"url": link, "action": action, "expires_hours": LINK_HOURS})


def for_link(token, secret, now):
    """(subject, action) of a guest's link, or InvalidPrivacyLink if it expired or was altered."""
    try:
        (email, action), signed_at = _serializer(secret).loads(token or "", return_timestamp=True)
    except (BadSignature, TypeError, ValueError):
        raise InvalidPrivacyLink(_("This link is not valid. Please ask for a new one."))
    if action not in ACTIONS or not email_address.is_valid(email):
        raise InvalidPrivacyLink(_("This link is not valid. Please ask for a new one."))
    if now - signed_at > timedelta(hours=LINK_HOURS) or signed_at - now > timedelta(minutes=5):
        raise InvalidPrivacyLink(_("This link has expired: links work for %(num)d hours. "
                                   "Please ask for a new one.", num=LINK_HOURS))
    return guest_subject(email), action


def download_by_link(token, secret, now):
    """A guest's data through their emailed download link; InvalidPrivacyLink otherwise."""
    subject, action = for_link(token, secret, now)
    if action != "export":
        raise InvalidPrivacyLink(_("This link is for deleting your data, not downloading it. "
                                   "Please ask for a download link."))
    return download(subject, now)


def erase_guest(token, secret, now):
    """Erase a guest's data through their emailed erase link. Returns the erasure log entry;
    raises InvalidPrivacyLink or ErasureRefused, changing nothing."""
    subject, action = for_link(token, secret, now)
    if action != "erase":
        raise InvalidPrivacyLink(_("This link is for downloading your data, not deleting it. "
                                   "Please ask for a deletion link."))
    _refuse_if_busy(subject)
    return personal_data.erase(subject, now, "email_link")
