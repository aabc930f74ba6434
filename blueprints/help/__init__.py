from flask import Blueprint

bp = Blueprint("help", __name__)

from . import contact, faq, messages  # noqa: E402,F401
