"""What shoppers are told about stock, and the check before units are promised."""
import pytest

from domain.errors import OutOfStock
from domain.stock import ensure_available, stock_message, stock_state


@pytest.mark.parametrize("stock, message, state", [
    (-1, "Sold out", "sold_out"),
    (0, "Sold out", "sold_out"),
    (1, "Only 1 left", "low"),
    (3, "Only 3 left", "low"),
    (4, "In stock", "in_stock"),
    (100, "In stock", "in_stock"),
])
def test_stock_message_at_the_threshold_edges(stock, message, state):
    """With a low-stock threshold of 3: 0 is sold out, 1 to 3 are 'Only N left', 4 is in stock."""
    assert stock_message(stock, 3) == message
    assert stock_state(stock, 3) == state


def test_threshold_zero_never_says_only_left():
    """A merchant who turns the low-stock note off sees 'In stock' down to the last unit."""
    assert stock_message(1, 0) == "In stock"
    assert stock_message(0, 0) == "Sold out"


@pytest.mark.parametrize("stock, wanted", [(0, 0), (5, 1), (5, 5)])
def test_ensure_available_allows_up_to_the_stock(stock, wanted):
    """Asking for no more than is left passes silently."""
    assert ensure_available("Blue Mug", stock, wanted) is None


def test_ensure_available_names_the_product_and_what_is_left():
    """Asking for 5 when 3 are left says which product and how many remain."""
    with pytest.raises(OutOfStock) as caught:
        ensure_available("Blue Mug", 3, 5)
    assert str(caught.value) == "Sorry, only 3 of Blue Mug are left."


def test_ensure_available_with_one_left_uses_the_singular():
    """One left reads 'is left', not 'are left'."""
    with pytest.raises(OutOfStock) as caught:
        ensure_available("Blue Mug (Large)", 1, 2)
    assert str(caught.value) == "Sorry, only 1 of Blue Mug (Large) is left."


def test_ensure_available_when_sold_out():
    """Nothing left says the product is sold out rather than 'only 0 left'."""
    with pytest.raises(OutOfStock) as caught:
        ensure_available("Blue Mug", 0, 1)
    assert str(caught.value) == "Sorry, Blue Mug is sold out."


def test_ensure_available_explains_units_already_in_the_cart():
    """Adding 2 when the cart holds 2 of 3 says the cart already has 2."""
    with pytest.raises(OutOfStock) as caught:
        ensure_available("Blue Mug", 3, 4, in_cart=2)
    assert str(caught.value) == "Sorry, only 3 of Blue Mug are left and your cart already has 2."
