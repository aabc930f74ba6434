"""A return's way from request to receipt; refunds.py settles it (refund, exchange or store
credit) with the same steps.

Every step checks PIPELINE, writes a ReturnEvent and queues the customer's email in the caller's
transaction: the steps flush and never commit, so a view that fails after one leaves nothing
half done. Stock moves only through domain.stock, money only through domain.payments (see
refunds.py) and store credit only through domain.credit.
"""
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from .. import alerts, notify, refund_accounts, stock
from ..errors import InvalidRefundAccount, InvalidReturnTransition, ReturnNotAllowed
from ..extensions import db
from ..ids import parse_id
from ..models import ReturnEvent, ReturnLine, ReturnRequest, utcnow
from ..orders import NUMBER_ALPHABET, line_name
from . import exchange, faults, photos as return_photos
from .amounts import Selection, estimate
from .balance import asks_for_account
from .eligibility import eligible, order_eligibility
from .offer import may_choose_credit
from .progress import status_label
from .rules import ACTIONS, REASONS, action_label, methods, policy

# Where a return may go next. A failed refund may be tried again, or settled as store credit.
PIPELINE = {
    "requested": ("approved", "rejected"),
    "approved": ("received",),
    "received": ("refunded", "exchanged", "credited", "refund_failed"),
    "refund_failed": ("refunded", "credited", "refund_failed"),
    "rejected": (),
    "refunded": (),
    "exchanged": (),
    "credited": (),
}
FINAL = ("rejected", "refunded", "exchanged", "credited")
REASON_TEXT_MAX = 1000


def new_number():
    """'R-7KQ4D2M', from the same unambiguous alphabet as order numbers."""
    return "R-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(7))


def _by_token(request_token):
    return db.session.scalar(db.select(ReturnRequest)
                             .where(ReturnRequest.request_token == request_token))


def _merged(selections):
    """Quantities per order line, in the order first chosen; zero quantities are dropped."""
    merged = {}
    for selection in selections:
        try:
            quantity = int(selection.quantity)
        except (TypeError, ValueError):
            quantity = -1
        line_id = selection.order_line_id
        previous = merged.get(line_id)
        if previous is not None:
            quantity += previous.quantity
        wanted = parse_id(selection.exchange_variant_id)
        merged[line_id] = Selection(line_id, quantity,
                                    wanted or (previous.exchange_variant_id if previous else None))
    return [s for s in merged.values() if s.quantity != 0]




def _check(order, selections, action, reason, reason_text, method, now, config, asker_id,
           refund_account, photos=()):
    """The problems with a request as {field: message}, the eligibility of each line, and
    the refund account to keep (a BankAccount, or None when the refund needs none)."""
    problems = {}
    lines = {line.id: line for line in order.lines}
    fault = faults.is_fault(reason)
    eligibility = order_eligibility(order, now, config, fault=fault)
    chosen = []
    for selection in _merged(selections):
        line = lines.get(selection.order_line_id)
        if line is None:
            problems["lines"] = _("That item is not part of this order.")
            continue
        key, name = f"line-{line.id}", line_name(line)
        verdict = eligibility[line.id]
        if selection.quantity < 0:
            problems[key] = _("%(item)s: enter how many to return.", item=name)
        elif not verdict.ok:
            problems[key] = _("%(item)s: %(reason)s", item=name, reason=verdict.reason)
            if not fault and eligible(order, line, now, config, fault=True).ok:
                problems[key] = _("%(item)s: %(reason)s. If it arrived damaged, wrong, incomplete "
                                  "or not as described, choose that reason: it can come back.",
                                  item=name, reason=verdict.reason)
        elif selection.quantity > verdict.returnable_quantity:
            problems[key] = _("%(item)s: only %(num)d can be returned.", item=name,
                              num=verdict.returnable_quantity)
        elif action in ACTIONS and action not in verdict.rule.actions:
            problems[key] = _("%(item)s: %(action)s is not offered for this item.", item=name,
                              action=action_label(action).lower())
        chosen.append((line, selection))
    if not chosen and "lines" not in problems:
        problems["lines"] = _("Choose at least one item to return.")
    if action not in ACTIONS:
        problems["action"] = _("Choose a refund, an exchange or store credit.")
    elif action == "credit" and not may_choose_credit(order, asker_id):
        problems["action"] = _("Sign in to choose store credit: store credit is kept on an "
                               "account. Or choose a refund.")
    if reason not in REASONS:
        problems["reason"] = _("Choose the reason for the return.")
    elif reason == "other" and not reason_text:
        problems["reason_text"] = _("Tell us the reason in a few words.")
    if len(reason_text) > REASON_TEXT_MAX:
        problems["reason_text"] = _("Please keep the reason under %(max)d characters.",
                                    max=REASON_TEXT_MAX)
    if method not in [key for key, _label, _text in methods(policy())]:
        problems["method"] = _("Choose how the parcel comes back to us.")
    if action == "exchange" and chosen:
        problems.update(exchange.check_variants(chosen))
    account = None
    if asks_for_account(order, action):
        try:
            account = refund_accounts.from_form(refund_account or {})
        except InvalidRefundAccount as error:
            problems.update(error.fields)
    photo_problem = return_photos.problem(photos)
    if photo_problem:
        problems["photos"] = photo_problem
    return problems, eligibility, chosen, account


def request_return(order, selections, action, reason, reason_text, method, request_token, now,
                   config, asker_id=None, actor="customer", refund_account=None, photos=(),
                   photo_store=None):
    """Ask to return lines of `order`. Returns (ReturnRequest, created). `asker_id` is the
    signed-in account asking (None for a guest holding the order's link): store credit is only
    for the account that placed the order. `refund_account` ({bank_name, account_number,
    account_holder}) is where a refund the merchant sends by hand goes: required for a refund
    of an order paid by bank transfer or cash on delivery, ignored otherwise. `photos` are
    [(file name, bytes)] the customer sent, kept in `photo_store` (the app's return photo
    store unless given; see photos.py), before anything is written: a store that is down
    raises StorageUnavailable and leaves no return behind.

    A fault (faults.FAULT_REASONS: damaged, wrong, incomplete, not as described) follows the
    fault rule: final sale does not apply, its own window, nothing kept back. It waits for the
    merchant like every return, flagged as a fault in the back office.

    The same request token always gives the same single return (created False): a
    double-click or a retried form finds the first one. ReturnNotAllowed (with `fields`, each
    message naming the line it is about) when the rules do not allow what was asked.
    """
    existing = _by_token(request_token)
    if existing is not None:
        return existing, False
    reason_text = (reason_text or "").strip()
    photos = list(photos or ())
    problems, eligibility, chosen, account = _check(order, selections, action, reason,
                                                    reason_text, method, now, config, asker_id,
                                                    refund_account, photos)
    if problems:
        message = next(iter(problems.values())) if len(problems) == 1 \
            else _("Please check the fields marked below.")
        raise ReturnNotAllowed(message, problems)
    picked = [Selection(line.id, s.quantity,
                        s.exchange_variant_id if action == "exchange" else None)
              for line, s in chosen]
    amounts = estimate(order, picked, action, eligibility, fault=faults.is_fault(reason))
    stored = return_photos.store(photos, photo_store) if photos else []
    ret = ReturnRequest(
        number=new_number(), request_token=request_token, status="requested", action=action,
        reason=reason, reason_text=reason_text, method=method, currency=order.currency,
        items_amount=amounts.items_amount, restocking_fee=amounts.restocking_fee,
        return_shipping_fee=amounts.return_shipping_fee, refund_amount=amounts.refund_amount,
        shipping_refund=amounts.shipping_refund, created_at=now)
    for line in amounts.lines:
        ret.lines.append(ReturnLine(
            order_line_id=line.order_line.id, product_id=line.order_line.product_id,
            quantity=line.quantity, amount=line.amount, restocking_fee=line.restocking_fee,
            exchange_variant_id=line.exchange_variant_id))
    ret.order = order
    db.session.add(ret)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request with the same token won the race: show the return it made.
        db.session.rollback()
        existing = _by_token(request_token)
        if existing is None:
            raise
        return existing, False
    if account is not None:
        refund_accounts.save(account, ret=ret)
    if stored:
        return_photos.attach(ret, stored, now)
    record(ret, "requested", actor, now)
    alerts.return_requested(ret, actor, now)
    return ret, True


def record(ret, status, actor, now, note="", email=True, data=None):
    """Move `ret` to `status`, write its event and queue the customer's email."""
    ret.status = status
    ret.events.append(ReturnEvent(status=status, actor=actor, note=str(note)[:500],
                                  created_at=now))
    if status in FINAL:
        ret.closed_at = now
        # Refunded, credited, exchanged or rejected: no transfer is left to make.
        refund_accounts.forget(ret=ret)
    db.session.flush()
    if status in ("refunded", "credited"):
        # Money or credit went back for these units: their points (and a first order's
        # referral) go with them. Each return reaches a final status once.
        from ..loyalty import hooks as loyalty_hooks
        returned = {}
        for line in ret.lines:
            returned[line.order_line_id] = returned.get(line.order_line_id, 0) + line.quantity
        loyalty_hooks.lines_returned(ret.order, returned, now, return_id=ret.id)
    if email:
        order = ret.order
        notify.enqueue(f"return_{status}", order.email, order.locale, order=order,
                       data={"return_id": ret.id, **(data or {})}, now=now)


def seen_stamp(ret):
    """What a page that shows `ret` sends back with its buttons: when the return last changed."""
    return ret.updated_at.isoformat()


def ensure_unchanged(ret, seen):
    """InvalidReturnTransition unless `ret` is as the page that sent a button showed it (`seen`,
    from seen_stamp). Clicks sent from the same page at once, or a retry sent from a page drawn
    before the last attempt, reach the payment provider once: a refund that failed is tried again
    only from a page that shows the failure."""
    if seen and seen != seen_stamp(ret):
        raise InvalidReturnTransition(_(
            "Return %(number)s was changed a moment ago. Reload the page to see where it is.",
            number=ret.number))


def ensure_can(ret, status):
    """InvalidReturnTransition, fit to show, unless the pipeline allows `status` next and this
    request is the one that moves the return.

    The claim is a conditional UPDATE on the status and last change the caller read: of two
    clicks on "Refund" at once, the second waits for the first to commit and then finds the
    return changed, so the provider is never asked to refund twice and stock never moves twice.
    """
    if status not in PIPELINE.get(ret.status, ()):
        raise InvalidReturnTransition(_(
            "Return %(number)s is “%(current)s” and cannot become “%(next)s”.",
            number=ret.number, current=status_label(ret.status, merchant=True),
            next=status_label(status, merchant=True)))
    stamp = utcnow()
    claimed = db.session.execute(
        db.update(ReturnRequest)
        .where(ReturnRequest.id == ret.id, ReturnRequest.status == ret.status,
               ReturnRequest.updated_at == ret.updated_at)
        .values(updated_at=stamp)
        .execution_options(synchronize_session=False)).rowcount
    if claimed == 1:
        set_committed_value(ret, "updated_at", stamp)
    else:
        raise InvalidReturnTransition(_(
            "Return %(number)s was changed a moment ago. Reload the page to see where it is.",
            number=ret.number))


def approve(ret, actor, now):
    """Accept a requested return. An exchange reserves its replacements now and ships them as a
    linked order; if one has sold out since, the return is approved as a refund instead."""
    ensure_can(ret, "approved")
    note, data = "", None
    if ret.action == "exchange":
        sold_out = exchange.make_replacement(ret, now)
        if sold_out:
            exchange.switch_to_refund(ret)
            note = _("%(items)s sold out before approval: approved as a refund instead.",
                     items=", ".join(sold_out))
            data = {"exchange_unavailable": True, "sold_out": sold_out}
        else:
            note = _("Replacement order %(number)s.", number=ret.exchange_order.number)
    record(ret, "approved", actor, now, note=note, data=data)
    return ret


def reject(ret, actor, now, reason):
    """Refuse a requested return, with the reason the customer will read. Its units can be
    asked for again in another return."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidReturnTransition(_("Tell the customer why the return is rejected."))
    ensure_can(ret, "rejected")
    ret.rejection_reason = reason[:500]
    record(ret, "rejected", actor, now, note=ret.rejection_reason)
    return ret


def _restock_decision(restock, line_id):
    restock = restock or {}
    return bool(restock.get(line_id, restock.get(str(line_id), False)))


def receive(ret, actor, now, restock):
    """The parcel arrived. `restock` maps each return line's id to True (back into stock) or
    False (written off); a line left out is written off, so damaged goods are never sold by
    mistake. Starts the refund promise's clock."""
    ensure_can(ret, "received")
    back, written_off = [], []
    for line in ret.lines:
        order_line = line.order_line
        line.restocked = _restock_decision(restock, line.id)
        if line.restocked:
            stock.release(order_line.variant_id, order_line.product_id, line.quantity)
            back.append(f"{line.quantity} × {line_name(order_line)}")
        else:
            written_off.append(f"{line.quantity} × {line_name(order_line)}")
    ret.received_at = now
    if ret.action != "exchange":
        ret.refund_due_at = now + timedelta(days=policy().refund_promise_days)
    notes = []
    if back:
        notes.append(_("Back in stock: %(items)s.", items=", ".join(back)))
    if written_off:
        notes.append(_("Written off: %(items)s.", items=", ".join(written_off)))
    record(ret, "received", actor, now, note=" ".join(notes))
    return ret
