"""A merchant imports a Shopify export on a phone: the upload, then the progress page that
follows the worker without a reload and stops asking once the import is done."""
import time

from playwright.sync_api import expect

import worker
from domain import import_jobs
from tests.browser_helpers import sign_in
from tests.import_helpers import bowl_rows, mug_rows, write_csv


def test_the_progress_page_follows_the_worker_and_then_stops_polling(phone, live_server, app,
                                                                     make, tmp_path,
                                                                     axe_violations):
    page = phone
    merchant = make.user(email="boss@example.com", merchant=True)
    sign_in(page, live_server, merchant, lands_on="/admin/")
    page.get_by_role("link", name="Import and export").click()
    expect(page.get_by_role("heading", name="Import and export", level=1)).to_be_visible()
    assert axe_violations(page) == []

    rows = mug_rows(image="") + bowl_rows(price="oops")
    page.get_by_label("Product export (CSV)").set_input_files(write_csv(tmp_path, rows))
    page.get_by_role("button", name="Start the import").click()
    expect(page.get_by_role("heading", name="Waiting for the worker")).to_be_visible()

    polls = []
    page.on("request", lambda request: polls.append(time.monotonic())
            if request.headers.get("hx-request") else None)
    with app.app_context():
        import_jobs.work(worker.import_context(app))
    # No reload: the polled block turns into the result.
    expect(page.get_by_role("heading", name="Done")).to_be_visible(timeout=5000)
    expect(page.get_by_text("The report below has 1 line")).to_be_visible()
    expect(page.get_by_role("cell", name="Not imported: price 'oops' is not a number like 12.50")) \
        .to_be_visible()
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()
    done_at = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == done_at  # the finished block asks no more
    assert axe_violations(page) == []
