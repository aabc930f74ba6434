"""Every server of a shop signs sessions, CSRF tokens and emailed links with the same key:
on PostgreSQL (several servers) it must come from the environment; SQLite keeps its own."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import shop
from shop import create_app

ROOT = Path(__file__).resolve().parents[2]
PG_URL = "postgresql://shop@127.0.0.1:1/shop"


def test_the_shop_refuses_to_start_on_postgresql_without_a_secret_key(monkeypatch):
    """No app, and a message saying why the key must be set by hand."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", PG_URL)
    with pytest.raises(shop.MissingSecretKey, match="SECRET_KEY is not set") as refused:
        create_app()
    assert "every server and worker" in str(refused.value)


def test_the_worker_command_says_why_it_does_not_start(tmp_path):
    """`flask --app shop worker` on PostgreSQL without SECRET_KEY exits with the reason."""
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DATABASE_URL"] = PG_URL
    finished = subprocess.run([sys.executable, "-m", "flask", "--app", "shop", "worker", "--once"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert finished.returncode != 0
    assert "SECRET_KEY is not set" in finished.stdout + finished.stderr
    assert "same key" in finished.stdout + finished.stderr


def test_an_empty_secret_key_counts_as_none(monkeypatch):
    """SECRET_KEY= (blank) in a service file is no key either."""
    monkeypatch.setenv("SECRET_KEY", "  ")
    with pytest.raises(shop.MissingSecretKey):
        shop.secret_key("/nonexistent", "postgresql+psycopg://shop@127.0.0.1:1/shop")


def test_postgresql_uses_the_key_from_the_environment(monkeypatch):
    """With SECRET_KEY set, every server started with it signs with it."""
    monkeypatch.setenv("SECRET_KEY", "one key for every server")
    monkeypatch.setenv("DATABASE_URL", PG_URL)
    assert create_app().config["SECRET_KEY"] == "one key for every server"


def test_sqlite_generates_a_key_once_and_keeps_it(monkeypatch, tmp_path):
    """One machine: a key is generated into the instance folder on first start and read back
    on every later one, readable by the shop's user only."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = shop.secret_key(str(tmp_path), f"sqlite:///{tmp_path}/shop.sqlite")
    again = shop.secret_key(str(tmp_path), f"sqlite:///{tmp_path}/shop.sqlite")
    assert len(first) == 64 and again == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
