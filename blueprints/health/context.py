"""The health checks as this app runs them: /healthz answers with them, the back office's
dashboard shows them."""
from flask import current_app

from domain import health

from ..templating import now


def report():
    app = current_app
    return health.check(now(), app.instance_path, app.extensions["migrate"].directory,
                        min_free_bytes=app.config["HEALTH_MIN_FREE_MB"] * 1024 * 1024)
