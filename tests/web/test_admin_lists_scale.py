"""The back office's product and order lists with many rows: a page is read off an index, newest
first, instead of sorting every product or order of the shop."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from domain.extensions import db
from tests.order_helpers import NOW, advance, place


@pytest.fixture
def statements(app):
    """The SELECT statements run, with their parameters."""
    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    yield seen
    event.remove(engine, "before_cursor_execute", listener)


def plan(app, statement, parameters):
    with app.app_context():
        rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                       parameters).all()
        return " | ".join(row[-1] for row in rows)


@pytest.mark.sqlite_only
def test_the_order_list_reads_newest_first_off_an_index(client, app, setup, merchant, statements):
    numbers = [place(app, setup, email=f"buyer{n}@example.com", now=NOW + timedelta(hours=n))["number"]
               for n in range(3)]
    advance(app, numbers[0], "paid")
    statements.clear()
    html = client.get("/admin/orders").get_data(as_text=True)
    assert [n for n in re.findall(r">([0-9A-Z]{3}-[0-9A-Z]{4})</a></th>", html)] == numbers[::-1]
    assert "3 orders" in html and re.search(r'aria-current="page">All <span class="count">3</span>', html)
    page = next((s, p) for s, p in statements if "ORDER BY" in s and "placed_at DESC" in s)
    assert "TEMP B-TREE" not in plan(app, *page)
    paid = client.get("/admin/orders?status=paid").get_data(as_text=True)
    assert "1 order" in paid and numbers[0] in paid and numbers[1] not in paid


@pytest.mark.sqlite_only
def test_the_product_list_reads_last_changed_first_off_an_index(client, app, make, merchant,
                                                                 statements):
    for title in ("Old Mug", "Middle Vase", "New Bowl"):
        make.product(title)
    with app.app_context():
        db.session.execute(text("UPDATE product SET updated_at = '2020-01-01 00:00:00.000000'"
                                " WHERE title = 'New Bowl'"))
        db.session.commit()
    statements.clear()
    html = client.get("/admin/products").get_data(as_text=True)
    shown = [t for t in re.findall(r"(Old Mug|Middle Vase|New Bowl)", html)]
    assert shown.index("Middle Vase") < shown.index("Old Mug") < shown.index("New Bowl")
    page = next((s, p) for s, p in statements if "ORDER BY" in s and "updated_at DESC" in s)
    assert "TEMP B-TREE" not in plan(app, *page)
