"""Products that disappoint: units returned against units sold, and the reasons customers give."""
import pytest

from domain import returns
from domain.extensions import db
from domain.models import Order
from tests.order_helpers import advance, place, shop_with_a_product
from tests.return_helpers import return_of


@pytest.fixture
def shop(app, make):
    jar = shop_with_a_product(make)
    cup = make.product("Tea cup", variants=[{"sku": "TC-1", "price": 12000, "stock": 50}])
    plate = make.product("Plate", variants=[{"sku": "PL-1", "price": 8000, "stock": 50}])
    return {"jar": jar, "cup": {"method": jar["method"], "variant": cup["variant_ids"][0]},
            "plate": {"method": jar["method"], "variant": plate["variant_ids"][0]}}


def add_return(app, number, quantity, reason, status="requested"):
    """A return of `quantity` units of the order's only line, stored as the lifecycle would."""
    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.number == number))
        return_of(order, {order.lines[0]: quantity}, status=status, reason=reason)
        db.session.commit()


def report(app, **kwargs):
    with app.test_request_context():
        return returns.disappointing_products(**kwargs)


def test_rate_compares_units_back_with_units_sold_and_ignores_rejected_returns(app, shop):
    """3 of 4 jars back (a rejected return and a cancelled order do not count) is 75 %."""
    first = place(app, shop["jar"], quantity=2, token="a")
    second = place(app, shop["jar"], quantity=2, token="b")
    cancelled = place(app, shop["jar"], quantity=3, token="c")
    advance(app, cancelled["number"], "cancelled")
    add_return(app, first["number"], 1, "damaged")
    add_return(app, second["number"], 1, "damaged", status="refunded")
    add_return(app, second["number"], 1, "size_fit", status="approved")
    add_return(app, first["number"], 1, "changed_mind", status="rejected")
    [row] = report(app)
    assert (row.title, row.sold, row.returned, row.rate) == ("Moon jar", 4, 3, "75")
    assert [(r.code, r.label, r.count) for r in row.reasons] == [
        ("damaged", "Arrived damaged", 2), ("size_fit", "Wrong size or fit", 1)]


def test_highest_rate_first_then_most_units_back_and_only_products_with_returns(app, shop):
    """A 50 % cup comes before a 20 % jar; with equal rates more units back comes first."""
    jar = place(app, shop["jar"], quantity=5, token="jar")
    cup = place(app, shop["cup"], quantity=2, token="cup")
    place(app, shop["plate"], quantity=4, token="plate")
    add_return(app, jar["number"], 1, "quality")
    add_return(app, cup["number"], 1, "wrong_item")
    assert [(r.title, r.rate) for r in report(app)] == [("Tea cup", "50"), ("Moon jar", "20")]
    add_return(app, jar["number"], 1, "quality")
    add_return(app, jar["number"], 1, "quality")
    add_return(app, cup["number"], 1, "damaged")
    rows = report(app)
    assert [(r.title, r.returned, r.rate) for r in rows] == [("Tea cup", 2, "100"),
                                                              ("Moon jar", 3, "60")]
    assert [r.title for r in report(app, limit=1)] == ["Tea cup"]


def test_only_the_three_most_given_reasons_are_listed(app, shop):
    """Four different reasons: the three most frequent are shown, with their counts."""
    order = place(app, shop["jar"], quantity=10, token="many")
    for reason in ("quality", "quality", "quality", "damaged", "damaged", "size_fit", "other"):
        add_return(app, order["number"], 1, reason)
    [row] = report(app)
    assert [(r.code, r.count) for r in row.reasons] == [("quality", 3), ("damaged", 2),
                                                        ("other", 1)]


def test_the_report_takes_four_queries_whatever_the_number_of_products(app, shop, count_queries):
    """Grouped queries, not one per product: returns, low reviews, sales with ratings, and
    delivery satisfaction."""
    for key in ("jar", "cup", "plate"):
        order = place(app, shop[key], quantity=3, token=key)
        add_return(app, order["number"], 1, "quality")
    with count_queries() as statements:
        rows = report(app)
    assert len(rows) == 3
    assert len(statements) == 4


def test_no_returns_no_rows(app, shop):
    """A shop with sales but no returns has nothing to report."""
    place(app, shop["jar"], quantity=1)
    assert report(app) == []


def answer(app, order_id, score):
    from domain.models import Satisfaction
    with app.app_context():
        db.session.add(Satisfaction(touchpoint="delivery", subject=f"order:{order_id}",
                                    order_id=order_id, score=score, email="x@example.com"))
        db.session.commit()


def test_rows_carry_stars_worst_recent_reviews_and_delivery_satisfaction(app, shop):
    """The jar: returns, 2 published reviews (5 and 1 stars: 3.0), its worst recent reviews
    worst first (an old 1-star one is past the window), and the delivery answers of orders
    holding it (5 and 2: 3.5). A cup with no return but a fresh 2-star review is listed too;
    a plate with only good reviews is not."""
    from datetime import timedelta
    from tests.order_helpers import NOW
    from tests.review_admin_helpers import add_review, bought
    jar_orders = [bought(app, shop["jar"], f"j{n}@example.com") for n in range(4)]
    add_return(app, jar_orders[0], 1, "damaged")
    add_review(app, jar_orders[0], rating=5, status="published", title="Calm")
    add_review(app, jar_orders[1], rating=1, status="published", title="Cracked")
    add_review(app, jar_orders[2], rating=2, title="Heavy")
    add_review(app, jar_orders[3], rating=1, title="Ancient", when=NOW - timedelta(days=200))
    cup = bought(app, shop["cup"], "c@example.com")
    add_review(app, cup, rating=2, title="Thin handle")
    plate = bought(app, shop["plate"], "p@example.com")
    add_review(app, plate, rating=5, status="published")
    with app.app_context():
        ids = {number: db.session.scalar(db.select(Order.id).where(Order.number == number))
               for number in jar_orders[:2] + [plate]}
    answer(app, ids[jar_orders[0]], 5)
    answer(app, ids[jar_orders[1]], 2)
    answer(app, ids[plate], 1)
    jar, cup_row = report(app, now=NOW + timedelta(days=10))
    assert (jar.title, jar.review_count, jar.rating_average) == ("Moon jar", 2, 3.0)
    assert [r.title for r in jar.worst_reviews] == ["Cracked", "Heavy"]
    assert (jar.satisfaction_count, jar.satisfaction_average) == (2, 3.5)
    assert (cup_row.title, cup_row.returned, cup_row.rate, cup_row.reasons) == (
        "Tea cup", 0, "0", ())
    assert [r.title for r in cup_row.worst_reviews] == ["Thin handle"]
    assert (cup_row.rating_average, cup_row.satisfaction_count) == (None, 0)

