from flask import Blueprint

bp = Blueprint("help", __name__)

from . import contact, faq  # noqa: E402,F401
