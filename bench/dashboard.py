"""`make bench`'s dashboard line: the back office's dashboard (with its scorecard) over a long
order history, timed in one process, one request at a time.

Builds a SQLite shop with 100,000 past orders over two years (bench/seed.py's bulk load, then
each order's stage times and ship-by moment as orders.set_status would have stamped them, a
return for one delivered order in thirty and a few thousand newsletter consents), or reuses
the one built by an earlier run (bench/results/, git-ignored, keyed by the order count and the
migrations' head). Signs the owner in through the real form, then asks for /admin/ N times and
prints the median and the slowest, against the 200 ms target, with the number of SQL
statements per request. --explain prints SQLite's query plan of each of them.

    .venv/bin/python bench/dashboard.py [--orders 100000] [--requests 20] [--explain]
"""
import argparse
import contextlib
import io
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402

TARGET_MS = 200.0
# The history in bench/seed.py ends on 30 November 2026; the dashboard is read the day after.
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
PRODUCTS = 500
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _head():
    from alembic.script import ScriptDirectory
    from alembic.config import Config
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def _app(database_uri, workdir):
    from shop import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "bench-dashboard",
                       "UPLOAD_FOLDER": str(Path(workdir) / "uploads"),
                       "STOREFRONT_VERSION_FILE": str(Path(workdir) / "storefront.version"),
                       "CLOCK": lambda: NOW, "RATELIMIT_ENABLED": False})


def stage_times(app, seed_value=5):
    """Each seeded order's paid, shipped and delivered moments and its ship-by day (two
    working days after payment), about one in ten shipped after it; returns and consents."""
    from sqlalchemy import bindparam

    from domain import shipby
    from domain.extensions import db
    from domain.models import Consent, Order, ReturnRequest
    from domain.shopconfig import zone

    rng = random.Random(seed_value)
    tz = zone("Asia/Seoul")
    with app.app_context():
        rows = db.session.execute(db.select(Order.id, Order.status, Order.placed_at,
                                            Order.payment_method)).all()
        updates, returns = [], []
        for order_id, status, placed, method in rows:
            paid = shipped = delivered = ship_by = None
            starts = status in ("paid", "packed", "shipped", "delivered") or (
                method == "cash_on_delivery" and status == "placed")
            if starts:
                paid = None if method == "cash_on_delivery" else placed + timedelta(minutes=3)
                ship_by = shipby.due(paid or placed, 2, tz)
            if status in ("shipped", "delivered"):
                shipped = (ship_by + timedelta(hours=rng.randint(1, 30)) if rng.random() < 0.1
                           else (paid or placed) + timedelta(hours=rng.randint(3, 40)))
                shipped = min(shipped, NOW)
            if status == "delivered":
                delivered = min(shipped + timedelta(days=rng.randint(1, 3)), NOW)
                if order_id % 30 == 0:
                    received = delivered + timedelta(days=4)
                    returns.append({
                        "number": f"R-B{order_id:07d}", "request_token": f"bench-r-{order_id}",
                        "order_id": order_id, "status": "refunded", "action": "refund",
                        "reason": "damaged", "method": "pickup", "reason_text": "",
                        "currency": "KRW", "items_amount": 10000, "restocking_fee": 0,
                        "return_shipping_fee": 0, "shipping_refund": 0, "refund_amount": 10000,
                        "rejection_reason": "", "created_at": delivered + timedelta(days=1),
                        "received_at": received, "refund_due_at": received + timedelta(days=3),
                        "closed_at": received + timedelta(days=rng.randint(1, 5)),
                        "updated_at": received})
            updates.append({"oid": order_id, "paid": paid, "shipped": shipped,
                            "delivered": delivered, "due": ship_by})
        table = Order.__table__
        connection = db.session.connection()
        connection.execute(table.update().where(table.c.id == bindparam("oid")).values(
            paid_at=bindparam("paid"), shipped_at=bindparam("shipped"),
            delivered_at=bindparam("delivered"), ship_by=bindparam("due")), updates)
        connection.execute(ReturnRequest.__table__.insert(), returns)
        consents = []
        for n in range(5000):
            granted = NOW - timedelta(days=rng.randint(0, 720), minutes=rng.randint(0, 1440))
            consents.append({
                "email": f"customer{n}@example.com", "purpose": "marketing_email",
                "wording": "Email me news and offers.", "wording_version": "1", "language": "ko",
                "source": "checkout", "granted_at": granted, "confirmed_at": granted,
                "withdrawn_at": granted + timedelta(days=60) if n % 9 == 0 else None,
                "withdrawn_source": "account" if n % 9 == 0 else ""})
        consents = [c for c in consents if not c["withdrawn_at"] or c["withdrawn_at"] <= NOW]
        connection.execute(Consent.__table__.insert(), consents)
        db.session.commit()
        return len(updates), len(returns), len(consents)


def build(path, orders):
    """Build the shop at `path` (SQLite); returns the seconds it took."""
    started = time.monotonic()
    uri = f"sqlite:///{path}"
    log = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="shop-bench-dash-") as workdir:
        try:
            with contextlib.redirect_stderr(log):
                seed.build(uri, workdir, PRODUCTS, order_count=orders)
        except Exception:
            sys.stderr.write(log.getvalue())
            raise
        app = _app(uri, workdir)
        counted = stage_times(app)
        from domain.extensions import db
        with app.app_context():
            db.engine.dispose()
    import sqlite3
    with contextlib.closing(sqlite3.connect(path)) as connection:
        # Everything into the file itself, so it can be renamed and reused.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    print(f"  {counted[0]} orders, {counted[1]} returns, {counted[2]} consents "
          f"in {time.monotonic() - started:.1f} s", flush=True)
    return time.monotonic() - started


def measure(path, requests, explain=False):
    from sqlalchemy import event

    from domain.extensions import db

    with tempfile.TemporaryDirectory(prefix="shop-bench-dash-") as workdir:
        app = _app(f"sqlite:///{path}", workdir)
        client = app.test_client()
        html = client.get("/account/login").get_data(as_text=True)
        response = client.post("/account/login", data={
            "csrf_token": CSRF_RE.search(html).group(1), "email": seed.MERCHANT_EMAIL,
            "password": seed.MERCHANT_PASSWORD})
        if response.status_code != 303:
            sys.exit(f"bench: signing the owner in answered {response.status_code}")
        for _ in range(3):
            assert client.get("/admin/").status_code == 200
        statements = []
        with app.app_context():
            engine = db.engine

        def listener(conn, cursor, statement, parameters, context, executemany):
            statements.append((statement, parameters))
        event.listen(engine, "before_cursor_execute", listener)
        page = client.get("/admin/")
        event.remove(engine, "before_cursor_execute", listener)
        if "Orders per day" not in page.get_data(as_text=True):
            sys.exit("bench: the dashboard shows no sales chart")
        times, cpu = [], []
        for _ in range(requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/admin/")
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        if explain:
            with engine.connect() as connection:
                for statement, parameters in statements:
                    if not statement.lstrip().upper().startswith("SELECT"):
                        continue
                    plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                      parameters).all()
                    print("\n" + " ".join(statement.split())[:300])
                    for row in plan:
                        print("   ", row[-1])
        return times, cpu, len(statements)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    parser.add_argument("--rebuild", action="store_true", help="build the shop again")
    args = parser.parse_args(argv)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"dashboard-{args.orders}-{_head()}.sqlite"
    if args.rebuild or not path.exists():
        path.unlink(missing_ok=True)
        print(f"Building a shop with {args.orders} orders in {path} ...", flush=True)
        partial = path.with_suffix(".building")
        for stale in results.glob(partial.name + "*"):
            stale.unlink()
        build(partial, args.orders)
        partial.rename(path)
    else:
        print(f"Reusing {path}", flush=True)
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(f"Note: load average {load:.1f} on {os.cpu_count()} CPUs: other processes are "
              "busy; the wall-clock figure is inflated, the CPU figure much less.", flush=True)
    times, cpu, queries = measure(path, args.requests, args.explain)
    median = statistics.median(times)
    verdict = "PASS" if median < TARGET_MS else "FAIL"
    print(f"{'dashboard':<12}{args.orders:>8} orders  median {median:6.1f} ms  "
          f"max {max(times):6.1f} ms  cpu median {statistics.median(cpu):6.1f} ms  "
          f"{queries} queries  target < {TARGET_MS:.0f} ms  {verdict}", flush=True)
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
