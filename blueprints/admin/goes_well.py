"""Back office: what goes well with a product and why (the pairs found, the merchant's picks,
the step of the chain the shop falls back to), and the recommendation settings."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _

from domain.errors import ShopError
from domain.extensions import db
from domain.models import Product
from domain.recommend import complements, pairs
from domain.recommend.suggest import LIMIT_SHOWN, suggestions

from ..common import shop
from ..htmx import render
from . import bp
from .goes_well_forms import RecommendSettingsForm

PAGE = "admin/goes_well.html"


def _page(product, form=None, error=None, status=200):
    config = shop()
    if form is None:
        form = RecommendSettingsForm(formdata=None, min_support=config.recommend_min_support,
                                     after_orders=config.recommend_after_orders)
    return render(PAGE, status=status, product=product, form=form, error=error,
                  pairs=pairs.for_product(product.id), picked=complements.of(product.id),
                  shown=suggestions([product.id], config, limit=LIMIT_SHOWN),
                  computed_at=pairs.last_computed(), config=config)


@bp.get("/products/<id:product_id>/goes-well")
def goes_well(product_id):
    return _page(db.get_or_404(Product, product_id))


@bp.post("/products/<id:product_id>/goes-well/settings")
def goes_well_settings(product_id):
    product = db.get_or_404(Product, product_id)
    form = RecommendSettingsForm()
    if not form.validate_on_submit():
        return _page(product, form, status=422)
    try:
        pairs.save_settings(form.min_support.data, form.after_orders.data)
    except ShopError as error:
        return _page(product, form, error=str(error), status=422)
    flash(_("Saved. The pairs follow the new settings from their next computation."), "success")
    return redirect(url_for(".goes_well", product_id=product.id), code=303)


