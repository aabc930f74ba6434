"""The public "You said, we did" page: every change the shop made after customers' reviews
and returns, latest first (domain/reviews/changes.py)."""
from flask import request

from domain.reviews import changes as change_notes

from ..htmx import render
from ..pagecache import cached_page
from . import bp


@bp.get("/changes")
@cached_page
def changes():
    return render("reviews/changes.html", notes=change_notes.recent(request.args.get("page", 1)))
