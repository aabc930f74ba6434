"""The demo's newsletter: a few subscribers who confirmed over the last months (from the
footer's form, at checkout, in their account), in both languages, so the back office's
newsletter page has a list and a month-by-month growth to show; the demo customer is one of
them. No email is queued: they confirmed long ago. remove-demo deletes them (remove())."""
from datetime import timedelta

from flask_babel import force_locale

from .. import consent
from ..extensions import db
from ..models import Consent, User
from .catalogue import CUSTOMER_EMAIL

# (address, days ago confirmed, where, language)
SUBSCRIBERS = (
    ("jiwoo.han@example.com", 150, "newsletter_form", "ko"),
    ("seoyeon.lee@example.com", 96, "checkout", "ko"),
    ("alex.morgan@example.com", 61, "newsletter_form", "en"),
    ("hana.choi@example.com", 33, "checkout", "ko"),
    ("sam.taylor@example.com", 9, "newsletter_form", "en"),
)
CUSTOMER_DAYS = 40


def _record(now, days, source, language, email=None, user_id=None):
    at = now - timedelta(days=days)
    with force_locale(language):
        words = consent.wording()
    db.session.add(Consent(email=email, user_id=user_id, purpose=consent.MARKETING_EMAIL,
                           wording=words, wording_version=consent.WORDINGS[
                               consent.MARKETING_EMAIL][0], language=language, source=source,
                           granted_at=at - timedelta(minutes=4), confirmed_at=at))


def load_newsletter(now):
    for email, days, source, language in SUBSCRIBERS:
        _record(now, days, source, language, email=email)
    customer = db.session.scalar(db.select(User).where(User.email == CUSTOMER_EMAIL))
    if customer is not None:
        _record(now, CUSTOMER_DAYS, "account", "en", user_id=customer.id)
    db.session.flush()


def remove():
    """The demo's own subscribers (by address; the demo customer's goes with the account)."""
    db.session.execute(db.delete(Consent).where(Consent.email.in_(
        [email for email, *_rest in SUBSCRIBERS])).execution_options(synchronize_session=False))
