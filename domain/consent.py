"""Consent to marketing email: given with an unticked box (account settings, checkout),
withdrawn as easily (the same box, or one click on the signed link every marketing email will
carry, RFC 8058 one-click included), and recorded with the words shown and where.

`may_market(email_or_user)` is the one question every marketing sender asks before sending.
Consent given for an address covers the account that signs in with it and the other way round:
withdrawing through either stops both.
"""
from flask_babel import force_locale, lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import false, func, or_

from . import email_address, personal_data
from .errors import InvalidConsentLink
from .extensions import db
from .models import Consent, User

MARKETING_EMAIL = "marketing_email"
SOURCES = ("checkout", "account", "newsletter_form")
WITHDRAWAL_SOURCES = ("account", "unsubscribe_link", "one_click")
# What each purpose's box says, and the version of those words: a new wording gets a new
# version, and each record keeps the text it was given with.
WORDINGS = {
    MARKETING_EMAIL: ("2026-12", _l("Email me news of new pieces and offers. I can unsubscribe "
                                    "at any time, with one click.")),
}
UNSUBSCRIBE_SALT = "unsubscribe"


def wording(purpose=MARKETING_EMAIL):
    """The words of the purpose's box, in the current language."""
    return str(WORDINGS[purpose][1])


def _who(email_or_user):
    """The condition for the consent records about a person: their account's and their
    address's. None for an erased account or an unusable address."""
    if isinstance(email_or_user, User):
        user = email_or_user
        if user.erased_at is not None:
            return None
        return or_(Consent.user_id == user.id, Consent.email == email_address.normalize(user.email))
    email = email_address.clean(email_or_user or "")
    if not email:
        return None
    account = db.session.scalar(db.select(User.id).where(func.lower(User.email) == email,
                                                         User.erased_at.is_(None)))
    return or_(Consent.email == email,
               Consent.user_id == account if account is not None else false())


def _active(condition, purpose):
    """Consent in force: given, confirmed from the email (double opt-in), not withdrawn."""
    return db.select(Consent).where(condition, Consent.purpose == purpose,
                                    Consent.confirmed_at.is_not(None),
                                    Consent.withdrawn_at.is_(None))


def may_market(email_or_user, purpose=MARKETING_EMAIL):
    """Whether marketing may be sent to this address or account now: consent was given and
    not withdrawn since. Every marketing sender asks this first."""
    condition = _who(email_or_user)
    if condition is None:
        return False
    return db.session.scalar(_active(condition, purpose).limit(1)) is not None


def given(email_or_user, purpose=MARKETING_EMAIL):
    """The consent in force, or None."""
    condition = _who(email_or_user)
    if condition is None:
        return None
    return db.session.scalar(_active(condition, purpose).order_by(Consent.granted_at).limit(1))


def grant(now, source, language, user=None, email=None, purpose=MARKETING_EMAIL):
    """Record consent given by an account (user) or an address (email), with the words shown
    in `language`. Consent already in force is left as it is and returned."""
    if source not in SOURCES:
        raise ValueError(f"unknown consent source {source!r}")
    who = user if user is not None else email
    existing = given(who, purpose)
    if existing is not None:
        return existing
    version, _text = WORDINGS[purpose]
    with force_locale(language or "en"):
        text = wording(purpose)
    record = Consent(user_id=user.id if user is not None else None,
                     email=None if user is not None else email_address.normalize(email),
                     purpose=purpose, wording=text, wording_version=version,
                     language=language or "en", source=source, granted_at=now,
                     confirmed_at=now)
    db.session.add(record)
    db.session.flush()
    return record


def withdraw(email_or_user, now, source, purpose=MARKETING_EMAIL):
    """Withdraw every consent in force for the account or address; returns how many."""
    if source not in WITHDRAWAL_SOURCES:
        raise ValueError(f"unknown withdrawal source {source!r}")
    condition = _who(email_or_user)
    if condition is None:
        return 0
    records = db.session.scalars(_active(condition, purpose)).all()
    for record in records:
        record.withdrawn_at = now
        record.withdrawn_source = source
    db.session.flush()
    return len(records)


def set_marketing(user, wanted, now, language):
    """The account settings' box: give or withdraw consent. Returns whether it is now given."""
    if wanted:
        grant(now, "account", language, user=user)
    else:
        withdraw(user, now, "account")
    return wanted


# The unsubscribe link. It names the address the email went to, signed with the app's secret;
# it does not expire, as the emails holding it do not.
def _serializer(secret):
    return URLSafeSerializer(secret, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(email, secret, purpose=MARKETING_EMAIL):
    return _serializer(secret).dumps([purpose, email_address.normalize(email)])


def for_unsubscribe_token(token, secret):
    """(purpose, email) of an unsubscribe link, or InvalidConsentLink for an altered one."""
    try:
        purpose, email = _serializer(secret).loads(token or "")
    except (BadSignature, TypeError, ValueError):
        raise InvalidConsentLink(_l("This unsubscribe link is not valid. Please use the link "
                                    "in our latest email, or unsubscribe in your account "
                                    "settings."))
    if purpose not in WORDINGS or not isinstance(email, str):
        raise InvalidConsentLink(_l("This unsubscribe link is not valid. Please use the link "
                                    "in our latest email, or unsubscribe in your account "
                                    "settings."))
    return purpose, email


def unsubscribe(token, secret, now, source):
    """Withdraw the consent an unsubscribe link names; returns its email address."""
    purpose, email = for_unsubscribe_token(token, secret)
    withdraw(email, now, source, purpose)
    return email


def unsubscribe_headers(url):
    """The headers of a marketing email (RFC 2369 and RFC 8058): mail programs show an
    Unsubscribe button, and a one-click POST to `url` withdraws consent without a page."""
    return {"List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# Personal data: the consent records of an account or an address.
def _of(subject):
    if subject.is_guest:
        return (Consent.user_id.is_(None)) & (Consent.email == subject.email)
    return or_(Consent.user_id == subject.user_id,
               (Consent.user_id.is_(None)) & (Consent.email == subject.email))


def _export(subject):
    when = personal_data.when
    return [{"purpose": c.purpose, "wording": c.wording, "wording_version": c.wording_version,
             "language": c.language, "source": c.source, "granted_at": when(c.granted_at),
             "withdrawn_at": when(c.withdrawn_at), "withdrawn_source": c.withdrawn_source}
            for c in db.session.scalars(db.select(Consent).where(_of(subject))
                                        .order_by(Consent.granted_at, Consent.id))]


def _erase(subject, erasure):
    return db.session.execute(db.delete(Consent).where(_of(subject))
                              .execution_options(synchronize_session="fetch")).rowcount


personal_data.register("consents", _l("Marketing consents"), tables=("consent",),
                       export=_export, erase=_erase)
