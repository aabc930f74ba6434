"""The price breakdown: tax, shipping, free-shipping threshold and discounts, from plain config."""
import pytest

from domain.money import Money
from domain.pricing import Line, breakdown
from domain.shopconfig import Shipping, ShopConfig

STANDARD = Shipping(1, "Standard", "Domestic", 3000, 2, 3)
EXPRESS = Shipping(2, "Express", "Domestic", 6000, 1, 1)
JEJU = Shipping(3, "Island post", "Jeju", 5000, 3, 5)


def config(**overrides):
    values = dict(
        name="Shop", tagline="", email="", phone="", address="", currency="KRW",
        tax_rate_bp=1000, prices_include_tax=True, free_shipping_threshold=50000,
        default_region="Domestic", timezone="Asia/Seoul", low_stock_threshold=3,
        updated_at=None, shipping_methods=(EXPRESS, STANDARD, JEJU), categories=(),
    )
    values.update(overrides)
    return ShopConfig(**values)


def line(price, quantity=1, currency="KRW", variant_id=1):
    return Line(variant_id=variant_id, product_id=variant_id, title=f"Item {variant_id}",
                variant_title="", sku=f"SKU-{variant_id}", unit_price=Money(price, currency),
                quantity=quantity)


def test_inclusive_tax_is_the_part_of_the_total_that_is_tax():
    """KRW 10 % included: a 42,000 total (39,000 goods + 3,000 shipping) includes 3,818 tax."""
    result = breakdown(config(), [line(39000)])
    assert result.subtotal == Money(39000, "KRW")
    assert result.shipping == Money(3000, "KRW")
    assert result.shipping_method == STANDARD
    assert result.total == Money(42000, "KRW")
    assert result.tax == Money(3818, "KRW")
    assert result.tax_included and result.tax_rate_percent == "10"


def test_exclusive_tax_is_added_on_goods_and_shipping():
    """USD 8.25 % on top: $19.99 goods + $5.00 shipping adds $2.06 tax, total $27.05."""
    usd = config(currency="USD", tax_rate_bp=825, prices_include_tax=False,
                 free_shipping_threshold=None,
                 shipping_methods=(Shipping(1, "Ground", "Domestic", 500, 3, 5),))
    result = breakdown(usd, [line(1999, currency="USD")])
    assert result.tax == Money(206, "USD")
    assert result.total == Money(1999 + 500 + 206, "USD")
    assert not result.tax_included and result.tax_rate_percent == "8.25"


def test_exclusive_tax_rounds_half_up():
    """8.25 % of $2.00 (goods $1.50 + shipping $0.50) is 16.5 cents, charged as 17."""
    usd = config(currency="USD", tax_rate_bp=825, prices_include_tax=False,
                 free_shipping_threshold=None,
                 shipping_methods=(Shipping(1, "Letter", "Domestic", 50, 3, 5),))
    result = breakdown(usd, [line(150, currency="USD")])
    assert result.tax == Money(17, "USD")
    assert result.total == Money(217, "USD")


def test_several_lines_add_up():
    """Quantities multiply their unit price and every line counts toward the subtotal."""
    result = breakdown(config(free_shipping_threshold=None),
                       [line(12000, 2, variant_id=1), line(5500, 3, variant_id=2)])
    assert result.subtotal == Money(24000 + 16500, "KRW")
    assert result.item_count == 5
    assert result.total == Money(40500 + 3000, "KRW")


@pytest.mark.parametrize("goods, free", [(49999, False), (50000, True), (50001, True)])
def test_free_shipping_starts_exactly_at_the_threshold(goods, free):
    """The cheapest method is free at or above the threshold, charged one won below it."""
    result = breakdown(config(), [line(goods)])
    assert result.shipping_method == STANDARD
    assert result.shipping == (Money.zero("KRW") if free else Money(3000, "KRW"))
    assert result.qualifies_for_free_shipping is free
    assert result.total == Money(goods + (0 if free else 3000), "KRW")


@pytest.mark.parametrize("goods", [49999, 50000, 50001])
def test_faster_methods_keep_their_price_above_the_threshold(goods):
    """Express costs 6,000 won whether or not the order qualifies for free shipping."""
    result = breakdown(config(), [line(goods)], shipping_method_id=EXPRESS.id)
    assert result.shipping_method == EXPRESS
    assert result.shipping == Money(6000, "KRW")


def test_remaining_amount_and_percent_toward_free_shipping():
    """Halfway to 50,000 won: 25,000 more to go and the bar at 50 %."""
    result = breakdown(config(), [line(25000)])
    assert result.free_shipping_threshold == Money(50000, "KRW")
    assert result.free_shipping_remaining == Money(25000, "KRW")
    assert result.free_shipping_percent == 50


def test_nothing_remaining_and_a_full_bar_above_the_threshold():
    """Past the threshold nothing is left to add and the bar is full, not over 100 %."""
    result = breakdown(config(), [line(80000)])
    assert result.free_shipping_remaining == Money.zero("KRW")
    assert result.free_shipping_percent == 100


def test_discount_counts_against_the_threshold():
    """Goods of 52,000 with a 5,000 discount are under 50,000, so shipping is charged."""
    result = breakdown(config(), [line(52000)], discount=5000)
    assert result.discount == Money(5000, "KRW")
    assert result.shipping == Money(3000, "KRW")
    assert result.free_shipping_remaining == Money(3000, "KRW")
    assert result.total == Money(52000 - 5000 + 3000, "KRW")


def test_discount_is_capped_at_the_subtotal():
    """A discount larger than the goods makes them free, never a negative total."""
    result = breakdown(config(free_shipping_threshold=None), [line(10000)], discount=25000)
    assert result.discount == Money(10000, "KRW")
    assert result.total == Money(3000, "KRW")


def test_no_free_shipping_offer():
    """Without a threshold nothing is said about free shipping and shipping is always charged."""
    result = breakdown(config(free_shipping_threshold=None), [line(900000)])
    assert result.free_shipping_threshold is None
    assert result.free_shipping_remaining is None
    assert not result.qualifies_for_free_shipping
    assert result.shipping == Money(3000, "KRW")


def test_no_shipping_methods_charges_no_shipping():
    """A shop that has not set up shipping shows goods and tax, with no method and no charge."""
    result = breakdown(config(shipping_methods=()), [line(11000)])
    assert result.shipping_method is None
    assert result.shipping == Money.zero("KRW")
    assert result.total == Money(11000, "KRW")
    assert result.tax == Money(1000, "KRW")


def test_empty_cart_ships_nothing():
    """An empty cart costs nothing: no shipping, no tax, a zero total."""
    result = breakdown(config(), [])
    assert result.shipping_method is None
    assert result.total == Money.zero("KRW")
    assert result.tax == Money.zero("KRW")
    assert result.item_count == 0


def test_region_selects_its_own_methods():
    """An order to Jeju is priced with Jeju's method, not the mainland ones."""
    result = breakdown(config(), [line(10000)], region="Jeju")
    assert result.region == "Jeju"
    assert result.shipping_method == JEJU
    assert [m.name for m in result.shipping_methods] == ["Island post"]
    assert result.shipping == Money(5000, "KRW")


def test_default_region_when_none_is_given():
    """Without a region the shop's default region is used."""
    result = breakdown(config(), [line(10000)])
    assert result.region == "Domestic"
    assert {m.name for m in result.shipping_methods} == {"Standard", "Express"}


def test_unknown_method_id_falls_back_to_the_cheapest():
    """A stale form naming a deleted (or other region's) method still gets a valid price."""
    for stale in (999, JEJU.id, "not-a-number"):
        result = breakdown(config(), [line(10000)], shipping_method_id=stale)
        assert result.shipping_method == STANDARD
        assert result.shipping == Money(3000, "KRW")


def test_cheapest_tie_goes_to_the_faster_method():
    """Two methods at the same price: the quicker one counts as the cheapest."""
    slow = Shipping(10, "Slow", "Domestic", 3000, 5, 9)
    quick = Shipping(11, "Quick", "Domestic", 3000, 1, 2)
    result = breakdown(config(shipping_methods=(slow, quick)), [line(60000)])
    assert result.shipping_method == quick
    assert result.shipping == Money.zero("KRW")


def test_fees_are_added_to_the_total():
    """Fees (for example cash on delivery) are shown and counted in the total."""
    result = breakdown(config(free_shipping_threshold=None), [line(10000)], fees=1500)
    assert result.fees == Money(1500, "KRW")
    assert result.total == Money(10000 + 3000 + 1500, "KRW")


@pytest.mark.parametrize("bp, shown", [(1000, "10"), (825, "8.25"), (850, "8.5"), (805, "8.05"),
                                       (0, "0")])
def test_tax_rate_percent_for_display(bp, shown):
    """The rate reads as people write it: 10, 8.25, 8.5, 8.05."""
    assert breakdown(config(tax_rate_bp=bp), []).tax_rate_percent == shown


def test_method_id_from_a_form_picks_that_method():
    """The id arrives as form text ("2"); the shopper still gets the Express they chose."""
    result = breakdown(config(), [line(10000)], shipping_method_id=str(EXPRESS.id))
    assert result.shipping_method == EXPRESS
    assert result.shipping == Money(6000, "KRW")
