"""The job "consent-reminders", daily.

Korean law (정보통신망법 제50조 제8항, 시행령 제62조의3) asks a sender of advertising to tell each
recipient every two years that they agreed: when, and how. Every confirmed consent whose last
reminder (or, before the first, its confirmation) is two years old or more gets one email with
the date, the way it was given and the words agreed to, a link to keep it (nothing to do) and
one to unsubscribe; `reminded_at` records it. Each reminder is claimed by a conditional UPDATE
of `reminded_at` (from the value read), and its email queued under a key naming the consent and
the claim, in the same transaction, so any number of workers, or a run repeated, send it once.

The same job deletes sign-ups nobody confirmed within consent.PENDING_DAYS days: the DELETE is
its own claim. The reminder informs and offers nothing, so it is sent as a notice, not as an
advertisement (no "(광고)"), in any hour; it still carries the unsubscribe link and headers.
"""
from datetime import timedelta

from sqlalchemy import func

from .. import consent, notify, personal_data
from ..extensions import db
from ..models import Consent

KIND = "consent_reminder"
EVERY_MONTHS = 24
BATCH = 500


def _anchor():
    return func.coalesce(Consent.reminded_at, Consent.confirmed_at)


def due(now, limit=BATCH):
    """Confirmed consents in force whose last reminder or confirmation is EVERY_MONTHS old."""
    before = personal_data.add_months(now, -EVERY_MONTHS)
    return db.session.scalars(
        db.select(Consent).where(Consent.purpose == consent.MARKETING_EMAIL,
                                 Consent.confirmed_at.is_not(None),
                                 Consent.withdrawn_at.is_(None), _anchor() <= before)
        .order_by(Consent.id).limit(limit).with_for_update(skip_locked=True, of=Consent)).all()


def remind(record, now):
    """Claim and send one reminder; False when another run took it first."""
    previous = record.reminded_at
    claimed = db.session.execute(
        db.update(Consent).where(Consent.id == record.id, Consent.withdrawn_at.is_(None),
                                 Consent.reminded_at.is_(None) if previous is None
                                 else Consent.reminded_at == previous)
        .values(reminded_at=now).execution_options(synchronize_session=False)).rowcount == 1
    if not claimed:
        return False
    db.session.refresh(record)
    address = consent.address_of(record)
    if address is None:
        return False
    anchor = (previous or record.confirmed_at).isoformat()
    notify.enqueue_once(f"{KIND}:{record.id}:{anchor}", KIND, address, record.language or "en",
                        data={"consent_id": record.id}, now=now)
    return True


def purge_pending(now):
    """Delete sign-ups left unconfirmed for PENDING_DAYS days; returns how many."""
    return db.session.execute(
        db.delete(Consent).where(Consent.confirmed_at.is_(None), Consent.withdrawn_at.is_(None),
                                 Consent.granted_at < now - timedelta(days=consent.PENDING_DAYS))
        .execution_options(synchronize_session=False)).rowcount


def sweep(now):
    """The job: the reminders due, then the purge. Returns what the worker's status shows."""
    sent = sum(1 for record in due(now) if remind(record, now))
    purged = purge_pending(now)
    parts = []
    if sent:
        parts.append(f"{sent} consent reminder(s) queued")
    if purged:
        parts.append(f"{purged} unconfirmed sign-up(s) deleted")
    return ", ".join(parts)
