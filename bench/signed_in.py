"""Pages as a signed-in customer sees them: `home-in`, `category-in`, `search-in`, `product-in`
and `cart-in` in `make bench`.

wrk sends one customer's session cookie with every request. The customer is added before the
server starts (a default address, bank transfer and Standard shipping as preferences, so the
product page offers one-click buying, as bench/checkout.py's buyers have), then signs in through
the real form and puts the product in the cart, so the cart page has a line to show.
"""
import re

from bench.checkout import Client, PASSWORD, _sign_in

EMAIL = "shopper@example.com"
VARIANT_RE = re.compile(r'name="variant_id" value="(\d+)"')
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def prepare(database_uri, instance_dir):
    """Add the signed-in scenarios' customer to a built bench shop (before serving it)."""
    from pathlib import Path

    from domain.accounts import register
    from domain.extensions import db
    from domain.models import Address, ShippingMethod
    from shop import create_app

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "bench-prepare",
        "UPLOAD_FOLDER": str(Path(instance_dir) / "uploads"),
        "STOREFRONT_VERSION_FILE": str(Path(instance_dir) / "storefront.version"),
    })
    with app.test_request_context():
        standard = db.session.scalar(db.select(ShippingMethod).where(ShippingMethod.name == "Standard"))
        user = register(EMAIL, PASSWORD, name="Bench Shopper")
        user.preferred_payment_method = "bank_transfer"
        user.preferred_shipping_method_id = standard.id if standard else None
        db.session.add(Address(user_id=user.id, label="Home", name="Bench Shopper",
                               line1="1 Benchmark-ro", city="Seoul", region="Domestic",
                               country="KR", is_default=True))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def session_cookie(base, product_path):
    """Sign the customer in, put the product in their cart; the Cookie header to send."""
    client = Client(base)
    try:
        _sign_in(client, EMAIL)
        status, html = client.request("GET", product_path)
        variant, token = VARIANT_RE.search(html), CSRF_RE.search(html)
        if status != 200 or not variant or not token:
            raise RuntimeError(f"signed-in bench: {product_path} answered {status} without its form")
        status, _ = client.request("POST", "/cart/add", {
            "csrf_token": token.group(1), "variant_id": variant.group(1), "quantity": 1,
            "product": product_path.rsplit("/", 1)[-1]})
        if status != 303:
            raise RuntimeError(f"signed-in bench: adding to the cart answered {status}")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    finally:
        client.close()
