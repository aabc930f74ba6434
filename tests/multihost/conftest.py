"""Two app servers and two workers on one PostgreSQL and one Redis, as a shop spread over
several hosts runs: `make test-multihost` (a throwaway PostgreSQL from scripts/with-postgres.sh).

Host A and host B are each gunicorn with two worker processes and an instance folder of its
own (INSTANCE_PATH), on free ports, sharing DATABASE_URL, SECRET_KEY and
RATELIMIT_STORAGE_URI (redis). Two `flask --app shop worker` processes send email to an SMTP
server inside the test process. Everything is started once for the module and stopped after.
"""
import os
import pathlib
import signal
import subprocess
import uuid
from dataclasses import dataclass, field

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from domain.extensions import db
from shop import create_app
from tests.checkout_helpers import krw_shop
from tests.server_helpers import BIN, ROOT, Gunicorn, redis_server, stop, wait_for
from tests.smtp_helpers import smtp_server

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
SECRET = "multihost-" + uuid.uuid4().hex


def _database(name):
    if not PG_URL:
        pytest.fail("the multi-host tests need PostgreSQL: run them with `make test-multihost`")
    url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@dataclass
class Worker:
    proc: subprocess.Popen
    log: pathlib.Path

    def output(self):
        return self.log.read_text() if self.log.exists() else ""


@dataclass
class Cluster:
    a: object
    b: object
    workers: list
    inbox: object
    redis_url: str
    env: dict = field(repr=False, default_factory=dict)


def _env(database_url, folder, **more):
    return {"DATABASE_URL": database_url, "SECRET_KEY": SECRET,
            "INSTANCE_PATH": str(folder), "SHOP_URL": "http://shop.example", **more}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = _database("shop_multihost")
    migrated = subprocess.run([str(BIN / "flask"), "--app", "shop", "db", "upgrade"], cwd=ROOT,
                              env={**os.environ, **_env(url, tmp_path_factory.mktemp("migrate"))},
                              capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    return url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The test's own view of the shared database, for setting up and checking (not a host)."""
    folder = tmp_path_factory.mktemp("control")
    app = create_app({"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url,
                      "UPLOAD_FOLDER": str(folder / "uploads"), "MAIL_FOLDER": str(folder / "outbox"),
                      "STOREFRONT_VERSION_FILE": str(folder / "storefront.version"), "SMTP_URL": ""})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def shop(app):
    from tests.conftest import Factory
    make = Factory(app)
    found = krw_shop(make, stock=5)
    found["merchant"] = make.user("owner@example.com", merchant=True)
    found["customer"] = make.user("regular@example.com")
    return found


def start_worker(cluster_env, folder, name):
    log = folder / f"{name}.log"
    proc = subprocess.Popen(
        [str(BIN / "flask"), "--app", "shop", "worker", "--interval", "0.5"], cwd=ROOT,
        env={**os.environ, **cluster_env, "INSTANCE_PATH": str(folder / name),
             "PYTHONUNBUFFERED": "1"},
        stdout=log.open("w"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    worker = Worker(proc, log)
    wait_for(lambda: "mail worker:" in worker.output() or proc.poll() is not None,
             f"worker {name} to start")
    assert proc.poll() is None, worker.output()
    return worker


@pytest.fixture(scope="session")
def cluster(database_url, shop, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hosts")
    hosts, workers = [], []
    with redis_server(folder) as redis_url, smtp_server() as (inbox, smtp_port):
        env = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "TRUST_PROXY": "1",
               "RATELIMIT_STORAGE_URI": redis_url, "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
               "SHOP_URL": "http://shop.example", "MAIL_FROM": "Moonjar Studio <shop@example.com>"}
        try:
            for name in ("a", "b"):
                hosts.append(Gunicorn(folder / name,
                                      {**env, "INSTANCE_PATH": str(folder / name / "instance")}))
                hosts[-1].start()
            for name in ("worker-1", "worker-2"):
                workers.append(start_worker(env, folder, name))
            yield Cluster(*hosts, workers, inbox, redis_url, env)
        finally:
            for worker in reversed(workers):
                stop(worker.proc, signal.SIGTERM)
            for host in reversed(hosts):
                host.stop()
