"""Real servers for tests that need more than the test client: the shop under gunicorn (as
`make run` serves it, or as the systemd unit does; restartable after a kill), a redis-server,
and the worker command, each on 127.0.0.1 and a free port, stopped by the caller."""
import contextlib
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time

from tests.concurrency_helpers import Buyer, race

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
GUNICORN = BIN / "gunicorn"
# What start() asks for until every worker has answered: a page that writes nothing.
WARM_UP = "/account/login"


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


class Gunicorn:
    """The shop under gunicorn on 127.0.0.1 and a port of its own, chosen once: started,
    stopped, killed with SIGKILL like a crashed server and started again on the same port.

    `options`: gunicorn's command line without --bind, by default `workers` plain workers
    (one request at a time each) serving `shop:create_app()`; `make run`'s settings are
    ("-c", "gunicorn-settings.py", "--workers", "2", "shop:create_app()"). `env`: settings
    on top of this process's environment (None unsets one). The port is named up front, as
    a :0 bind's port is not in the log once the workers listen on sockets of their own
    (gunicorn-settings.py). Its logs are in `folder`: gunicorn-<n>.log for the n-th start,
    and access.log (`answers`, `pids`)."""

    def __init__(self, folder, env=None, options=None, workers=2):
        self.folder = pathlib.Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.options = list(options or ("--workers", str(workers), "shop:create_app()"))
        self.workers = int(self.options[self.options.index("--workers") + 1])
        self.env = {key: value for key, value in {**os.environ, **(env or {})}.items()
                    if value is not None}
        self.access_log = self.folder / "access.log"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.starts = 0

    @property
    def error_log(self):
        return self.folder / f"gunicorn-{self.starts - 1}.log"

    def start(self):
        """Start it and wait until every worker has answered a request."""
        earlier = len(self.answers("GET", WARM_UP))
        self.starts += 1
        # Its own process group: kill() reaches the master and every worker at once.
        self.proc = subprocess.Popen(
            [str(GUNICORN), *self.options, "--bind", f"127.0.0.1:{self.port}",
             "--graceful-timeout", "1", "--access-logfile", str(self.access_log),
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
             "--error-logfile", str(self.error_log)],
            cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)

        def every_worker_answers():
            if self.proc.poll() is not None:
                raise AssertionError("gunicorn stopped:\n" + self.log())
            try:
                race([lambda: Buyer(self.base).request(WARM_UP) for _ in range(4 * self.workers)])
            except OSError:
                return False  # not listening yet
            return len({pid for pid, _ in self.answers("GET", WARM_UP)[earlier:]}) == self.workers
        try:
            wait_for(every_worker_answers, "every gunicorn worker to answer")
        except BaseException:
            self.stop()
            raise
        return self

    def log(self):
        return self.error_log.read_text() if self.error_log.exists() else ""

    def answers(self, method, path):
        """(worker pid, status) of each request gunicorn logged for `method path`."""
        text = self.access_log.read_text() if self.access_log.exists() else ""
        lines = text[:text.rfind("\n") + 1].splitlines()  # whole lines only
        # A worker killed while writing may have left a line cut short.
        logged = [fields for fields in map(str.split, lines) if len(fields) == 4]
        return [(pid, int(status)) for pid, m, p, status in logged if (m, p) == (method, path)]

    def pids(self, method, path, count=0):
        """The workers that answered `method path`, once at least `count` answers are logged
        (a worker logs a request just after answering it)."""
        wait_for(lambda: len(self.answers(method, path)) >= count, "the access log")
        return {pid for pid, _ in self.answers(method, path)}

    def kill(self):
        """SIGKILL to the master and its workers: no shutdown code runs, as in a crash."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc:
            self.proc.wait(timeout=10)

    def stop(self):
        """gunicorn's quick shutdown (SIGINT), which ends its workers too; SIGKILL if it
        lingers."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


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
