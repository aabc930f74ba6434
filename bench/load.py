"""The processes of a benchmark run: gunicorn serving the shop, and wrk loading it."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.wsgi import BARE_PATH, WORKER_PATH

ROOT = Path(__file__).resolve().parent.parent
# What a browser sends; pages are measured compressed, as visitors get them.
BROWSER_ENCODING = "gzip, deflate, br, zstd"
# ... and a browser's User-Agent: a request without one is not counted as a product view
# (domain/counters.py), and the product rows measure the page with its count.
BROWSER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/131.0 Safari/537.36")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing it with apt-get ...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=False)
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is not installed. Install it (Debian: `sudo apt-get install wrk`) "
                 "and run `make bench` again.")
    return shutil.which("wrk")


class Server:
    """gunicorn with the settings of `make run`, on 127.0.0.1 and a free port."""

    def __init__(self, workdir, database_uri, workers, threads, shared_socket=False):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(workdir) / "gunicorn.log"
        env = dict(os.environ, DATABASE_URL=database_uri, SECRET_KEY="bench-" + os.urandom(16).hex(),
                   BENCH_INSTANCE_DIR=str(workdir), PYTHONPATH=str(ROOT),
                   SHOP_SHARED_SOCKET="1" if shared_socket else "")
        env.pop("FLASK_DEBUG", None)
        self.workers = workers
        # gunicorn-settings.py as `make run` uses it: a listening socket per worker.
        command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn-settings.py"),
                   "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
                   "--bind", f"127.0.0.1:{self.port}", "--chdir", str(ROOT),
                   "--log-level", "warning", "bench.wsgi:from_env()"]
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited early:\n" + self.log_text())
            try:
                with urllib.request.urlopen(self.base + BARE_PATH, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time:\n" + self.log_text())

    def served_by_worker(self, attempts=400):
        """{worker pid: requests answered so far}, asked over new connections until every
        worker has answered (the kernel picks the worker for each connection)."""
        seen = {}
        for _ in range(attempts):
            try:
                with urllib.request.urlopen(self.base + WORKER_PATH, timeout=5) as response:
                    answer = json.loads(response.read())
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                continue
            seen[answer["pid"]] = answer["served"]
            if len(seen) >= self.workers:
                break
        return seen

    def cpu_seconds(self):
        """CPU time used so far by gunicorn's master and workers (Linux /proc), or None."""
        ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        total = 0
        try:
            pids = [self.process.pid] + [int(p) for p in Path(
                f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()]
            for pid in pids:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            return None
        return total / ticks

    def settle(self, timeout=120, interval=0.5, idle_share=0.05):
        """Wait until the workers are idle: wrk stops sending at the end of a run, but requests
        already queued are still worked off and would slow the next scenario down.
        Returns the seconds waited."""
        start = time.monotonic()
        before = self.cpu_seconds()
        if before is None:
            time.sleep(1)
            return time.monotonic() - start
        while time.monotonic() - start < timeout:
            time.sleep(interval)
            now = self.cpu_seconds()
            if now is None or now - before < idle_share * interval:
                break
            before = now
        return time.monotonic() - start

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self):
        if self.process.poll() is None:
            # QUIT is gunicorn's quick shutdown: requests still queued are of no interest now.
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


RESULT_LINE = re.compile(r"^BENCH_RESULT (\{.*\})$", re.M)


def run_wrk(wrk, base, scenario, seconds, connections, threads):
    """One wrk run of `scenario`; the numbers its report.lua printed."""
    # A long timeout: a slow page should show its real latency, not vanish as timeouts.
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "30s", "-s", str(scenario.script), "-H", f"Accept-Encoding: {BROWSER_ENCODING}",
               "-H", f"User-Agent: {BROWSER_AGENT}"]
    for name, value in scenario.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(base + scenario.path)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=seconds + 60)
    match = RESULT_LINE.search(done.stdout)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed for {scenario.name}:\n{done.stdout}\n{done.stderr}")
    return json.loads(match.group(1))
