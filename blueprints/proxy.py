"""TRUST_PROXY=1: the X-Forwarded-* headers of the reverse proxy (Caddy, nginx) say who the
visitor is and whether they came over HTTPS, but only on connections from the proxy itself.

Anyone can send X-Forwarded-For. Believed from everyone, it would let a visitor who reaches
gunicorn directly (a port left open, `make run HOST=0.0.0.0`) pick a new address for each
request and never meet a rate limit, or claim HTTPS. So the headers count only when the
connection comes from an address in TRUST_PROXY_FROM (by default this server's loopback,
127.0.0.1 and ::1, where deploy/Caddyfile and deploy/nginx.conf connect from), and then only
the last hop: the address the proxy saw, which it writes last (Caddy and deploy/nginx.conf
replace what the client sent; nginx's $proxy_add_x_forwarded_for appends to it).
"""
import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix

# Set in the WSGI environ by ProxyFix when it applied the headers.
APPLIED = "werkzeug.proxy_fix.orig"


def parse_networks(text):
    """'127.0.0.1, ::1, 10.0.0.0/8' as networks; a bad entry raises ValueError naming it."""
    networks = []
    for entry in (part.strip() for part in (text or "").split(",")):
        if entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"TRUST_PROXY_FROM: {entry!r} is not an IP address or network")
    return networks


class TrustedProxy:
    """ProxyFix (one hop of X-Forwarded-For, -Proto and -Host) for connections from the
    proxies' addresses; every other request passes as it came."""

    def __init__(self, wsgi_app, networks):
        self.plain = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1)
        self.networks = networks

    def from_proxy(self, address):
        try:
            ip = ipaddress.ip_address((address or "").split("%")[0])
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.from_proxy(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.plain(environ, start_response)


def init_app(app):
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = TrustedProxy(app.wsgi_app, parse_networks(app.config["TRUST_PROXY_FROM"]))


def through_proxy(environ):
    """Whether this request came through a trusted proxy (its headers were applied)."""
    return APPLIED in environ
