"""Referrals: /r/<code> links, the newcomer's welcome discount, the referrer's reward when the
first order's return window closes, and the self-referral checks.

- Each customer's code (User.referral_code) is made on first need: random, from the shop's
  alphabet without 0/O or 1/I, unique.
- The welcome discount is ONE shop coupon (issue key "referral-welcome", source "referral"),
  first orders only, once per customer. Its code is random and never shown: the checkout
  applies it only through welcome_code() for a shopper who arrived through a valid link, and
  the coupon engine refuses it when typed (source "referral"). It follows the settings: saving
  them changes its kind and value, and pauses it while referrals are off or the welcome is 0.
- A first order through a valid link records a Referral: pending (the reward's kind and amount
  fixed then), or refused with its reason for a self-referral or the referrer's monthly cap.
- Delivery sets when it vests: the close of the order's latest return window. The worker's
  "referral-rewards" job decides each due one once (a conditional UPDATE), gives the points or
  the credit under a key naming the referral, and emails the referrer.
- A cancelled or fully returned first order refuses its referral; the merchant may void a
  pending one.

Self-referral is judged on normalised values: an email in lower case without dots or a +tag in
its local part, for every domain ("Min.Ji+shop@Example.com" is "minji@example.com"), and an
address in lower case with only its letters and digits ("1 Sejong-daero, Apt. 301" is
"1sejongdaeroapt301").
"""
from datetime import datetime, time

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, or_

from .. import credit, notify, shopconfig
from ..errors import NotFound, ShopError
from ..extensions import db
from ..models import Address, Coupon, Order, Referral, User
from ..settings import InvalidSettings, money_from_text
from . import coupons, points
from . import settings as loyalty_settings

WELCOME_KEY = "referral-welcome"
SOURCE = "referral"
CODE_LENGTH = 8
RELEASED = ("cancelled", "payment_expired")
OPEN_RETURNS = ("requested", "approved", "received", "refund_failed")
# How many due referrals one run of the job decides.
BATCH = 200
EMAIL_KIND = "referral_rewarded"

STATUS_LABELS = {"pending": _l("Waiting for the return window to close"),
                 "rewarded": _l("Rewarded"), "refused": _l("Not rewarded"),
                 "void": _l("Voided")}
REASONS = {
    "same_account": _l("Same account as the referrer"),
    "same_email": _l("Same email as the referrer"),
    "same_address": _l("Same shipping address as the referrer"),
    "monthly_cap": _l("The referrer's monthly limit was reached"),
    "cancelled": _l("The first order was cancelled"),
    "returned": _l("The first order was returned"),
}
MAX_WELCOME_PERCENT_BP = 10000
MAX_REWARD_POINTS = 1_000_000
MAX_CAP = 1000


def status_label(status):
    return str(STATUS_LABELS.get(status, status))


def reason_label(reason):
    """A refusal's reason in words; a voided referral's reason is the merchant's own text."""
    return str(REASONS[reason]) if reason in REASONS else reason


# -- normalising -----------------------------------------------------------------------------

def normal_email(email):
    """Lower case, and in the local part no dots and nothing from a "+" on, for every domain."""
    email = (email or "").strip().lower()
    local, at, domain = email.rpartition("@")
    if not at:
        return email
    local = local.split("+", 1)[0].replace(".", "")
    return f"{local}@{domain}"


def normal_address(line1="", line2="", city="", postcode="", country=""):
    """Letters and digits only, in lower case: case, spaces and punctuation do not count."""
    def part(text):
        return "".join(ch for ch in (text or "").casefold() if ch.isalnum())
    return "|".join((part((line1 or "") + (line2 or "")), part(city), part(postcode)))


def _order_address(order):
    return normal_address(order.ship_line1, order.ship_line2, order.ship_city, order.ship_postcode)


def mask_email(email):
    """"m***@example.com": enough for a referrer to recognise a friend, no more."""
    local, at, domain = (email or "").rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


# -- codes and links -------------------------------------------------------------------------

def _clean_code(code):
    return "".join((code or "").split()).upper()[:16]


def code_for(user):
    """The customer's referral code, made (random, unique) on first need: a write, so call it
    from a POST."""
    if user.referral_code:
        return user.referral_code
    for _attempt in range(10):
        code = coupons.new_code(length=CODE_LENGTH)
        taken = db.session.scalar(db.select(User.id).where(User.referral_code == code))
        if taken is None:
            break
    else:  # pragma: no cover - 32^8 codes
        raise ShopError(_("Please try again."))
    # Conditional: two tabs at once keep the first code.
    db.session.execute(db.update(User).where(User.id == user.id, User.referral_code.is_(None))
                       .values(referral_code=code).execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(user, ["referral_code"])
    return user.referral_code


def referrer_for(code):
    """The customer whose link carries `code`, or None (unknown, malformed or erased)."""
    code = _clean_code(code)
    if not code or not code.isalnum():
        return None
    user = db.session.scalar(db.select(User).where(User.referral_code == code))
    return user if user is not None and user.erased_at is None else None


def is_on(row=None):
    row = row if row is not None else loyalty_settings.peek()
    return bool(row is not None and row.referrals_on)


def link_code(code):
    """What /r/<code> keeps in the visitor's session: the code if it is a live referral code
    while referrals are on, else "" (the link is ignored). Reads only."""
    if not is_on():
        return ""
    user = referrer_for(code)
    return user.referral_code if user is not None else ""


# -- the welcome discount --------------------------------------------------------------------

def welcome_on(row):
    return bool(row is not None and row.referrals_on and row.referral_welcome_value > 0
                and row.referral_welcome_kind in ("amount", "percent"))


def sync_welcome(now, row=None):
    """Make the welcome coupon follow the settings (issued once, then changed in place; paused
    while referrals are off or the welcome is 0). Returns it, or None before it was needed."""
    row = row if row is not None else loyalty_settings.get()
    coupon = db.session.scalar(db.select(Coupon).where(
        Coupon.issue_key == WELCOME_KEY))
    if coupon is None:
        if not welcome_on(row):
            return None
        coupon = coupons.issue(WELCOME_KEY, source=SOURCE, kind=row.referral_welcome_kind,
                               value=row.referral_welcome_value, now=now, prefix="WELCOME",
                               name="Referral welcome", usage_limit=None, per_customer_limit=1,
                               first_order_only=True)
    live = welcome_on(row)
    if live and (coupon.kind, coupon.value) != (row.referral_welcome_kind,
                                                row.referral_welcome_value):
        coupon.kind, coupon.value = row.referral_welcome_kind, row.referral_welcome_value
        coupon.updated_at = now
    if coupon.paused == live:
        coupon.paused = not live
        coupon.updated_at = now
    coupon.starts_at = None
    db.session.flush()
    return coupon


def welcome_code(referral_code, now):
    """The code of the newcomer's welcome discount for a valid referral code while referrals
    are on and the welcome is above 0 ("" otherwise); quote.py applies it like a typed code.
    The coupon is normally made when the settings are saved; a shop whose settings were
    written another way gets it here, once."""
    row = loyalty_settings.peek()
    if not welcome_on(row) or referrer_for(referral_code) is None:
        return ""
    coupon = db.session.scalar(db.select(Coupon).where(
        Coupon.issue_key == WELCOME_KEY))
    if coupon is None or coupon.paused or (coupon.kind, coupon.value) != (
            row.referral_welcome_kind, row.referral_welcome_value):
        coupon = sync_welcome(now, row)
    return coupon.code if coupon is not None else ""


def is_welcome(coupon):
    """True for the welcome coupon: the engine refuses it typed (it is only applied through
    welcome_code for a shopper who came through a valid link)."""
    return coupon is not None and coupon.source == SOURCE


# -- recording a referral --------------------------------------------------------------------

def _first_order(order):
    """No other order (not cancelled or expired) by this account or this email."""
    who = [func.lower(Order.email) == (order.email or "").strip().lower()]
    if order.user_id is not None:
        who.append(Order.user_id == order.user_id)
    return db.session.scalar(db.select(Order.id).where(
        Order.id != order.id, or_(*who), Order.status.notin_(RELEASED)).limit(1)) is None


def _referrer_orders(referrer):
    return db.session.scalars(db.select(Order).where(
        or_(Order.user_id == referrer.id,
            func.lower(Order.email) == (referrer.email or "").lower()))).all()


def _self_referral(order, referrer):
    """The reason this order is the referrer's own, or ""."""
    if order.user_id is not None and order.user_id == referrer.id:
        return "same_account"
    own = [o for o in _referrer_orders(referrer) if o.id != order.id]
    email = normal_email(order.email)
    if email == normal_email(referrer.email) or any(normal_email(o.email) == email
                                                    for o in own):
        return "same_email"
    address = _order_address(order)
    saved = db.session.scalars(db.select(Address).where(Address.user_id == referrer.id)).all()
    if any(normal_address(a.line1, a.line2, a.city, a.postcode) == address for a in saved) or \
            any(_order_address(o) == address for o in own):
        return "same_address"
    return ""


def month_bounds(now, zone):
    """The calendar month of `now` in the shop's zone, as [start, end) in UTC."""
    local = now.astimezone(zone)
    start = datetime.combine(local.date().replace(day=1), time(0), tzinfo=zone)
    following = (start.replace(year=start.year + 1, month=1) if start.month == 12
                 else start.replace(month=start.month + 1))
    return start.astimezone(now.tzinfo), following.astimezone(now.tzinfo)


def _cap_reached(referrer, row, now):
    if row.referral_monthly_cap <= 0:
        return False
    zone = shopconfig.zone(shopconfig.get_settings_row().timezone)
    start, end = month_bounds(now, zone)
    counted = db.session.scalar(db.select(func.count(Referral.id)).where(
        Referral.referrer_id == referrer.id, Referral.status.in_(("pending", "rewarded")),
        Referral.created_at >= start, Referral.created_at < end))
    return counted >= row.referral_monthly_cap


def order_placed(order, referral_code, now):
    """A first order through a valid link while referrals are on: its Referral, pending with
    the reward fixed from the settings, or refused with the reason (self-referral, monthly
    cap). Anything else records nothing. Returns the Referral or None."""
    if not referral_code:
        return None
    row = loyalty_settings.get()
    if not row.referrals_on:
        return None
    referrer = referrer_for(referral_code)
    if referrer is None or order.id is None or not _first_order(order):
        return None
    if db.session.scalar(db.select(Referral.id).where(Referral.order_id == order.id)):
        return None
    # One referrer's orders are counted against the cap one at a time (PostgreSQL).
    db.session.execute(db.select(User.id).where(User.id == referrer.id).with_for_update())
    reason = _self_referral(order, referrer) or ("monthly_cap" if _cap_reached(referrer, row, now)
                                                 else "")
    referral = Referral(referrer_id=referrer.id, order_id=order.id, referred_user_id=order.user_id,
                        referred_email=normal_email(order.email)[:254],
                        status="refused" if reason else "pending", reason=reason,
                        reward_kind=row.referral_reward_kind,
                        reward_amount=row.referral_reward_amount, created_at=now,
                        decided_at=now if reason else None)
    db.session.add(referral)
    db.session.flush()
    return referral


def _of_order(order):
    return db.session.scalar(db.select(Referral).where(Referral.order_id == order.id))


def vests_at(order, start):
    """The close of the order's return window: its latest returnable line's window, from
    `start` (delivery), counted as the returns count it; `start` if nothing is returnable."""
    from ..returns.eligibility import window_closes
    from ..returns.rules import line_rules
    zone = shopconfig.zone(shopconfig.get_settings_row().timezone)
    closes = [window_closes(start, rule.window_days, zone)
              for rule in line_rules(order).values() if rule.returnable]
    return max(closes) if closes else start


def order_delivered(order, now):
    """Delivered: a pending referral learns when it vests."""
    referral = _of_order(order)
    if referral is None or referral.status != "pending":
        return
    from ..orders import reached_at
    referral.vests_at = vests_at(order, reached_at(order, "delivered") or now)
    db.session.flush()


def _refuse(order, reason, now):
    db.session.execute(db.update(Referral).where(
        Referral.order_id == order.id, Referral.status == "pending")
        .values(status="refused", reason=reason, decided_at=now)
        .execution_options(synchronize_session="fetch"))


def order_released(order, now):
    """Cancelled or its payment expired: the referral earns nothing."""
    _refuse(order, "cancelled", now)


def lines_returned(order, returned, now):
    """Every unit of the first order came back: the referral earns nothing."""
    from ..returns.eligibility import returned_quantity
    if all(max(returned_quantity(line, order), returned.get(line.id, 0)) >= line.quantity
           for line in order.lines):
        _refuse(order, "returned", now)


# -- deciding ----------------------------------------------------------------------------------

def _reward_note(referral):
    return _("Referral reward")


def decide_due(now):
    """Reward every pending referral whose window has closed, each exactly once: the status
    moves by a conditional UPDATE, and the points or the credit go under a key naming the
    referral. A first order with a return still open waits for it. Returns how many."""
    due = db.session.scalars(db.select(Referral).where(
        Referral.status == "pending", Referral.vests_at.isnot(None), Referral.vests_at < now)
        .order_by(Referral.vests_at, Referral.id).limit(BATCH)).all()
    currency = shopconfig.get_settings_row().currency
    rewarded = 0
    for referral in due:
        order = referral.order
        if order is not None and any(r.status in OPEN_RETURNS for r in order.returns):
            continue
        if order is not None and order.status in RELEASED:
            _refuse(order, "cancelled", now)
            continue
        won = db.session.execute(db.update(Referral).where(
            Referral.id == referral.id, Referral.status == "pending")
            .values(status="rewarded", decided_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if won != 1:
            continue
        rewarded += 1
        _give(referral, currency, now)
    db.session.flush()
    return rewarded


def _give(referral, currency, now):
    amount = referral.reward_amount
    referrer = db.session.get(User, referral.referrer_id)
    if amount <= 0 or referrer is None:
        return
    key = f"referral:{referral.id}"
    with_locale = referrer.locale or "en"
    from flask_babel import force_locale
    with force_locale(with_locale):
        note = _reward_note(referral)
    if referral.reward_kind == "credit":
        credit.grant_once(key, referrer.id, amount, currency, note, now)
    else:
        entry_id = points.entry_once(key, user_id=referrer.id, kind="bonus", points=amount,
                                     pending=0, note=note, created_at=now)
        if entry_id is not None:
            points.move(referrer.id, amount, 0)
    if referrer.erased_at is None and referrer.email:
        notify.enqueue_once(f"referral-reward:{referral.id}", EMAIL_KIND, referrer.email,
                            with_locale, now=now,
                            data={"kind": referral.reward_kind, "amount": amount,
                                  "currency": currency})


def void(referral_id, reason, actor, now):
    """The merchant voids a pending referral with a reason; who did it is recorded.
    ShopError if the reason is missing or it was already decided; NotFound if unknown."""
    referral = db.session.get(Referral, referral_id)
    if referral is None:
        raise NotFound(_("That referral does not exist."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidSettings({"reason": _("Say why this referral is voided.")})
    if len(reason) > 60:
        raise InvalidSettings({"reason": _("Keep the reason to 60 characters.")})
    changed = db.session.execute(db.update(Referral).where(
        Referral.id == referral_id, Referral.status == "pending")
        .values(status="void", reason=reason, voided_by=actor[:260], decided_at=now)
        .execution_options(synchronize_session="fetch")).rowcount
    if changed != 1:
        raise ShopError(_("This referral was already decided: only a pending one can be voided."))
    db.session.flush()
    return referral


# -- lists -------------------------------------------------------------------------------------

def of_referrer(user_id, limit=100):
    return db.session.scalars(db.select(Referral).where(Referral.referrer_id == user_id)
                              .order_by(Referral.created_at.desc(), Referral.id.desc())
                              .limit(limit)).all()


def listing(status="", limit=200):
    query = db.select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc())
    if status in STATUS_LABELS:
        query = query.where(Referral.status == status)
    return db.session.scalars(query.limit(limit)).all()


# -- settings ----------------------------------------------------------------------------------

def _whole(text, low, high, errors, name, message):
    try:
        value = int(str(text).strip())
    except (TypeError, ValueError):
        errors[name] = message
        return None
    if not low <= value <= high:
        errors[name] = message
        return None
    return value


def _percent(text, errors, name):
    message = _("Enter a percentage from 1 to 100, like 10.")
    cleaned = (text or "").strip().rstrip("%").strip()
    try:
        value = int(cleaned)
    except ValueError:
        errors[name] = message
        return None
    if not 1 <= value <= 100:
        errors[name] = message
        return None
    return value * 100


def save_settings(*, referrals_on, welcome_kind, welcome_value, reward_kind, reward_amount,
                  monthly_cap, now, locale="en"):
    """Check and store the referral settings (amounts as typed, in the shop's currency; the
    percentage as a whole number). InvalidSettings names every wrong field; nothing changes
    then. The welcome coupon follows."""
    currency = shopconfig.get_settings_row().currency
    errors = {}
    if welcome_kind not in ("amount", "percent"):
        errors["welcome_kind"] = _("Choose an amount or a percentage off.")
    welcome = None
    if welcome_kind == "percent":
        welcome = _percent(welcome_value, errors, "welcome_value")
    elif welcome_kind == "amount":
        try:
            welcome = money_from_text(welcome_value, currency, locale)
        except ShopError as error:
            errors["welcome_value"] = str(error)
        else:
            if not welcome:
                errors["welcome_value"] = _("Enter the welcome discount's amount.")
    if reward_kind not in ("points", "credit"):
        errors["reward_kind"] = _("Choose points or store credit.")
    reward = None
    if reward_kind == "points":
        reward = _whole(reward_amount, 1, MAX_REWARD_POINTS, errors, "reward_amount",
                        _("Enter the points as a whole number from 1 to %(num)s.",
                          num=f"{MAX_REWARD_POINTS:,}"))
    elif reward_kind == "credit":
        try:
            reward = money_from_text(reward_amount, currency, locale)
        except ShopError as error:
            errors["reward_amount"] = str(error)
        else:
            if not reward:
                errors["reward_amount"] = _("Enter the store credit the referrer earns.")
    cap = _whole(monthly_cap, 0, MAX_CAP, errors, "monthly_cap",
                 _("Enter a whole number from 0 (no limit) to %(num)d.", num=MAX_CAP))
    if errors:
        raise InvalidSettings(errors)
    row = loyalty_settings.get()
    row.referrals_on = bool(referrals_on)
    row.referral_welcome_kind, row.referral_welcome_value = welcome_kind, welcome
    row.referral_reward_kind, row.referral_reward_amount = reward_kind, reward
    row.referral_monthly_cap = cap
    db.session.flush()
    sync_welcome(now, row)
    return row
