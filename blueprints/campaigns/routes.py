"""/go?c=<campaign>&to=<path>: every link of a campaign's email goes through here. It keeps the
campaign and the time in the visitor's session (nothing in the database: a GET writes nothing)
and sends them on to the page the link named on this shop, so an order placed within 7 days
records the campaign (domain/newsletter/campaigns.py)."""
from flask import redirect, request, session, url_for

from domain.ids import parse_id

from ..common import CAMPAIGN_KEY, safe_next
from ..templating import now
from . import bp


@bp.get("/go")
def landing():
    campaign_id = parse_id(request.args.get("c"))
    if campaign_id is not None:
        session[CAMPAIGN_KEY] = {"id": campaign_id, "at": now().isoformat()}
    return redirect(safe_next(request.args.get("to"), url_for("products.home")), code=302)
