"""The review form's signed link opens its own order's form and nothing else."""
import pytest

from domain import orders
from domain.errors import NotFound
from domain.reviews import links
from tests.order_helpers import place


@pytest.fixture
def two_orders(app, setup):
    return place(app, setup, email="a@example.com"), place(app, setup, email="b@example.com")


def test_the_form_link_opens_its_order(app, two_orders):
    """The token of an order opens that order."""
    first, _second = two_orders
    with app.test_request_context():
        order = orders.by_number(first["number"])
        assert links.order_for_form_token(first["number"], links.form_token(order)) is order


def test_another_order_s_link_a_tracking_link_or_a_forged_one_opens_nothing(app, two_orders):
    """A link for another order, the order's tracking link, and an altered token: NotFound."""
    first, second = two_orders
    with app.test_request_context():
        token = links.form_token(orders.by_number(first["number"]))
        # A character of the signature changed (not its last, whose spare bits may not count).
        altered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
        for number, bad in ((second["number"], token), (first["number"], first["token"]),
                            (first["number"], altered), (first["number"], "")):
            with pytest.raises(NotFound):
                links.order_for_form_token(number, bad)
