"""The five faces: "How did we do?" after delivery, after a return closed and after a help
conversation was resolved, through a signed link (domain/reviews/satisfaction.py).

GET shows the faces (the one tapped in an email already chosen) and a box for a comment; only
POST records, since mail scanners open every link of an email. A face tapped on the return or
conversation page is a POST of its own: one tap records, then the comment box follows.
"""
from flask import current_app, request, url_for
from flask_babel import gettext as _

from domain.extensions import limiter
from domain.reviews import COMMENT_LIMIT
from domain.reviews import satisfaction as answers

from ..htmx import render, see_other
from ..templating import now
from . import bp

PAGE = "reviews/satisfaction.html"


def _chosen(value):
    try:
        score = int(value)
    except (TypeError, ValueError):
        return None
    return score if score in answers.SCORES else None


@bp.route("/satisfaction/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def satisfaction(token):
    try:
        touchpoint, thing = answers.for_token(token, current_app.config["SECRET_KEY"])
    except answers.InvalidAnswer as error:
        return render(PAGE, problem=str(error), status=404)
    subject = answers.subject_of(touchpoint, thing)
    if request.method == "POST":
        try:
            answers.record(subject, request.form.get("score"), request.form.get("comment"),
                           now(), keep_comment=request.form.get("tap") == "1")
        except answers.InvalidAnswer as error:
            return _page(token, subject, answers.answer_of(subject), status=422,
                         problem=str(error), chosen=_chosen(request.form.get("score")),
                         comment=request.form.get("comment", ""))
        return see_other(url_for(".satisfaction", token=token, sent=1))
    answer = answers.answer_of(subject)
    chosen = _chosen(request.args.get("score")) or (answer.score if answer else None)
    return _page(token, subject, answer, chosen=chosen,
                 comment=answer.comment if answer else "", sent=request.args.get("sent") == "1")


def _page(token, subject, answer, status=200, problem=None, chosen=None, comment="", sent=False):
    question = {"delivery": _("How was your order %(reference)s?", reference=subject.reference),
                "return": _("How did your return %(reference)s go?", reference=subject.reference),
                "conversation": _("How did we do with %(reference)s?",
                                  reference=subject.reference)}[subject.touchpoint]
    return render(PAGE, status=status, question=question, answer=answer, problem=problem,
                  chosen=chosen, comment=comment, sent=sent, limit=COMMENT_LIMIT,
                  action=url_for(".satisfaction", token=token))
