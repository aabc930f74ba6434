"""Personal data has one registry: every kind of record that holds something about a person
says here how it is exported, how it is erased, and how long the law makes the shop keep what
erasure leaves.

A module that keeps personal data registers its kind when it is imported:

    personal_data.register("addresses", _l("Addresses"), tables=("address",),
                           export=_export, erase=_erase)

- the label names the kind for the back office's erasure log.
- export(subject) returns the subject's records, ready for JSON (lists, dicts, strings,
  numbers; datetimes through `when()`), or an empty value when there are none.
- erase(subject, erasure) erases or anonymises them and returns how many it touched.
- retention and purge, for a kind that keeps records after erasure because a law requires it
  (orders: amounts, dates and items): how long (a Retention, citing the law), and
  purge(now) -> {erasure reference: records purged}, which deletes what is past its time and
  claims it as it goes, so any number of workers purge each record exactly once.

Every table is either covered by a kind or listed in NOT_PERSONAL; `unaccounted_tables()` is
empty or the test suite fails, so a new table cannot quietly escape the download and the
deletion. The registry imports every module of the domain before answering, so a kind is
never missed because its module happened not to be loaded yet.
"""
import calendar
import importlib
import pkgutil
import secrets
from dataclasses import dataclass
from datetime import timezone

from .catalog import Page, clamp_page
from .extensions import db
from .models import ErasureLog


@dataclass(frozen=True)
class Retention:
    """How long records kept after erasure live, and the law that says so."""

    months: int
    basis: str


# 전자상거래 등에서의 소비자보호에 관한 법률 (Act on the Consumer Protection in Electronic
# Commerce) 제6조 and its 시행령 (Enforcement Decree) 제6조제1항: the records an online seller
# keeps, and for how long. 개인정보 보호법 (PIPA) 제21조제1항 단서 and GDPR Art. 17(3)(b) let
# such records outlive an erasure request; PIPA 제21조제3항 asks for them to be kept apart
# from other personal data, which anonymising them under an opaque reference does. Orders and
# returns keep CONTRACTS and PAYMENTS; ADVERTISING and COMPLAINTS wait for the features that
# will keep such records (marketing sends, support messages).
DECREE = "전자상거래 등에서의 소비자보호에 관한 법률 시행령 제6조제1항"
ADVERTISING = Retention(6, f"{DECREE}제1호: 표시·광고에 관한 기록, 6개월")
CONTRACTS = Retention(60, f"{DECREE}제2호: 계약 또는 청약철회 등에 관한 기록, 5년")
PAYMENTS = Retention(60, f"{DECREE}제3호: 대금결제 및 재화등의 공급에 관한 기록, 5년")
COMPLAINTS = Retention(36, f"{DECREE}제4호: 소비자의 불만 또는 분쟁처리에 관한 기록, 3년")

# Tables that hold nothing about a person: the catalogue, the shop's own settings and rules,
# the erasure log (an opaque reference and counts) and catalogue imports (file names, counts
# and the catalogue rows left out; the merchant account that started one is only referred to,
# and the reference is cleared if that account goes).
# faq_vote: keyed by a digest of a random token from the visitor's cookie, tied to no account or
# address, so there is no person to find its rows for.
NOT_PERSONAL = frozenset({
    "business_hours", "category", "erasure_log", "faq_category", "faq_entry", "faq_vote", "holiday",
    "import_job", "import_problem", "policy_page", "product", "saved_reply",
    "product_image", "return_policy", "return_rule", "scheduled_job", "server_error_count",
    # A review request is a date about an order; a vote a keyed hash of a random token; change
    # notes and testimonials are what the merchant publishes.
    "review_request", "review_vote", "change_note", "testimonial",
    # The loyalty programme's settings and tiers.
    "loyalty_settings", "loyalty_tier",
    # What goes with what, and views and cart adds counted per product and day (no visitor,
    # cookie or address is kept with them); the merchant's notes of donations to the cause.
    "product_pair", "product_complement", "counter_batch", "daily_counter", "cause_donation",
    "shipping_method", "shop_settings", "storefront_version", "variant", "worker_heartbeat",
    # Views and cart adds per product and day (domain/counters.py): counted, never who.
    "counter_batch", "daily_counter",
})

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Subject:
    """Whose data: an account (its id and sign-in email) or, for a guest, an email address.
    A guest's records are those placed without an account under that address."""

    user_id: int | None
    email: str

    @property
    def is_guest(self):
        return self.user_id is None


@dataclass(frozen=True)
class Erasure:
    """One erasure in progress: its opaque reference (kept on anonymised records and in the
    log) and its moment."""

    reference: str
    now: object


@dataclass(frozen=True)
class Kind:
    name: str
    label: object
    tables: tuple
    export: object
    erase: object
    retention: Retention | None = None
    purge: object = None


_KINDS = {}
_discovered = False


def register(kind, label, *, tables, export, erase, retention=None, purge=None):
    """Declare a kind of personal record; see the module's docstring."""
    if retention is not None and purge is None:
        raise ValueError(f"{kind}: records kept for a retention period need a purge")
    _KINDS[kind] = Kind(kind, label, tuple(tables), export, erase, retention, purge)


def label(kind):
    """The kind's name for people ("Orders"), or its key for a kind no longer registered."""
    _discover()
    found = _KINDS.get(kind)
    return str(found.label) if found else kind


def kinds():
    """Every registered kind, by name (the order the download lists them in)."""
    _discover()
    return sorted(_KINDS.values(), key=lambda kind: kind.name)


def _discover():
    """Import every domain module once, so every kind has registered itself."""
    global _discovered
    if _discovered:
        return
    import domain
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    _discovered = True


def unaccounted_tables():
    """Tables neither covered by a kind nor declared free of personal data."""
    covered = {table for kind in kinds() for table in kind.tables}
    return sorted(set(db.metadata.tables) - covered - NOT_PERSONAL)


def when(moment):
    """A datetime as it appears in a download: ISO 8601 in UTC."""
    return moment.astimezone(timezone.utc).isoformat() if moment else None


def export(subject, now):
    """Everything the shop holds about the subject, by kind, ready for JSON."""
    data = {"exported_at": when(now),
            "subject": {"account": not subject.is_guest, "email": subject.email}}
    for kind in kinds():
        data[kind.name] = kind.export(subject)
    return data


def holds_anything(subject):
    """Whether any kind holds a record about the subject."""
    return any(kind.export(subject) for kind in kinds())


def new_reference():
    """'E-7KQ4D2MX': random, so it says nothing about whom it was."""
    return "E-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def erase(subject, now, requested_by):
    """Erase or anonymise every record about the subject, in the caller's transaction, and log
    it under a new opaque reference. Returns the log entry."""
    erasure = Erasure(new_reference(), now)
    records = {}
    for kind in kinds():
        count = kind.erase(subject, erasure)
        if count:
            records[kind.name] = count
    entry = ErasureLog(reference=erasure.reference, action="erased", requested_by=requested_by,
                       records=records, created_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry


def purge_expired(now):
    """Delete the records kept for the law whose time is up, in the caller's transaction, and
    log each erasure's purge once. Returns the log entries written."""
    purged = {}
    for kind in kinds():
        if kind.purge is None:
            continue
        for reference, count in kind.purge(now).items():
            if count:
                purged.setdefault(reference, {})[kind.name] = count
    entries = [ErasureLog(reference=reference, action="purged", requested_by="retention",
                          records=records, created_at=now)
               for reference, records in sorted(purged.items())]
    db.session.add_all(entries)
    db.session.flush()
    return entries


def add_months(moment, months):
    """The same day and time `months` later (the month's last day when it is shorter)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def erasure_log(page=1, per_page=50):
    """The log, newest first, one page of it."""
    total = db.session.scalar(db.select(db.func.count(ErasureLog.id))) or 0
    page = clamp_page(page, total, per_page)
    items = db.session.scalars(
        db.select(ErasureLog).order_by(ErasureLog.created_at.desc(), ErasureLog.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=items, page=page, per_page=per_page, total=total)
