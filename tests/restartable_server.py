"""The shop under gunicorn, as `make run` serves it, in a test's own folder: started, killed
with SIGKILL like a crashed server, and started again on the same port."""
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.server_helpers import free_port

GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Gunicorn:
    """`gunicorn 'shop:create_app({...})'` with the workers and threads `make run` uses; the
    shop's files (database, photos, mail, storefront version) all inside `folder`."""

    def __init__(self, folder, database_uri, workers=2, threads=4):
        self.folder = str(folder)
        config = {"SQLALCHEMY_DATABASE_URI": database_uri, "SECRET_KEY": "crash-test",
                  "UPLOAD_FOLDER": os.path.join(self.folder, "uploads"),
                  "IMPORT_FOLDER": os.path.join(self.folder, "imports"),
                  "MAIL_FOLDER": os.path.join(self.folder, "outbox"),
                  "BACKUP_FOLDER": os.path.join(self.folder, "backups"),
                  "STOREFRONT_VERSION_FILE": os.path.join(self.folder, "storefront.version")}
        self.command = [GUNICORN, "--workers", str(workers), "--threads", str(threads),
                        "--worker-class", "gthread", "--graceful-timeout", "5",
                        f"shop:create_app({config!r})"]
        self.port = free_port()
        self.process = None
        self.starts = 0

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=30):
        log = open(os.path.join(self.folder, f"gunicorn-{self.starts}.log"), "wb")
        self.starts += 1
        # Its own process group: a kill reaches the master and every worker at once.
        self.process = subprocess.Popen(
            [*self.command, "--bind", f"127.0.0.1:{self.port}"], cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "SHOP_URL": self.base})
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: "
                                   + self.log_tail())
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2):
                    return self
            except urllib.error.HTTPError:
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer in time: " + self.log_tail())

    def log_tail(self):
        with open(os.path.join(self.folder, f"gunicorn-{self.starts - 1}.log"), "rb") as fh:
            return fh.read()[-2000:].decode("utf-8", "replace")

    def kill(self):
        """SIGKILL to the master and its workers: no shutdown code runs, as in a crash."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process:
            self.process.wait(timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
