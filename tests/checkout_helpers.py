"""A small KRW shop for the checkout tests, and a shopper's way through its forms."""
import re

from domain import credit
from domain.extensions import db
from domain.models import Address, Order, OutboxMessage, User, Variant
from tests.order_helpers import NOW
from tests.page_helpers import csrf_of

ADDRESS = {"name": "Kim Minji", "phone": "010-1234-5678", "line1": "1 Sejong-daero",
           "line2": "Apt 301", "city": "Seoul", "postcode": "04524", "region": "Domestic",
           "country": "KR"}
TOKEN_RE = re.compile(r'name="checkout_token"[^>]*value="([^"]+)"')
EXPECTED_TOTAL = re.compile(r'name="expected_total" value="(\d+)"')


def krw_shop(make, stock=10, undo_minutes=30):
    """Standard and Express at home, Islands elsewhere; a moon jar (two sizes) and a cup."""
    make.settings(name="Moonjar Studio", currency="KRW", tax_rate_bp=1000, prices_include_tax=True,
                  free_shipping_threshold=None, default_region="Domestic", timezone="Asia/Seoul",
                  undo_minutes=undo_minutes, bank_transfer_days=3,
                  bank_account="Hana Bank 123-456789-01 (Moonjar Studio)")
    standard = make.shipping("Standard", price=3000, days_min=2, days_max=3, region="Domestic")
    express = make.shipping("Express", price=6000, days_min=1, days_max=1, region="Domestic")
    islands = make.shipping("Jeju and islands", price=7000, days_min=3, days_max=5, region="Islands")
    jar = make.product("Moon jar", option1_name="Size",
                       variants=[{"sku": "MJ-S", "option1": "Small", "price": 39000, "stock": stock},
                                 {"sku": "MJ-L", "option1": "Large", "price": 59000, "stock": stock}])
    cup = make.product("Tea cup", price=12000, stock=stock)
    return {"standard": standard, "express": express, "islands": islands, "jar": jar,
            "small": jar["variant_ids"][0], "large": jar["variant_ids"][1],
            "cup": cup["variant_ids"][0], "cup_product": cup}


def token_of(html):
    match = TOKEN_RE.search(html)
    assert match, "no checkout token on the page"
    return match.group(1)


def buy_now_form(html, variant_id, quantity=1):
    """What the moon jar's product page form sends when 'Buy now' is pressed."""
    return {"csrf_token": csrf_of(html), "product": "moon-jar", "variant_id": variant_id,
            "quantity": quantity, "source": "product", "checkout_token": token_of(html),
            "expected_total": EXPECTED_TOTAL.search(html).group(1)}


def add_to_cart(client, variant_id, quantity=1, slug="moon-jar"):
    html = client.get(f"/products/{slug}").get_data(as_text=True)
    response = client.post("/cart/add", data={"csrf_token": csrf_of(html), "product": slug,
                                              "variant_id": variant_id, "quantity": quantity})
    assert response.status_code == 303, response.status_code


def checkout_form(client, shop, **overrides):
    """GET /checkout and the fields a shopper fills in, with the page's tokens."""
    html = client.get("/checkout").get_data(as_text=True)
    data = {"csrf_token": csrf_of(html), "checkout_token": token_of(html),
            "email": "minji@example.com", **{k: v for k, v in ADDRESS.items()},
            "shipping_method": shop["standard"], "payment_method": "bank_transfer",
            "card_number": ""}
    data.update(overrides)
    return data


def count_orders():
    return db.session.scalar(db.select(db.func.count(Order.id)))


def stock_of(variant_id):
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def outbox_kinds():
    return [m.kind for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))]


def one_click_customer(app, make, payment="bank_transfer", shipping_id=None, with_address=True,
                       label="Home"):
    """A customer with a default address and one-click preferences, made through the models."""
    user = make.user(name="Kim Minji")
    with app.app_context():
        row = db.session.get(User, user["id"])
        row.preferred_payment_method = payment
        row.preferred_shipping_method_id = shipping_id
        if with_address:
            db.session.add(Address(user_id=row.id, label=label, is_default=True, **ADDRESS))
        db.session.commit()
    return user


def give_credit(app, user, amount):
    """Store credit for a customer, as an approved return would leave it."""
    with app.app_context():
        credit.grant(user["id"], amount, "KRW", "Return R-7KQ4D2M", NOW)
        db.session.commit()
