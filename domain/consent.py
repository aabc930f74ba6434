"""Consent to marketing email: given with an unticked box (account settings, checkout),
withdrawn as easily (the same box, or one click on the signed link every marketing email will
carry, RFC 8058 one-click included), and recorded with the words shown and where.

`may_market(email_or_user)` is the one question every marketing sender asks before sending.
Consent given for an address covers the account that signs in with it and the other way round:
withdrawing through either stops both.
"""
from datetime import timedelta

from flask_babel import force_locale, lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import false, func, or_

from . import email_address, notify, personal_data
from .errors import InvalidConsentLink
from .extensions import db
from .models import Consent, OutboxMessage, User

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
    """The account settings' box: ask for consent (double opt-in: an email to confirm) or
    withdraw it. Returns request()'s outcome when asked, "withdrawn" otherwise."""
    if wanted:
        if given(user) is not None:
            return "already"  # the box saved again as it was: no email
        return request(now, "account", language, user=user)
    withdraw(user, now, "account")
    return "withdrawn"


# Double opt-in. Ticking a box or sending the footer's form only asks: a pending consent
# (confirmed_at NULL) is recorded with the words shown, and an email with a signed link that
# expires goes to the address. Only the address's owner can confirm it, so nobody is signed up
# by someone else typing their address, and may_market stays False until then.
CONFIRM_KIND = "newsletter_confirm"
CONFIRM_SALT = "newsletter-confirm"
# How long the confirmation link works.
CONFIRM_DAYS = 7
# Asking again while waiting sends the email again, at most once in this many minutes.
RESEND_MINUTES = 10
# Pending consents nobody confirmed are deleted after this many days (the consent-reminders job).
PENDING_DAYS = 30


def pending(email_or_user, purpose=MARKETING_EMAIL):
    """The newest consent waiting for its confirmation, or None."""
    condition = _who(email_or_user)
    if condition is None:
        return None
    return db.session.scalar(db.select(Consent).where(
        condition, Consent.purpose == purpose, Consent.confirmed_at.is_(None),
        Consent.withdrawn_at.is_(None)).order_by(Consent.granted_at.desc(), Consent.id.desc())
        .limit(1))


def address_of(record):
    """Where a consent's emails go: its address, or its account's."""
    if record.email:
        return record.email
    user = db.session.get(User, record.user_id) if record.user_id is not None else None
    return email_address.normalize(user.email) if user is not None and user.erased_at is None \
        else None


def _recently_mailed(address, now):
    """Whether a confirmation email went to `address` in the last RESEND_MINUTES."""
    return db.session.scalar(db.select(OutboxMessage.id).where(
        OutboxMessage.kind == CONFIRM_KIND, func.lower(OutboxMessage.to_address) == address,
        OutboxMessage.created_at > now - timedelta(minutes=RESEND_MINUTES)).limit(1)) is not None


def _mail(record, address, language, now, already):
    """Queue the confirmation email (or "you are already subscribed"), at most once in
    RESEND_MINUTES per address: the key names the address and the window, so two requests at
    once queue one. Transactional: it asks, and offers nothing."""
    if _recently_mailed(address, now):
        return False
    window = int(now.timestamp() // (RESEND_MINUTES * 60))
    return notify.enqueue_keyed(f"{CONFIRM_KIND}:{address}:{window}", CONFIRM_KIND, address,
                                language or "en", data={"consent_id": record.id,
                                                        "already": already},
                                now=now, created_at=now) is not None


def request(now, source, language, user=None, email=None, purpose=MARKETING_EMAIL,
            resend=True):
    """Ask for consent with double opt-in. Returns what happened, for the asker's page:
    "sent" (a confirmation email is queued), "waiting" (one went less than RESEND_MINUTES ago),
    "already" (consent is in force: an email says so, to the address only), "invalid" (no
    usable address). A stranger's form must answer all of them alike: "check your inbox".
    `resend=False` (the checkout's box seen while the shopper is still on the page) sends
    nothing more once a sign-up is waiting or consent is in force."""
    if source not in SOURCES:
        raise ValueError(f"unknown consent source {source!r}")
    if user is None:
        email = email_address.clean(email or "")
        if not email:
            return "invalid"
    who = user if user is not None else email
    existing = given(who, purpose)
    if existing is not None:
        if not resend:
            return "already"
        address = address_of(existing) or (email_address.normalize(user.email) if user else email)
        _mail(existing, address, language, now, True)
        return "already"
    record = pending(who, purpose)
    if record is not None and not resend:
        return "waiting"
    if record is None:
        version, _text = WORDINGS[purpose]
        with force_locale(language or "en"):
            text = wording(purpose)
        record = Consent(user_id=user.id if user is not None else None,
                         email=None if user is not None else email_address.normalize(email),
                         purpose=purpose, wording=text, wording_version=version,
                         language=language or "en", source=source, granted_at=now)
        db.session.add(record)
        db.session.flush()
    address = address_of(record)
    if address is None:
        return "invalid"
    return "sent" if _mail(record, address, language, now, False) else "waiting"


def _confirm_serializer(secret):
    return URLSafeTimedSerializer(secret, salt=CONFIRM_SALT)


def confirm_token(record, secret):
    """The confirmation link's token: the consent and its address, signed, with its time."""
    return _confirm_serializer(secret).dumps([record.id, address_of(record) or ""])


def _bad_link():
    return InvalidConsentLink(_l("This confirmation link is not valid. Please copy the whole "
                                 "link from the email, or sign up again."))


def for_confirm_token(token, secret, now):
    """The consent a confirmation link names, or InvalidConsentLink (altered, expired, or the
    consent no longer there). Reads only."""
    try:
        (consent_id, address), signed_at = _confirm_serializer(secret).loads(
            token or "", return_timestamp=True)
    except (BadSignature, TypeError, ValueError):
        raise _bad_link()
    if now - signed_at > timedelta(days=CONFIRM_DAYS):
        raise InvalidConsentLink(_l("This confirmation link has expired. Please sign up again: "
                                    "we will send you a new one."))
    record = db.session.get(Consent, consent_id) if isinstance(consent_id, int) else None
    if record is None or record.withdrawn_at is not None or address_of(record) != address:
        raise _bad_link()
    return record


def confirm(token, secret, now):
    """Confirm the consent a link names (its POST): confirmed_at is set once; a second
    confirmation changes nothing. Returns the consent."""
    record = for_confirm_token(token, secret, now)
    db.session.execute(db.update(Consent).where(Consent.id == record.id,
                                                Consent.confirmed_at.is_(None),
                                                Consent.withdrawn_at.is_(None))
                       .values(confirmed_at=now).execution_options(synchronize_session=False))
    db.session.refresh(record)
    return record


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
             "confirmed_at": when(c.confirmed_at), "reminded_at": when(c.reminded_at),
             "withdrawn_at": when(c.withdrawn_at), "withdrawn_source": c.withdrawn_source}
            for c in db.session.scalars(db.select(Consent).where(_of(subject))
                                        .order_by(Consent.granted_at, Consent.id))]


def _erase(subject, erasure):
    return db.session.execute(db.delete(Consent).where(_of(subject))
                              .execution_options(synchronize_session="fetch")).rowcount


personal_data.register("consents", _l("Marketing consents"), tables=("consent",),
                       export=_export, erase=_erase)
