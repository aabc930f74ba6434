"""Back office: the product list, the product form with its live description preview,
photos and archiving."""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from domain import images, storage
from domain import products as catalogue
from domain.errors import InvalidPhotos, ShopError
from domain.extensions import db
from domain.models import PRODUCT_STATUSES, Product
from domain.money import amount_example
from domain.recommend import complements
from domain.text import render_markdown

from ..common import number_locale, shop
from ..htmx import render
from . import bp
from .forms import EmptyForm, ImageForm, NewProductForm, ProductForm

PAGE = "admin/product_form.html"


@bp.url_value_preprocessor
def room_for_photos(endpoint, values):
    """The new-product form carries up to images.PHOTOS_WITH_A_NEW_PRODUCT photos of up to
    images.MAX_BYTES each, more than the app's 16 MB. The limit has to be raised before the CSRF
    check reads the body, which runs before any before_request of the blueprint: hence here,
    and only for that form (and its no-JavaScript preview, which posts the same form)."""
    if request.method == "POST" and endpoint in ("admin.product_new", "admin.product_preview") \
            and not (values or {}).get("product_id"):
        request.max_content_length = (images.PHOTOS_WITH_A_NEW_PRODUCT * images.MAX_BYTES
                                      + current_app.config["MAX_CONTENT_LENGTH"])


@bp.get("/products")
def products():
    q = request.args.get("q", "").strip()[:100]
    status = request.args.get("status", "")
    status = status if status in PRODUCT_STATUSES else ""
    results = catalogue.admin_listing(q, status, request.args.get("page", 1))
    return render("admin/products.html", block="results", q=q, status_filter=status,
                  results=results)


def _sent_form(product=None):
    """The product form as the merchant sent it."""
    archived = product is not None and product.status == "archived"
    form_class = ProductForm if product is not None else NewProductForm
    return form_class().set_choices(shop().categories, archived=archived)


def _stored_form(product=None):
    """The product form filled from the product (empty for a new one, which starts as a
    draft), with blank variant rows."""
    archived = product is not None and product.status == "archived"
    form = (ProductForm if product is not None else NewProductForm)(formdata=None, obj=product)
    if product is not None:
        form.fill_stored_translations(product)
        form.early_access_until.data = catalogue.early_access_last_day(product.early_access_until)
        form.complements.data = complements.as_text(product.id)
    return form.set_choices(shop().categories, archived=archived).add_blank_rows()


def _page(form, product=None, image_form=None, error=None, status=200, block=None,
          photos_lost=False):
    """The product form; photos_lost: photos were sent with a form shown again, and a browser
    cannot fill a file input back in, so the page asks for them again."""
    return render(PAGE, block=block, form=form, product=product, error=error, status=status,
                  photos_lost=photos_lost,
                  image_form=image_form or ImageForm(formdata=None),
                  preview_html=render_markdown(form.description_md.data or ""),
                  empty_form=EmptyForm(formdata=None),
                  amount_example=amount_example(shop().currency, number_locale()))


def _product(product_id):
    return db.get_or_404(Product, product_id)


@bp.route("/products/new", methods=["GET", "POST"])
def product_new():
    if request.method == "GET":
        return _page(_stored_form())
    form = _sent_form()
    if form.validate_on_submit():
        uploads = form.uploads()
        rows, photos = [row for row, _photo in uploads], [photo for _row, photo in uploads]
        try:
            picked = complements.resolve(form.complements.data)
            product = images.create_product_with_photos(
                form.variant_rows(), photos, storage.product_photos(), **form.product_fields())
            complements.replace(product, picked)
        except InvalidPhotos as error:
            for position, message in error.photos.items():
                form.photos[rows[position]].form.photo.errors.append(message)
            return _page(form, error=str(error), status=422, photos_lost=True)
        except ShopError as error:
            return _page(form, error=str(error), status=422, photos_lost=bool(photos))
        if product.status == "draft":
            flash(_("“%(title)s” was created as a draft: it stays hidden from the shop until "
                    "you publish it.", title=product.title), "success")
        else:
            flash(_("“%(title)s” was created.", title=product.title), "success")
        _warn_about_skus(product)
        return redirect(url_for(".product_edit", product_id=product.id), code=303)
    return _page(form, status=422, photos_lost=form.photos_sent())


@bp.route("/products/<id:product_id>/edit", methods=["GET", "POST"])
def product_edit(product_id):
    product = _product(product_id)
    if request.method == "GET":
        return _page(_stored_form(product), product)
    form = _sent_form(product)
    if form.validate_on_submit():
        try:
            picked = complements.resolve(form.complements.data, product.id)
            catalogue.update_product(product, form.variant_rows(), **form.product_fields())
            complements.replace(product, picked)
        except ShopError as error:
            return _page(form, product, error=str(error), status=422)
        flash(_("Your changes to “%(title)s” were saved.", title=product.title), "success")
        _warn_about_skus(product)
        return redirect(url_for(".product_edit", product_id=product.id), code=303)
    return _page(form, product, status=422)


def _warn_about_skus(product):
    for warning in catalogue.sku_warnings(product):
        flash(warning, "warning")


@bp.post("/products/preview")
@bp.post("/products/<id:product_id>/preview")
def product_preview(product_id=None):
    """The description as the shop will show it. htmx swaps in just the preview; without
    JavaScript the Preview button shows the whole form again, unsaved, with the preview."""
    product = _product(product_id) if product_id else None
    return _page(_sent_form(product), product, block="preview")


@bp.post("/products/<id:product_id>/publish")
def product_publish(product_id):
    product = _product(product_id)
    if EmptyForm().validate_on_submit():
        catalogue.publish_product(product)
        flash(_("“%(title)s” is published: it is for sale in the shop.", title=product.title),
              "success")
    return redirect(url_for(".product_edit", product_id=product.id), code=303)


@bp.post("/products/<id:product_id>/archive")
def product_archive(product_id):
    product = _product(product_id)
    if EmptyForm().validate_on_submit():
        catalogue.archive_product(product)
        flash(_("“%(title)s” is archived and no longer shown in the shop.", title=product.title),
              "success")
    return redirect(url_for(".product_edit", product_id=product.id), code=303)


@bp.post("/products/<id:product_id>/images")
def image_add(product_id):
    product = _product(product_id)
    image_form = ImageForm()
    if image_form.validate_on_submit():
        try:
            images.add_image(product, image_form.photo.data.read(), storage.product_photos(),
                             image_form.alt.data)
        except ShopError as error:
            image_form.photo.errors.append(str(error))
        else:
            flash(_("The photo was added."), "success")
            return redirect(url_for(".product_edit", product_id=product.id, _anchor="photos"),
                            code=303)
    return _page(_stored_form(product), product, image_form=image_form, status=422)


@bp.post("/products/<id:product_id>/images/<id:image_id>/delete")
def image_delete(product_id, image_id):
    product = _product(product_id)
    image = next((img for img in product.images if img.id == image_id), None)
    if image is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        images.remove_image(product, image)
        flash(_("The photo was removed."), "success")
    return redirect(url_for(".product_edit", product_id=product.id, _anchor="photos"), code=303)
