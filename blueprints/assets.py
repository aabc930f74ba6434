"""Static files: URLs carry a hash of the file, and text files are sent compressed from memory.

Phones on slow networks pay for every byte: htmx is 51 KB raw and 15 KB as brotli. Files are
compressed once per process at the strongest levels (it costs milliseconds, once), and a URL
whose ?v= matches the file's hash may be cached by the browser for a year. A stylesheet is sent
without its comments (they are for the people who edit it, a sixth of its compressed weight).
"""
import gzip
import hashlib
import mimetypes
import os
import re
import threading
from dataclasses import dataclass

import brotli
from flask import Response, abort, request
from werkzeug.security import safe_join

MAX_AGE = 365 * 24 * 3600
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
# A CSS comment, and the blank lines removing one leaves. The shop's stylesheets have no "/*"
# inside a string or url().
_CSS_COMMENT = re.compile(rb"/\*.*?\*/", re.S)
_BLANK_LINES = re.compile(rb"\n\s*\n")


def without_comments(css):
    """A stylesheet's bytes without its comments and the blank lines they leave."""
    return _BLANK_LINES.sub(b"\n", _CSS_COMMENT.sub(b"", css)).strip() + b"\n"


@dataclass(frozen=True)
class Asset:
    data: bytes
    mimetype: str
    digest: str
    br: bytes | None
    gzip: bytes | None


def _load(path, filename):
    with open(path, "rb") as fh:
        data = fh.read()
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if mimetype == "text/css":
        data = without_comments(data)
    compress = mimetype.startswith(TEXT_TYPES) and len(data) > 500
    return Asset(data=data, mimetype=mimetype, digest=hashlib.sha256(data).hexdigest()[:12],
                 br=brotli.compress(data, quality=11) if compress else None,
                 gzip=gzip.compress(data, 9, mtime=0) if compress else None)


def init_app(app):
    assets = {}
    lock = threading.Lock()

    def asset(filename):
        """The file under static/, read once per process (again in debug mode), or None."""
        if filename in assets and not app.debug:
            return assets[filename]
        path = safe_join(app.static_folder, filename)
        if path is None or not os.path.isfile(path):
            return None
        with lock:
            assets[filename] = _load(path, filename)
        return assets[filename]

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            found = asset(values["filename"])
            values["v"] = found.digest if found else "0"

    def static(filename):
        found = asset(filename)
        if found is None:
            abort(404)
        body, encoding = found.data, None
        accepted = request.accept_encodings
        if found.br and accepted["br"]:
            body, encoding = found.br, "br"
        elif found.gzip and accepted["gzip"]:
            body, encoding = found.gzip, "gzip"
        response = Response(body, mimetype=found.mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        if request.args.get("v") == found.digest:
            response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}, immutable"
        else:
            response.headers["Cache-Control"] = "public, max-age=300"
        response.set_etag(found.digest + (encoding or ""))
        return response.make_conditional(request)

    app.view_functions["static"] = static
