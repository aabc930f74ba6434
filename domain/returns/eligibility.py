"""Whether an order line may be returned now, and if not, why, in words a customer understands.

The window counts whole days in the shop's time zone: delivered on 1 March with a 30-day window,
the last day to ask is 31 March, until midnight where the shop is.
"""
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _

from .. import shopconfig
from ..extensions import db
from ..models import Product
from ..orders import reached_at
from . import faults
from .rules import DEFAULT, Rule, line_rules, policy, rule_for


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reason: str
    rule: Rule
    returnable_quantity: int
    # The last moment a return may be asked for (UTC), when the window has started.
    window_closes: datetime | None


def window_start(order, return_policy=None):
    """When the return window opened: delivery, else shipping plus the transit allowance."""
    delivered = reached_at(order, "delivered")
    if delivered is not None:
        return delivered
    shipped = reached_at(order, "shipped")
    if shipped is None:
        return None
    return_policy = return_policy or policy()
    return shipped + timedelta(days=return_policy.transit_days)


def window_closes(start, window_days, zone):
    """The end of the window's last day, in the shop's zone, as an aware UTC datetime."""
    local_day = start.astimezone(zone).date() + timedelta(days=window_days + 1)
    return datetime.combine(local_day, time(0), tzinfo=zone).astimezone(timezone.utc) \
        - timedelta(microseconds=1)


def returned_quantity(line, order):
    """Units of this line already in a return that was not rejected (a rejected return gives
    its units back)."""
    return sum(rl.quantity for ret in order.returns if ret.status != "rejected"
               for rl in ret.lines if rl.order_line_id == line.id)


def eligible(order, line, now, config, rule=None, return_policy=None, fault=False):
    """Eligibility of one order line at `now` under the rules that apply to its product; with
    `fault`, under the rule for goods that arrived damaged, wrong or not as described
    (faults.py), which final sale does not touch."""
    if rule is None:
        rule = rule_for(line.product_id, _category_id(line)) if line.product_id else DEFAULT
    if fault:
        return_policy = return_policy or policy()
        rule = faults.rule(rule, faults.window_days(return_policy, order.currency))
    left = line.quantity - returned_quantity(line, order)
    if order.status in ("cancelled", "payment_expired"):
        return Eligibility(False, _("This order was cancelled"), rule, 0, None)
    if order.payment_method == "exchange":
        # A replacement was paid for on the first order: its refund belongs there, so the shop
        # handles a second exchange or a return of it in person.
        return Eligibility(False, _("A replacement: please contact us to return it"), rule, 0, None)
    if not rule.returnable:
        return Eligibility(False, _("Final sale"), rule, 0, None)
    start = window_start(order, return_policy)
    if start is None:
        return Eligibility(False, _("Not delivered yet"), rule, 0, None)
    zone = shopconfig.zone(config.timezone)
    closes = window_closes(start, rule.window_days, zone)
    if now > closes:
        day = format_date(closes.astimezone(zone), "d MMMM", locale=str(get_locale() or "en"))
        return Eligibility(False, _("Window closed on %(day)s", day=day), rule, 0, closes)
    if left <= 0:
        return Eligibility(False, _("Already returned"), rule, 0, closes)
    return Eligibility(True, "", rule, left, closes)


def _category_id(line):
    return db.session.scalar(db.select(Product.category_id).where(Product.id == line.product_id))


def order_eligibility(order, now, config, fault=False, rules=None, return_policy=None):
    """{order_line_id: Eligibility} for every line, loading the rules once (or taking `rules`,
    line_rules(order), and `return_policy` already loaded); `fault` for a return of goods that
    arrived damaged, wrong or not as described."""
    rules = rules or line_rules(order)
    return_policy = return_policy or policy()
    return {line.id: eligible(order, line, now, config, rule=rules[line.id],
                              return_policy=return_policy, fault=fault) for line in order.lines}
