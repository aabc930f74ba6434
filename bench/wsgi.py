"""The shop as gunicorn serves it in `make bench`, plus a bare endpoint as the ceiling.

Run from the repository root: `gunicorn 'bench.wsgi:from_env()'`, with DATABASE_URL, SECRET_KEY
and BENCH_INSTANCE_DIR set. Uploads and the storefront version file live in BENCH_INSTANCE_DIR, so a
benchmark never touches the repository's instance/ folder.
"""
import os

from shop import create_app

BARE_PATH = "/_bench/bare"


def bench_app(instance_dir):
    app = create_app({
        "UPLOAD_FOLDER": os.path.join(instance_dir, "uploads"),
        "STOREFRONT_VERSION_FILE": os.path.join(instance_dir, "storefront.version"),
    })

    # The ceiling: the same server, workers and middleware, with no template and no query.
    @app.get(BARE_PATH)
    def bench_bare():
        return "ok"

    return app


def from_env():
    return bench_app(os.environ["BENCH_INSTANCE_DIR"])
