"""Customers with a record of every kind (account, address, cart, marketing consent, a delivered
order with its payments and emails, a return in their own words settled as store credit), and
a scan of every column of every table for what would identify one of them."""
import json

from sqlalchemy import inspect, text

from domain import consent, returns
from domain.extensions import db
from domain.models import Address, CartItem, Order, User
from tests.order_helpers import LATER, NOW, delivered_order
from tests.return_helpers import ask_return

MERCHANT = "merchant:owner@moonjar.example"
MINJI = {"email": "minji@example.com", "name": "Kim Minji",
         "address": {"name": "Kim Minji", "phone": "010-1111-2222", "line1": "11 Jungang-ro",
                     "line2": "Apt 1101", "city": "Gwacheon", "postcode": "13837",
                     "region": "Domestic", "country": "KR"}}
JISOO = {"email": "jisoo@example.com", "name": "Park Jisoo",
         "address": {"name": "Park Jisoo", "phone": "010-3333-4444", "line1": "77 Haeundae-ro",
                     "line2": "Suite 702", "city": "Busan", "postcode": "48094",
                     "region": "Domestic", "country": "KR"}}


def identifying(person):
    """The strings that would name or reach the person."""
    address = person["address"]
    return [person["email"], person["name"], address["phone"], address["line1"],
            address["line2"], address["city"], address["postcode"]]


def customer_with_everything(app, make, setup, person, placed_at=NOW):
    """An account for `person` with a saved address, a cart line, marketing consent, and a
    delivered card order (placed at `placed_at`) part of which came back as store credit, the
    return's reason written in their own words. Returns the account with "order" and "return"."""
    user = make.user(email=person["email"], name=person["name"])
    with app.test_request_context():
        db.session.add(Address(user_id=user["id"], label="Home", is_default=True,
                               **person["address"]))
        db.session.add(CartItem(user_id=user["id"], variant_id=setup["variant"], quantity=1))
        consent.grant(placed_at, "account", "ko", user=db.session.get(User, user["id"]))
        db.session.commit()
    order = delivered_order(app, setup, email=person["email"], user_id=user["id"], quantity=2,
                            address=person["address"], now=placed_at,
                            token=f"privacy-{user['id']}-{placed_at.timestamp()}")
    later = placed_at + (LATER - NOW)
    with app.test_request_context():
        ret, _created = ask_return(app, order["number"], 1, "credit", now=later,
                                   text=f"Please call {person['name']} on "
                                        f"{person['address']['phone']} before pickup.")
        returns.approve(ret, MERCHANT, later)
        returns.receive(ret, MERCHANT, later, {})
        returns.complete(ret, MERCHANT, later)
        number = ret.number
        # Payments are stamped with the wall clock: date them when this story happened.
        for payment in ret.order.payments:
            payment.created_at = later
        db.session.commit()
    return {**user, "order": order["number"], "return": number}


def text_hits(needles):
    """(table, column) of every value, in every column of every table of the database, that
    contains one of `needles` (case-insensitive): what a scan for a person's data finds."""
    lowered = [needle.lower() for needle in needles]
    hits = set()
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            columns = list(result.keys())
            for row in result:
                for column, value in zip(columns, row):
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    elif isinstance(value, (dict, list)):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, str) and any(n in value.lower() for n in lowered):
                        hits.add((table, column))
    return hits


def order_facts(number):
    """What accounting keeps of an order: its totals, lines and payments."""
    db.session.expire_all()
    order = db.session.scalar(db.select(Order).where(Order.number == number))
    return {"total": order.total, "subtotal": order.subtotal, "tax": order.tax,
            "shipping": order.shipping, "currency": order.currency, "placed_at": order.placed_at,
            "lines": [(line.sku, line.title, line.unit_price, line.quantity)
                      for line in order.lines],
            "payments": [(p.operation, p.amount, p.status) for p in order.payments],
            "refunds": [(r.number, r.refund_amount, r.status) for r in order.returns]}
