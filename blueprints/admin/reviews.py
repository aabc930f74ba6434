"""Back office: the reviews moderation queue (publish, hide with a reason the reviewer is shown,
reply in public) and the review settings. Every change goes through domain.reviews, which
recounts the product's stars in the same transaction."""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from domain.errors import ShopError
from domain.extensions import db
from domain.models import Review
from domain.reviews import moderation, queue
from domain.reviews import settings as review_settings

from ..common import number_locale
from ..htmx import render
from ..templating import now
from . import bp
from .forms import add_domain_errors
from .review_forms import HideForm, ReplyForm, ReviewSettingsForm

FILTERS = ("pending", "published", "hidden", "all")


def _filters(args):
    status = args.get("status", "pending")
    return {"status": status if status in FILTERS else "pending",
            "low": args.get("low") == "1", "photos": args.get("photos") == "1"}


def _queue_url(args):
    """The queue as the merchant was looking at it (filters and page), from the form's `back`."""
    values = {key: value for key, value in args.items()
              if key in ("status", "low", "photos", "page") and value}
    return url_for(".reviews", **values)


def _photo_url():
    """How a review photo is linked (the storefront's photo address: merchants may always see
    it), or None while the shop has no photo address."""
    if "reviews.photo" not in current_app.view_functions:
        return None
    return lambda photo: url_for("reviews.photo", key=photo.key)


def _queue(failed=None, status=200):
    """The queue page; `failed` is (review id, action, form) to show as it was sent, with its
    message on top too (the review may not be in the filtered list)."""
    filters = _filters(request.args)
    results = queue.reviews(page=request.args.get("page", 1), **filters)
    forms = {}
    for review in results.items:
        forms[review.id] = {"hide": HideForm(formdata=None, prefix=f"r{review.id}"),
                            "reply": ReplyForm(formdata=None, prefix=f"r{review.id}",
                                               data={"reply": review.reply})}
        if failed and failed[0] == review.id:
            forms[review.id][failed[1]] = failed[2]
    error = None
    if failed:
        messages = [m for errors in failed[2].errors.values() for m in errors]
        error = " ".join(str(m) for m in messages) or None
    elif status == 422:
        error = _("Nothing was changed: the form had expired. Please try again.")
    # The filters and page the action forms carry, so the merchant comes back to the same list.
    query = {key: value for key, value in (
        ("status", filters["status"]), ("low", "1" if filters["low"] else ""),
        ("photos", "1" if filters["photos"] else ""),
        ("page", results.page if results.page > 1 else "")) if value != ""}
    return render("admin/reviews.html", block="queue", results=results, filters=filters,
                  error=error, query=query,
                  forms=forms, waiting=queue.waiting_count(), photo_url=_photo_url(),
                  status=status)


def _review(review_id):
    review = db.session.get(Review, review_id)
    if review is None:
        abort(404)
    return review


def _done(review, message):
    flash(message, "success")
    return redirect(_queue_url(request.args) + f"#review-{review.id}", code=303)


@bp.get("/reviews")
def reviews():
    return _queue()


@bp.post("/reviews/<id:review_id>/publish")
def review_publish(review_id):
    review = _review(review_id)
    if not HideForm(prefix=f"r{review_id}").validate_on_submit():
        return _queue(status=422)
    moderation.publish(review, now())
    return _done(review, _("The review is published."))


@bp.post("/reviews/<id:review_id>/hide")
def review_hide(review_id):
    review = _review(review_id)
    form = HideForm(prefix=f"r{review_id}")
    if not form.validate_on_submit():
        return _queue(failed=(review_id, "hide", form), status=422)
    try:
        moderation.hide(review, form.reason.data, now())
    except ShopError as error:
        form.reason.errors = [str(error)]
        return _queue(failed=(review_id, "hide", form), status=422)
    return _done(review, _("The review is hidden; the reviewer sees why."))


@bp.post("/reviews/<id:review_id>/reply")
def review_reply(review_id):
    review = _review(review_id)
    form = ReplyForm(prefix=f"r{review_id}")
    if not form.validate_on_submit():
        return _queue(failed=(review_id, "reply", form), status=422)
    try:
        moderation.reply(review, form.reply.data, now())
    except ShopError as error:
        form.reply.errors = [str(error)]
        return _queue(failed=(review_id, "reply", form), status=422)
    return _done(review, _("Reply saved.") if review.reply else _("Reply removed."))


def _settings_page(form=None, status=200):
    return render("admin/review_settings.html", status=status,
                  form=form or ReviewSettingsForm.from_values(review_settings.current()))


@bp.get("/reviews/settings")
def review_settings_page():
    return _settings_page()


@bp.post("/reviews/settings")
def review_settings_save():
    form = ReviewSettingsForm()
    if form.validate_on_submit():
        try:
            review_settings.save(locale=number_locale(), **form.values())
        except ShopError as error:
            return _settings_page(add_domain_errors(form, error), status=422)
        flash(_("Review settings saved."), "success")
        return redirect(url_for(".review_settings_page"), code=303)
    return _settings_page(form, status=422)
