"""Every request has an id: sent back in the X-Request-ID header, written in the log line of a
server error and shown on the error page, so "reference 3f9c…" from a shopper leads to the
traceback (and, behind Caddy or nginx, to the proxy's log line for the same request).

The proxy's id is taken when the request came through a trusted proxy (TRUST_PROXY=1, from
TRUST_PROXY_FROM: blueprints/proxy.py) and looks like an id; otherwise one is made up, so a
visitor cannot put arbitrary text into the shop's log or pages.
"""
import re
import secrets

from flask import current_app, g, has_request_context, request

from . import proxy

HEADER = "X-Request-ID"
# Caddy's {http.request.uuid}, nginx's $request_id (32 hex digits) and the like.
SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")


def current():
    """This request's id (None outside a request)."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        g.request_id = _choose()
    return g.request_id


def _choose():
    incoming = request.headers.get(HEADER, "")
    if (current_app.config["TRUST_PROXY"] and proxy.through_proxy(request.environ)
            and SANE.fullmatch(incoming)):
        return incoming
    return secrets.token_hex(8)


def init_app(app):
    @app.after_request
    def tag(response):
        response.headers[HEADER] = current()
        return response
