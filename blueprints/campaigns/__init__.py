"""Newsletter campaigns' public side: the landing of a campaign's links (routes.py) and the
campaign email's content (emails.py, rendered by blueprints/mail.py)."""
from flask import Blueprint

bp = Blueprint("campaigns", __name__)

from . import routes  # noqa: E402,F401  (registers the landing page)
