"""`make bench-scale`: how the pages that read the catalogue hold up as it grows.

For each catalogue size (1,000, 10,000 and 100,000 products by default) a fresh shop is built
with as many past orders as products, served by gunicorn as `make run` does, and each page is
loaded by wrk with a different URL per request, so the storefront's page cache never answers:
every request reads the database. The back office's product and order lists are loaded as the
signed-in merchant. The table gives p50/p95 per size and, per page, the p95 at the largest
size over the p95 at the smallest: the target is that pages stay flat (within 2x) as the
catalogue grows, and that the back-office lists answer in under 200 ms at p95.

`--database postgres` builds each shop on a throwaway PostgreSQL server instead (started as
scripts/with-postgres.sh does; the command runs again inside it).
"""
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

from bench import seed
from bench.checkout import CSRF_RE, Client
from bench.load import Server, run_wrk

ROOT = Path(__file__).resolve().parent.parent
REPORT_LUA = ROOT / "bench" / "report.lua"
UNCACHED_LUA = ROOT / "bench" / "uncached.lua"
RESULTS = ROOT / "bench" / "results" / "scale.json"
MAX_GROWTH = 2.0
MAX_ADMIN_P95_MS = 200.0


@dataclass
class Page:
    name: str
    path: str
    expect: str
    kind: str = "storefront"
    script: Path = UNCACHED_LUA
    headers: dict = field(default_factory=dict)


def pages(info, cookie):
    word = info["search_word"]
    ko3, ko2, ko_two_words = info["search_words_ko"]
    signed_in = {"Cookie": cookie}
    # uncached.lua adds "&uncached=N" to each request: the paths carry a query string already.
    return [
        Page("category", f"/c/{info['category_slug']}?page=1", "products"),
        Page("search 1 word", f"/search?q={word}", "results for"),
        Page("search 2 words", f"/search?q={quote(seed.SEARCH_TWO_WORDS)}", "results for"),
        Page("search ko 3 chars", f"/search?q={quote(ko3)}", "results for"),
        Page("search ko 2 chars", f"/search?q={quote(ko2)}", "results for"),
        Page("search ko 2 words", f"/search?q={quote(ko_two_words)}", "results for"),
        Page("product", f"/products/{info['product_slug']}?from=bench", info["product_title"]),
        Page("admin products", "/admin/products", "Products", kind="admin", script=REPORT_LUA,
             headers=signed_in),
        Page("admin orders", "/admin/orders", "Orders", kind="admin", script=REPORT_LUA,
             headers=signed_in),
    ]


def merchant_cookie(base, email, password):
    """Sign the merchant in through the real form; the Cookie header a browser would send."""
    client = Client(base)
    try:
        _, html = client.request("GET", "/account/login")
        status, _ = client.request("POST", "/account/login", {
            "csrf_token": CSRF_RE.search(html).group(1), "email": email, "password": password})
        if status != 303:
            raise RuntimeError(f"signing the merchant in answered {status}")
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    finally:
        client.close()


def check(base, page):
    client = Client(base)
    try:
        if page.headers.get("Cookie"):
            for pair in page.headers["Cookie"].split("; "):
                name, _, value = pair.partition("=")
                client.cookies[name] = value
        status, html = client.request("GET", page.path)
    finally:
        client.close()
    if status != 200 or page.expect not in html:
        raise RuntimeError(f"{page.name}: {page.path} answered {status} without {page.expect!r}")


# ---------------------------------------------------------------------------- databases

def postgres_url():
    url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_DATABASE_URL") or ""
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def fresh_database(kind, workdir, size):
    """A new empty database for one size: a SQLite file, or a database on the server."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'shop.sqlite'}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    url = make_url(postgres_url())
    name = f"shop_bench_{size}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def reexec_with_postgres(argv):
    """Run this command again inside scripts/with-postgres.sh, which sets TEST_DATABASE_URL."""
    command = ["bash", str(ROOT / "scripts" / "with-postgres.sh"), sys.executable,
               str(ROOT / "bench" / "run.py"), *argv]
    return subprocess.run(command, cwd=ROOT).returncode


# ---------------------------------------------------------------------------- running

def measure_size(args, wrk, size, database):
    workdir = Path(tempfile.mkdtemp(prefix=f"shop-scale-{size}-"))
    server = None
    try:
        uri = fresh_database(database, workdir, size)
        print(f"Building a shop with {size} products and {size} orders ({database}) ...", flush=True)
        log = io.StringIO()
        started = time.monotonic()
        try:
            with contextlib.redirect_stderr(log):
                info = seed.build(uri, str(workdir), size, order_count=size)
        except Exception:
            sys.stderr.write(log.getvalue())
            raise
        print(f"  products loaded in {info['seed_products_s']} s, orders in {info['seed_orders_s']} s "
              f"({time.monotonic() - started:.0f} s with migrations)", flush=True)
        server = Server(workdir, uri, args.workers, args.threads)
        server.wait_ready()
        cookie = merchant_cookie(server.base, *info["merchant"])
        chosen = pages(info, cookie)
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            chosen = [p for p in chosen if p.name in wanted or p.name.replace(" ", "-") in wanted]
        rows = {}
        for page in chosen:
            check(server.base, page)
            print(f"  {page.name:<18} {page.path} ...", flush=True)
            if args.warmup:
                run_wrk(wrk, server.base, page, args.warmup, args.connections, args.wrk_threads)
                server.settle()
            cpu_before = server.cpu_seconds()
            result = run_wrk(wrk, server.base, page, args.duration, args.connections, args.wrk_threads)
            server.settle()
            cpu_after = server.cpu_seconds()
            # CPU time the server spent per page: steadier than latency on a shared machine,
            # where other processes' load lengthens every wait.
            cpu_ms = ((cpu_after - cpu_before) * 1000 / result["requests"]
                      if result["requests"] and cpu_before is not None and cpu_after is not None
                      else None)
            rows[page.name] = {"kind": page.kind, "path": page.path, "rps": result["rps"],
                               "requests": result["requests"], "cpu_ms": cpu_ms,
                               "p50_ms": result["p50_us"] / 1000, "p95_ms": result["p95_us"] / 1000,
                               "p99_ms": result["p99_us"] / 1000,
                               "errors": sum(result["errors"].values())}
        return {"size": size, "seed_products_s": info["seed_products_s"],
                "seed_orders_s": info["seed_orders_s"], "pages": rows}
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def verdicts(runs):
    """Per page: p95 at the largest size over the smallest, and PASS/FAIL against the targets."""
    first, last = runs[0], runs[-1]
    out = {}
    for name, row in last["pages"].items():
        base = first["pages"].get(name)
        growth = row["p95_ms"] / base["p95_ms"] if base and base["p95_ms"] else None
        problems = []
        if not row["requests"]:
            problems.append("no request completed within the run")
        if row["errors"]:
            problems.append(f"{row['errors']} errors")
        if row["kind"] == "admin":
            if row["p95_ms"] >= MAX_ADMIN_P95_MS:
                problems.append(f"p95 {row['p95_ms']:.0f} ms >= {MAX_ADMIN_P95_MS:.0f} ms")
        elif growth is not None and len(runs) > 1 and growth > MAX_GROWTH:
            problems.append(f"p95 grew {growth:.1f}x > {MAX_GROWTH:.0f}x")
        out[name] = {"growth": growth, "result": "FAIL" if problems else "PASS", "problems": problems}
    return out


def print_table(runs, judged, database, connections):
    sizes = [run["size"] for run in runs]
    print(f"\nScale ({database}; {connections} connections; every request built from the database; "
          f"targets: storefront p95 within {MAX_GROWTH:.0f}x from {sizes[0]:,} to {sizes[-1]:,} "
          f"products, back-office lists p95 < {MAX_ADMIN_P95_MS:.0f} ms)")
    header = (f"{'page':<19}" + "".join(f"{f'{size:,} p50/p95 ms':>22}" for size in sizes)
              + "".join(f"{f'cpu ms {size // 1000}k':>11}" for size in sizes) + f"{'p95 x':>8}  result")
    print(header)
    print("-" * len(header))
    for name in runs[-1]["pages"]:
        cells = ""
        for run in runs:
            row = run["pages"].get(name)
            cell = (f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f}" if row and row["requests"]
                    else "none answered" if row else "-")
            cells += f"{cell:>22}"
        for run in runs:
            row = run["pages"].get(name)
            cells += f"{row['cpu_ms']:>11.1f}" if row and row.get("cpu_ms") is not None else f"{'-':>11}"
        verdict = judged[name]
        growth = f"{verdict['growth']:.2f}" if verdict["growth"] else "-"
        print(f"{name:<19}{cells}{growth:>8}  {verdict['result']}"
              + (f" ({'; '.join(verdict['problems'])})" if verdict["problems"] else ""))
    seeds = [f"{run['seed_products_s']:.0f} s + {run['seed_orders_s']:.0f} s" for run in runs]
    print(f"{'seed (products + orders)':<19}" + "".join(f"{cell:>22}" for cell in seeds))
    print("cpu ms: the server's CPU time per request (all workers), steadier than latency when "
          "other processes share the machine.")


def main(args, wrk):
    sizes = sorted({int(s) for s in args.scale.split(",") if s.strip()})
    if not sizes or sizes[0] < 1:
        sys.exit("bench: --scale takes sizes such as 1000,10000,100000")
    if args.database == "postgres" and not postgres_url():
        return reexec_with_postgres(sys.argv[1:])
    started = time.monotonic()
    runs = [measure_size(args, wrk, size, args.database) for size in sizes]
    judged = verdicts(runs)
    print_table(runs, judged, args.database, args.connections)
    failed = [name for name, verdict in judged.items() if verdict["result"] == "FAIL"]
    print(f"\n{'All targets met' if not failed else 'Missed: ' + ', '.join(failed)}"
          f" ({time.monotonic() - started:.0f} s; results in {RESULTS.relative_to(ROOT)})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "database": args.database, "connections": args.connections, "duration_s": args.duration,
        "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()[0],
        "runs": runs, "verdicts": judged}, indent=2) + "\n")
    return 1 if failed and not args.report_only else 0
