"""`make bench-cpu`: the CPU time a cached storefront page costs, as a multiple of the bare endpoint's.

Builds a throwaway shop (bench/seed.py, 300 products by default), then calls the app (bench/wsgi.py,
the same app and bare endpoint as `make bench`) directly as gunicorn would, without a server or a
network: each round takes `--requests` calls of the bare endpoint and of each first-visit page
(no cookie, a browser's Accept-Encoding), one after the other, and times them with
time.process_time(). The figures are the median over the rounds. CPU time moves much less than
requests/s when other processes share the machine, and the pages and the bare endpoint take turns,
so a change of load touches them alike; the load average is printed with the figures.

    .venv/bin/python bench/cpu.py [--products 300] [--rounds 5] [--requests 300]

Without the HTTP server's own work per request (parsing, writing), which a page and the bare
endpoint share, these ratios are higher than `make bench`'s "cpu x" for the same code.
"""
import argparse
import contextlib
import gc
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BROWSER_ENCODING = "gzip, deflate, br, zstd"
# A browser's User-Agent, so the product page counts its view (domain/counters.py) as it does
# for visitors; the string is bench/load.py's.
BROWSER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/131.0 Safari/537.36")
WARM_UP = 20


def pages(info):
    from bench.wsgi import BARE_PATH
    return {"bare": BARE_PATH, "home": "/", "category": f"/c/{info['category_slug']}",
            "search": f"/search?q={info['search_word']}",
            "product": f"/products/{info['product_slug']}"}


def measure(app, paths, rounds, requests):
    """Median CPU seconds per request of each path, over `rounds` rounds taken in turns."""
    from werkzeug.test import EnvironBuilder

    def environ(path):
        return EnvironBuilder(path, headers={"Accept-Encoding": BROWSER_ENCODING,
                                             "User-Agent": BROWSER_AGENT,
                                             "Host": "127.0.0.1:8000"},
                              environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_environ()

    statuses = []

    def call(env):
        body = app(env, lambda status, headers, exc_info=None: statuses.append(status))
        for _ in body:
            pass
        if hasattr(body, "close"):
            body.close()

    for name, path in paths.items():
        for _ in range(WARM_UP):  # the first request stores the page
            call(environ(path))
        if not statuses[-1].startswith("200"):
            raise SystemExit(f"bench: {name} ({path}) answered {statuses[-1]}")
    times = {name: [] for name in paths}
    for _ in range(rounds):
        for name, path in paths.items():
            envs = [environ(path) for _ in range(requests)]  # built outside the timing
            gc.collect()
            started = time.process_time()
            for env in envs:
                call(env)
            times[name].append((time.process_time() - started) / requests)
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    from bench import seed
    workdir = Path(tempfile.mkdtemp(prefix="shop-bench-cpu-"))
    try:
        database_uri = f"sqlite:///{workdir / 'shop.sqlite'}"
        with contextlib.redirect_stderr(io.StringIO()):  # Alembic's log of each migration
            info = seed.build(database_uri, str(workdir), args.products)
        os.environ["DATABASE_URL"] = database_uri
        os.environ.setdefault("SECRET_KEY", "bench-cpu")
        from bench.wsgi import bench_app
        load_before = os.getloadavg()[0]
        per_request = measure(bench_app(str(workdir)), pages(info), args.rounds, args.requests)
        bare = per_request["bare"]
        print(f"{args.products} products, {args.rounds} rounds of {args.requests} requests; "
              f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
        print(f"{'page':<10}{'CPU us':>9}{'x bare':>8}")
        for name, seconds in per_request.items():
            print(f"{name:<10}{seconds * 1e6:>9.0f}{seconds / bare:>8.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
