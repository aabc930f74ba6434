"""The shop as gunicorn serves it in `make bench`, plus a bare endpoint as the ceiling.

Run from the repository root: `gunicorn -c gunicorn-settings.py 'bench.wsgi:from_env()'`, with
DATABASE_URL, SECRET_KEY and BENCH_INSTANCE_DIR set. Uploads and the storefront version file live
in BENCH_INSTANCE_DIR, so a benchmark never touches the repository's instance/ folder.

Each worker counts the requests it answered; `/_bench/worker` tells which worker answered it and
its count, so the bench can report how a scenario's requests were split between the workers.
"""
import itertools
import os

from shop import create_app

BARE_PATH = "/_bench/bare"
WORKER_PATH = "/_bench/worker"


class CountingMiddleware:
    """Counts the requests this worker process answered (itertools.count: one C call, atomic
    under the GIL, so the worker's threads need no lock)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.counter = itertools.count(1)
        self.served = 0

    def __call__(self, environ, start_response):
        self.served = next(self.counter)
        return self.wsgi_app(environ, start_response)


def bench_app(instance_dir):
    app = create_app({
        "UPLOAD_FOLDER": os.path.join(instance_dir, "uploads"),
        "STOREFRONT_VERSION_FILE": os.path.join(instance_dir, "storefront.version"),
    })

    # The ceiling: the same server, workers and middleware, with no template and no query.
    @app.get(BARE_PATH)
    def bench_bare():
        return "ok"

    counting = app.wsgi_app = CountingMiddleware(app.wsgi_app)

    @app.get(WORKER_PATH)
    def bench_worker():
        return {"pid": os.getpid(), "served": counting.served}

    return app


def from_env():
    return bench_app(os.environ["BENCH_INSTANCE_DIR"])
