"""What both payment fakes share: a threaded HTTP server on 127.0.0.1 and a free port, a log of
the requests it got, the faults a test can ask for, and webhook deliveries.

Faults:
- `answer_slowly(seconds)`: each request is carried out, then its answer waits. A client whose
  timeout is shorter gives up although the charge or refund happened: the "unknown outcome"
  that idempotency keys exist for.
- `fail_next(count, status)`: the next `count` requests get a 5xx without being carried out,
  as a provider's load balancer answers when the service behind it is down.
- `deliver(url, body, headers, times, concurrently)`: one webhook sent `times` times, one after
  another or all at once (a barrier lets them go together).
"""
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import requests


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes


class FakeProvider:
    """Subclasses implement `route(method, path, query, headers, body)` returning
    (status, headers, payload) and `failure(status)` giving their error body."""

    def __init__(self):
        self.lock = threading.RLock()
        self.seen = []
        self._delay = 0.0
        self._failures = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                fake._serve(self, self.command, self.path, dict(self.headers),
                            self.rfile.read(length))

            do_GET = do_POST = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer_slowly(self, seconds):
        self._delay = seconds

    def fail_next(self, count=1, status=500):
        with self.lock:
            self._failures.extend([status] * count)

    def requests_to(self, method, path):
        return [s for s in self.seen if (s.method, s.path) == (method, path)]

    def _serve(self, handler, method, target, headers, body):
        parts = urlsplit(target)
        with self.lock:
            self.seen.append(Seen(method, parts.path, headers, body))
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            status, extra, payload = failure, {}, self.failure(failure)
        else:
            status, extra, payload = self.route(method, parts.path, parts.query, headers, body)
        if self._delay:
            time.sleep(self._delay)
        data = json.dumps(payload, ensure_ascii=False).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json; charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: what a timeout looks like from this side


def deliver(url, body, headers, times=1, concurrently=False):
    """POST one webhook `times` times; the statuses the shop answered, in sending order."""
    headers = {"Content-Type": "application/json; charset=utf-8", **headers}
    if not concurrently:
        return [requests.post(url, data=body, headers=headers, timeout=30).status_code
                for _ in range(times)]
    statuses, barrier = [None] * times, threading.Barrier(times)

    def send(i):
        barrier.wait()
        statuses[i] = requests.post(url, data=body, headers=headers, timeout=30).status_code
    threads = [threading.Thread(target=send, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


class WebhookReceiver:
    """The shop's webhook endpoint in miniature, for testing an adapter's `webhook()` over real
    deliveries: 200 with the verified event recorded, 400 for a rejected one (the providers
    then retry), 503 when the provider could not be asked."""

    def __init__(self, provider):
        from domain.errors import ProviderUnavailable, WebhookRejected
        receiver, self.events, self.rejected = self, [], 0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    event, status = provider.webhook(body, dict(self.headers)), 200
                except WebhookRejected:
                    event, status = None, 400
                except ProviderUnavailable:
                    event, status = None, 503
                with receiver.lock:
                    if event is not None:
                        receiver.events.append(event)
                    receiver.rejected += status == 400
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/webhook"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
