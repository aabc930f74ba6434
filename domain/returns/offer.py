"""What the shop offers a customer returning an order: how many of each line the form starts
with, the actions the chosen lines allow, until when a return may be asked for, and how the way
back a return takes is described.

These only decide what to show, so nobody is offered a choice that will be refused;
request_return() checks everything again when the form is sent.
"""
from dataclasses import dataclass
from datetime import datetime

from .eligibility import order_eligibility
from .rules import ACTIONS, line_rules, methods, policy

# Before shipping no line can be returned yet; skip the rule look-ups for those orders.
MAY_HAVE_OPENED = ("shipped", "out_for_delivery", "delivered")


def default_quantities(order, eligibility):
    """The form's first state: one unit when a single line can go back (the usual return of a
    one-item order), else nothing chosen, so nobody sends back more than they meant to."""
    open_lines = [line_id for line_id, verdict in eligibility.items() if verdict.ok]
    return {line.id: 1 if open_lines == [line.id] else 0 for line in order.lines}


def may_choose_credit(order, asker_id):
    """Store credit lives on an account: only the account that placed the order may choose it
    (not a guest, nor someone else holding the order's link). `asker_id` is the signed-in
    account asking, or None."""
    return order.user_id is not None and asker_id == order.user_id


def offered_actions(lines, may_credit):
    """The actions every one of `lines` allows, in the form's order. `lines` are (Rule, whether
    the line has another option to exchange it for); store credit only when `may_credit`
    (may_choose_credit)."""
    if not lines:
        return ()
    allowed = set(ACTIONS)
    for rule, exchangeable in lines:
        allowed &= set(rule.actions)
        if not exchangeable:
            allowed.discard("exchange")
    if not may_credit:
        allowed.discard("credit")
    return tuple(a for a in ACTIONS if a in allowed)


@dataclass(frozen=True)
class ReturnWindow:
    # Whether any line may be returned now.
    can_return: bool
    # The end of the last return window, when every window has closed; else None.
    closed_at: datetime | None
    # The end of the last window still open, to tell the customer how long they have.
    open_until: datetime | None
    # When no line may be returned as a change of mind (final sale, the window closed) but one
    # that arrived damaged, wrong or not as described still may: until when.
    fault_until: datetime | None = None


def return_window(order, now, config):
    """Where the order's return windows stand at `now`, for the order's page."""
    if order.status not in MAY_HAVE_OPENED:
        return ReturnWindow(False, None, None)
    rules, return_policy = line_rules(order), policy()
    verdicts = order_eligibility(order, now, config, rules=rules,
                                 return_policy=return_policy).values()
    can_return = any(v.ok for v in verdicts)
    closes = [v.window_closes for v in verdicts if v.window_closes is not None]
    closed_at = None
    if not can_return and order.status == "delivered" and closes and max(closes) < now:
        closed_at = max(closes)
    open_until = max((v.window_closes for v in verdicts if v.ok and v.window_closes), default=None)
    fault_until = None
    if not can_return:
        as_fault = order_eligibility(order, now, config, fault=True, rules=rules,
                                     return_policy=return_policy)
        fault_until = max((v.window_closes for v in as_fault.values() if v.ok and v.window_closes),
                          default=None)
    return ReturnWindow(can_return, closed_at, open_until, fault_until)


def method_of(ret, return_policy=None):
    """(label, instructions) of the way `ret` travels back; its bare key, without instructions,
    once the shop no longer offers that way."""
    if return_policy is None:
        return_policy = policy()
    for key, label, instructions in methods(return_policy):
        if key == ret.method:
            return label, instructions
    return ret.method, ""
