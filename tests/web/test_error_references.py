"""A page that fails: the shopper gets a reference to quote, the log has the same reference with
the traceback, and the dashboard counts it, without the failing request writing anything."""
import logging
import time

import pytest
from sqlalchemy import text

from blueprints import server_errors
from domain.extensions import db
from shop import create_app
from tests.order_helpers import NOW


def stored(app):
    with app.app_context():
        return db.session.scalar(text("SELECT COALESCE(SUM(count), 0) FROM server_error_count"))


def breaks(app):
    """A real failure inside a view: a bug that raises, served as in production (no
    propagation to the test). Registered on this test's app only."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/broken-for-this-test")
    def broken():
        raise ZeroDivisionError("a bug")
    return "/broken-for-this-test"


@pytest.fixture
def broken_path(app):
    return breaks(app)


def test_the_error_page_gives_the_reference_that_is_in_the_log(app, client, broken_path,
                                                                caplog):
    caplog.set_level(logging.ERROR)
    response = client.get(broken_path)
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    assert len(reference) == 16
    html = response.get_data(as_text=True)
    assert "Something went wrong" in html
    assert ("If you contact us about it, please quote this reference: "
            f'<code class="reference">{reference}</code>') in html
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert len(logged) == 1
    assert f"GET {broken_path}" in logged[0].getMessage()
    assert logged[0].exc_info[0] is ZeroDivisionError


def test_the_reference_in_korean(client, post, broken_path):
    post("/language", {"lang": "ko", "next": "/"})
    response = client.get(broken_path)
    assert response.status_code == 500
    assert ("문의하실 때 이 참조 번호를 알려 주세요: "
            f'<code class="reference">{response.headers["X-Request-ID"]}</code>'
            in response.get_data(as_text=True))


def test_each_request_has_its_own_id_and_a_visitor_cannot_choose_it(client):
    """Without a trusted proxy an incoming X-Request-ID is ignored: a visitor cannot put text
    of their choosing into the log or the page."""
    first = client.get("/", headers={"X-Request-ID": "chosen-by-visitor-123"})
    second = client.get("/")
    ids = {first.headers["X-Request-ID"], second.headers["X-Request-ID"]}
    assert len(ids) == 2 and "chosen-by-visitor-123" not in ids


def test_behind_the_trusted_proxy_its_request_id_is_kept(app):
    """TRUST_PROXY=1 and the request from the proxy's address: Caddy's or nginx's id is the
    shop's too, so one id finds both log lines. An id that does not look like one is not."""
    proxied = create_app({**app.config, "TRUST_PROXY": True}).test_client()
    caddy_id = "0f8c4b1e-2a9d-4c3e-9b7a-5d6e7f8a9b0c"
    assert proxied.get("/", headers={"X-Request-ID": caddy_id}).headers["X-Request-ID"] == caddy_id
    for bad in ("<script>alert(1)</script>", "x" * 65, "short"):
        assert proxied.get("/", headers={"X-Request-ID": bad}).headers["X-Request-ID"] != bad
    outsider = proxied.get("/", headers={"X-Request-ID": caddy_id},
                           environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert outsider.headers["X-Request-ID"] != caddy_id


def test_errors_are_counted_in_memory_and_stored_by_the_flush(app, client, broken_path,
                                                               merchant):
    """The failing requests write nothing; the dashboard counts them at once from memory, and
    after the flush every process (a second app on the same database) sees them."""
    app.config["CLOCK"] = lambda: NOW
    for _ in range(2):
        assert client.get(broken_path).status_code == 500
    assert stored(app) == 0
    html = client.get("/admin/").get_data(as_text=True)
    assert "2 server errors in the last 24 hours." in html

    server_errors.flush(app)
    assert stored(app) == 2
    other = create_app({**app.config})
    other.config["CLOCK"] = lambda: NOW
    with other.test_request_context():
        assert server_errors.counts(other).since(NOW) == 2
    assert "2 server errors in the last 24 hours." in client.get("/admin/").get_data(as_text=True)


def test_each_process_flushes_its_counts_in_the_background(app, client, broken_path):
    """With ERROR_FLUSH_SECONDS set (30 in production), a thread of the process stores the
    count soon after the error, with no other request needed."""
    app.config["ERROR_FLUSH_SECONDS"] = 0.1
    assert client.get(broken_path).status_code == 500
    deadline = time.monotonic() + 10
    while stored(app) != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stored(app) == 1
