from flask import Blueprint

bp = Blueprint("help", __name__)

from . import contact, messages  # noqa: E402,F401
