"""What the return form shows: each line with how many may go back (or why none may), the
actions and exchange options the chosen lines allow, and the estimate of what comes back.

The domain (domain.returns.request_return) checks all of it again when the form is sent; this
module only gathers what domain.returns.offer decides to offer, so a customer is never shown a
choice that will be refused.
"""
from dataclasses import dataclass, field

from domain import returns
from domain.returns import exchange, offer


@dataclass
class LineRow:
    line: object
    verdict: object
    quantity: int
    # The product's other options at the price paid, sold-out ones included (shown disabled).
    options: list = field(default_factory=list)
    exchange_variant_id: int | None = None
    error: str = ""
    exchange_error: str = ""
    # True when the line cannot come back as it is but could as a fault (final sale, say).
    fault_would_open: bool = False

    @property
    def choices(self):
        return range(self.verdict.returnable_quantity + 1)


def form_context(order, form, quantities, variants, now, config, asker_id, eligibility=None,
                 errors=None):
    """Everything the form template needs, for the signed-in account `asker_id` (or None);
    `errors` are the domain's {field: message} that belong to a line (line-<id>,
    exchange-<id>, lines)."""
    errors = errors or {}
    fault = returns.is_fault(form.reason.data)
    if fault or eligibility is None:
        eligibility = returns.order_eligibility(order, now, config, fault=fault)
    # What choosing a fault reason would open, to say so by the lines it would.
    as_fault = eligibility if fault else returns.order_eligibility(order, now, config, fault=True)
    options = exchange.options(order)
    rows = []
    for line in order.lines:
        verdict = eligibility[line.id]
        rows.append(LineRow(line, verdict, min(quantities.get(line.id, 0),
                                               verdict.returnable_quantity),
                            options.get(line.id, []), variants.get(line.id),
                            errors.get(f"line-{line.id}", ""),
                            errors.get(f"exchange-{line.id}", ""),
                            not verdict.ok and as_fault[line.id].ok))
    chosen = [row for row in rows if row.quantity]
    # The actions the chosen lines allow; before any is chosen, those the returnable ones do.
    considered = chosen or [row for row in rows if row.verdict.ok]
    actions = offer.offered_actions([(row.verdict.rule, bool(row.options)) for row in considered],
                                    offer.may_choose_credit(order, asker_id))
    if form.action.data not in actions:
        form.action.data = actions[0] if actions else ""
    return_policy = returns.policy()
    ways = returns.methods(return_policy)
    if form.method.data not in [key for key, _label, _text in ways]:
        form.method.data = ways[0][0] if ways else ""
    estimate = None
    if chosen and form.action.data:
        estimate = returns.estimate(
            order, [returns.Selection(row.line.id, row.quantity) for row in chosen],
            form.action.data, {line_id: v.rule for line_id, v in eligibility.items()}, fault=fault)
    field_errors = [(f.id, message) for f in form for message in f.errors
                    if f.name not in ("csrf_token", "request_token")]
    field_errors += [(_anchor(key), message) for key, message in errors.items()]
    return {
        "order": order, "form": form, "rows": rows, "chosen": chosen, "actions": actions,
        "methods": ways, "estimate": estimate, "lines_error": errors.get("lines", ""),
        "customer_pays_shipping": any(row.verdict.rule.return_shipping == "customer"
                                      for row in chosen),
        "refund_promise_days": return_policy.refund_promise_days,
        "can_return": any(row.verdict.ok or row.fault_would_open for row in rows),
        "fault": fault, "max_photos": returns.photos.MAX_PHOTOS,
        "max_photo_mb": returns.photos.MAX_BYTES // (1024 * 1024),
        # A refund the merchant transfers by hand, and whether the chosen action needs the
        # account it goes to.
        "by_hand": returns.sent_by_hand(order),
        "asks_for_account": returns.asks_for_account(order, form.action.data),
        "field_errors": field_errors,
    }


def _anchor(key):
    """The id of the control a domain message is about: its key, except for the lines' group."""
    return "return-lines" if key == "lines" else key
