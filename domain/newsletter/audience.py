"""Who a campaign goes to. Every audience is intersected with confirmed marketing consent
(consent given, confirmed from its email, not withdrawn): an address is in the audience only if
consent.may_market would say yes for it, and the worker asks consent.may_market again when it
queues each message.

- "subscribers": everyone with consent in force;
- "recent": customers with an order (not cancelled, not left unpaid) in the last N days;
- "lapsed": customers who ordered before, but not in the last N days;
- "tier": accounts in a loyalty tier.

A customer is known by their account's address for orders placed signed in, and by the order's
address for guests. Erased accounts are never in an audience.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func

from ..extensions import db
from ..models import Consent, Order, User
from ..consent import MARKETING_EMAIL

# An order in one of these states is not an order a customer made (cancelled, never paid).
NOT_ORDERS = ("cancelled", "payment_expired")


@dataclass(frozen=True)
class Person:
    email: str
    user_id: int | None
    locale: str


def subscribers():
    """{email: Person} of everyone with marketing consent in force, by lower-case address."""
    rows = db.session.execute(
        db.select(Consent.email, Consent.user_id, Consent.language, User.email.label("account"),
                  User.id.label("account_id"), User.locale)
        .outerjoin(User, User.id == Consent.user_id)
        .where(Consent.purpose == MARKETING_EMAIL, Consent.confirmed_at.is_not(None),
               Consent.withdrawn_at.is_(None))
        .order_by(Consent.granted_at, Consent.id))
    people = {}
    for row in rows:
        if row.user_id is not None:
            if row.account is None:
                continue
            email, user_id = row.account.strip().lower(), row.account_id
        else:
            email, user_id = (row.email or "").strip().lower(), None
        if email and email not in people:
            people[email] = Person(email, user_id, row.locale or row.language or "en")
    # Consent given by an address covers the account that signs in with it.
    accounts = dict(db.session.execute(
        db.select(func.lower(User.email), User.id).where(
            func.lower(User.email).in_([e for e, p in people.items() if p.user_id is None]),
            User.erased_at.is_(None))).all()) if people else {}
    erased = set(db.session.scalars(db.select(func.lower(User.email))
                                    .where(User.erased_at.is_not(None))))
    return {email: Person(email, person.user_id or accounts.get(email), person.locale)
            for email, person in people.items() if email not in erased}


def _customer_emails(since=None, before=None):
    """Lower-case addresses of customers with an order placed in [since, before)."""
    who = func.lower(func.coalesce(User.email, Order.email))
    query = (db.select(who).select_from(Order).outerjoin(User, User.id == Order.user_id)
             .where(Order.status.not_in(NOT_ORDERS), Order.email != "")
             .group_by(who))
    if since is not None:
        query = query.where(Order.placed_at >= since)
    if before is not None:
        query = query.where(Order.placed_at < before)
    return set(db.session.scalars(query))


def candidates(audience, days, tier_id, now):
    """The addresses the audience names before consent is asked (a set, lower case)."""
    if audience == "recent":
        return _customer_emails(since=now - timedelta(days=days))
    if audience == "lapsed":
        return _customer_emails() - _customer_emails(since=now - timedelta(days=days))
    if audience == "tier":
        return set(db.session.scalars(db.select(func.lower(User.email)).where(
            User.tier_id == tier_id, User.erased_at.is_(None))))
    return None  # everyone who agreed


def select(audience, days, tier_id, now):
    """[Person] of the audience who may be sent marketing now, ordered by address."""
    people = subscribers()
    wanted = candidates(audience, days, tier_id, now)
    if wanted is not None:
        people = {email: person for email, person in people.items() if email in wanted}
    return [people[email] for email in sorted(people)]


def count(audience, days, tier_id, now):
    return len(select(audience, days, tier_id, now))
