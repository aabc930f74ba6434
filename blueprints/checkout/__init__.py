from flask import Blueprint

bp = Blueprint("checkout", __name__)

from . import routes, oneclick, undo  # noqa: E402,F401
