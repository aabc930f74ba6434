"""GET /healthz for an uptime monitor or a load balancer: 200 when the shop can serve and do
its background work, 503 when not, with a short JSON body saying which check failed."""
from flask import jsonify

from domain.extensions import limiter

from . import bp
from .context import report


@bp.get("/healthz")
@limiter.exempt  # a monitor asks every few seconds, from one address
def healthz():
    result = report()
    response = jsonify(result.as_json())
    response.status_code = 200 if result.ok else 503
    # Never from a cache: a monitor must see the shop as it is now.
    response.headers["Cache-Control"] = "no-store"
    return response
