"""The one-page review form of an order: GET shows every product of the order with the buyer's
review of it (and its status), POST saves them through domain.reviews.submit. Guests come with
the signed link (?t=), members signed in to the order's account need none."""
import re

from flask import flash, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from domain.errors import InvalidImage, ShopError, StorageUnavailable
from domain.loyalty import codes
from domain.reviews import BODY_LIMIT, MAX_PHOTOS, TITLE_LIMIT, photos, submit

from . import bp
from ..common import shop
from .context import form_url_args
from .identity import form_link_token, reviewing_order
from ..htmx import render, see_other
from ..templating import now

LINE_FIELD = re.compile(r"(rating|title|body|recommend|photos|remove-photo)-(\d{1,12})")


def sent_entries(form, files):
    """The form's entries, one per order line named by a field (rating-<line id>, ...).
    Reading a photo stops one byte past its limit, enough to say it is too large."""
    line_ids = []
    for key in [*form.keys(), *files.keys()]:
        found = LINE_FIELD.fullmatch(key)
        if found and int(found.group(2)) not in line_ids:
            line_ids.append(int(found.group(2)))
    return [submit.Entry(
        line_id=line_id, rating=form.get(f"rating-{line_id}", ""),
        title=form.get(f"title-{line_id}", ""), body=form.get(f"body-{line_id}", ""),
        recommend=form.get(f"recommend-{line_id}", ""),
        photos=[(f.filename or "", f.read(photos.MAX_BYTES + 1))
                for f in files.getlist(f"photos-{line_id}") if f and f.filename],
        remove_photos=[int(v) for v in form.getlist(f"remove-photo-{line_id}") if v.isdigit()])
        for line_id in line_ids]


@bp.route("/orders/<number>/review", methods=["GET", "POST"])
def form(number):
    """The order's review form; a refused form is shown again with 422 and saves nothing."""
    order = reviewing_order(number)
    if request.method == "GET":
        return _page(order)
    entries = sent_entries(request.form, request.files)
    try:
        saved = submit.submit(order, entries, now(), locale=str(get_locale() or "en"))
    except submit.ReviewProblems as problems:
        return _page(order, 422, problem=str(problems), line_problems=problems.lines,
                     sent=entries)
    except StorageUnavailable:
        return _page(order, 503, problem=_("Photos cannot be kept right now; nothing was "
                                           "saved. Please try again in a few minutes."),
                     sent=entries)
    except (InvalidImage, ShopError) as error:
        return _page(order, 422, problem=str(error), sent=entries)
    flash(_saved(len(saved)), "success")
    return see_other(url_for("reviews.form", **form_url_args(order)))


def _saved(count):
    if not count:
        return _("Nothing had changed, so nothing was saved.")
    return ngettext("Thank you! Your review was saved.",
                    "Thank you! Your %(num)d reviews were saved.", count)


def _page(order, status=200, problem=None, line_problems=None, sent=()):
    items = submit.items(order)
    sent_by_line = {entry.line_id: entry for entry in sent}
    token = form_link_token()
    rows = [{"item": item, "sent": sent_by_line.get(item.line.id),
             "error": (line_problems or {}).get(item.line.id, ""),
             "photos": [(photo.id, url_for("reviews.photo", key=photo.key,
                                           **({"t": token} if token else {})))
                        for photo in (item.review.photos if item.review else [])]}
            for item in items]
    field_errors = [(f"item-{row['item'].line.id}", f"{row['item'].line.title}: {row['error']}")
                    for row in rows if row["error"]]
    return render("reviews/form.html", status=status, order=order, rows=rows, problem=problem,
                  field_errors=field_errors, auto_publish=submit.auto_publish(),
                  shown_name=submit.author_name(order),
                  link_token=token, photos_dropped=bool(sent) and status >= 400,
                  can_review=any(not row["item"].problem for row in rows),
                  # The thank-you codes of the reviews, while the reviewer can still use them.
                  review_offers={item.review.id: codes.review_offer(item.review, now(),
                                                                    shop().currency)
                                 for item in items
                                 if item.review is not None and item.review.incentive == "code"},
                  title_limit=TITLE_LIMIT, body_limit=BODY_LIMIT, max_photos=MAX_PHOTOS,
                  max_photo_mb=photos.MAX_BYTES // (1024 * 1024))
