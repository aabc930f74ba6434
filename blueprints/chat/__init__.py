from flask import Blueprint

bp = Blueprint("chat", __name__)

from . import routes  # noqa: E402,F401
