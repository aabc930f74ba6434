"""Rate limits hold across worker processes: under gunicorn with two workers, as `make run`
serves the shop, a limit of 10 lets 10 through in all, not 10 per worker."""
import pytest

from domain.extensions import db
from domain.models import OutboxMessage, RateLimitCounter
from tests.concurrency_helpers import Buyer, race
from tests.page_helpers import csrf_of
from tests.server_helpers import Gunicorn, redis_server

TOO_MANY = "Too many attempts in a short time. Please wait a minute and try again."
# Five reset emails an hour: the wait page says the hour the limit really holds.
AN_HOUR = "Too many attempts. Please try again in 1 hour."


@pytest.fixture
def gunicorn(app, tmp_path):
    """start(**env): the test's database served by gunicorn with two worker processes, behind
    a pretend proxy (TRUST_PROXY); waits until both answer. Each worker takes one request at a
    time, so requests sent together are shared between them."""
    servers = []

    def start(**env):
        servers.append(Gunicorn(tmp_path, {
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"], "TRUST_PROXY": "1", "SMTP_URL": "", **env}))
        return servers[-1].start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server on 127.0.0.1 and a free port, keeping nothing on disk."""
    with redis_server(tmp_path) as url:
        yield url


def forms_of(browsers, path, **fields):
    """Each browser opens the form (its own cookie and CSRF token); the forms to send back."""
    pages = race([lambda b=b: b.request(path) for b in browsers])
    return [{"csrf_token": csrf_of(html), **fields} for _, _, html in pages]


def send_together(browsers, path, forms):
    return race([lambda b=b, f=f: b.request(path, f) for b, f in zip(browsers, forms)])


def sign_in_race(server, user, attempts):
    """`attempts` browsers send a wrong password at the same instant; their answers."""
    browsers = [Buyer(server.base) for _ in range(attempts)]
    forms = forms_of(browsers, "/account/login", email=user["email"], password="not it")
    return send_together(browsers, "/account/login", forms)


def assert_refused_past(limit, server, path, answers, passed, wait=TOO_MANY):
    """Exactly `limit` answers are `passed`, the rest the wait page, from both workers (each
    of which, counting alone, would have let its own `limit` through)."""
    assert sorted(status for status, _, _ in answers) == [passed] * limit + [429] * limit
    assert all(wait in body for status, _, body in answers if status == 429)
    assert len(server.pids("POST", path, count=len(answers))) == 2


def test_limits_are_counted_once_for_all_workers(app, gunicorn, make):
    """20 wrong passwords at once against 10 a minute: 10 are checked, 10 get the wait page.
    Ten reset requests at once from ten places for one inbox: five emails, five refusals."""
    user = make.user()
    server = gunicorn()
    assert_refused_past(10, server, "/account/login", sign_in_race(server, user, 20), 422)

    browsers = [Buyer(server.base, headers={"X-Forwarded-For": f"203.0.113.{n}"})
                for n in range(1, 11)]
    forms = forms_of(browsers, "/account/reset", email=user["email"])
    assert_refused_past(5, server, "/account/reset",
                        send_together(browsers, "/account/reset", forms), 303, wait=AN_HOUR)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "password_reset",
            OutboxMessage.to_address == user["email"])) == 5


def test_a_redis_server_named_in_the_settings_counts_for_all_workers(app, gunicorn, make,
                                                                     redis_url):
    """RATELIMIT_STORAGE_URI=redis://...: the same 10 of 20, counted in Redis."""
    import redis
    user = make.user()
    server = gunicorn(RATELIMIT_STORAGE_URI=redis_url)
    assert_refused_past(10, server, "/account/login", sign_in_race(server, user, 20), 422)
    assert redis.Redis.from_url(redis_url).keys("LIMITS:LIMITER/*")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RateLimitCounter.key))) == 0
