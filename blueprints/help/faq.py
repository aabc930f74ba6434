"""The help page: the shop's questions and answers, searched as one types, and "Did this
help?" votes. The page is a GET that writes nothing (and is kept in the page cache); a vote is
a POST, rate-limited, counted once per visitor."""
import secrets

from flask import abort, redirect, request, session, url_for

from domain import faq
from domain.extensions import limiter

from ..common import shop
from ..htmx import render, wants_fragment
from ..pagecache import cached_page
from ..templating import now
from . import bp

VOTE_LIMIT = "10 per minute; 60 per hour"
# The session key of the visitor's random token, which their votes are counted by.
VISITOR = "visitor"


def _answers(entries):
    """{entry id: Answer} of the generated entries shown, drawn from the rules now."""
    config = shop()
    return {entry.id: faq.generated.answer(entry.generated, config)
            for entry in entries if entry.generated}


def _voted():
    """The entry a visitor without JavaScript just voted on (the vote's redirect says so)."""
    try:
        return int(request.args.get("voted", "")), request.args.get("helpful") == "yes"
    except ValueError:
        return None, None


@bp.get("/help", endpoint="faq")
@cached_page
def faq_page():
    q = request.args.get("q", "").strip()[:200]
    if q:
        results, listed = faq.search.search(q), []
        shown = results
    else:
        results, listed = [], faq.categories()
        shown = [entry for _category, entries in listed for entry in entries]
    voted, helpful = _voted()
    return render("help/faq.html", block="results", q=q, results=results, listed=listed,
                  answers=_answers(shown), voted=voted, voted_helpful=helpful,
                  from_path=request.path)


def _visitor_token():
    token = session.get(VISITOR)
    if not isinstance(token, str) or len(token) < 16:
        token = session[VISITOR] = secrets.token_urlsafe(16)
    return token


@bp.post("/help/<id:entry_id>/vote")
@limiter.limit(VOTE_LIMIT)
def vote(entry_id):
    if request.form.get("helpful") not in ("yes", "no"):
        abort(400)
    helpful = request.form.get("helpful") == "yes"
    entry = faq.vote(entry_id, faq.voter_key(_visitor_token()), helpful, now())
    if wants_fragment():
        return render("help/vote.html", block="vote", entry=entry, voted=entry.id,
                      voted_helpful=helpful, from_path=url_for(".faq"))
    return redirect(url_for(".faq", voted=entry.id, helpful="yes" if helpful else "no",
                            _anchor=f"q-{entry.id}"), code=303)
