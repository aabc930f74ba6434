"""The one source of "Goes well with": the product page, the cart, the order confirmation and
the delivered email all ask `suggestions()`.

Along a chain, each step only filling what the one before left empty: products bought together
with these in delivered, not-returned orders (pairs.py), then the merchant's picks on the
product form, then the best sellers of the same categories. Never the products asked about,
never a sold-out or hidden product, never one the customer already bought (when known: the
caller passes `bought_by(user_id)` in `exclude_product_ids`). One query."""
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, Integer, bindparam, func, literal, select, union_all
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Order, OrderLine, Product, ProductComplement, ProductPair, Variant

LEVELS = ("pairs", "complements", "best_sellers")
# What the product page shows (the back office shows the same number).
LIMIT_SHOWN = 4
_STEP = 10 ** 12


@dataclass(frozen=True)
class Suggestion:
    product: Product
    level: str
    # The variant one tap adds: the product's first in stock, in the merchant's order (its
    # options named on the button when the product has options); None when none is left.
    variant: Variant = None

    @property
    def variant_id(self):
        return self.variant.id if self.variant is not None else None


@dataclass(frozen=True)
class Suggestions:
    items: list = field(default_factory=list)
    # The furthest step of the chain the items came from ("pairs" when pairs filled it all),
    # None when there is nothing to suggest.
    level: str = None

    @property
    def products(self):
        return [s.product for s in self.items]

    def __bool__(self):
        return bool(self.items)

    def __len__(self):
        return len(self.items)


def _rank(base, value):
    # One number per candidate: the chain's step (rank // _STEP), then its order inside it.
    return (literal(base, BigInteger) + value).label("rank")


def _bought(user_id):
    return (select(OrderLine.product_id).join(Order, Order.id == OrderLine.order_id)
            .where(Order.user_id == user_id, OrderLine.product_id.is_not(None),
                   Order.status.not_in(("cancelled", "payment_expired"))))


# The statement is built once per kind (with or without others to leave out, with or without a
# customer) and run with its parameters: building it costs more than running it.
_STATEMENTS = {}


def _statement(others, customer):
    key = (others, customer)
    found = _STATEMENTS.get(key)
    if found is not None:
        return found
    ids = bindparam("ids", expanding=True)
    leave_out = [Product.id.not_in(ids)]
    if others:
        leave_out.append(Product.id.not_in(bindparam("others", expanding=True)))
    if customer:
        leave_out.append(Product.id.not_in(_bought(bindparam("user_id", type_=Integer))))
    pairs = (select(ProductPair.other_id.label("pid"), _rank(_STEP, -func.sum(ProductPair.support)))
             .where(ProductPair.product_id.in_(ids)).group_by(ProductPair.other_id))
    picked = (select(ProductComplement.complement_id.label("pid"),
                     _rank(_STEP, func.min(ProductComplement.position)))
              .where(ProductComplement.product_id.in_(ids))
              .group_by(ProductComplement.complement_id))
    categories = select(Product.category_id).where(Product.id.in_(ids),
                                                   Product.category_id.is_not(None))
    best = (select(Product.id.label("pid"), _rank(3 * _STEP, -Product.sales_count))
            .where(Product.category_id.in_(categories), Product.sales_count > 0))
    candidates = union_all(pairs, picked, best).subquery()
    ranked = (select(candidates.c.pid, func.min(candidates.c.rank).label("rank"))
              .group_by(candidates.c.pid).subquery())
    other = aliased(Variant)
    first_in_stock = (select(other.id).where(other.product_id == Product.id, other.stock > 0)
                      .order_by(other.position, other.id).limit(1)
                      .correlate(Product).scalar_subquery())
    found = _STATEMENTS[key] = (
        select(Product, ranked.c.rank, Variant).join(ranked, ranked.c.pid == Product.id)
        .outerjoin(Variant, Variant.id == first_in_stock)
        .where(Product.status == "active", Product.stock_total > 0, *leave_out)
        .order_by(ranked.c.rank, Product.id).limit(bindparam("limit", type_=Integer)))
    return found


def suggestions(product_ids, config=None, exclude_product_ids=(), limit=4):
    """Up to `limit` products that go well with `product_ids`, best first.
    `exclude_product_ids`: ids, or `bought_by(user_id)`."""
    ids = sorted({int(i) for i in product_ids if i})
    if not ids or limit <= 0:
        return Suggestions()
    params = {"ids": ids, "limit": int(limit)}
    customer = isinstance(exclude_product_ids, Bought)
    if customer:
        params["user_id"] = exclude_product_ids.user_id
        others = []
    else:
        others = sorted({int(i) for i in exclude_product_ids if i} - set(ids))
        if others:
            params["others"] = others
    rows = db.session.execute(_statement(bool(others), customer), params).all()
    items = [Suggestion(product, LEVELS[min(2, max(0, int(rank) // _STEP))], variant)
             for product, rank, variant in rows]
    level = None
    for item in items:
        if level is None or LEVELS.index(item.level) > LEVELS.index(level):
            level = item.level
    return Suggestions(items, level)


@dataclass(frozen=True)
class Bought:
    """What a signed-in customer ordered (an order not cancelled), left out of suggestions
    inside their own query."""
    user_id: int

    def product_ids(self):
        return set(db.session.scalars(_bought(self.user_id)))


def bought_by(user_id):
    """Bought(user_id) to pass as `exclude_product_ids`, or () when nobody is signed in."""
    return Bought(int(user_id)) if user_id else ()
