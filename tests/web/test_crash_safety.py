"""Crash safety: 200 one-click orders from 10 buyers against the shop under gunicorn on its
SQLite file, as `make run` serves it, while the server is killed with SIGKILL twice and
started again. Whatever a buyer saw confirmed is kept whole; nothing half-written remains."""
import http.client
import sqlite3
import threading
import time
from contextlib import closing

import pytest

from domain.backup import sqlite_path
from domain.extensions import db
from tests.checkout_helpers import buy_now_form, krw_shop, one_click_customer
from tests.concurrency_helpers import Buyer
from tests.server_helpers import Gunicorn

ORDERS = 200
BUYERS = 10
STOCK = 1000
KILL_AT = (60, 130)
MAKE_RUN_SETTINGS = ("-c", "gunicorn-settings.py", "--workers", "2", "shop:create_app()")


class Run:
    """What the buyers saw: confirmed order numbers, connection errors, other answers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.confirmed = []
        self.connection_errors = 0
        self.unexpected = []
        self.stopped = threading.Event()  # the test ended early: buyers go home

    def done(self):
        return len(self.confirmed) >= ORDERS or self.stopped.is_set()


def buyer(server, shop, user, run):
    """A signed-in customer pressing Buy now again and again. When the connection fails, they
    reload the product page and press again, as a person in a browser would: a new checkout."""
    browser = None
    while not run.done():
        try:
            if browser is None:
                browser = Buyer(server.base).sign_in(user)
            status, _, html = browser.request("/products/moon-jar")
            if status != 200:
                run.unexpected.append((status, html[:200]))
                continue
            status, location, body = browser.request(
                "/checkout/buy-now", buy_now_form(html, shop["small"]))
        except (OSError, http.client.HTTPException):
            with run.lock:
                run.connection_errors += 1
            time.sleep(0.2)  # the server is down: a person would wait a moment, then reload
            continue
        if status == 303 and location.startswith("/orders/"):
            with run.lock:
                run.confirmed.append(location.split("?")[0].rsplit("/", 1)[1])
        else:
            run.unexpected.append((status, body[:200]))


def one(conn, sql, *args):
    return conn.execute(sql, args).fetchone()[0]


@pytest.mark.sqlite_only
def test_orders_survive_the_server_being_killed_mid_run(app, make, tmp_path):
    """Every confirmed order exists with its lines, payment and queued email; no order lacks
    lines; stock fell by exactly what the orders took; SQLite's integrity check passes."""
    shop = krw_shop(make, stock=STOCK)
    users = [one_click_customer(app, make, shipping_id=shop["standard"]) for _ in range(BUYERS)]
    path = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    server = Gunicorn(tmp_path, options=MAKE_RUN_SETTINGS, env={
        "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "crash-test", "SMTP_URL": "",
        "INSTANCE_PATH": str(tmp_path / "instance")})
    run = Run()
    began = time.monotonic()
    kills = 0
    downtime = []
    try:
        server.start()
        threads = [threading.Thread(target=buyer, args=(server, shop, user, run), daemon=True)
                   for user in users]
        for thread in threads:
            thread.start()
        for kill_at in KILL_AT:
            while len(run.confirmed) < kill_at and time.monotonic() - began < 150:
                time.sleep(0.01)
            server.kill()
            kills += 1
            down = time.monotonic()
            time.sleep(0.3)
            server.start()
            downtime.append(time.monotonic() - down)
        for thread in threads:
            thread.join(timeout=max(1, 180 - (time.monotonic() - began)))
        assert not any(thread.is_alive() for thread in threads), "the buyers did not finish"
    finally:
        run.stopped.set()
        server.stop()
    seconds = time.monotonic() - began

    with closing(sqlite3.connect(path)) as conn:
        numbers = {row[0] for row in conn.execute('SELECT number FROM "order"')}
        missing = set(run.confirmed) - numbers
        without_lines = one(conn, 'SELECT count(*) FROM "order" o WHERE NOT EXISTS '
                                  "(SELECT 1 FROM order_line l WHERE l.order_id = o.id)")
        without_payment = one(conn, 'SELECT count(*) FROM "order" o WHERE NOT EXISTS '
                                    "(SELECT 1 FROM payment p WHERE p.order_id = o.id)")
        without_email = one(conn, 'SELECT count(*) FROM "order" o WHERE NOT EXISTS '
                                  "(SELECT 1 FROM outbox_message m WHERE m.order_id = o.id)")
        taken = one(conn, "SELECT coalesce(sum(quantity), 0) FROM order_line "
                          "WHERE variant_id = ?", shop["small"])
        stock = one(conn, "SELECT stock FROM variant WHERE id = ?", shop["small"])
        integrity = one(conn, "PRAGMA integrity_check")
    print(f"\n{len(run.confirmed)} orders confirmed to {BUYERS} buyers in {seconds:.1f} s, "
          f"gunicorn killed {kills} times (down {', '.join(f'{d:.1f}' for d in downtime)} s); {len(numbers)} orders in the database "
          f"({len(numbers) - len(set(run.confirmed))} committed but never shown), "
          f"{run.connection_errors} connection errors retried, stock {STOCK} -> {stock}")
    assert kills == len(KILL_AT) and len(run.confirmed) >= ORDERS
    assert run.unexpected == []
    assert missing == set()
    assert len(set(run.confirmed)) == len(run.confirmed)
    assert (without_lines, without_payment, without_email) == (0, 0, 0)
    assert stock == STOCK - taken and taken == len(numbers)
    assert integrity == "ok"
