"""Ids out of the database's range (2**63 and above) in a URL or a form: a 404 or a 422 with a
message, never a 500 from an integer the database cannot hold."""
import re

import pytest
from werkzeug.routing import IntegerConverter

from tests.checkout_helpers import buy_now_form, count_orders
from tests.page_helpers import csrf_token, sign_in, text

TOO_BIG = [2**63, 2**64]
# Stand-ins for the arguments that are not ids (a return rule's scope, a slug, a token).
OTHER_ARGUMENTS = {"scope": "product"}
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


@pytest.fixture(autouse=True)
def errors_as_pages(app):
    """An exception in a view answers 500, as in production, instead of failing the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False


def id_routes(app):
    """(rule, the names of its integer arguments) for every route that takes an integer id."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [name for name, converter in rule._converters.items()
                if isinstance(converter, IntegerConverter)]
        if ints:
            found.append((rule, ints))
    return found


def path_with(rule, ints, value):
    def fill(match):
        name = match.group(1)
        return str(value) if name in ints else OTHER_ARGUMENTS.get(name, "x")
    return ARGUMENT.sub(fill, rule.rule)


def test_every_route_with_an_id_answers_404_for_ids_out_of_range(app, client, merchant):
    """Every integer id in a URL (the back office's products, outbox, shipping methods and
    categories, a customer's addresses) is a 404 from 2**63 up, for a signed-in merchant."""
    routes = id_routes(app)
    endpoints = {rule.endpoint for rule, _ in routes}
    assert {"admin.product_edit", "admin.outbox_message", "account.address_edit"} <= endpoints, \
        endpoints
    token = csrf_token(client, "/admin/")
    failures = []
    for rule, ints in routes:
        for value in TOO_BIG:
            path = path_with(rule, ints, value)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    status = client.get(path).status_code
                else:
                    status = client.open(path, method=method,
                                         data={"csrf_token": token}).status_code
                if status != 404:
                    failures.append((method, path, status))
    assert failures == []


def test_the_sweep_sees_the_routes_it_checks(app):
    """The id routes are found whatever their converter is called, so a new one is swept too."""
    paths = {rule.rule for rule, _ in id_routes(app)}
    assert any(p.startswith("/admin/products/") and p.endswith("/edit") for p in paths)
    assert any(p.startswith("/admin/outbox/") for p in paths)


@pytest.fixture
def mug(make):
    make.settings(currency="KRW")
    make.shipping("Standard", price=3000)
    return make.product("Blue Mug", price=12000, stock=3)


def _cart_forms(product, value):
    return [("/cart/add", {"product": product["slug"], "variant_id": value, "quantity": 1}),
            ("/cart/update", {"variant_id": value, "quantity": 1}),
            ("/cart/remove", {"variant_id": value})]


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "customer"])
def test_cart_forms_refuse_variant_ids_out_of_range(client, make, mug, signed_in):
    """A variant id of 2**63 or more posted to the cart is refused with a message, for a guest
    (cart in the session) and a customer (cart in the database); the cart is left as it was."""
    if signed_in:
        user = make.user()
        assert sign_in(client, user["email"], user["password"]).status_code == 303
    token = csrf_token(client, f"/products/{mug['slug']}")
    client.post("/cart/add", data={"csrf_token": token, "product": mug["slug"],
                                   "variant_id": mug["variant_ids"][0], "quantity": 2})
    # The guest has a session now, and the pages they open carry its own token.
    token = csrf_token(client, f"/products/{mug['slug']}")
    for value in TOO_BIG + [-(2**63) - 1]:
        for path, data in _cart_forms(mug, value):
            response = client.post(path, data={"csrf_token": token, **data})
            assert response.status_code in (400, 422), (path, value, response.status_code)
            body = text(response)
            assert re.search(r'<p class="error" role="alert">\w', body), (path, value)
    cart = text(client.get("/cart"))
    assert "Blue Mug" in cart and 'value="2"' in cart


def test_buy_now_refuses_a_variant_id_out_of_range(app, client, customer, checkout_shop):
    """One-click buying from a product page with a variant id of 2**63 or more buys nothing
    and says why."""
    for value in TOO_BIG:
        html = text(client.get("/products/moon-jar"))
        response = client.post("/checkout/buy-now", data=buy_now_form(html, value))
        assert response.status_code in (400, 422), (value, response.status_code)
        assert re.search(r'<p class="error" role="alert">\w', text(response))
    with app.app_context():
        assert count_orders() == 0
