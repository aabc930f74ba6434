"""Real servers for tests that need more than the test client: the shop under gunicorn (as
`make run` serves it), a redis-server, and the worker command, each on 127.0.0.1 and a free
port, stopped by the caller."""
import contextlib
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

from tests.concurrency_helpers import Buyer, race

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


@dataclass
class Gunicorn:
    base: str
    access_log: pathlib.Path
    proc: subprocess.Popen = field(default=None, repr=False)

    def answers(self, method, path):
        """(worker pid, status) of each request gunicorn logged for `method path`."""
        text = self.access_log.read_text() if self.access_log.exists() else ""
        lines = text[:text.rfind("\n") + 1].splitlines()  # whole lines only
        return [(pid, int(status)) for pid, m, p, status in (line.split() for line in lines)
                if (m, p) == (method, path)]

    def pids(self, method, path, count=0):
        """The workers that answered `method path`, once at least `count` answers are logged
        (a worker logs a request just after answering it)."""
        wait_for(lambda: len(self.answers(method, path)) >= count, "the access log")
        return {pid for pid, _ in self.answers(method, path)}


def start_gunicorn(folder, env, workers=2):
    """The shop under gunicorn with `workers` processes (one request at a time each), its logs
    in `folder`; waits until every worker answers. Stop it with stop(server.proc)."""
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    access_log, error_log = folder / "access.log", folder / "gunicorn.log"
    proc = subprocess.Popen(
        [str(GUNICORN), "--workers", str(workers), "--bind", "127.0.0.1:0",
         "--graceful-timeout", "1", "--access-logfile", str(access_log),
         "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "--error-logfile", str(error_log),
         "shop:create_app()"],
        cwd=ROOT, env={**os.environ, **env}, stdin=subprocess.DEVNULL)

    def listening():
        log = error_log.read_text() if error_log.exists() else ""
        if proc.poll() is not None:
            raise AssertionError("gunicorn stopped:\n" + log)
        match = LISTENING.search(log)
        return match and match.group(1)
    try:
        server = Gunicorn(wait_for(listening, "gunicorn to listen"), access_log, proc)

        def every_worker_answers():
            race([lambda: Buyer(server.base).request("/account/login") for _ in range(4 * workers)])
            return len(server.pids("GET", "/account/login")) == workers
        wait_for(every_worker_answers, "every gunicorn worker to answer")
    except BaseException:
        stop(proc)
        raise
    return server


def stop(proc, sig=signal.SIGINT):
    """Stop a server started here (SIGINT: gunicorn's quick shutdown), killing it if it lingers."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def redis_server(folder):
    """A real redis-server on 127.0.0.1 and a free port, keeping nothing on disk; yields its URL."""
    binary = shutil.which("redis-server")
    # Not a skip: the suite needs a real Redis (.ci/run installs it; README lists it).
    assert binary, "redis-server is not installed (Debian: apt-get install redis-server)"
    port = free_port()
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)

    def accepts():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            return False
    try:
        wait_for(accepts, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
