"""Back office: "what converts", each product's views -> cart adds -> orders over 7, 30 or 90
days with its rates, sortable and a page at a time, and the switch that features a product on
the home page (Product.featured, as the product form's). The figures are read by
domain/trending.py from the counters the worker folds."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import trending
from domain.errors import ShopError
from domain.extensions import db
from domain.models import Product

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp
from .forms import EmptyForm

PAGE = "admin/converts.html"


def _view():
    """The table's state as the address gives it: period, sort, direction, page."""
    args = request.args
    sort = args.get("sort", "views")
    sort = sort if sort in trending.SORTS else "views"
    direction = args.get("dir")
    descending = None if direction not in ("asc", "desc") else direction == "desc"
    return dict(days=trending.period_days(args.get("days")), sort=sort, descending=descending,
                page=args.get("page", 1))


def _state(funnel):
    """The address arguments that show `funnel` again."""
    return dict(days=funnel.days, sort=funnel.sort, dir="desc" if funnel.descending else "asc",
                page=funnel.rows.page)


def _page(error=None, status=200):
    funnel = trending.conversions(now(), shop().zone, **_view())
    return render(PAGE, funnel=funnel, state=_state(funnel), periods=trending.PERIODS,
                  error=error, status=status, form=EmptyForm(formdata=None))


@bp.get("/converts")
def converts():
    return _page()


@bp.post("/converts/<id:product_id>/feature")
def converts_feature(product_id):
    """Feature the product on the home page (featured=1) or stop (featured=0), then back to the
    same view of the table."""
    product = db.get_or_404(Product, product_id)
    wanted = request.form.get("featured")
    if not EmptyForm().validate_on_submit() or wanted not in ("0", "1"):
        return _page(error=_("Nothing was changed: please try again."), status=422)
    try:
        shown = trending.feature(product, wanted == "1")
    except ShopError as error:
        return _page(error=str(error), status=422)
    if wanted == "0":
        flash(_("“%(title)s” is no longer featured on the home page.", title=product.title),
              "success")
    elif shown:
        flash(_("“%(title)s” is now featured on the home page.", title=product.title), "success")
    else:
        flash(_("“%(title)s” is featured, but the home page shows only the first featured "
                "products by position: change its position in the product form to show it.",
                title=product.title), "success")
    return redirect(url_for(".converts", **_view_args()), code=303)


def _view_args():
    view = _view()
    args = {"days": view["days"], "sort": view["sort"], "page": view["page"]}
    if view["descending"] is not None:
        args["dir"] = "desc" if view["descending"] else "asc"
    return args
