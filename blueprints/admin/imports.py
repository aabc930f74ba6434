"""Back office: importing a Shopify export (run by the worker, followed here with a progress bar)
and downloading the shop's products, orders and customers as CSV. The merchants-only guard in
routes.py covers these too."""
from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from domain import exports, import_jobs, storage
from domain.errors import ShopError
from domain.extensions import db
from domain.models import ImportJob

from ..common import shop
from ..csrf import csrf
from ..htmx import render, see_other
from ..templating import now
from . import bp
from .downloads import csv_download
from .import_forms import ImportForm

# Room for the form's other fields and the multipart boundaries beside the files.
FORM_OVERHEAD = 64 * 1024


def _page(form, error=None, status=200):
    return render("admin/imports.html", form=form, error=error, status=status,
                  jobs=import_jobs.recent(), max_mb=import_jobs.MAX_UPLOAD_BYTES // (1024 * 1024))


@bp.get("/imports")
def imports():
    return _page(ImportForm(formdata=None))


@bp.post("/imports")
@csrf.exempt  # checked below, once the larger size limit for this upload is in place
def import_start():
    request.max_content_length = import_jobs.MAX_UPLOAD_BYTES + FORM_OVERHEAD
    try:
        csrf.protect()
        form = ImportForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        return _page(ImportForm(formdata=None), error=import_jobs.too_large_message(), status=413)
    if not valid:
        return _page(form, status=422)
    inventory = form.inventory.data
    try:
        job = import_jobs.start(
            current_app.config["IMPORT_FOLDER"], (form.products.data.filename,
                                                  form.products.data.stream),
            (inventory.filename, inventory.stream) if inventory else None,
            current_user.id, str(get_locale()))
    except ShopError as error:
        return _page(form, error=str(error), status=422)
    return see_other(url_for(".import_job", job_id=job.id))


@bp.get("/imports/<id:job_id>")
def import_job(job_id):
    """The job's progress; htmx polls its block every second until the job has ended."""
    job = db.get_or_404(ImportJob, job_id)
    problems, problem_count = import_jobs.shown_problems(job.id) if job.finished else ([], None)
    return render("admin/import_job.html", block="progress", job=job, problems=problems,
                  problem_count=problem_count, shown_limit=import_jobs.SHOWN_PROBLEMS)


@bp.get("/imports/<id:job_id>/report.csv")
def import_report(job_id):
    job = db.get_or_404(ImportJob, job_id)
    return csv_download(f"import-{job.id}-report.csv", import_jobs.report_header(),
                        import_jobs.report_rows(job.id))


def _dated(name):
    return f"{name}-{now().strftime('%Y-%m-%d')}.csv"


@bp.get("/exports/products.csv")
def export_products():
    return csv_download(_dated("products"), exports.PRODUCT_COLUMNS,
                        exports.product_rows(shop().currency, storage.product_photos_address()))


@bp.get("/exports/orders.csv")
def export_orders():
    return csv_download(_dated("orders"), exports.order_header(),
                        exports.order_rows(shop().timezone))


@bp.get("/exports/customers.csv")
def export_customers():
    return csv_download(_dated("customers"), exports.customer_header(),
                        exports.customer_rows(shop().timezone, shop().currency))
