"""Imports started from the back office and run by the worker: each product imported exactly
once whatever the number of workers, a dead worker relieved after its lease, a bad file failed
with its reason, and the uploaded files gone once the job has ended."""
import io
import os
from datetime import datetime, timedelta, timezone

import pytest

from domain import import_jobs
from domain.errors import ImportFailed
from domain.extensions import db
from domain.models import ImportJob, ImportProblem, Product, Variant
from tests.concurrency_helpers import race
from tests.import_helpers import bowl_rows, sized_rows, write_csv

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)


def catalogue_rows(count):
    """`count` products, the first with a bad price (reported, not imported)."""
    rows = []
    for n in range(count):
        rows += sized_rows(f"shirt-{n}", f"Shirt {n}", "SHIRT", sizes=("S", "M"))
    rows[0]["Variant Price"] = "oops"
    return rows


def start(app, tmp_path, rows, inventory=None):
    """Queue an import as the back office does; returns the job's id."""
    with open(write_csv(tmp_path, rows), "rb") as fh:
        data = fh.read()
    files = [("products.csv", io.BytesIO(data)), None]
    if inventory:
        files[1] = ("inventory.csv", io.BytesIO(inventory.encode()))
    job = import_jobs.start(app.config["IMPORT_FOLDER"], *files, None, "en")
    db.session.commit()
    return job.id


def context(app, at=NOW):
    return import_jobs.Context(root=app.config["IMPORT_FOLDER"],
                               upload_dir=app.config["UPLOAD_FOLDER"], clock=lambda: at)


def stored(job_id):
    db.session.expire_all()
    return db.session.get(ImportJob, job_id)


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_two_workers_at_once_import_each_product_once(app, ctx, tmp_path):
    """Both workers reach for the job at the same instant: one runs it, the other finds it taken."""
    job_id = start(app, tmp_path, catalogue_rows(12))

    def worker():
        with app.app_context():
            return import_jobs.work(context(app))

    race([worker, worker])
    job = stored(job_id)
    assert (job.status, job.done, job.total) == ("done", 12, 12)
    assert (job.created, job.updated, job.skipped) == (11, 0, 1)
    assert count(Product) == 11 and count(Variant) == 22
    # The file's own lines (one repeated SKU) and the bad price, each written once.
    assert sorted((p.line, p.warning) for p in job.problems) == [(2, False), (2, True)]
    assert not os.path.exists(os.path.join(app.config["IMPORT_FOLDER"], job.folder))


def test_a_worker_that_lost_its_claim_writes_nothing(app, ctx, tmp_path, monkeypatch):
    """A worker frozen past its lease is overtaken; when it wakes up mid-import, its next step is
    rolled back instead of importing a product twice, and the new holder finishes the job."""
    job_id = start(app, tmp_path, catalogue_rows(4))
    frozen = import_jobs.claim(job_id, NOW)
    assert import_jobs.claim(job_id, NOW + timedelta(seconds=30)) is None  # still held
    later = NOW + import_jobs.LEASE + timedelta(seconds=1)
    taker = import_jobs.claim(job_id, later)
    assert taker and taker != frozen
    monkeypatch.setattr(import_jobs, "_let_go", lambda *args: None)  # the taker keeps its claim
    steps = []
    import_jobs.run(context(app, later), job_id, taker,
                    should_stop=lambda: len(steps) >= 2 or steps.append(1))
    before = (count(Product), count(ImportProblem), stored(job_id).done, stored(job_id).created)
    assert before == (1, 2, 2, 1)
    import_jobs.run(context(app, later), job_id, frozen)  # it wakes up and carries on
    assert (count(Product), count(ImportProblem), stored(job_id).done,
            stored(job_id).created) == before
    import_jobs.run(context(app, later), job_id, taker)
    job = stored(job_id)
    assert (job.status, job.done, job.created, job.skipped) == ("done", 4, 3, 1)
    assert count(Product) == 3 and count(ImportProblem) == 2


def test_a_worker_killed_mid_import_is_relieved_a_lease_later(app, ctx, tmp_path, monkeypatch):
    """Killed after 2 of 5 products: nobody takes the job within the lease; the next worker
    after it carries on at product 3, and every product is imported once."""
    job_id = start(app, tmp_path, catalogue_rows(5))
    steps = []
    # It dies after its second product, letting go of nothing.
    monkeypatch.setattr(import_jobs, "_let_go", lambda *args: None)
    import_jobs.work(context(app), should_stop=lambda: len(steps) > 2 or steps.append(1))
    job = stored(job_id)
    assert (job.status, job.done, job.created) == ("running", 2, 1)
    assert import_jobs.work(context(app, NOW + timedelta(seconds=90))) == []  # still claimed
    assert stored(job_id).done == 2
    import_jobs.work(context(app, NOW + import_jobs.LEASE + timedelta(seconds=1)))
    job = stored(job_id)
    assert (job.status, job.done, job.created, job.skipped) == ("done", 5, 4, 1)
    assert count(Product) == 4 and count(ImportProblem) == 2


def test_a_long_import_lets_other_work_through(app, ctx, tmp_path):
    """A pass imports for its time slice, then leaves the job for the next pass to carry on."""
    job_id = start(app, tmp_path, catalogue_rows(4))
    import_jobs.work(context(app), slice_seconds=0.0001)
    job = stored(job_id)
    assert job.status == "running" and job.claim is None and job.done < 4
    import_jobs.work(context(app))
    assert stored(job_id).status == "done" and count(Product) == 3


def test_an_unreadable_file_fails_the_job_with_its_reason(app, ctx, tmp_path):
    """A header fine, a row far down not UTF-8: the job fails saying so, and its files go."""
    rows = "".join(f"bowl-{n},Bowl {n},1000\n" for n in range(2000)).encode()
    data = b"Handle,Title,Variant Price\n" + rows + "mug,머그,1000\n".encode("cp949")
    job = import_jobs.start(app.config["IMPORT_FOLDER"], ("export.csv", io.BytesIO(data)), None,
                            None, "en")
    db.session.commit()
    import_jobs.work(context(app))
    job = stored(job.id)
    assert job.status == "failed" and "UTF-8" in job.error
    assert not os.path.exists(os.path.join(app.config["IMPORT_FOLDER"], job.folder))


def test_the_inventory_file_runs_after_the_products(app, ctx, tmp_path):
    """Products first, then their stock by handle and size, counted on the job."""
    inventory = ("Handle,Option1 Name,Option1 Value,SKU,Location,Available (not editable)\n"
                 "shirt-1,Size,S,SHIRT,Shop,4\nshirt-1,Size,M,SHIRT,Shop,6\n")
    job_id = start(app, tmp_path, catalogue_rows(2), inventory=inventory)
    import_jobs.work(context(app))
    job = stored(job_id)
    assert (job.status, job.total, job.stock_set) == ("done", 3, 2)
    shirt = db.session.scalar(db.select(Product).where(Product.slug == "shirt-1"))
    assert [(v.option1, v.stock) for v in shirt.variants] == [("S", 4), ("M", 6)]


@pytest.mark.parametrize("name, content, message", [
    ("other.csv", b"name,price\nMug,1000\n", "Shopify product export"),
    ("empty.csv", b"", "empty"),
])
def test_start_refuses_a_file_that_is_not_a_product_export(app, ctx, name, content, message):
    """Nothing is queued and nothing is kept when the file is not a Shopify product export."""
    with pytest.raises(ImportFailed, match=message):
        import_jobs.start(app.config["IMPORT_FOLDER"], (name, io.BytesIO(content)), None, None,
                          "en")
    db.session.rollback()
    assert count(ImportJob) == 0 and os.listdir(app.config["IMPORT_FOLDER"]) == []


def test_start_refuses_files_larger_than_the_limit(app, ctx, tmp_path, monkeypatch):
    monkeypatch.setattr(import_jobs, "MAX_UPLOAD_BYTES", 1024)
    with open(write_csv(tmp_path, bowl_rows() * 40), "rb") as fh:
        with pytest.raises(ImportFailed, match="larger than"):
            import_jobs.start(app.config["IMPORT_FOLDER"], ("big.csv", fh), None, None, "en")
    db.session.rollback()
    assert count(ImportJob) == 0 and os.listdir(app.config["IMPORT_FOLDER"]) == []
