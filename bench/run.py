"""`make bench`: load figures for the storefront's key pages, next to a bare endpoint.

Builds a throwaway shop (a freshly migrated SQLite file with N products), serves it with
gunicorn as `make run` does, drives each scenario with wrk and prints requests/s, latency
percentiles and page weights against the targets. See bench/README.md.
"""
import argparse
import contextlib
import gzip
import io
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from urllib.parse import quote
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import chat_poll  # noqa: E402
from bench import checkout as checkout_bench  # noqa: E402
from bench import scale  # noqa: E402
from bench import seed  # noqa: E402
from bench import signed_in  # noqa: E402
from bench.load import BROWSER_ENCODING, Server, ensure_wrk, run_wrk  # noqa: E402
from bench.wsgi import BARE_PATH  # noqa: E402

REPORT_LUA = ROOT / "bench" / "report.lua"
UNCACHED_LUA = ROOT / "bench" / "uncached.lua"
RESULTS = ROOT / "bench" / "results" / "latest.json"

# Targets. Ratios to the bare endpoint rather than absolute req/s: the machines are shared, so
# absolute numbers drift between runs while the ratio within one run holds.
MIN_RATIO = 0.40
# Pages of a signed-in customer: their own header, cart count and one-click button.
MIN_SIGNED_IN_RATIO = 0.25
SIGNED_IN_PAGES = ("home", "category", "search", "product")
MAX_P95_MS = 50.0
# A page from the cache costs at most this many times the bare endpoint's server CPU.
MAX_CACHED_CPU = 1.3
# An idle open chat panel's poll (a 204): at least this share of bare req/s.
MIN_POLL_RATIO = 0.50
MAX_HTML_BYTES = 30 * 1024
MAX_ASSET_BYTES = 30 * 1024
ASSET_GLOBS = ("static/css/*.css", "static/vendor/*.js", "static/js/*.js")


@dataclass
class Scenario:
    """One wrk run. kind "ceiling" is the reference the pages are compared with.

    A scenario that needs more than a GET brings its own Lua script, which should
    `dofile("bench/report.lua")` for the result line, and extra headers such as a Cookie
    prepared before the run. Checkout needs a session and fresh one-time tokens per order,
    which wrk cannot carry: bench/checkout.py drives it with Python threads instead.
    """

    name: str
    path: str
    kind: str = "page"
    expect: str = ""
    script: Path = REPORT_LUA
    headers: dict = field(default_factory=dict)


def scenarios(info, cookie=None, chat=None):
    pages = [
        Scenario("bare", BARE_PATH, kind="ceiling", expect="ok"),
        Scenario("home", "/", expect="Featured"),
        Scenario("category", f"/c/{info['category_slug']}", expect="products"),
        Scenario("search", f"/search?q={info['search_word']}", expect="results for"),
        Scenario("product", f"/products/{info['product_slug']}", expect=info["product_title"]),
        # A product page with 40 published reviews (bench/seed.py reviews()): the summary
        # from the product row, the first page of 10 reviews with photos and replies.
        Scenario("product-reviews", f"/products/{info['reviewed_slug']}", expect="Customer reviews"),
        # Search built afresh each time (the page cache would answer the ones above): a word of
        # the main language and Korean words of three characters (trigram index) and two (LIKE).
        *(Scenario(name, f"/search?q={quote(word)}", kind="uncached", expect="results for",
                   script=UNCACHED_LUA)
          for name, word in (("search-en-uncached", info["search_word"]),
                             ("search-ko-uncached", info["search_words_ko"][0]),
                             ("search-ko2-uncached", info["search_words_ko"][1]))),
        # The product pages built afresh each time: without reviews, and with 40 of them.
        # With its "Goes well with" (four pairs, bench/seed.py goes_well()) drawn each time.
        Scenario("product-uncached", f"/products/{info['product_slug']}?from=bench", kind="uncached",
                 expect="Goes well with", script=UNCACHED_LUA),
        Scenario("reviewed-uncached", f"/products/{info['reviewed_slug']}?from=bench",
                 kind="uncached", expect="Customer reviews", script=UNCACHED_LUA),
    ]
    # A signed-in customer's pages: `cookie` is their session (bench/signed_in.py); "Account"
    # in the header shows the page was drawn for them.
    paths = {s.name: s.path for s in pages}
    signed = [Scenario(f"{name}-in", paths[name], kind="signed-in", expect="Account</a>",
                       headers={"Cookie": cookie or ""}) for name in SIGNED_IN_PAGES]
    signed.append(Scenario("cart-in", "/cart", kind="signed-in", expect="Buy now",
                           headers={"Cookie": cookie or ""}))
    if chat is not None:
        # An open chat panel asking for news with nothing new (bench/chat_poll.py).
        signed.append(Scenario("chat-poll", chat[1], kind="poll", headers={"Cookie": chat[0]}))
    return pages + signed


def signed_in_wanted(wanted):
    return wanted is None or any(name.endswith("-in") for name in wanted)


# ---------------------------------------------------------------------------- measuring

def fetch(url, encoding="identity", headers=None):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding, **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def page_weight(base, scenario):
    """Raw HTML bytes, and bytes on the wire when the browser accepts gzip."""
    status, _, body = fetch(base + scenario.path, headers=scenario.headers)
    if status != 200 or scenario.expect.encode() not in body:
        raise RuntimeError(f"{scenario.name}: {scenario.path} answered {status} without "
                           f"{scenario.expect!r}; the page is broken, not slow")
    _, headers, wire = fetch(base + scenario.path, encoding="gzip", headers=scenario.headers)
    served = headers.get("Content-Encoding", "identity")
    return {"html_bytes": len(body), "gzip_bytes": len(wire) if served == "gzip" else len(gzip.compress(body, 6)),
            "served_encoding": served}


def asset_weights(base):
    """Every stylesheet and script: its bytes in the repository, and gzipped as the app sends
    it to a browser accepting gzip (the file at gzip level 6 when the app sends it uncompressed)."""
    files = sorted(p for pattern in ASSET_GLOBS for p in ROOT.glob(pattern))
    rows = []
    for path in files:
        data = path.read_bytes()
        relative = path.relative_to(ROOT / "static").as_posix()
        wire = None
        try:
            _, headers, body = fetch(f"{base}/static/{relative}", encoding="gzip")
            served = headers.get("Content-Encoding", "identity")
            # What a browser asking for gzip receives (a stylesheet is sent without comments).
            wire = len(body) if served == "gzip" else None
        except urllib.error.HTTPError as error:
            served = f"HTTP {error.code}"
        rows.append({"file": path.relative_to(ROOT).as_posix(), "bytes": len(data),
                     "gzip_bytes": wire if wire is not None else len(gzip.compress(data, 6, mtime=0)),
                     "served_encoding": served})
    return rows


def judge(row):
    if row["kind"] == "ceiling":
        return "ceiling", []
    problems = []
    if not row["requests"]:
        return "FAIL", ["no request completed within the run"]
    if row["kind"] == "uncached":
        # What a page costs without the cache: measured and reported, with no target yet.
        if row["errors"]:
            return "FAIL", [f"{row['errors']} errors or non-2xx/3xx"]
        return "measured", []
    if row["kind"] == "checkout":
        # A write per order, serialised by SQLite: measured and reported, with no target yet.
        if row["errors"]:
            return "FAIL", [f"{row['errors']} failed orders: {'; '.join(row['error_detail'])}"]
        return "measured", []
    if row["kind"] == "poll":
        if row["ratio"] < MIN_POLL_RATIO:
            problems.append(f"req/s {row['ratio']:.0%} of bare < {MIN_POLL_RATIO:.0%}")
        if row["errors"]:
            problems.append(f"{row['errors']} errors or non-2xx/3xx")
        return ("FAIL" if problems else "PASS"), problems
    if row["kind"] == "signed-in":
        if row["ratio"] < MIN_SIGNED_IN_RATIO:
            problems.append(f"req/s {row['ratio']:.0%} of bare < {MIN_SIGNED_IN_RATIO:.0%}")
        if row["errors"]:
            problems.append(f"{row['errors']} errors or non-2xx/3xx")
        return ("FAIL" if problems else "PASS"), problems
    if row["ratio"] < MIN_RATIO:
        problems.append(f"req/s {row['ratio']:.0%} of bare < {MIN_RATIO:.0%}")
    if row["cpu_x"] is not None and row["cpu_x"] > MAX_CACHED_CPU:
        problems.append(f"CPU {row['cpu_x']:.2f}x bare > {MAX_CACHED_CPU}x")
    if row["p95_ms"] >= MAX_P95_MS:
        problems.append(f"p95 {row['p95_ms']:.1f} ms >= {MAX_P95_MS:.0f} ms")
    if row["errors"]:
        problems.append(f"{row['errors']} errors or non-2xx/3xx")
    return ("FAIL" if problems else "PASS"), problems


# ---------------------------------------------------------------------------- reporting

def print_load_table(rows, connections, ceiling_rps):
    print(f"\nLoad ({connections} connections; targets: page >= {MIN_RATIO:.0%} of bare req/s, "
          f"p95 < {MAX_P95_MS:.0f} ms; signed-in page (-in) >= {MIN_SIGNED_IN_RATIO:.0%} of bare "
          f"req/s; chat poll >= {MIN_POLL_RATIO:.0%} of bare "
          f"req/s; a cached page's server CPU <= {MAX_CACHED_CPU}x bare; bare = "
          f"{ceiling_rps:.0f} req/s, mean of first and last run)")
    header = (f"{'page':<20}{'req/s':>10}{'x bare':>8}{'cpu x':>7}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'p99 ms':>9}{'errors':>8}  {'workers %':<10} result")
    print(header)
    print("-" * len(header))
    for row in rows:
        cpu = f"{row['cpu_x']:.2f}" if row.get("cpu_x") is not None else "-"
        print(f"{row['name']:<20}{row['rps']:>10.1f}{row['ratio']:>8.2f}{cpu:>7}{row['p50_ms']:>9.1f}"
              f"{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['errors']:>8}  "
              f"{split_text(row.get('worker_split')):<10} {row['result']}"
              + (f" ({'; '.join(row['problems'])})" if row["problems"] else ""))
    print("cpu x: the server's CPU time per request (master and workers, from /proc) over the "
          "bare endpoint's; steadier than req/s when other processes share the machine")
    print("workers %: each gunicorn worker's share of the run's requests, largest first "
          "(even is 50/50 with two workers)")
    checkout = next((row for row in rows if row["kind"] == "checkout"), None)
    if checkout:
        print(f"checkout: {checkout['customers']} signed-in customers in Python threads placing "
              "one-click orders; req/s is orders/s, latencies are the buy-now POST's (the whole "
              "order, committed). Each order also costs a product page GET, not counted.")


def print_sizes(pages, assets, product_verdict, asset_total, asset_verdict):
    print("\nPage weight (HTML as served to a first-time visitor)")
    print(f"{'page':<10}{'raw KB':>9}{'gzip KB':>9}  encoding")
    for name, weight in pages.items():
        note = f"  {product_verdict} (target raw < {MAX_HTML_BYTES // 1024} KB)" if name == "product" else ""
        print(f"{name:<10}{weight['html_bytes'] / 1024:>9.1f}{weight['gzip_bytes'] / 1024:>9.1f}"
              f"  {weight['served_encoding']}{note}")
    print(f"\nCSS + JS (gzip bytes as served; target total < {MAX_ASSET_BYTES // 1024} KB)")
    for asset in assets:
        print(f"  {asset['file']:<40}{asset['bytes'] / 1024:>8.1f} KB raw{asset['gzip_bytes'] / 1024:>8.1f} KB gzip"
              f"   served as {asset['served_encoding']}")
    if not assets:
        print("  (no stylesheets or scripts found)")
    print(f"  {'total':<40}{sum(a['bytes'] for a in assets) / 1024:>8.1f} KB raw"
          f"{asset_total / 1024:>8.1f} KB gzip   {asset_verdict}")


def split_text(split):
    """"52/48": each worker's share of the requests, largest first."""
    if not split:
        return "-"
    total = sum(split) or 1
    return "/".join(f"{100 * n / total:.0f}" for n in sorted(split, reverse=True))


def worker_split(before, after):
    """Requests each worker answered between two snapshots (Server.served_by_worker)."""
    return [after[pid] - before.get(pid, 0) for pid in after]


def environment(args, info, load):
    return {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": _commit(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "products": info["products"],
        "variants": info["variants"],
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "connections": args.connections,
        "wrk_threads": args.wrk_threads,
        "gunicorn": {"workers": args.workers, "threads": args.threads, "worker_class": "gthread",
                     "listening": "one shared socket" if args.shared_socket
                     else "a socket per worker (SO_REUSEPORT)"},
        "accept_encoding": BROWSER_ENCODING,
        "analyze": args.analyze,
        "load_average_at_start": load,
    }


def _commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=5).stdout.strip() or None
    except OSError:
        return None


# ---------------------------------------------------------------------------- main

def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000, help="products to load (10000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page (2)")
    parser.add_argument("--connections", type=int,
                        help="concurrent connections (20; 2 in scale mode, which measures the "
                             "time a page takes rather than how many the server can serve)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2, as make run)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4, as make run)")
    parser.add_argument("--only", help="comma-separated scenario names (bare is always run)")
    parser.add_argument("--shared-socket", action="store_true",
                        help="all workers accept from one socket, as before gunicorn-settings.py "
                             "gave each its own (to compare the worker split)")
    parser.add_argument("--analyze", action="store_true",
                        help="run SQLite ANALYZE after loading (what-if: planner statistics)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary shop and print where")
    parser.add_argument("--report-only", action="store_true",
                        help="exit 0 even when a target is missed")
    parser.add_argument("--scale", metavar="N,N,...",
                        help="scale mode: build a shop of each size (products and as many orders) "
                             "and measure pages built from the database (bench/scale.py)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite",
                        help="scale mode: build the shops on SQLite (default) or on a throwaway "
                             "PostgreSQL server")
    args = parser.parse_args(argv)
    if args.connections is None:
        args.connections = 2 if args.scale else 20
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.products < 1 or args.duration < 1 or args.connections < 1:
        sys.exit("bench: --products, --duration and --connections must be positive")
    wrk = ensure_wrk()
    if args.scale:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        return scale.main(args, wrk)
    if args.database != "sqlite":
        sys.exit("bench: --database postgres goes with --scale")
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(f"Note: load average {load:.1f} on {os.cpu_count()} CPUs before starting; other "
              "processes are busy and will lower the figures.", flush=True)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="shop-bench-"))
    server = None
    # A SIGTERM (CI timeout, kill) unwinds through the finally below like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        database_uri = f"sqlite:///{workdir / 'shop.sqlite'}"
        print(f"Building a shop with {args.products} products in {workdir} ...", flush=True)
        # Alembic logs each migration to stderr; shown only if building the shop fails.
        migration_log = io.StringIO()
        try:
            with contextlib.redirect_stderr(migration_log):
                info = seed.build(database_uri, str(workdir), args.products)
        except Exception:
            sys.stderr.write(migration_log.getvalue())
            raise
        print(f"  {info['products']} products, {info['variants']} variants "
              f"in {time.monotonic() - started:.1f} s", flush=True)

        wanted = {name.strip() for name in args.only.split(",")} | {"bare"} if args.only else None
        checkout_info = None
        if wanted is None or "checkout" in wanted:
            checkout_info = checkout_bench.prepare(database_uri, str(workdir))

        if signed_in_wanted(wanted):
            signed_in.prepare(database_uri, str(workdir))

        if args.analyze:
            with sqlite3.connect(workdir / "shop.sqlite") as connection:
                connection.execute("ANALYZE")
            print("  ran ANALYZE (the planner now has table statistics)", flush=True)

        server = Server(workdir, database_uri, args.workers, args.threads, args.shared_socket)
        server.wait_ready()
        cookie = (signed_in.session_cookie(server.base, f"/products/{info['product_slug']}")
                  if signed_in_wanted(wanted) else None)
        chat = (chat_poll.open_chat(server.base)
                if wanted is None or "chat-poll" in wanted else None)
        chosen = scenarios(info, cookie, chat)
        if wanted is not None:
            chosen = [s for s in chosen if s.name in wanted]
        pages = {s.name: page_weight(server.base, s) for s in chosen if s.kind == "page"}
        for s in chosen:
            if s.kind == "signed-in":
                page_weight(server.base, s)  # the page answers, drawn for the customer
        assets = asset_weights(server.base)

        # The ceiling runs first and again last: on a shared machine the load from other
        # processes drifts, and the mean of the two brackets the pages measured in between.
        ceiling = next(s for s in chosen if s.kind == "ceiling")
        runs = chosen + [Scenario(ceiling.name + "-end", ceiling.path, kind="ceiling",
                                  expect=ceiling.expect, script=ceiling.script,
                                  headers=ceiling.headers)]
        rows = []
        for scenario in runs:
            print(f"  {scenario.name:<9} {scenario.path} ...", flush=True)
            if args.warmup:
                run_wrk(wrk, server.base, scenario, args.warmup, args.connections, args.wrk_threads)
                server.settle()
            served_before = server.served_by_worker()
            cpu_before = server.cpu_seconds()
            result = run_wrk(wrk, server.base, scenario, args.duration, args.connections,
                             args.wrk_threads)
            backlog = server.settle()
            cpu_after = server.cpu_seconds()
            split = worker_split(served_before, server.served_by_worker())
            if backlog > 2:
                print(f"            the server needed {backlog:.0f} s after the run to finish "
                      "the requests still queued", flush=True)
            rows.append({
                "name": scenario.name, "path": scenario.path, "kind": scenario.kind,
                "rps": result["rps"], "requests": result["requests"],
                "p50_ms": result["p50_us"] / 1000, "p75_ms": result["p75_us"] / 1000,
                "p90_ms": result["p90_us"] / 1000, "p95_ms": result["p95_us"] / 1000,
                "p99_ms": result["p99_us"] / 1000, "max_ms": result["max_us"] / 1000,
                "errors": sum(result["errors"].values()), "error_detail": result["errors"],
                "bytes_per_response": result["bytes"] / max(1, result["requests"]),
                "backlog_s": round(backlog, 1), "worker_split": split,
                "cpu_ms": ((cpu_after - cpu_before) * 1000 / result["requests"]
                           if result["requests"] and None not in (cpu_before, cpu_after) else None),
            })
        if checkout_info:
            print(f"  checkout  /checkout/buy-now with {len(checkout_info['emails'])} customers ...",
                  flush=True)
            result = checkout_bench.run(server.base, checkout_info, args.duration)
            server.settle()
            after = next((i + 1 for i, r in enumerate(rows) if r["name"] == "product"), len(rows))
            rows.insert(after, {"name": "checkout", "path": "/checkout/buy-now", "kind": "checkout",
                                **result, "bytes_per_response": 0, "backlog_s": 0})
        ceilings = [r["rps"] for r in rows if r["kind"] == "ceiling"]
        ceiling_rps = sum(ceilings) / len(ceilings)
        drift = (max(ceilings) - min(ceilings)) / max(ceilings) if max(ceilings) else 0.0
        ceiling_cpu = [r["cpu_ms"] for r in rows if r["kind"] == "ceiling" and r.get("cpu_ms")]
        ceiling_cpu = sum(ceiling_cpu) / len(ceiling_cpu) if ceiling_cpu else None
        for row in rows:
            row["ratio"] = row["rps"] / ceiling_rps if ceiling_rps else 0.0
            row["cpu_x"] = (row["cpu_ms"] / ceiling_cpu
                            if ceiling_cpu and row.get("cpu_ms") is not None else None)
            row["result"], row["problems"] = judge(row)

        product = pages.get("product")
        product_verdict = ("PASS" if product["html_bytes"] < MAX_HTML_BYTES else "FAIL") if product else "n/a"
        asset_total = sum(a["gzip_bytes"] for a in assets)
        asset_verdict = "PASS" if asset_total < MAX_ASSET_BYTES else "FAIL"

        print_load_table(rows, args.connections, ceiling_rps)
        if drift > 0.2:
            print(f"Warning: the bare endpoint moved {drift:.0%} between the first and last run; "
                  "other processes were competing for the CPU, so the ratios are rough.")
        print_sizes(pages, assets, product_verdict, asset_total, asset_verdict)
        failed = [r["name"] for r in rows if r["result"] == "FAIL"]
        failed += ["product html"] if product_verdict == "FAIL" else []
        failed += ["css+js"] if asset_verdict == "FAIL" else []
        elapsed = time.monotonic() - started
        print(f"\n{'All targets met' if not failed else 'Missed: ' + ', '.join(failed)}"
              f" ({elapsed:.0f} s; results in {RESULTS.relative_to(ROOT)})")

        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({
            "environment": environment(args, info, load),
            "targets": {"min_ratio_to_bare": MIN_RATIO, "max_p95_ms": MAX_P95_MS,
                        "max_product_html_bytes": MAX_HTML_BYTES,
                        "max_css_js_gzip_bytes": MAX_ASSET_BYTES},
            "scenarios": [asdict(s) | {"script": str(s.script.relative_to(ROOT))} for s in chosen],
            "ceiling_rps": ceiling_rps,
            "ceiling_drift": drift,
            "load": rows,
            "pages": pages,
            "assets": {"files": assets, "gzip_total_bytes": asset_total, "result": asset_verdict},
            "product_html_result": product_verdict,
            "missed": failed,
            "elapsed_s": round(elapsed, 1),
        }, indent=2) + "\n")
        return 1 if failed and not args.report_only else 0
    except RuntimeError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
