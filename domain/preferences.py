"""A customer's preferences: name, language, and the shipping and payment methods that
one-click checkout uses with their default address."""
from dataclasses import dataclass, field

from babel.lists import format_list
from flask_babel import get_locale, gettext as _

from . import addresses, payments
from .errors import ShopError
from .extensions import db


def _providers(config):
    """{key: (label, paid at checkout)} of the payment methods a customer may choose."""
    return {p.key: (p.label, p.pays_at_checkout or p.hosted) for p in payments.selectable(config)}


def payment_methods(config):
    """[(key, label)] of the payment methods a customer can choose from."""
    return [(key, str(label)) for key, (label, _paid_now) in _providers(config).items()]


def payment_label(key, config):
    found = _providers(config).get(key or "")
    return str(found[0]) if found else None


def pays_at_checkout(key, config):
    """Card payments need the card number, or the provider's page, at each purchase (the shop
    never stores a card), so one-click buying is for methods paid after checkout."""
    found = _providers(config).get(key or "")
    return bool(found and found[1])


def shipping_method(config, method_id):
    """The active shipping method with that id, or None (inactive and deleted ones included)."""
    return next((m for m in config.shipping_methods if m.id == method_id), None)


def set_preferences(user, config, name, locale, shipping_method_id, payment_method, languages):
    """Save what the customer chose. None (or "") means no preference for that item."""
    if locale and locale not in languages:
        raise ShopError(_("Please choose a language from the list."))
    if shipping_method_id is not None and shipping_method(config, shipping_method_id) is None:
        raise ShopError(_("That shipping method is no longer offered. Please choose another."))
    if payment_method and payment_label(payment_method, config) is None:
        if payment_method == payments.TestCard.key:
            raise ShopError(str(payments.refused(payment_method, config)))
        raise ShopError(_("That payment method is not available. Please choose another."))
    user.name = " ".join((name or "").split())[:120]
    user.locale = locale or None
    user.preferred_shipping_method_id = shipping_method_id
    user.preferred_payment_method = payment_method or None
    db.session.flush()
    return user


@dataclass(frozen=True)
class OneClick:
    """What a one-click buy would use, what it still needs, and what stops it."""

    address: object = None
    shipping: object = None
    payment: str | None = None
    missing: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ready(self):
        return not self.missing and not self.problems

    @property
    def missing_text(self):
        """'a default address and a payment method', in the page's language."""
        return format_list([str(item) for item in self.missing], locale=str(get_locale() or "en"))

    @property
    def address_label(self):
        return (self.address.label or self.address.line1) if self.address else ""


def one_click_inputs(user):
    """Everything of the customer's that one_click() and oneclick.offer() read, as a key: a page
    showing their one-click offer stays right for as long as this and the shop (the storefront
    version) stay the same. Keep it in step with both functions."""
    address = addresses.default_for(user.id)
    return (user.id, user.preferred_payment_method, user.preferred_shipping_method_id,
            user.credit_balance,
            None if address is None else tuple(getattr(address, column.key)
                                               for column in address.__table__.columns))


def one_click(user, config):
    """What a one-click buy would use, by the checkout's rules: the default address; the
    preferred payment method if it is settled after checkout; the preferred shipping method if
    it delivers to the address's region, else that region's cheapest."""
    address = addresses.default_for(user.id)
    preferred = shipping_method(config, user.preferred_shipping_method_id)
    payment = payment_label(user.preferred_payment_method, config)
    missing, problems, notes = [], [], []
    if address is None:
        missing.append(_("a default address"))
    if payment is None:
        missing.append(_("a payment method"))
    elif pays_at_checkout(user.preferred_payment_method, config):
        problems.append(_("%(method)s needs your card details at each purchase, so one-click "
                          "buying needs a method paid later, such as bank transfer.",
                          method=payment))
    shipping = preferred
    if address is not None:
        methods = config.methods_for(address.region)
        if not methods:
            shipping = None
            problems.append(_("We do not ship to %(region)s at the moment, the region of your "
                              "default address.", region=address.region))
        elif preferred is None or preferred.region != address.region:
            shipping = min(methods, key=lambda m: (m.price, m.days_max))
            if preferred is not None:
                notes.append(_("%(preferred)s does not deliver to %(region)s, so %(method)s is "
                               "used.", preferred=preferred.name, region=address.region,
                               method=shipping.name))
    return OneClick(address, shipping, payment, missing, problems, notes)
