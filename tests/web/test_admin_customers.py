"""The back office's customers: one page per member or guest with their orders, returns, store
credit and lifetime spend; search by name, email, phone or order number."""
import re
from datetime import timedelta

import pytest

from domain.extensions import db
from domain.models import ReturnRequest
from tests.checkout_helpers import give_credit
from tests.order_helpers import NOW, delivered_order, place
from tests.page_helpers import text
from tests.return_helpers import ask, step

TOTAL = 42000  # the moon jar, ₩39,000, and ₩3,000 shipping


@pytest.fixture
def people(app, make, setup):
    """Kim, a member with two paid orders (one partly refunded by a return), an unpaid one and
    store credit; Park, a guest with a paid order; and another guest's order."""
    kim = make.user("kim@example.com", name="Kim Minji")
    first = delivered_order(app, setup, user_id=kim["id"], email="kim@example.com",
                            token="kim-1")["number"]
    second = delivered_order(app, setup, user_id=kim["id"], email="kim@example.com",
                             token="kim-2", now=NOW + timedelta(days=1))["number"]
    unpaid = place(app, setup, user_id=kim["id"], email="kim@example.com", token="kim-3",
                   now=NOW + timedelta(days=2))["number"]
    rma = ask(app, first, when=NOW + timedelta(days=2))
    step(app, rma, "approve", "receive", "complete", when=NOW + timedelta(days=3))
    give_credit(app, kim, 5000)
    park = delivered_order(app, setup, email="Park@Example.com", token="park-1",
                           address={"name": "Park Seojun", "phone": "010-9999-1234"})["number"]
    other = delivered_order(app, setup, email="other@example.com", token="other-1",
                            address={"name": "Lee Other", "phone": "010-5555-0000"})["number"]
    with app.app_context():
        refund = db.session.scalar(db.select(ReturnRequest.refund_amount)
                                   .where(ReturnRequest.number == rma))
    return {"kim": kim, "kim_orders": [first, second], "unpaid": unpaid, "rma": rma,
            "refund": refund, "park": park, "other": other}


def customer_links(html):
    return re.findall(r'href="(/admin/customers/[ug][^"?]+)"', html)


def search(client, q):
    return text(client.get("/admin/customers", query_string={"q": q}))


def spend_of(html):
    return re.search(r'class="lifetime-spend">([^<]*)<', html).group(1).strip()


def test_a_members_page_shows_their_orders_returns_credit_and_spend(client, merchant, people):
    html = text(client.get(f"/admin/customers/u{people['kim']['id']}"))
    assert "Kim Minji" in html and "kim@example.com" in html and "010-0000-0000" in html
    for number in (*people["kim_orders"], people["unpaid"]):
        assert f'href="/admin/orders/{number}"' in html
    assert people["park"] not in html and people["other"] not in html
    assert f'href="/admin/returns/{people["rma"]}"' in html
    # Paid twice, one return refunded; the order still waiting for its transfer is not spend.
    assert 0 < people["refund"] < TOTAL
    assert spend_of(html) == f"₩{2 * TOTAL - people['refund']:,}"
    assert re.search(r'class="credit-balance">₩5,000<', html)
    assert "Return R-7KQ4D2M" in html  # the credit ledger's note
    assert "Mar 3, 2026" in html and "Mar 5, 2026" in html  # first and last order


def test_a_guests_page_shows_only_the_orders_under_their_email(client, merchant, people):
    [link] = customer_links(search(client, "park@"))
    assert link.startswith("/admin/customers/g") and "@" not in link and "park" not in link.lower()
    html = text(client.get(link))
    assert "Park Seojun" in html and "park@example.com" in html and "010-9999-1234" in html
    assert f'href="/admin/orders/{people["park"]}"' in html
    for number in (people["other"], *people["kim_orders"]):
        assert number not in html
    assert spend_of(html) == f"₩{TOTAL:,}"
    assert "Store credit" not in html
    assert "Conversations" not in html


def test_made_up_or_tampered_keys_are_not_found(client, merchant, people):
    [link] = customer_links(search(client, "park@"))
    assert client.get(link[:-2] + "xx").status_code == 404
    for key in ("u999999", "u0", "gpark@example.com", "x1", "u1a"):
        assert client.get(f"/admin/customers/{key}").status_code == 404, key


@pytest.mark.parametrize("query, who", [
    ("kim minji", "kim"), ("KIM@EXAMPLE", "kim"), ("park seo", "park"), ("Park@example.com", "park"),
    ("010-9999", "park"), ("lee", "other")])
def test_search_by_name_email_or_phone(client, merchant, people, query, who):
    html = search(client, query)
    names = {"kim": "Kim Minji", "park": "Park Seojun", "other": "Lee Other"}
    assert names[who] in html, query
    assert [n for n in names.values() if n in html] == [names[who]], query
    assert "1 customer" in html


def test_search_by_order_number_typed_any_way(client, merchant, people):
    number = people["park"]
    for typed in (number, number.lower().replace("-", "")):
        html = search(client, typed)
        assert "Park Seojun" in html and "Kim Minji" not in html, typed


def test_search_finds_nobody_for_the_middle_of_a_word(client, merchant, people):
    html = search(client, "injun")
    assert "0 customers" in html and "No customers match" in html


def test_the_list_before_a_search_shows_the_latest_customers(client, merchant, people):
    html = text(client.get("/admin/customers"))
    assert html.index("Kim Minji") < html.index("Lee Other")
    assert len(customer_links(html)) == 3


def test_order_and_return_pages_link_to_the_customer(client, merchant, people):
    kim = f'href="/admin/customers/u{people["kim"]["id"]}"'
    assert kim in text(client.get(f"/admin/orders/{people['kim_orders'][0]}"))
    assert kim in text(client.get(f"/admin/returns/{people['rma']}"))
    guest = text(client.get(f"/admin/orders/{people['park']}"))
    [link] = [link for link in customer_links(guest)]
    assert "Park Seojun" in text(client.get(link))


def test_staff_see_customers_and_customers_do_not(client, make, login, people):
    login(make.user("clerk@example.com", role="staff"))
    assert client.get(f"/admin/customers/u{people['kim']['id']}").status_code == 200
    client.post("/account/logout", data={"csrf_token": re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', text(client.get("/admin/"))).group(1)})
    login(people["kim"])
    assert client.get("/admin/customers").status_code == 403
    assert client.get(f"/admin/customers/u{people['kim']['id']}").status_code == 403


def test_visitors_are_sent_to_sign_in(client, people):
    response = client.get("/admin/customers?q=kim")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/account/login?next=/admin/customers")


@pytest.fixture
def statements(app):
    """The SELECT statements run, with their parameters."""
    from sqlalchemy import event
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    yield seen
    event.remove(engine, "before_cursor_execute", listener)


def _plan(app, statement, parameters):
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            # A few rows are cheaper to read whole: ask whether an index could serve instead.
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            return " | ".join(row[0] for row in rows)
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return " | ".join(row[-1] for row in rows)


def test_search_reads_indexes_not_every_order(app, client, merchant, people, statements):
    """Each query of a search finds its rows through an index: no pass over every order or
    every account, however many there are."""
    statements.clear()
    assert "Park Seojun" in search(client, "park")
    searched = [(s, p) for s, p in statements if 'FROM "order"' in s or "FROM user" in s
                or 'FROM "user"' in s]
    assert searched
    for statement, parameters in searched:
        plan = _plan(app, statement, parameters)
        assert not re.search(r'SCAN "?order"?(?! USING)|SCAN "?user"?(?! USING)|Seq Scan', plan), plan
