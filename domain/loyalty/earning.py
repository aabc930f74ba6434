"""Earning points on paid order lines, pending until each line's return window closes, then
vested (available); reversed for returned lines; expired after the settings' months.

The rules, as the policy page states them from the live settings:

- A line earns floor(paid * earn_points / earn_per) points, where `paid` is what the customer
  paid for the line's goods, tax included, after the order's discount (coupons and points:
  points spent on an order are part of its discount, so they earn nothing); shipping earns
  nothing. The customer's tier adds extra_points_bp on top (floored).
- Earned points are pending until the line's return window closes (the first instant after
  its last day, in the shop's time zone); a line that cannot be returned (final sale) vests
  at delivery. Cancelled or expired orders drop their pending points.
- A returned unit's points are taken back: pending ones never vest; vested ones are taken
  from the available balance, never below zero, and what could not be taken is recorded.
- Vested points expire points_expiry_months after they vested (0: never). Spending and every
  other deduction use the oldest points first, so a batch expires only with what is left of it
  once everything taken from the balance has been counted against the older batches first.
  One email warns 30 days before.

Every write here happens once: ledger rows are inserted under a unique key, and a row's state
(vested, cancelled, warned) moves by a conditional UPDATE; the balances move only when the
write happened (points.move).
"""
import calendar
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import String, cast, literal
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import PointsEntry, User
from . import points, settings as loyalty_settings

WARN_BEFORE = timedelta(days=30)
BATCH = 500
# Returns whose units count as returned for points (money or credit given back).
SETTLED_RETURNS = ("refunded", "credited")


def add_months(moment, months):
    """`moment` moved by whole calendar months (31 January + 1 month: 28/29 February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def line_points(order, line, quantity, config, extra_bp=0, shares=None):
    """Points `quantity` units of `line` earn: what they paid (returns.amounts.paid_for: tax
    included, after the discount) at the settings' rate, plus the tier's extra."""
    from ..returns.amounts import paid_for
    if not config.earn_points:
        return 0
    paid = max(0, paid_for(order, line, quantity, shares))
    base = paid * config.earn_points // config.earn_per
    return base + base * max(0, extra_bp or 0) // 10000


def _vests_at(order, delivered_at, rules=None):
    """{order_line_id: when its points vest}: the first instant after the line's return window
    (delivery, the rule's days, to midnight in the shop's zone); delivery for a final sale."""
    from .. import shopconfig
    from ..returns.eligibility import window_closes
    from ..returns.rules import line_rules
    rules = rules or line_rules(order)
    zone = shopconfig.zone(shopconfig.get_settings_row().timezone)
    out = {}
    for line in order.lines:
        rule = rules[line.id]
        if not rule.returnable:
            out[line.id] = delivered_at
        else:
            out[line.id] = window_closes(delivered_at, rule.window_days, zone) \
                + timedelta(microseconds=1)
    return out


def _earn(order, user_id, now, vests=None):
    """One pending "earned" row per line (key earn:<line id>); `vests` gives their vests_at
    when the order is already delivered. Returns the points made pending."""
    config = loyalty_settings.get()
    if not config.earn_points or user_id is None:
        return 0
    from ..returns.amounts import discount_shares
    user = db.session.get(User, user_id)
    extra = user.tier.extra_points_bp if user is not None and user.tier is not None else 0
    shares = discount_shares(order)
    total = 0
    for line in order.lines:
        amount = line_points(order, line, line.quantity, config, extra, shares)
        if amount <= 0:
            continue
        entry_id = points.entry_once(
            f"earn:{line.id}", user_id=user_id, kind="earned", points=0, pending=amount,
            order_id=order.id, order_line_id=line.id,
            note=_("Order %(number)s", number=order.number)[:300],
            vests_at=(vests or {}).get(line.id), created_at=now)
        if entry_id is not None:
            points.move(user_id, 0, amount)
            total += amount
    db.session.flush()
    return total


def order_paid(order, now):
    """The order is paid (or delivered, for cash on delivery): its lines' points, pending."""
    if order.user_id is None or order.payment_method == "exchange":
        return
    from . import tiers
    # The tier as it stands now gives its extra points (a first order: the starting tier).
    tiers.recompute(order.user_id, now)
    _earn(order, order.user_id, now)


def _earned_rows(order):
    return list(db.session.scalars(db.select(PointsEntry).where(
        PointsEntry.order_id == order.id, PointsEntry.kind == "earned")
        .order_by(PointsEntry.id)))


def order_delivered(order, now):
    """Delivered at `now`: each pending row learns when its line's window closes."""
    rows = [row for row in _earned_rows(order) if row.vests_at is None
            and row.vested_at is None and row.cancelled_at is None]
    if not rows:
        return
    vests = _vests_at(order, now)
    for row in rows:
        row.vests_at = vests.get(row.order_line_id, now)
    db.session.flush()


def order_released(order, now):
    """Cancelled or payment expired: the pending rows are cancelled, their points dropped."""
    for row in _earned_rows(order):
        left = _pending_left(row)
        changed = db.session.execute(
            db.update(PointsEntry).where(PointsEntry.id == row.id,
                                         PointsEntry.vested_at.is_(None),
                                         PointsEntry.cancelled_at.is_(None))
            .values(cancelled_at=now).execution_options(synchronize_session="fetch")).rowcount
        if changed == 1 and left > 0:
            points.move(row.user_id, 0, -left)
    db.session.flush()


def _pending_left(row):
    """What of an earned row is still pending: its points less the pending ones reversed."""
    reversed_ = db.session.scalar(db.select(db.func.coalesce(db.func.sum(PointsEntry.pending), 0))
                                  .where(PointsEntry.order_line_id == row.order_line_id,
                                         PointsEntry.user_id == row.user_id,
                                         PointsEntry.kind == "reversed")) or 0
    return max(0, row.pending + reversed_)


def _reversed_so_far(row):
    """Points of an earned row reversed already (pending, available and unrecovered)."""
    got = db.session.execute(db.select(
        db.func.coalesce(db.func.sum(PointsEntry.pending), 0),
        db.func.coalesce(db.func.sum(PointsEntry.points), 0),
        db.func.coalesce(db.func.sum(PointsEntry.unrecovered), 0))
        .where(PointsEntry.order_line_id == row.order_line_id, PointsEntry.user_id == row.user_id,
               PointsEntry.kind == "reversed")).one()
    return -got[0] - got[1] + got[2]


def lines_returned(order, returned, now, return_id=None):
    """Units came back for money or credit ({order_line_id: quantity}): their share of each
    line's points is taken back, once per return and line. Pending points are reduced (they
    never vest); vested ones come off the available balance, never below zero, the rest
    recorded in `unrecovered`. The tier is computed again."""
    rows = {row.order_line_id: row for row in _earned_rows(order)}
    lines = {line.id: line for line in order.lines}
    for line_id, quantity in returned.items():
        row, line = rows.get(line_id), lines.get(line_id)
        if row is None or line is None or not quantity or row.cancelled_at is not None:
            continue
        # Units of this line settled by other returns, plus these: the points taken back in
        # all are the line's points in proportion, so a fully returned line gives back all.
        before = sum(rl.quantity for ret in order.returns
                     if ret.status in SETTLED_RETURNS and ret.id != return_id
                     for rl in ret.lines if rl.order_line_id == line_id)
        units = min(line.quantity, before + quantity)
        target = row.pending * units // line.quantity
        amount = target - _reversed_so_far(row)
        if amount <= 0:
            continue
        key = f"reverse:{return_id or now.isoformat()}:{line_id}"
        note = _("Order %(number)s: returned", number=order.number)[:300]
        # Holding the earned row (a no-op UPDATE while it is pending) keeps the vesting job
        # from vesting it between this check and the reversal.
        still_pending = db.session.execute(
            db.update(PointsEntry).where(PointsEntry.id == row.id,
                                         PointsEntry.vested_at.is_(None),
                                         PointsEntry.cancelled_at.is_(None))
            .values(vests_at=PointsEntry.vests_at)
            .execution_options(synchronize_session=False)).rowcount == 1
        if still_pending:
            entry_id = points.entry_once(key, user_id=row.user_id, kind="reversed", points=0,
                                         pending=-amount, order_id=order.id,
                                         order_line_id=line_id, return_id=return_id, note=note,
                                         created_at=now)
            if entry_id is not None:
                points.move(row.user_id, 0, -amount)
        else:
            have = points.balance(row.user_id, for_update=True)
            take = min(have, amount)
            entry_id = points.entry_once(key, user_id=row.user_id, kind="reversed",
                                         points=-take, pending=0, order_id=order.id,
                                         order_line_id=line_id, return_id=return_id, note=note,
                                         unrecovered=amount - take, created_at=now)
            if entry_id is not None and take:
                if points.move(row.user_id, -take, 0, User.points_balance >= take) != 1:
                    raise RuntimeError("points balance changed under a held row")
    db.session.flush()
    if order.user_id is not None:
        from . import tiers
        tiers.recompute(order.user_id, now)


def order_claimed(user, order, now):
    """A claimed guest order earns for `user` as if the account had bought it: pending, with
    its window's close if delivered (vesting at the next run of the job if already closed).
    Once: the rows are keyed on the lines."""
    from ..orders import reached_at
    if order.status not in ("paid", "packed", "shipped", "out_for_delivery", "delivered"):
        return
    if order.payment_method == "exchange":
        return
    delivered = reached_at(order, "delivered")
    vests = _vests_at(order, delivered) if delivered is not None else None
    _earn(order, user.id, now, vests)


# The jobs ----------------------------------------------------------------------------------

def vest_due(now, limit=BATCH):
    """Earned rows whose window has closed become available, each exactly once (a conditional
    UPDATE on the row claims it; the "vested" row is keyed on it). Returns the points vested."""
    config = loyalty_settings.get()
    due = list(db.session.scalars(db.select(PointsEntry).where(
        PointsEntry.kind == "earned", PointsEntry.vests_at.is_not(None),
        PointsEntry.vests_at <= now, PointsEntry.vested_at.is_(None),
        PointsEntry.cancelled_at.is_(None)).order_by(PointsEntry.vests_at, PointsEntry.id)
        .limit(limit)))
    total, users = 0, set()
    for row in due:
        claimed = db.session.execute(
            db.update(PointsEntry).where(PointsEntry.id == row.id,
                                         PointsEntry.vested_at.is_(None),
                                         PointsEntry.cancelled_at.is_(None))
            .values(vested_at=now).execution_options(synchronize_session="fetch")).rowcount
        if claimed != 1:
            continue
        left = _pending_left(row)
        users.add(row.user_id)
        if left <= 0:
            continue
        expires = add_months(row.vests_at, config.points_expiry_months) \
            if config.points_expiry_months else None
        entry_id = points.entry_once(
            f"vest:{row.id}", user_id=row.user_id, kind="vested", points=left, pending=-left,
            order_id=row.order_id, order_line_id=row.order_line_id, note=row.note,
            vested_at=row.vests_at, expires_at=expires, created_at=now)
        if entry_id is not None:
            points.move(row.user_id, left, -left)
            total += left
    db.session.flush()
    from . import tiers
    for user_id in sorted(users):
        tiers.recompute(user_id, now)
    return total


def _left_of(lot):
    """What is left of a vested batch, oldest used first: the credits up to and including it,
    less every deduction so far, within the batch's own size."""
    earlier = db.session.scalar(db.select(db.func.coalesce(db.func.sum(PointsEntry.points), 0))
                                .where(PointsEntry.user_id == lot.user_id,
                                       PointsEntry.points > 0,
                                       db.or_(PointsEntry.created_at < lot.created_at,
                                              db.and_(PointsEntry.created_at == lot.created_at,
                                                      PointsEntry.id <= lot.id)))) or 0
    taken = -(db.session.scalar(db.select(db.func.coalesce(db.func.sum(PointsEntry.points), 0))
                                .where(PointsEntry.user_id == lot.user_id,
                                       PointsEntry.points < 0)) or 0)
    return max(0, min(lot.points, earlier - taken))


def _not_expired_yet():
    done = aliased(PointsEntry)
    return ~db.exists().where(done.key == literal("expire:", String)
                              + cast(PointsEntry.id, String))


def expire_due(now, limit=BATCH):
    """Vested batches past their expiry lose what is left of them (never below zero), once each
    (the "expired" row is keyed on the batch). Returns the points expired."""
    due = list(db.session.scalars(db.select(PointsEntry).where(
        PointsEntry.kind == "vested", PointsEntry.expires_at.is_not(None),
        PointsEntry.expires_at <= now, _not_expired_yet())
        .order_by(PointsEntry.expires_at, PointsEntry.id).limit(limit)))
    total = 0
    for lot in due:
        have = points.balance(lot.user_id, for_update=True)
        amount = min(have, _left_of(lot))
        entry_id = points.entry_once(
            f"expire:{lot.id}", user_id=lot.user_id, kind="expired", points=-amount, pending=0,
            order_id=lot.order_id, note=_("Points vested on %(day)s expired",
                                          day=lot.vested_at.date().isoformat())[:300],
            created_at=now)
        if entry_id is not None and amount:
            if points.move(lot.user_id, -amount, 0, User.points_balance >= amount) != 1:
                raise RuntimeError("points balance changed under a held row")
            total += amount
        db.session.flush()
    return total


def warn_due(now, limit=BATCH):
    """One email per batch 30 days before it expires (expiry_warned_at claims it), in the
    customer's language, naming the points left of it and the day. Returns emails queued."""
    from .. import notify
    due = list(db.session.scalars(db.select(PointsEntry).where(
        PointsEntry.kind == "vested", PointsEntry.expires_at.is_not(None),
        PointsEntry.expires_at > now, PointsEntry.expires_at <= now + WARN_BEFORE,
        PointsEntry.expiry_warned_at.is_(None))
        .order_by(PointsEntry.expires_at, PointsEntry.id).limit(limit)))
    queued = 0
    for lot in due:
        claimed = db.session.execute(
            db.update(PointsEntry).where(PointsEntry.id == lot.id,
                                         PointsEntry.expiry_warned_at.is_(None))
            .values(expiry_warned_at=now).execution_options(synchronize_session="fetch")).rowcount
        if claimed != 1:
            continue
        left = min(_left_of(lot), points.balance(lot.user_id))
        user = db.session.get(User, lot.user_id)
        if left <= 0 or user is None or user.erased_at is not None:
            continue
        if notify.enqueue_once(f"points-expiring:{lot.id}", "points_expiring", user.email,
                               user.locale or "en",
                               data={"points": left, "expires_at": lot.expires_at.isoformat()},
                               now=now):
            queued += 1
    db.session.flush()
    return queued


def next_vesting(user_id):
    """(when, points) of the customer's next pending points to vest, or None; read only."""
    row = db.session.execute(db.select(PointsEntry.vests_at, PointsEntry.pending)
                             .where(PointsEntry.user_id == user_id,
                                    PointsEntry.kind == "earned",
                                    PointsEntry.vests_at.is_not(None),
                                    PointsEntry.vested_at.is_(None),
                                    PointsEntry.cancelled_at.is_(None))
                             .order_by(PointsEntry.vests_at).limit(1)).first()
    if row is None:
        return None
    when = row[0]
    amount = db.session.scalar(db.select(db.func.coalesce(db.func.sum(PointsEntry.pending), 0))
                               .where(PointsEntry.user_id == user_id,
                                      PointsEntry.kind == "earned",
                                      PointsEntry.vests_at == when,
                                      PointsEntry.vested_at.is_(None),
                                      PointsEntry.cancelled_at.is_(None)))
    return when, amount


# The back office's points settings ---------------------------------------------------------

MAX_EARN_POINTS = 10_000
MAX_EXPIRY_MONTHS = 120


def _whole(text, low, high, errors, name, message):
    try:
        value = int(str(text if text is not None else "").strip())
    except ValueError:
        errors[name] = message
        return None
    if not low <= value <= high:
        errors[name] = message
        return None
    return value


def _amount(text, currency, locale, errors, name, message):
    from ..errors import ShopError
    from ..settings import money_from_text
    try:
        value = money_from_text(text, currency, locale)
    except ShopError as error:
        errors[name] = str(error)
        return None
    if value is None or value <= 0:
        errors[name] = message
        return None
    return value


def _reschedule_expiry(months, now):
    """Vested batches not yet expired follow a changed expiry: `months` after they vested (0:
    never), and never sooner than the warning period from now, so every customer is still
    warned 30 days before."""
    lots = db.session.scalars(db.select(PointsEntry).where(
        PointsEntry.kind == "vested", _not_expired_yet()))
    for lot in lots:
        if not months:
            lot.expires_at = None
            continue
        when = add_months(lot.vested_at or lot.created_at, months)
        if when < now + WARN_BEFORE:
            when = now + WARN_BEFORE
        if lot.expires_at != when:
            lot.expires_at, lot.expiry_warned_at = when, None


def save_settings(values, currency, locale="en", now=None):
    """Check and store the points settings from the form's text: earn_points, earn_per (an
    amount), point_value (an amount), points_expiry_months, tier_basis. Raises InvalidSettings
    naming every wrong field; nothing changes then. A changed expiry applies to the points
    already available too (_reschedule_expiry)."""
    from ..settings import InvalidSettings
    errors = {}
    earn_points = _whole(values.get("earn_points"), 0, MAX_EARN_POINTS, errors, "earn_points",
                         _("Enter the points earned as a whole number from 0 (no points) to "
                           "%(num)s.", num=f"{MAX_EARN_POINTS:,}"))
    earn_per = _amount(values.get("earn_per"), currency, locale, errors, "earn_per",
                       _("Enter the amount paid that earns those points, more than zero."))
    point_value = _amount(values.get("point_value"), currency, locale, errors, "point_value",
                          _("Enter what one point is worth at checkout, more than zero."))
    months = _whole(values.get("points_expiry_months"), 0, MAX_EXPIRY_MONTHS, errors,
                    "points_expiry_months",
                    _("Enter the months until points expire, from 0 (never) to %(num)d.",
                      num=MAX_EXPIRY_MONTHS))
    basis = values.get("tier_basis")
    if basis not in ("orders", "spend"):
        errors["tier_basis"] = _("Choose whether tiers count orders or spend.")
    if errors:
        raise InvalidSettings(errors)
    row = loyalty_settings.get()
    if months != row.points_expiry_months and now is not None:
        _reschedule_expiry(months, now)
    row.earn_points, row.earn_per, row.point_value = earn_points, earn_per, point_value
    row.points_expiry_months, row.tier_basis = months, basis
    db.session.flush()
    return row
