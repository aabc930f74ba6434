from flask import Blueprint

bp = Blueprint("brand", __name__)

from . import routes  # noqa: E402,F401
