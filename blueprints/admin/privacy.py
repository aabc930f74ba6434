"""Back office: the erasure log (what was erased or purged, when, at whose request, under an
opaque reference) and how long each kind of record outlives an erasure, and why. The
merchants-only guard in routes.py covers these too."""
from flask import request
from flask_babel import gettext as _

from domain import personal_data

from ..htmx import render
from . import bp


def requested_by_label(requested_by):
    return {"customer": _("The customer, signed in"),
            "email_link": _("The customer, through the emailed link"),
            "retention": _("The end of the retention period")}.get(requested_by, requested_by)


@bp.get("/privacy")
def erasure_log():
    log = personal_data.erasure_log(request.args.get("page", 1))
    return render("admin/privacy.html", log=log, kinds=personal_data.kinds(),
                  kind_label=personal_data.label, requested_by_label=requested_by_label)
