"""GET /healthz for an uptime monitor, and the same checks on the back office's dashboard:
200 when the database answers at the code's revision, the worker beats and the disk has room;
503 naming what fails otherwise."""
from datetime import timedelta

from sqlalchemy import text

from domain import heartbeat
from domain.extensions import db
from domain.transaction import unit_of_work
from shop import create_app
from tests.order_helpers import NOW


def beat(app, when):
    with app.app_context(), unit_of_work():
        heartbeat.beat(when)


def health(client):
    response = client.get("/healthz")
    return response.status_code, response.get_json(), response


def failing(body):
    return sorted(key for key, check in body["checks"].items() if not check["ok"])


def test_a_healthy_shop_answers_200_uncached_without_a_cookie(app, client):
    """Worker seen a minute ago, database migrated: 200, every check ok, nothing cached or set,
    and a monitor asking every second is never turned away."""
    app.config["CLOCK"] = lambda: NOW
    beat(app, NOW - timedelta(minutes=1))
    for _ in range(30):
        status, body, response = health(client)
        assert status == 200, body
    assert body["status"] == "ok" and failing(body) == []
    assert body["checks"]["worker"]["seen_seconds_ago"] == 60
    assert body["checks"]["migrations"]["database"] == body["checks"]["migrations"]["code"]
    assert body["checks"]["disk"]["free_mb"] > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert "X-RateLimit-Remaining" not in response.headers


def test_a_worker_silent_for_over_five_minutes_makes_it_503(app, client):
    """The worker's last beat six minutes ago: emails wait, so the shop is not healthy."""
    app.config["CLOCK"] = lambda: NOW
    beat(app, NOW - timedelta(minutes=6))
    status, body, _ = health(client)
    assert status == 503 and body["status"] == "failing"
    assert failing(body) == ["worker"] and body["checks"]["worker"]["seen_seconds_ago"] == 360


def test_a_worker_that_never_ran_makes_it_503(client):
    status, body, _ = health(client)
    assert status == 503 and failing(body) == ["worker"]


def test_a_database_behind_the_code_makes_it_503(app, client):
    """After a `git pull` with a new migration and before `make migrate`."""
    app.config["CLOCK"] = lambda: NOW
    beat(app, NOW)
    with app.app_context():
        head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        db.session.execute(text("UPDATE alembic_version SET version_num = '0012'"))
        db.session.commit()
    try:
        status, body, _ = health(client)
    finally:
        # On PostgreSQL the next test gets this database again, emptied but not re-migrated.
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :head"),
                               {"head": head})
            db.session.commit()
    assert status == 503 and failing(body) == ["migrations"]
    assert body["checks"]["migrations"] == {"ok": False, "database": ["0012"], "code": [head]}


def test_an_unreachable_database_makes_it_503_not_500(app, tmp_path):
    """The database file's folder is gone: the answer is still the JSON report."""
    broken = create_app({**app.config,
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/gone/shop.sqlite"})
    status, body, _ = health(broken.test_client())
    assert status == 503
    assert failing(body) == ["database", "migrations", "worker"]
    assert body["checks"]["disk"]["ok"]


def test_a_nearly_full_disk_makes_it_503(app, client):
    app.config["CLOCK"] = lambda: NOW
    beat(app, NOW)
    app.config["HEALTH_MIN_FREE_MB"] = 1024 ** 4  # an exabyte
    status, body, _ = health(client)
    assert status == 503 and failing(body) == ["disk"]


def test_the_dashboard_shows_the_same_checks(app, client, merchant):
    """The merchant reads which check fails and what to do, in words."""
    app.config["CLOCK"] = lambda: NOW
    beat(app, NOW - timedelta(minutes=10))
    html = client.get("/admin/").get_data(as_text=True)
    assert "Server health" in html
    assert "Some checks fail: /healthz answers 503 until they pass." in html
    assert "Last seen 10 minutes ago: it seems to have stopped" in html
    assert "At the code&#39;s revision." in html
    assert "0 server errors in the last 24 hours." in html


def test_the_dashboard_in_korean(app, client, post, merchant):
    app.config["CLOCK"] = lambda: NOW
    beat(app, NOW)
    post("/language", {"lang": "ko", "next": "/admin/"})
    html = client.get("/admin/").get_data(as_text=True)
    assert "서버 상태" in html and "모든 점검을 통과했습니다." in html
    assert "지난 24시간 동안 서버 오류 0건" in html
