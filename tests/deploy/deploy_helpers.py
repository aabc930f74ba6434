"""Reading the files in deploy/ and driving real servers: gunicorn started as the systemd unit
starts it, Caddy with the real Caddyfile, and a visitor speaking HTTP(S) to either."""
import http.client
import os
import pathlib
import shlex
import ssl
import subprocess
from urllib.parse import urlencode, urlsplit

from tests.page_helpers import csrf_of
from tests.server_helpers import Gunicorn, free_port, stop, wait_for

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# Where README's "Put it on a server" clones the code.
SERVER_CODE = "/opt/moonjar"
# The domain and upstream the deployment files name, for the merchant to replace.
EXAMPLE_DOMAIN = "shop.example.com"
UPSTREAM = "127.0.0.1:8000"


def exec_start(unit):
    """The ExecStart= command line of deploy/<unit>, as a list of words."""
    text = (DEPLOY / unit).read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def start_gunicorn(tmp, env):
    """gunicorn with the unit's own options, but on a free port (and with its logs in `tmp`);
    stop it with its stop()."""
    argv = exec_start("moonjar-web.service")
    assert argv[0] == f"{SERVER_CODE}/.venv/bin/gunicorn", argv
    bind = argv.index("--bind")
    del argv[bind:bind + 2]
    return Gunicorn(tmp, env, options=argv[1:]).start()


def caddyfile_for(upstream, http_port, https_port, storage):
    """The real deploy/Caddyfile for `localhost` in front of `upstream`, after global options
    that keep Caddy on loopback, on the given ports, with its own local certificate authority
    instead of Let's Encrypt (`tls internal` for every site)."""
    site = (DEPLOY / "Caddyfile").read_text()
    assert EXAMPLE_DOMAIN in site and UPSTREAM in site
    site = site.replace(EXAMPLE_DOMAIN, "localhost").replace(UPSTREAM, upstream)
    return (f"{{\n\tadmin off\n\tdefault_bind 127.0.0.1\n\thttp_port {http_port}\n"
            f"\thttps_port {https_port}\n\tlocal_certs\n\tskip_install_trust\n"
            f"\tstorage file_system {storage}\n}}\n\n{site}")


def start_caddy(caddy, tmp, upstream):
    """Caddy in front of `upstream`; returns (process, https base, http base, CA root file)."""
    http_port, https_port = free_port(), free_port()
    storage = tmp / "caddy-data"
    config = tmp / "Caddyfile"
    config.write_text(caddyfile_for(upstream, http_port, https_port, storage))
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp),
           "XDG_DATA_HOME": str(tmp / "xdg-data"), "XDG_CONFIG_HOME": str(tmp / "xdg-config")}
    log = tmp / "caddy.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
                                env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    root = storage / "pki" / "authorities" / "local" / "root.crt"
    base = f"https://localhost:{https_port}"

    def serving():
        assert proc.poll() is None, "caddy stopped:\n" + log.read_text()
        if not root.exists():
            return False
        try:
            Visitor(base, ca=root).get("/healthz")
            return True
        except (OSError, ssl.SSLError, http.client.HTTPException):
            return False
    try:
        wait_for(serving, "caddy to serve HTTPS")
    except BaseException:
        stop(proc)
        raise
    return proc, base, f"http://localhost:{http_port}", root


class Visitor:
    """One browser: its session cookie (kept by hand: a Secure cookie is sent back to plain
    HTTP too, as a proxy would pass it on), extra headers, and the address it connects from."""

    def __init__(self, base, ca=None, headers=None, source=None):
        self.base = base
        self.headers = dict(headers or {})
        self.source = source
        self.cookie = None
        self.context = ssl.create_default_context(cafile=str(ca)) if ca else None

    def request(self, method, path, data=None, headers=None):
        """(status, headers, body)."""
        parts = urlsplit(self.base)
        kwargs = {"timeout": 10}
        if self.source:
            kwargs["source_address"] = (self.source, 0)
        if parts.scheme == "https":
            conn = http.client.HTTPSConnection(parts.hostname, parts.port,
                                               context=self.context, **kwargs)
        else:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, **kwargs)
        sent = {**self.headers, **(headers or {})}
        if self.cookie:
            sent["Cookie"] = self.cookie
        body = None
        if data is not None:
            body = urlencode(data)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        set_cookie = response.headers.get("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return response.status, response.headers, text

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def submit(self, path, fields, scheme_host=None):
        """Open the form at `path` and send it with `fields`, as a browser would (its CSRF
        token, and the Referer Flask-WTF asks of HTTPS requests)."""
        status, _, html = self.get(path)
        assert status == 200, (status, html[:300])
        referer = (scheme_host or self.base) + path
        return self.request("POST", path, {"csrf_token": csrf_of(html), **fields},
                            headers={"Referer": referer})
