"""Carts: adding, changing and removing lines for guests and customers, and the sign-in merge."""
import pytest

from domain import cart as carts
from domain.errors import InvalidQuantity, NotFound, OutOfStock
from domain.extensions import db
from domain.models import Product, Variant
from domain.money import Money
from domain.products import archive_product


@pytest.fixture(params=["guest", "customer"])
def cart(request, ctx, make):
    """An empty cart of either kind; both must behave the same."""
    if request.param == "guest":
        return carts.GuestCart({})
    return carts.CustomerCart(make.user()["id"])


@pytest.fixture
def mug(make):
    return make.product("Blue Mug", price=12000, stock=3)


def reload(cart):
    """The same cart read back fresh, as the next request would see it."""
    db.session.commit()
    if isinstance(cart, carts.GuestCart):
        return carts.GuestCart(dict(cart.data))
    return carts.CustomerCart(cart.user_id)


def test_add_puts_the_quantity_in_the_cart(cart, mug):
    """Adding 2 mugs gives a cart with 2 mugs."""
    variant = carts.add(cart, mug["variant_ids"][0], 2)
    assert variant.product.title == "Blue Mug"
    assert reload(cart).items() == {mug["variant_ids"][0]: 2}
    assert carts.count(reload(cart)) == 2


def test_adding_again_adds_to_the_same_line(cart, mug):
    """Adding one mug and then another gives one line of two."""
    vid = mug["variant_ids"][0]
    carts.add(cart, vid, 1)
    carts.add(cart, str(vid), "1")
    assert reload(cart).items() == {vid: 2}


def test_update_sets_the_quantity_and_zero_removes(cart, mug):
    """Changing a line's quantity replaces it; zero takes the line out."""
    vid = mug["variant_ids"][0]
    carts.add(cart, vid, 1)
    carts.update(cart, vid, "3")
    assert reload(cart).items() == {vid: 3}
    carts.update(cart, vid, 0)
    assert reload(cart).items() == {}


def test_remove_takes_the_line_out(cart, mug, make):
    """Removing one product leaves the others."""
    other = make.product("Teapot", stock=5)
    carts.add(cart, mug["variant_ids"][0], 1)
    carts.add(cart, other["variant_ids"][0], 2)
    carts.remove(cart, mug["variant_ids"][0])
    assert reload(cart).items() == {other["variant_ids"][0]: 2}


def test_adding_more_than_stock_is_refused_and_changes_nothing(cart, mug):
    """Asking for 4 of 3 mugs says how many are left and leaves the cart empty."""
    with pytest.raises(OutOfStock, match="only 3 of Blue Mug are left"):
        carts.add(cart, mug["variant_ids"][0], 4)
    assert reload(cart).items() == {}


def test_adding_to_an_existing_line_past_stock_is_refused(cart, mug):
    """With 2 mugs in the cart, adding 2 more (4 of 3) fails and the line stays at 2."""
    vid = mug["variant_ids"][0]
    carts.add(cart, vid, 2)
    with pytest.raises(OutOfStock) as caught:
        carts.add(cart, vid, 2)
    assert str(caught.value) == "Sorry, only 3 of Blue Mug are left and your cart already has 2."
    assert reload(cart).items() == {vid: 2}


def test_sold_out_product_cannot_be_added(cart, make):
    """A sold-out product says so."""
    gone = make.product("Old Vase", stock=0)
    with pytest.raises(OutOfStock, match="Old Vase is sold out"):
        carts.add(cart, gone["variant_ids"][0], 1)
    assert reload(cart).items() == {}


def test_updating_past_stock_is_refused(cart, mug):
    """Raising a line above the stock fails and keeps the old quantity."""
    vid = mug["variant_ids"][0]
    carts.add(cart, vid, 1)
    with pytest.raises(OutOfStock, match="only 3 of Blue Mug"):
        carts.update(cart, vid, 5)
    assert reload(cart).items() == {vid: 1}


def test_out_of_stock_message_names_the_variant(cart, make):
    """For a product with options the message says which one ran short."""
    product = make.product("Shirt", option1_name="Size", variants=[
        {"sku": "SH-S", "option1": "Small", "price": 2000, "stock": 5},
        {"sku": "SH-L", "option1": "Large", "price": 2000, "stock": 1},
    ])
    with pytest.raises(OutOfStock, match=r"only 1 of Shirt \(Large\) is left"):
        carts.add(cart, product["variant_ids"][1], 2)


@pytest.mark.parametrize("quantity", [0, -1, "abc", "", None, "1.5", 100, "100"])
def test_bad_quantities_are_rejected_on_add(cart, mug, quantity):
    """Zero, negative, non-numbers and more than 99 are refused and nothing is added."""
    with pytest.raises(InvalidQuantity):
        carts.add(cart, mug["variant_ids"][0], quantity)
    assert reload(cart).items() == {}


@pytest.mark.parametrize("quantity", [-1, "abc", 100])
def test_bad_quantities_are_rejected_on_update(cart, mug, quantity):
    """A bad quantity in the cart form leaves the line as it was."""
    vid = mug["variant_ids"][0]
    carts.add(cart, vid, 2)
    with pytest.raises(InvalidQuantity):
        carts.update(cart, vid, quantity)
    assert reload(cart).items() == {vid: 2}


def test_quantity_messages_say_what_is_allowed(cart, mug):
    """The shopper is told the range, or that a whole number is needed."""
    with pytest.raises(InvalidQuantity, match="from 1 to 99"):
        carts.add(cart, mug["variant_ids"][0], 0)
    with pytest.raises(InvalidQuantity, match="whole number"):
        carts.add(cart, mug["variant_ids"][0], "two")


def test_no_more_than_99_of_one_item_in_total(cart, make):
    """Adding 60 and then 40 of a well-stocked item stops at the 99 limit."""
    plenty = make.product("Sticker", stock=500)
    vid = plenty["variant_ids"][0]
    carts.add(cart, vid, 60)
    with pytest.raises(InvalidQuantity, match="at most 99"):
        carts.add(cart, vid, 40)
    assert reload(cart).items() == {vid: 60}


@pytest.mark.parametrize("variant_id", [None, "", "abc", 999999])
def test_unknown_variant_cannot_be_added(cart, variant_id):
    """A missing or made-up variant is reported, not added."""
    with pytest.raises(NotFound):
        carts.add(cart, variant_id, 1)
    assert reload(cart).items() == {}


def test_updating_a_line_not_in_the_cart_is_refused(cart, mug):
    """An old form for a line that is gone says so instead of adding it."""
    with pytest.raises(NotFound, match="not in your cart"):
        carts.update(cart, mug["variant_ids"][0], 1)
    assert reload(cart).items() == {}


@pytest.mark.parametrize("status", ["archived", "draft"])
def test_product_off_sale_cannot_be_added(cart, make, status):
    """Archived and draft products are not for sale."""
    product = make.product("Retired Bowl", status=status)
    with pytest.raises(NotFound, match="no longer available"):
        carts.add(cart, product["variant_ids"][0], 1)


def test_archived_product_drops_out_of_cart_lines(cart, mug, make):
    """A product archived after it was added disappears from the cart and its total."""
    teapot = make.product("Teapot", price=30000, stock=5)
    carts.add(cart, mug["variant_ids"][0], 1)
    carts.add(cart, teapot["variant_ids"][0], 1)
    db.session.commit()
    archive_product(db.session.get(Product, teapot["id"]))
    db.session.commit()
    lines = carts.lines(cart, "KRW")
    assert [line.title for line in lines] == ["Blue Mug"]
    assert reload(cart).items() == {mug["variant_ids"][0]: 1}


def test_lines_carry_prices_and_are_sorted_by_title(cart, make):
    """Cart lines show each product's price, quantity, total and stock, A to Z."""
    zebra = make.product("Zebra Cup", price=5000, stock=9)
    apple = make.product("Apple Plate", variants=[
        {"sku": "AP-1", "price": 7000, "compare_at_price": 9000, "stock": 4}])
    carts.add(cart, zebra["variant_ids"][0], 2)
    carts.add(cart, apple["variant_ids"][0], 1)
    lines = carts.lines(cart, "KRW")
    assert [line.title for line in lines] == ["Apple Plate", "Zebra Cup"]
    assert lines[0].unit_price == Money(7000, "KRW")
    assert lines[0].compare_at == Money(9000, "KRW")
    assert lines[0].stock == 4
    assert lines[1].total == Money(10000, "KRW")
    assert lines[1].slug == zebra["slug"]


def test_guest_cart_ignores_damaged_session_entries():
    """A tampered or stale session entry is skipped rather than breaking the cart."""
    guest = carts.GuestCart({"1": 2, "x": 1, "3": "lots", "4": 0, "5": -2})
    assert guest.items() == {1: 2}


@pytest.fixture
def customer(ctx, make):
    return carts.CustomerCart(make.user()["id"])


def test_merge_adds_guest_quantities_to_the_customer_cart(customer, make):
    """Signing in keeps both carts: quantities of the same item add up."""
    mug = make.product("Blue Mug", stock=10)
    bowl = make.product("Bowl", stock=10)
    carts.add(customer, mug["variant_ids"][0], 1)
    guest = carts.GuestCart({})
    carts.add(guest, mug["variant_ids"][0], 2)
    carts.add(guest, bowl["variant_ids"][0], 4)
    notices = carts.merge(guest, customer)
    assert notices == []
    assert reload(customer).items() == {mug["variant_ids"][0]: 3, bowl["variant_ids"][0]: 4}
    assert guest.items() == {} and guest.data == {}


def test_merge_caps_to_stock_with_a_notice(customer, make):
    """2 saved + 2 from the guest cart of a mug with 3 left gives 3 and says why."""
    mug = make.product("Blue Mug", stock=3)
    vid = mug["variant_ids"][0]
    carts.add(customer, vid, 2)
    guest = carts.GuestCart({})
    carts.add(guest, vid, 2)
    notices = carts.merge(guest, customer)
    assert reload(customer).items() == {vid: 3}
    assert notices == ["Only 3 of Blue Mug left, so your cart has 3."]
    assert guest.items() == {}


def test_merge_of_an_item_sold_out_meanwhile_says_it_is_sold_out(customer, make):
    """An item that sold out while the guest shopped is taken out with a clear notice."""
    vase = make.product("Glass Vase", stock=2)
    vid = vase["variant_ids"][0]
    guest = carts.GuestCart({})
    carts.add(guest, vid, 1)
    db.session.get(Variant, vid).stock = 0
    db.session.commit()
    notices = carts.merge(guest, customer)
    assert reload(customer).items() == {}
    assert notices == ["Glass Vase is sold out, so it was taken out of your cart."]


def test_merge_skips_products_taken_off_sale(customer, make):
    """A guest line for an archived product is dropped, and the guest cart is emptied."""
    bowl = make.product("Bowl", stock=5)
    guest = carts.GuestCart({})
    carts.add(guest, bowl["variant_ids"][0], 1)
    archive_product(db.session.get(Product, bowl["id"]))
    db.session.commit()
    assert carts.merge(guest, customer) == []
    assert reload(customer).items() == {}
    assert guest.items() == {}


def test_merging_an_empty_guest_cart_keeps_the_customer_cart(customer, make):
    """Signing in with nothing in the guest cart leaves the saved cart as it was."""
    mug = make.product("Blue Mug", stock=5)
    carts.add(customer, mug["variant_ids"][0], 2)
    assert carts.merge(carts.GuestCart({}), customer) == []
    assert reload(customer).items() == {mug["variant_ids"][0]: 2}
