from flask import Blueprint

bp = Blueprint("checkout", __name__)

from . import oneclick, routes, undo  # noqa: E402,F401
