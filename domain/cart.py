"""Carts. A guest's cart is a plain dict the web layer keeps in the session; a customer's lives
in cart_item rows. Both answer the same calls, and the guest's merges into the customer's on
sign-in. Nothing here reserves stock: that happens when an order is placed."""
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.orm import joinedload

from . import catalog, counters, localized, personal_data
from .errors import InvalidQuantity, NotFound
from .extensions import db
from .ids import parse_id
from .models import CartItem, Variant
from .money import Money
from .pricing import Line
from .stock import ensure_available

MAX_QUANTITY = 99


class GuestCart:
    """Cart lines in a dict {variant id as str: quantity}, e.g. the session's 'cart' entry."""

    def __init__(self, data):
        self.data = data

    def items(self):
        out = {}
        for key, qty in self.data.items():
            variant_id = parse_id(key)
            if variant_id is None:
                continue
            try:
                out[variant_id] = int(qty)
            except (TypeError, ValueError):
                continue
        return {k: q for k, q in out.items() if q > 0}

    def quantity(self):
        return sum(self.items().values())

    def variants(self):
        """The cart's variants with their products, by id."""
        return catalog.variants_by_ids(self.items().keys())

    def set(self, variant_id, quantity):
        if quantity <= 0:
            self.data.pop(str(variant_id), None)
        else:
            self.data[str(variant_id)] = quantity

    def clear(self):
        self.data.clear()


class CustomerCart:
    """Cart lines stored for a signed-in customer. The lines are read once and kept until this
    object changes them: a page that shows the cart and its count in the header reads it once."""

    def __init__(self, user_id, quantity=None, items=None):
        self.user_id = user_id
        # The lines and their total when they came with the user (customer_cart), until this
        # cart changes.
        self._items = items
        self._quantity = quantity

    def items(self):
        if self._items is None:
            rows = db.session.execute(db.select(CartItem.variant_id, CartItem.quantity)
                                      .where(CartItem.user_id == self.user_id)).all()
            self._items = {variant_id: qty for variant_id, qty in rows}
        return dict(self._items)

    def variants(self):
        """The cart's variants with their products, by id, read with the lines in one query
        (and the lines kept, as items() keeps them)."""
        rows = db.session.execute(
            db.select(CartItem.quantity, Variant).join(Variant, Variant.id == CartItem.variant_id)
            .where(CartItem.user_id == self.user_id).options(joinedload(Variant.product))).all()
        self._items = {variant.id: qty for qty, variant in rows}
        return {variant.id: variant for _qty, variant in rows}

    def quantity(self):
        if self._items is None and self._quantity is not None:
            return self._quantity
        return sum(self.items().values())

    def set(self, variant_id, quantity):
        row = db.session.scalar(db.select(CartItem).where(
            CartItem.user_id == self.user_id, CartItem.variant_id == variant_id))
        if quantity <= 0:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(CartItem(user_id=self.user_id, variant_id=variant_id, quantity=quantity))
        else:
            row.quantity = quantity
        db.session.flush()
        self._items = self._quantity = None

    def clear(self):
        db.session.execute(db.delete(CartItem).where(CartItem.user_id == self.user_id))
        self._items = self._quantity = None


def customer_cart(user):
    """A signed-in customer's cart; its item count and lines are taken from the user row when
    they were loaded with it (accounts.session_user), so a page's header and the cart page's
    key need no query of their own."""
    loaded = inspect(user).dict
    items = None
    if "cart_lines" in loaded:
        items = {}
        for pair in (loaded["cart_lines"] or "").split(","):
            if pair:
                variant_id, _sep, quantity = pair.partition(":")
                items[int(variant_id)] = int(quantity)
    return CustomerCart(user.id, quantity=loaded.get("cart_quantity"), items=items)


def _parse_quantity(quantity, allow_zero=False):
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise InvalidQuantity(_("Please enter a whole number."))
    low = 0 if allow_zero else 1
    if quantity < low or quantity > MAX_QUANTITY:
        raise InvalidQuantity(_("Please choose a quantity from %(low)d to %(high)d.",
                                low=low, high=MAX_QUANTITY))
    return quantity


def _buyable_variant(variant_id):
    variant_id = parse_id(variant_id)
    if variant_id is None:
        raise NotFound(_("Please choose an option."))
    variant = catalog.variants_by_ids([variant_id]).get(variant_id)
    if variant is None or variant.product.status != "active":
        raise NotFound(_("That product is no longer available."))
    return variant


def display_name(variant):
    """The product and its options, in the shopper's language."""
    title, options = localized.text(variant.product, "title"), localized.text(variant, "title")
    return f"{title} ({options})" if options else title


def add(cart, variant_id, quantity=1, now=None, locale="en"):
    """Add units of a variant; more than the stock raises OutOfStock and changes nothing, a
    product in early access for tiers the customer is not in raises EarlyAccessOnly. Returns
    the variant added. Counted as one cart add of its product once committed."""
    from .loyalty import tiers
    from .models import utcnow
    quantity = _parse_quantity(quantity)
    variant = _buyable_variant(variant_id)
    tiers.check_early_access(variant.product_id, getattr(cart, "user_id", None),
                             now or utcnow(), locale)
    in_cart = cart.items().get(variant.id, 0)
    wanted = in_cart + quantity
    if wanted > MAX_QUANTITY:
        raise InvalidQuantity(_("You can buy at most %(max)d of one item.", max=MAX_QUANTITY))
    ensure_available(display_name(variant), variant.stock, wanted, in_cart=in_cart)
    cart.set(variant.id, wanted)
    # One cart add of the product for the shop's counters, once this change is committed
    # (in memory: the worker adds it to the day's figures, domain/counters.py).
    from . import shopconfig
    counters.count_on_commit(counters.CART, variant.product_id, now or utcnow(),
                             shopconfig.current().zone)
    return variant


def update(cart, variant_id, quantity):
    """Set a line's quantity; 0 removes it. Over the stock raises OutOfStock, nothing changes."""
    quantity = _parse_quantity(quantity, allow_zero=True)
    variant_id = parse_id(variant_id)
    if variant_id is None or variant_id not in cart.items():
        raise NotFound(_("That item is not in your cart."))
    if quantity:
        variant = _buyable_variant(variant_id)
        ensure_available(display_name(variant), variant.stock, quantity)
    cart.set(variant_id, quantity)


def remove(cart, variant_id):
    variant_id = parse_id(variant_id)
    if variant_id is None:
        raise NotFound(_("That item is not in your cart."))
    cart.set(variant_id, 0)


def count(cart):
    return cart.quantity()


def lines(cart, currency):
    """Pricing lines for what is in the cart, in one query. Lines whose product was removed
    from sale are dropped from the cart."""
    variants = cart.variants()
    items = cart.items()
    out = []
    for variant_id, qty in items.items():
        variant = variants.get(variant_id)
        if variant is None or variant.product.status != "active":
            cart.set(variant_id, 0)
            continue
        out.append(Line(
            # In the shopper's language: an order keeps the titles its buyer saw.
            variant_id=variant.id, product_id=variant.product_id,
            title=localized.text(variant.product, "title"),
            variant_title=localized.text(variant, "title"), sku=variant.sku, unit_price=Money(variant.price, currency),
            quantity=qty, slug=variant.product.slug,
            compare_at=Money(variant.compare_at_price, currency) if variant.compare_at_price else None,
            stock=variant.stock, image_key=variant.product.cover_key,
            image_width=variant.product.cover_width,
        ))
    out.sort(key=lambda line: (line.title, line.variant_title))
    return out


def merge(guest, customer):
    """Move a guest cart into a customer's cart on sign-in. Quantities add up, capped by stock
    and the per-line limit. Returns messages about anything that had to be reduced."""
    notices = []
    guest_items = guest.items()
    if not guest_items:
        return notices
    variants = catalog.variants_by_ids(guest_items.keys())
    existing = customer.items()
    for variant_id, qty in guest_items.items():
        variant = variants.get(variant_id)
        if variant is None or variant.product.status != "active":
            continue
        wanted = min(existing.get(variant_id, 0) + qty, MAX_QUANTITY)
        allowed = max(0, min(wanted, variant.stock))
        if allowed == 0:
            notices.append(_("%(name)s is sold out, so it was taken out of your cart.",
                             name=display_name(variant)))
        elif allowed < wanted:
            notices.append(_("Only %(num)d of %(name)s left, so your cart has %(num)d.",
                             num=allowed, name=display_name(variant)))
        customer.set(variant_id, allowed)
    guest.clear()
    return notices


def _export(subject):
    """A signed-in customer's cart (a guest's lives only in their browser's cookie)."""
    if subject.is_guest:
        return []
    rows = db.session.execute(
        db.select(CartItem, Variant.sku).join(Variant, Variant.id == CartItem.variant_id)
        .where(CartItem.user_id == subject.user_id).order_by(CartItem.id)).all()
    return [{"sku": sku, "quantity": item.quantity,
             "added_at": personal_data.when(item.added_at)} for item, sku in rows]


def _erase(subject, erasure):
    if subject.is_guest:
        return 0
    return db.session.execute(db.delete(CartItem).where(CartItem.user_id == subject.user_id)
                              .execution_options(synchronize_session="fetch")).rowcount


personal_data.register("cart", _l("Cart"), tables=("cart_item",), export=_export,
                       erase=_erase)
