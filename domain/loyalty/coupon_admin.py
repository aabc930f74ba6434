"""The back office's coupons: a coupon saved from what the merchant typed, with every condition
checked first (nothing is saved while one field is wrong), pause and resume, batches of
single-use codes and their CSV, and the figures: uses, revenue and discount given per coupon,
and the orders that used one.

Dates are typed as calendar days in the shop's time zone: a coupon starts at the first instant
of its start day there and works through the whole of its end day, so ends_at (the first
instant it no longer works) is the start of the next day in the shop's zone, in UTC.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone as dt_timezone
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_

from .. import email_address
from ..catalog import Page
from ..errors import ShopError
from ..extensions import db
from ..ids import parse_id
from ..models import Category, Coupon, CouponUse, LoyaltyTier, Order, Product, User
from ..money import amount_example, to_input
from ..settings import money_from_text
from ..shopconfig import zone as zone_of
from . import coupons

UTC = dt_timezone.utc
PER_PAGE = 50
CODE_PATTERN = re.compile(r"[A-Za-z0-9-]{3,40}")
PREFIX_PATTERN = re.compile(r"[A-Za-z0-9-]{0,20}")
BATCH_PATTERN = re.compile(r"[A-Za-z0-9-]{1,40}")
NAME_LIMIT = 120
MAX_BATCH = 1000
MAX_USES = 1_000_000
MAX_PER_CUSTOMER = 1000
# The list's views: the merchant's own coupons (all, working now, paused, ended), the codes the
# shop issued one by one (thank-you, birthday, review, referral), and the batches of single-use
# codes, one line per batch.
VIEWS = ("all", "active", "paused", "expired", "issued", "batches")
OWN_SOURCES = ("manual", "campaign")
ISSUED_SOURCES = ("thank_you", "birthday", "review", "referral")


class InvalidCoupon(ShopError):
    """A coupon form that cannot be saved; `errors` maps each field name to what is wrong."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values())))


@dataclass(frozen=True)
class Figures:
    uses: int = 0
    revenue: int = 0
    discount: int = 0


@dataclass(frozen=True)
class Listed:
    coupon: Coupon
    figures: Figures


@dataclass(frozen=True)
class Batch:
    name: str
    codes: int
    used: int
    figures: Figures
    created_at: datetime


# Reading what was typed --------------------------------------------------------------------

def _text(values, name):
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _whole(text, low, high, errors, name, message):
    """A whole number from low to high, None for a blank one; a message in `errors` else."""
    if not text:
        return None
    cleaned = text.replace(",", "").replace(" ", "")
    if not cleaned.isdigit() or not low <= int(cleaned) <= high:
        errors[name] = message
        return None
    return int(cleaned)


def _money(text, currency, locale, errors, name):
    try:
        return money_from_text(text, currency, locale)
    except ShopError as error:
        errors[name] = str(error)
        return None


def _day(value, errors, name):
    if isinstance(value, date):
        return value
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    # Years far off are typing slips (and past the calendar's ends in some zones).
    if day is None or not 2000 <= day.year <= 2200:
        errors[name] = _("Enter a date like 2026-03-31.")
        return None
    return day


def _percent_bp(text):
    """Basis points of a percentage typed as "10", "12.5" or "12,5"; None when it is not one."""
    if not re.fullmatch(r"\d{1,3}([.,]\d{1,2})?", text):
        return None
    try:
        return int(Decimal(text.replace(",", ".")) * 100)
    except InvalidOperation:
        return None


def _ids(values, name):
    raw = values.get(name) or []
    if isinstance(raw, (str, int)):
        raw = [raw]
    return sorted({parse_id(item) for item in raw} - {None}), any(
        parse_id(item) is None for item in raw if str(item).strip())


def start_of_day(day, timezone):
    """The first instant of `day` in the shop's zone, in UTC."""
    return datetime.combine(day, time(0), tzinfo=zone_of(timezone)).astimezone(UTC)


def shown_days(coupon, timezone):
    """(start day, end day) of a coupon as the form shows them, in the shop's zone; the end
    day is the last day it works."""
    zone = zone_of(timezone)
    start = coupon.starts_at.astimezone(zone).date() if coupon.starts_at else None
    end = ((coupon.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
           if coupon.ends_at else None)
    return start, end


def _conditions(values, coupon, *, currency, timezone, locale, errors):
    """The conditions a coupon and a batch share, checked: {column: value}."""
    fields = {}
    kind = _text(values, "kind")
    if kind not in ("percent", "amount", "free_shipping"):
        errors["kind"] = _("Choose what the coupon gives: a percentage off, an amount off or "
                           "free shipping.")
    value_text = _text(values, "value")
    fields["value"] = 0
    if kind == "percent":
        basis_points = _percent_bp(value_text.rstrip("%").strip())
        if basis_points is None or not 100 <= basis_points <= 10000:
            errors["value"] = _("Enter a percentage from 1 to 100, e.g. 10.")
        else:
            fields["value"] = basis_points
    elif kind == "amount":
        amount = _money(value_text, currency, locale, errors, "value")
        if "value" not in errors and not amount:
            errors["value"] = _("Enter the amount taken off, e.g. %(example)s.",
                                example=amount_example(currency, locale))
        elif amount:
            fields["value"] = amount
    fields["kind"] = kind
    fields["max_discount"] = None
    if kind == "percent":
        cap = _money(_text(values, "max_discount"), currency, locale, errors, "max_discount")
        if cap == 0:
            errors["max_discount"] = _("Leave the largest discount empty for no cap, or "
                                       "enter an amount above zero.")
        fields["max_discount"] = cap or None
    fields["min_subtotal"] = _money(_text(values, "min_subtotal"), currency, locale, errors,
                                    "min_subtotal") or 0
    start = _day(values.get("starts_on"), errors, "starts_on")
    end = _day(values.get("ends_on"), errors, "ends_on")
    if start and end and end < start:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    kept_start, kept_end = shown_days(coupon, timezone) if coupon else (None, None)
    # A day left as it was keeps its instant (a code the shop issued may end mid-day).
    fields["starts_at"] = (coupon.starts_at if coupon and start and start == kept_start
                           else start_of_day(start, timezone) if start else None)
    fields["ends_at"] = (coupon.ends_at if coupon and end and end == kept_end
                         else start_of_day(end + timedelta(days=1), timezone) if end else None)
    fields["first_order_only"] = bool(values.get("first_order_only"))
    product_ids, bad = _ids(values, "product_ids")
    found = set(db.session.scalars(db.select(Product.id).where(Product.id.in_(product_ids)))
                ) if product_ids else set()
    if bad or found != set(product_ids):
        errors["product_ids"] = _("A chosen product no longer exists: choose again.")
    fields["product_ids"] = product_ids
    category_ids, bad = _ids(values, "category_ids")
    found = set(db.session.scalars(db.select(Category.id).where(Category.id.in_(category_ids)))
                ) if category_ids else set()
    if bad or found != set(category_ids):
        errors["category_ids"] = _("A chosen category no longer exists: choose again.")
    fields["category_ids"] = category_ids
    tier_text = _text(values, "tier_id")
    fields["tier_id"] = None
    if tier_text:
        tier_id = parse_id(tier_text)
        if tier_id is None or db.session.get(LoyaltyTier, tier_id) is None:
            errors["tier_id"] = _("That tier no longer exists: choose another.")
        else:
            fields["tier_id"] = tier_id
    fields["combine_coupons"] = bool(values.get("combine_coupons"))
    fields["combine_points"] = bool(values.get("combine_points"))
    name = _text(values, "name")
    if len(name) > NAME_LIMIT:
        errors["name"] = _("Keep the name to %(num)d characters.", num=NAME_LIMIT)
    fields["name"] = name
    return fields


# Saving ------------------------------------------------------------------------------------

def save(coupon, values, *, currency, timezone, locale="en", now):
    """Check and store a coupon (a new one when `coupon` is None) from the form's values:
    code, name, kind, value, max_discount, min_subtotal, starts_on, ends_on, usage_limit,
    per_customer_limit, first_order_only, product_ids, category_ids, customer_email, tier_id,
    combine_coupons, combine_points, paused. Amounts and percentages are as typed; days are
    the shop's calendar days. Raises InvalidCoupon naming every wrong field; nothing changes
    then. Returns the coupon."""
    errors = {}
    code = _text(values, "code")
    if not code:
        errors["code"] = _("Enter a code, e.g. SPRING-10.")
    elif not CODE_PATTERN.fullmatch(code):
        errors["code"] = _("A code has 3 to 40 letters, digits or dashes, with no spaces.")
    else:
        taken = db.session.scalar(db.select(Coupon.code).where(
            Coupon.code_key == coupons.key_of(code),
            Coupon.id != (coupon.id if coupon else 0)))
        if taken:
            errors["code"] = _("The code %(code)s is taken (codes ignore letter case): choose "
                               "another.", code=taken)
    fields = _conditions(values, coupon, currency=currency, timezone=timezone, locale=locale,
                         errors=errors)
    limit = _whole(_text(values, "usage_limit"), 1, MAX_USES, errors, "usage_limit",
                   _("Enter how many orders may use the code in all (a whole number from 1), "
                     "or leave it empty for no limit."))
    used = coupon.used_count if coupon else 0
    if limit is not None and limit < used:
        errors["usage_limit"] = _("This code has been used %(num)d times already: the limit "
                                  "cannot be lower than that.", num=used)
    per_customer = _whole(_text(values, "per_customer_limit"), 1, MAX_PER_CUSTOMER, errors,
                          "per_customer_limit",
                          _("Enter how many times one customer may use the code (from 1 to "
                            "%(num)d), or leave it empty for no limit.", num=MAX_PER_CUSTOMER))
    email_text = _text(values, "customer_email")
    email, customer_id = "", None
    if email_text:
        email = email_address.clean(email_text)
        if email is None:
            errors["customer_email"] = _("Enter the customer's email address, like "
                                         "name@example.com, or leave it empty for everyone.")
            email = ""
        else:
            customer_id = db.session.scalar(db.select(User.id).where(User.email == email))
    if errors:
        raise InvalidCoupon(errors)
    if coupon is not None and limit is not None:
        # An order may take a use while the merchant types: the limit moves only if the uses
        # held then still fit under it (one conditional UPDATE, as uses are taken).
        moved = db.session.execute(
            db.update(Coupon).where(Coupon.id == coupon.id, Coupon.used_count <= limit)
            .values(usage_limit=limit).execution_options(synchronize_session=False))
        if moved.rowcount == 0:
            db.session.refresh(coupon)
            raise InvalidCoupon({"usage_limit": _(
                "This code has been used %(num)d times already: the limit cannot be lower "
                "than that.", num=coupon.used_count)})
    if coupon is None:
        coupon = Coupon(source="manual", used_count=0, created_at=now)
        db.session.add(coupon)
    for column, value in fields.items():
        setattr(coupon, column, value)
    coupon.code = code
    coupon.code_key = coupons.key_of(code)
    coupon.usage_limit = limit
    coupon.per_customer_limit = per_customer
    coupon.customer_email = email
    coupon.customer_user_id = customer_id
    coupon.paused = bool(values.get("paused"))
    coupon.updated_at = now
    db.session.flush()
    return coupon


def set_paused(coupon, paused, now):
    """Pause a coupon (checkout refuses it until it is resumed) or resume it."""
    coupon.paused = bool(paused)
    coupon.updated_at = now
    db.session.flush()
    return coupon


def generate_batch(values, *, count, prefix, batch, currency, timezone, locale="en", now):
    """Make `count` (1..1000) single-use codes (the prefix, a dash and 8 random characters)
    under the batch name `batch`, sharing the conditions in `values` (as save() reads them).
    Raises InvalidCoupon naming every wrong field; nothing is made then. Returns the number of
    codes made."""
    errors = {}
    number = _whole(str(count or "").strip(), 1, MAX_BATCH, errors, "count",
                    _("Enter how many codes to make, from 1 to %(num)d.", num=MAX_BATCH))
    if number is None and "count" not in errors:
        errors["count"] = _("Enter how many codes to make, from 1 to %(num)d.", num=MAX_BATCH)
    prefix = (prefix or "").strip().upper()
    if not PREFIX_PATTERN.fullmatch(prefix):
        errors["prefix"] = _("A prefix has up to 20 letters, digits or dashes, with no spaces.")
    batch = (batch or "").strip()
    if not BATCH_PATTERN.fullmatch(batch):
        errors["batch"] = _("Name the batch with 1 to 40 letters, digits or dashes, e.g. "
                            "fair-2026.")
    elif db.session.scalar(db.select(Coupon.id).where(Coupon.batch == batch).limit(1)):
        errors["batch"] = _("A batch with this name exists already: choose another name.")
    fields = _conditions(values, None, currency=currency, timezone=timezone, locale=locale,
                         errors=errors)
    if errors:
        raise InvalidCoupon(errors)
    codes = set()
    while len(codes) < number:
        drawn = {coupons.new_code(prefix) for _i in range(number - len(codes))} - codes
        keys = {coupons.key_of(code): code for code in drawn}
        taken = set()
        for chunk in _chunks(list(keys), 500):
            taken |= set(db.session.scalars(db.select(Coupon.code_key)
                                            .where(Coupon.code_key.in_(chunk))))
        codes |= {code for key, code in keys.items() if key not in taken}
    rows = [dict(fields, code=code, code_key=coupons.key_of(code), source="batch", batch=batch,
                 usage_limit=1, per_customer_limit=1, used_count=0, customer_email="",
                 paused=False, created_at=now, updated_at=now) for code in sorted(codes)]
    db.session.execute(db.insert(Coupon), rows)
    return len(rows)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def batch_csv(batch):
    """(header, rows) of a batch's codes with their status, or None for an unknown batch."""
    found = db.session.execute(
        db.select(Coupon.code, Coupon.name, Coupon.used_count)
        .where(Coupon.source == "batch", Coupon.batch == batch).order_by(Coupon.code)).all()
    if not found:
        return None
    header = [_("Code"), _("Name"), _("Status")]
    used, unused = _("used"), _("unused")
    return header, [[row.code, row.name, used if row.used_count else unused] for row in found]


# Figures -----------------------------------------------------------------------------------

def _held(*conditions):
    """Per coupon (of those `conditions` pick): its uses held now, the revenue of their orders
    and the discount given (one grouped subquery; released uses count for nothing)."""
    return (db.select(CouponUse.coupon_id.label("coupon_id"),
                      func.count(CouponUse.id).label("uses"),
                      func.coalesce(func.sum(Order.total), 0).label("revenue"),
                      func.coalesce(func.sum(CouponUse.amount), 0).label("discount"))
            .join(Order, Order.id == CouponUse.order_id)
            .where(CouponUse.released_at.is_(None), *conditions)
            .group_by(CouponUse.coupon_id).subquery())


def _page_number(value):
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


def _view_conditions(view, now):
    if view == "batches":
        return [Coupon.source == "batch"]
    if view == "issued":
        return [Coupon.source.in_(ISSUED_SOURCES)]
    conditions = [Coupon.source.in_(OWN_SOURCES)]
    if view == "active":
        conditions += [Coupon.paused.is_(False),
                       or_(Coupon.starts_at.is_(None), Coupon.starts_at <= now),
                       or_(Coupon.ends_at.is_(None), Coupon.ends_at > now),
                       or_(Coupon.usage_limit.is_(None), Coupon.used_count < Coupon.usage_limit)]
    elif view == "paused":
        conditions.append(Coupon.paused.is_(True))
    elif view == "expired":
        conditions.append(and_(Coupon.ends_at.is_not(None), Coupon.ends_at <= now))
    return conditions


def listing(view="all", page=1, now=None):
    """A Page of Listed (coupon and its figures), newest first, 50 a page, in two queries: the
    count and one grouped query. `view`: all (the merchant's own), active, paused, expired, or
    issued (the codes the shop sent one by one)."""
    view = view if view in VIEWS and view != "batches" else "all"
    conditions = _view_conditions(view, now)
    total = db.session.scalar(db.select(func.count(Coupon.id)).where(*conditions)) or 0
    page = _page_number(page)
    order = (Coupon.created_at.desc(), Coupon.id.desc())
    # Only this page's coupons' uses are added up, however many uses the shop has.
    on_page = (db.select(Coupon.id).where(*conditions).order_by(*order)
               .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    held = _held(CouponUse.coupon_id.in_(on_page))
    rows = db.session.execute(
        db.select(Coupon, held.c.uses, held.c.revenue, held.c.discount)
        .outerjoin(held, held.c.coupon_id == Coupon.id).where(*conditions)
        .order_by(*order).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    items = [Listed(coupon, Figures(int(uses or 0), int(revenue or 0), int(discount or 0)))
             for coupon, uses, revenue, discount in rows]
    return Page(items=items, page=page, per_page=PER_PAGE, total=total)


def batches(page=1):
    """A Page of Batch (one line per batch name with its codes, used codes and figures),
    newest first, in two queries."""
    total = db.session.scalar(db.select(func.count(func.distinct(Coupon.batch)))
                              .where(Coupon.source == "batch")) or 0
    page = _page_number(page)
    held = _held(CouponUse.coupon_id.in_(db.select(Coupon.id).where(Coupon.source == "batch")))
    first = func.min(Coupon.created_at)
    rows = db.session.execute(
        db.select(Coupon.batch, func.count(Coupon.id),
                  func.sum(db.case((Coupon.used_count > 0, 1), else_=0)),
                  func.coalesce(func.sum(held.c.uses), 0),
                  func.coalesce(func.sum(held.c.revenue), 0),
                  func.coalesce(func.sum(held.c.discount), 0), first)
        .outerjoin(held, held.c.coupon_id == Coupon.id).where(Coupon.source == "batch")
        .group_by(Coupon.batch).order_by(first.desc(), Coupon.batch)
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    items = [Batch(name, codes, int(used or 0), Figures(int(uses), int(revenue), int(discount)),
                   created) for name, codes, used, uses, revenue, discount, created in rows]
    return Page(items=items, page=page, per_page=PER_PAGE, total=total)


def figures(coupon):
    """The uses a coupon's orders hold, their revenue and the discount given."""
    held = _held(CouponUse.coupon_id == coupon.id)
    row = db.session.execute(db.select(held.c.uses, held.c.revenue, held.c.discount)).first()
    return Figures(*(int(value) for value in row)) if row else Figures()


def orders(coupon, page=1):
    """A Page of (CouponUse, Order) of one coupon, newest first, 50 a page; a use the order
    gave back (cancelled, payment expired) has released_at set and counts for nothing."""
    condition = CouponUse.coupon_id == coupon.id
    total = db.session.scalar(db.select(func.count(CouponUse.id)).where(condition)) or 0
    page = _page_number(page)
    rows = db.session.execute(
        db.select(CouponUse, Order).join(Order, Order.id == CouponUse.order_id).where(condition)
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return Page(items=[tuple(row) for row in rows], page=page, per_page=PER_PAGE, total=total)


def state(coupon, now):
    """What the list says of a coupon: paused, scheduled, expired, used up or active."""
    if coupon.paused:
        return "paused"
    if coupon.ends_at is not None and coupon.ends_at <= now:
        return "expired"
    if coupon.starts_at is not None and coupon.starts_at > now:
        return "scheduled"
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        return "used_up"
    return "active"


def form_values(coupon, *, currency, timezone, locale="en"):
    """The form's values of a stored coupon, as the merchant would type them."""
    start, end = shown_days(coupon, timezone)

    def money(amount):
        return to_input(amount, currency, locale) if amount else ""

    value = ""
    if coupon.kind == "percent":
        value = format(Decimal(coupon.value).scaleb(-2).normalize(), "f")
    elif coupon.kind == "amount":
        value = money(coupon.value)
    return {"code": coupon.code, "name": coupon.name, "kind": coupon.kind, "value": value,
            "max_discount": money(coupon.max_discount), "min_subtotal": money(coupon.min_subtotal),
            "starts_on": start, "ends_on": end,
            "usage_limit": "" if coupon.usage_limit is None else str(coupon.usage_limit),
            "per_customer_limit": ("" if coupon.per_customer_limit is None
                                   else str(coupon.per_customer_limit)),
            "first_order_only": coupon.first_order_only,
            "product_ids": list(coupon.product_ids or []),
            "category_ids": list(coupon.category_ids or []),
            "customer_email": coupon.customer_email or (
                coupon.customer.email if coupon.customer else ""),
            "tier_id": str(coupon.tier_id or ""), "combine_coupons": coupon.combine_coupons,
            "combine_points": coupon.combine_points, "paused": coupon.paused}
