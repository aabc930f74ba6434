"""The one place prices are added up: a cart's or a single product's full breakdown.

Rules, shown to shoppers on the shipping policy and at every breakdown:
- Tax applies to the goods and the shipping. With tax-inclusive prices the tax is the part of the
  total that is tax; with tax-exclusive prices it is added on top. Rounded half-up per order.
- Free shipping: when the goods (after discounts) reach the threshold, the cheapest shipping method
  of the region costs nothing; faster methods keep their price.
- Discounts: breakdown(discount=...) takes an amount off the goods, before the free-shipping
  threshold and the tax, and an order stores it (domain/loyalty/quote.py works it out from
  coupons and points, and passes the lines to show: "Code SPRING10", "Points (1,200)").
- A free-shipping coupon or tier makes the chosen method's shipping free (free_shipping=True).
"""
from dataclasses import dataclass

from .money import Money, _round_div


@dataclass(frozen=True)
class Line:
    variant_id: int
    product_id: int
    title: str
    variant_title: str
    sku: str
    unit_price: Money
    quantity: int
    slug: str = ""
    compare_at: Money | None = None
    stock: int = 0
    image_key: str | None = None
    image_width: int | None = None

    @property
    def total(self):
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Breakdown:
    lines: tuple
    currency: str
    subtotal: Money
    discount: Money
    shipping: Money
    shipping_method: object
    shipping_methods: tuple
    region: str
    tax: Money
    tax_included: bool
    tax_rate_bp: int
    fees: Money
    total: Money
    free_shipping_threshold: Money | None
    free_shipping_remaining: Money | None
    # The discount's lines to show, each (label, Money): ("Code SPRING10", ₩5,000). A
    # free-shipping coupon's line has a zero amount (its effect is the shipping line).
    discount_lines: tuple = ()
    # A free-shipping code or tier already makes the shipping free, whatever the goods.
    shipping_made_free: bool = False

    @property
    def item_count(self):
        return sum(line.quantity for line in self.lines)

    @property
    def free_shipping_percent(self):
        """How far the goods are towards free shipping, 0-100, for the progress bar."""
        if self.shipping_made_free or not self.free_shipping_threshold \
                or not self.free_shipping_threshold.amount:
            return 100
        goods = self.subtotal - self.discount
        return max(0, min(100, goods.amount * 100 // self.free_shipping_threshold.amount))

    @property
    def qualifies_for_free_shipping(self):
        return self.free_shipping_remaining is not None and self.free_shipping_remaining.amount == 0

    @property
    def tax_rate_percent(self):
        return format_rate(self.tax_rate_bp)


def format_rate(basis_points):
    """Basis points as the percent people write: 1000 -> '10', 825 -> '8.25', 1005 -> '10.05'."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}" if not rest else f"{whole}.{rest:02d}".rstrip("0")


def shipping_price(method, goods, threshold, cheapest):
    """What a method costs for this much goods: the cheapest one is free above the threshold."""
    if threshold is not None and goods.amount >= threshold and method.id == cheapest.id:
        return 0
    return method.price


def breakdown(config, lines, *, shipping_method_id=None, region=None, discount=0, fees=0,
              free_shipping=False, discount_lines=()):
    """Add up lines (pricing.Line) under the shop's config into a Breakdown.

    shipping_method_id picks a method of the region; otherwise the cheapest for that region.
    An unknown method id falls back to the cheapest, so a stale form never breaks the page.
    """
    currency = config.currency
    zero = Money.zero(currency)
    lines = tuple(lines)
    subtotal = sum((line.total for line in lines), zero)
    discount_money = Money(min(discount, subtotal.amount), currency)
    goods = subtotal - discount_money
    region = region or config.default_region
    methods = tuple(config.methods_for(region))
    threshold = config.free_shipping_threshold

    method = None
    shipping = zero
    if methods and lines:
        cheapest = min(methods, key=lambda m: (m.price, m.days_max))
        # Forms send the id as text; compare as text so "2" picks method 2.
        method = next((m for m in methods if str(m.id) == str(shipping_method_id)), cheapest)
        shipping = Money(0 if free_shipping else shipping_price(method, goods, threshold, cheapest),
                         currency)

    taxable = goods + shipping
    rate = config.tax_rate_bp
    if config.prices_include_tax:
        net = _round_div(taxable.amount * 10000, 10000 + rate)
        tax = Money(taxable.amount - net, currency)
        total = taxable + Money(fees, currency)
    else:
        tax = taxable.percent_bp(rate)
        total = taxable + tax + Money(fees, currency)

    remaining = None
    threshold_money = None
    if threshold is not None:
        threshold_money = Money(threshold, currency)
        # Nothing more to add when a code or the tier already makes the shipping free.
        remaining = Money(0 if free_shipping else max(0, threshold - goods.amount), currency)

    return Breakdown(
        lines=lines, currency=currency, subtotal=subtotal, discount=discount_money,
        shipping=shipping, shipping_method=method, shipping_methods=methods, region=region,
        tax=tax, tax_included=config.prices_include_tax, tax_rate_bp=rate,
        fees=Money(fees, currency), total=total, free_shipping_threshold=threshold_money,
        free_shipping_remaining=remaining, discount_lines=tuple(discount_lines),
        shipping_made_free=bool(free_shipping),
    )

