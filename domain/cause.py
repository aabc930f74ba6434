"""The shop's social cause: a share of each delivered order (basis points of what its goods
cost after discounts, or a fixed amount per order) goes to a named cause. The share is the one
promised when the order was placed (stamped on it here), so a later change of the setting does
not rewrite what earlier orders gave.

What an order gives (`order_gives`), exactly, in the order's currency and minor units:

- only a delivered order gives anything: placed, paid, shipped, cancelled or expired orders
  give nothing;
- a percentage is of the goods: each line's price times its units, less the line's part of the
  order's discounts (coupons and points; OrderLine.discount), as the prices were shown (tax
  included when the shop's prices include it, left out when tax was added on top); never
  shipping or fees, and store credit is a way of paying, not a discount;
- units of a return that ended in a refund or store credit are taken off: their price less
  their part of the line's discount (the line's discount times the units over the line's
  units, rounded half away from zero, as returns/amounts.paid_for shares it). A return still
  in progress, rejected or exchanged takes nothing off;
- the percentage of what is left is rounded half away from zero to the minor unit, per order;
- a fixed amount is given once per delivered order, and not at all when every unit of the
  order came back refunded or credited.

The /cause page adds these up per calendar month of delivery in the shop's time zone.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from flask_babel import gettext as _

from .errors import ShopError
from .extensions import db
from .models import CauseDonation, Order, OrderLine, ReturnRequest
from .money import Money, _round_div

# Returns whose units no longer count for the cause.
SETTLED_RETURNS = ("refunded", "credited")
NOTE_LIMIT = 1000
URL_LIMIT = 500


def stamp(order, config):
    """Copy the cause's share in force onto a new order; nothing when no cause is named."""
    if not any((getattr(config, "cause_name", None) or {}).values()):
        order.cause_bp = order.cause_fixed = 0
        return
    order.cause_bp = getattr(config, "cause_bp", 0) or 0
    order.cause_fixed = getattr(config, "cause_fixed", 0) or 0


def is_set(config):
    """Whether the shop names a cause with a share to give."""
    return bool(any((config.cause_name or {}).values())
                and (config.cause_bp or config.cause_fixed))


def name(config, locale):
    """The cause's name in `locale`, else in the shop's main language, else any."""
    names = config.cause_name or {}
    return (names.get(locale) or names.get(config.main_language)
            or next((value for value in names.values() if value), ""))


def share_of(goods, returned, units_kept, cause_bp, cause_fixed):
    """What one order gives: `goods` its goods after discounts, `returned` what of them came
    back refunded or credited, `units_kept` how many units did not."""
    given = 0
    if cause_bp:
        given += _round_div(max(goods - returned, 0) * cause_bp, 10000)
    if cause_fixed and units_kept > 0:
        given += cause_fixed
    return given


def returned_value(unit_price, line_quantity, line_discount, quantity):
    """The price of `quantity` units of a line, less their part of the line's discount."""
    share = line_discount if quantity == line_quantity else \
        _round_div(line_discount * quantity, line_quantity)
    return unit_price * quantity - share


def order_gives(order):
    """What `order` gives the cause, in its currency's minor units (see the module's rules)."""
    if order.status != "delivered" or not (order.cause_bp or order.cause_fixed):
        return 0
    goods = sum(line.unit_price * line.quantity - (line.discount or 0) for line in order.lines)
    back = defaultdict(int)
    for ret in order.returns:
        if ret.status in SETTLED_RETURNS:
            for rl in ret.lines:
                back[rl.order_line_id] += rl.quantity
    returned = units_kept = 0
    for line in order.lines:
        gone = min(back.get(line.id, 0), line.quantity)
        units_kept += line.quantity - gone
        if gone:
            returned += returned_value(line.unit_price, line.quantity, line.discount or 0, gone)
    return share_of(goods, returned, units_kept, order.cause_bp, order.cause_fixed)


@dataclass(frozen=True)
class Month:
    month: date            # the first day of the month, in the shop's zone
    orders: int            # delivered orders that gave something
    given: tuple           # (Money, ...), one per currency


@dataclass(frozen=True)
class Totals:
    given: tuple = ()                                   # (Money, ...) per currency, all months
    orders: int = 0
    months: tuple = ()                                  # Month, newest first
    donated: tuple = ()                                 # (Money, ...) the merchant's notes
    donations: list = field(default_factory=list)       # CauseDonation, newest first


def _monies(amounts):
    return tuple(Money(amount, currency) for currency, amount in sorted(amounts.items()) if amount)


def _giving():
    """The orders that may give: delivered, with a share promised."""
    return (Order.status == "delivered", Order.delivered_at.is_not(None),
            (Order.cause_bp > 0) | (Order.cause_fixed > 0))


def _month_starts(first, last, zone):
    """The first instants (aware UTC) of every month in `zone` from `first`'s to `last`'s."""
    local, end = first.astimezone(zone), last.astimezone(zone)
    year, month, starts = local.year, local.month, []
    while (year, month) <= (end.year, end.month):
        starts.append(datetime(year, month, 1, tzinfo=zone).astimezone(timezone.utc))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return starts


def fingerprint():
    """What changes whenever the orders' giving does (an order delivered, changed or gone, a
    return settled or changed): a page may keep what `given()` found while this stays equal."""
    orders = db.session.execute(db.select(db.func.count(Order.id), db.func.max(Order.updated_at))
                                .where(*_giving())).one()
    returns = db.session.execute(
        db.select(db.func.count(ReturnRequest.id), db.func.max(ReturnRequest.updated_at))
        .where(ReturnRequest.status.in_(SETTLED_RETURNS))).one()
    return (*orders, *returns)


def totals(zone, given_part=None):
    """The running total given from delivered orders, per month of delivery in `zone` (the
    shop's), and the donations the merchant noted (`given_part`: what given(zone) returned
    earlier, while fingerprint() stayed the same). The orders with no settled return are added
    up in the database, the share rounded per order there ((goods x bp + 5000) // 10000, half
    away from zero for amounts that are never negative) and each one put in its month by the
    months' first instants; the few with a settled return are worked out line by line here.
    Five reads, whatever the number of orders."""
    overall, count, months = given_part or given(zone)
    donations = db.session.scalars(db.select(CauseDonation).order_by(
        CauseDonation.donated_on.desc(), CauseDonation.id.desc())).all()
    donated = defaultdict(int)
    for donation in donations:
        donated[donation.currency] += donation.amount
    return Totals(given=overall, orders=count, months=months, donated=_monies(donated),
                  donations=donations)


def given(zone):
    """(given per currency, orders that gave, months newest first): see totals()."""
    giving = _giving()
    first, last = db.session.execute(db.select(db.func.min(Order.delivered_at),
                                               db.func.max(Order.delivered_at))
                                     .where(*giving)).one()
    months = defaultdict(lambda: [0, defaultdict(int)])
    overall, count = defaultdict(int), 0

    def add(month, currency, orders, amount):
        nonlocal count
        entry = months[month]
        entry[0] += orders
        entry[1][currency] += amount
        overall[currency] += amount
        count += orders

    if first is not None:
        starts = _month_starts(first, last, zone)
        local_months = [moment.astimezone(zone).date() for moment in starts]
        bucket = db.case(*[(Order.delivered_at < starts[i + 1], i) for i in range(len(starts) - 1)],
                         else_=len(starts) - 1) if len(starts) > 1 else db.literal(0)
        settled = db.exists().where(ReturnRequest.order_id == Order.id,
                                    ReturnRequest.status.in_(SETTLED_RETURNS))
        per_order = (db.select(bucket.label("month"), Order.currency.label("currency"),
                               Order.cause_bp.label("bp"), Order.cause_fixed.label("fixed"),
                               db.func.sum(OrderLine.unit_price * OrderLine.quantity
                                           - OrderLine.discount).label("goods"))
                     .join(OrderLine, OrderLine.order_id == Order.id)
                     .where(*giving, ~settled)
                     .group_by(Order.id)).subquery()
        given = (per_order.c.goods * per_order.c.bp + 5000) // 10000 + per_order.c.fixed
        for month, currency, orders, amount in db.session.execute(
                db.select(per_order.c.month, per_order.c.currency, db.func.count(),
                          db.func.sum(given))
                .where(given > 0).group_by(per_order.c.month, per_order.c.currency)):
            add(local_months[month], currency, orders, int(amount))
        for order in db.session.scalars(db.select(Order).where(*giving, settled)):
            amount = order_gives(order)
            if amount:
                local = order.delivered_at.astimezone(zone)
                add(date(local.year, local.month, 1), order.currency, 1, amount)
    return (_monies(overall), count,
            tuple(Month(month, n, _monies(amounts))
                  for month, (n, amounts) in sorted(months.items(), reverse=True)))


# The merchant's donation notes -------------------------------------------------------------

class InvalidDonation(ShopError):
    """A donation note that cannot be saved; `errors` maps each field to what is wrong."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values())))


def check_url(url, errors, key, limit=URL_LIMIT):
    """A web address starting with https://, with a host and no spaces; "" stays ""."""
    url = (url or "").strip()
    if not url:
        return ""
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname \
            or any(ch.isspace() for ch in url) or len(url) > limit:
        errors[key] = _("Enter a web address starting with https://.")
    return url


def save_donation(donation, *, donated_on, amount, currency, note, proof_url, today):
    """Add (donation None) or change a donation note. InvalidDonation names each wrong field;
    nothing is written then."""
    errors = {}
    if not isinstance(donated_on, date) or isinstance(donated_on, datetime):
        errors["donated_on"] = _("Enter the day of the donation.")
    elif donated_on > today:
        errors["donated_on"] = _("The day of a donation cannot be in the future.")
    if not isinstance(amount, int) or amount <= 0:
        errors["amount"] = _("Enter the amount given, more than zero.")
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("Please keep this to %(num)d characters.", num=NOTE_LIMIT)
    proof_url = check_url(proof_url, errors, "proof_url")
    if errors:
        raise InvalidDonation(errors)
    if donation is None:
        donation = CauseDonation()
        db.session.add(donation)
    donation.donated_on, donation.amount, donation.currency = donated_on, amount, currency
    donation.note, donation.proof_url = note, proof_url
    db.session.flush()
    return donation


def delete_donation(donation):
    db.session.delete(donation)
    db.session.flush()


# The cause's settings ---------------------------------------------------------------------

NAME_LIMIT = 120


def parse_percent(text):
    """'2' -> 200, '2.5' -> 250 basis points; None for a blank; ShopError unless above 0 and
    at most 100 with two decimals at most."""
    from decimal import Decimal, InvalidOperation
    cleaned = (text or "").strip().rstrip("%").strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
        bp = value * 100
        if not value.is_finite() or bp != bp.to_integral_value() or not 0 < bp <= 10000:
            raise ValueError
    except (InvalidOperation, ValueError):
        raise ShopError(_("Enter a percentage above 0 and up to 100, like 2 or 2.5."))
    return int(bp)


def save_settings(*, names, url, percent, fixed):
    """Name the cause (per language), its link and its share: `percent` in basis points or
    `fixed` in minor units, exactly one of them (None when left blank). With no name and no
    share, the shop has no cause. InvalidSettings names each wrong field; nothing is changed
    then. Orders placed before a change keep the share they were promised."""
    from .settings import InvalidSettings
    from .shopconfig import LANGUAGES, get_settings_row
    errors = {}
    names = {lang: " ".join((names.get(lang) or "").split()) for lang in LANGUAGES}
    for lang, value in names.items():
        if len(value) > NAME_LIMIT:
            errors[f"name_{lang}"] = _("Please keep this to %(num)d characters.", num=NAME_LIMIT)
    url = check_url(url, errors, "url")
    named = any(names.values())
    if named and not percent and not fixed:
        errors["percent"] = _("Give either a percentage of each order or a fixed amount per "
                              "order.")
    elif percent and fixed:
        errors["percent"] = _("Give either a percentage or a fixed amount, not both.")
    elif (percent or fixed or url) and not named:
        errors[f"name_{LANGUAGES[0]}"] = _("Name the cause the share goes to.")
    if errors:
        raise InvalidSettings(errors)
    row = get_settings_row()
    row.cause_name = {lang: value for lang, value in names.items() if value}
    row.cause_url = url
    row.cause_bp = percent or 0
    row.cause_fixed = fixed or 0
    db.session.flush()
    return row
