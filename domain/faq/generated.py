"""Answers drawn from what the shop enforces, when the help page is rendered.

An entry whose `generated` key is one of ANSWERS has no answer text of its own: its answer is
built here from the return rules (the ones every return request is checked against, as the
returns policy page shows them), the active shipping methods and the free-shipping threshold
(the settings snapshot checkout charges from), and the methods' delivery days (said the way
checkout says them). A merchant who changes a rule changes the answer; nothing can drift.
Texts are in the request's language (English or Korean, through gettext).
"""
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .. import policies
from ..money import Money
from ..returns import rules as return_rules
from ..shopconfig import delivery_days

# key -> (the question's wording when the entry is added, in English; Korean in translations,
# the back office page where what the answer says is changed)
ANSWERS = {
    "returns_window": (_l("How long do I have to return?"), "admin.return_rules"),
    "shipping_cost": (_l("How much is shipping?"), "admin.settings"),
    "delivery_time": (_l("When will my order arrive?"), "admin.settings"),
}
# Where each is filed when the merchant adds them: a FAQ category of this slug.
CATEGORY_OF = {"returns_window": "returns", "shipping_cost": "shipping",
               "delivery_time": "shipping"}


@dataclass(frozen=True)
class Answer:
    """A generated answer: paragraphs and a list, plain text (escaped by the template), and the
    storefront page (an endpoint) that says it all in full."""
    paragraphs: list = field(default_factory=list)
    items: list = field(default_factory=list)
    more: str | None = None
    closing: list = field(default_factory=list)


def _money(amount, currency):
    return Money(amount, currency).format(str(get_locale() or "en"))


def returns_window(config):
    """How long, and on what terms, from the return rules (as the returns policy page)."""
    view = policies.returns_policy(config.currency)
    if not view.confirmed:
        return Answer(paragraphs=[
            _("This shop has not set its return rules yet."),
            _("The consumer law where you live may give you the right to cancel or return a "
              "purchase; that right applies whatever this page says."),
            _("To return something, ask for a return from your order's page, or write to us:")
            + (" " + config.email if config.email else "")], more="policies.returns")
    items = [_("%(products)s: %(terms)s", products=row.label,
               terms=return_rules.summary(row.rule, config.currency)) for row in view.rows]
    policy = view.policy
    closing = [ngettext(
        "The return window starts on the day your order is delivered. If the carrier has not told us "
        "the delivery date, it starts %(num)d day after we shipped the order.",
        "The return window starts on the day your order is delivered. If the carrier has not told us "
        "the delivery date, it starts %(num)d days after we shipped the order.", policy.transit_days)]
    if policy.refund_promise_days:
        closing.append(ngettext("We refund within %(num)d day of receiving your return.",
                                "We refund within %(num)d days of receiving your return.",
                                policy.refund_promise_days))
    else:
        closing.append(_("We refund on the day we receive your return."))
    return Answer(paragraphs=[_("It depends on what you bought:")], items=items,
                  closing=closing, more="policies.returns")


def _method_name(method, several_regions):
    return f"{method.name} ({method.region})" if several_regions else method.name


def shipping_cost(config):
    """Each active method's price, and the free-shipping threshold."""
    methods = config.shipping_methods
    if not methods:
        return Answer(paragraphs=[
            _("Shipping prices are being set up. Please contact us before ordering.")])
    several = len(config.regions) > 1
    items = [_("%(method)s: %(price)s", method=_method_name(m, several),
               price=_money(m.price, config.currency) if m.price else _("Free"))
             for m in methods]
    closing = []
    if config.free_shipping_threshold:
        closing.append(_(
            "Orders of %(amount)s or more (after discounts) ship free with the cheapest method for "
            "your region; faster methods keep their price.",
            amount=_money(config.free_shipping_threshold, config.currency)))
    closing.append(_("Every price breakdown shows the full total, with shipping and tax, before "
                     "you enter anything."))
    return Answer(paragraphs=[_("You choose how your order travels at checkout:")], items=items,
                  closing=closing, more="policies.shipping")


def delivery_time(config):
    """Each active method's delivery days, as checkout shows them."""
    methods = config.shipping_methods
    if not methods:
        return Answer(paragraphs=[
            _("Shipping prices are being set up. Please contact us before ordering.")])
    several = len(config.regions) > 1
    items = [_("%(method)s: %(days)s", method=_method_name(m, several),
               days=delivery_days(m.days_min, m.days_max)) for m in methods]
    return Answer(
        paragraphs=[_("It depends on the shipping method you choose at checkout:")], items=items,
        closing=[_("Your order's page shows the days it should arrive between, and follows "
                   "the parcel once it has shipped.")],
        more="orders.lookup")


BUILDERS = {"returns_window": returns_window, "shipping_cost": shipping_cost,
            "delivery_time": delivery_time}


def answer(key, config):
    """The answer of a generated entry, from the shop's settings snapshot `config`."""
    return BUILDERS[key](config)
