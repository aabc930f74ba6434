"""What a customer's tracking page shows: the stages an order went through with their dates,
what comes next, when it should arrive, and the guest lookup by order number and email."""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _

from . import email_address, orders
from .orders import NUMBER_ALPHABET, STAGES
from .pricing import format_rate

# While an order is on its way its page keeps asking for news; afterwards nothing changes.
IN_TRANSIT = ("paid", "packed", "shipped", "out_for_delivery")
FINAL_EXITS = ("cancelled", "payment_expired")


@dataclass(frozen=True)
class Stage:
    status: str
    label: str
    # When the order reached this stage (UTC), None if it has not (or went straight past it).
    reached_at: datetime | None
    # "done", "current", "skipped" (passed without stopping) or "upcoming".
    state: str
    hint: str = ""

    @property
    def current(self):
        return self.state == "current"


def _stage_label(order, status):
    if status == "paid" and order.collects_on_delivery:
        return _("Pay on delivery")
    return orders.status_label(status)


def _first_reached(order):
    """{status: when it was first reached}, from the order's events."""
    reached = {}
    for event in order.events:
        reached.setdefault(event.status, event.created_at)
    return reached


def timeline(order):
    """The stages to show, in order. A cancelled or expired order shows the stages it reached
    and then its final state as the current one; the stages it will never reach are left out."""
    reached = _first_reached(order)
    cod = order.collects_on_delivery
    if cod and "delivered" in reached:
        # The courier collects the money on delivery: that is when it was paid.
        reached.setdefault("paid", reached["delivered"])
    exited = order.status in FINAL_EXITS
    position = STAGES.index(order.status) if order.status in STAGES else -1
    stages = []
    for index, status in enumerate(STAGES):
        hint = _("You pay the courier when it arrives.") if cod and status == "paid" else ""
        if status == order.status:
            state = "current"
        elif status in reached:
            state = "done"
        elif exited:
            continue
        elif index < position and not (cod and status == "paid"):
            state = "skipped"
        else:
            state = "upcoming"
        stages.append(Stage(status, _stage_label(order, status), reached.get(status), state, hint))
    if exited:
        stages.append(Stage(order.status, orders.status_label(order.status),
                            reached.get(order.status), "current"))
    return stages


def is_in_transit(order):
    """Whether the page should keep checking for a new stage."""
    return order.status in IN_TRANSIT


@dataclass(frozen=True)
class Delivery:
    earliest: datetime
    latest: datetime


def expected_delivery(order):
    """The days the order should arrive between (UTC datetimes), or None once that is moot:
    delivered, cancelled, expired, or a bank transfer still waiting for its money."""
    if order.status in ("delivered",) + FINAL_EXITS:
        return None
    if order.status == "placed" and order.payment_method == "bank_transfer":
        return None
    if order.status == "awaiting_payment":
        return None
    latest = orders.expected_delivery(order)
    spread = max(0, order.shipping_days_max - order.shipping_days_min)
    return Delivery(earliest=latest - timedelta(days=spread), latest=latest)


def awaiting_bank_transfer(order):
    return order.payment_method == "bank_transfer" and order.status == "placed"


def normalize_number(text):
    """'k7q4d2m', ' K7Q 4D2M ' and 'K7Q-4D2M' all mean order K7Q-4D2M; '' if it cannot be one."""
    chars = "".join(ch for ch in (text or "").upper() if ch not in " -_\t")
    if len(chars) != 7 or any(ch not in NUMBER_ALPHABET for ch in chars):
        return ""
    return f"{chars[:3]}-{chars[3:]}"


def _digest(text):
    return hashlib.sha256((text or "").strip().lower().encode("utf-8")).digest()


# Compared against when no order has the number, so a miss costs the same work as a match.
_NO_ORDER = _digest("\x00no order\x00")


def lookup(number, email):
    """The order with this number placed with this email, or None. A wrong number and a wrong
    email are indistinguishable to the caller, and both do the same hashing and comparing."""
    normalized = normalize_number(number)
    order = orders.by_number(normalized) if normalized and email_address.is_valid(
        email_address.normalize(email)) else None
    expected = _digest(order.email) if order is not None else _NO_ORDER
    matches = hmac.compare_digest(_digest(email), expected)
    return order if order is not None and matches else None


@dataclass(frozen=True)
class Tracking:
    """Everything the tracking page shows about an order beyond the order itself."""
    stages: list
    polling: bool
    delivery: Delivery | None
    awaiting_transfer: bool
    carrier_url: str | None
    can_undo: bool
    tax_rate: str


def tracking(order, config, now):
    """The tracking page's view of `order` at `now`, with `config` the shop's settings."""
    link = config.carrier_url(order.carrier, order.tracking_number) if order.tracking_number else None
    return Tracking(stages=timeline(order), polling=is_in_transit(order),
                    delivery=expected_delivery(order), awaiting_transfer=awaiting_bank_transfer(order),
                    carrier_url=link, can_undo=orders.can_undo(order, now),
                    tax_rate=format_rate(order.tax_rate_bp))
