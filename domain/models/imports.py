"""Product imports started from the back office and run by the worker (domain/import_jobs.py)."""
from sqlalchemy import CheckConstraint, Index

from ..extensions import db
from .base import UTCDateTime, utcnow

IMPORT_STATUSES = ("queued", "running", "done", "failed")


class ImportJob(db.Model):
    """One upload: a Shopify product export and, optionally, its inventory export.

    The files wait in the instance folder (IMPORT_FOLDER/<folder>/) until the job ends. A worker
    claims the job with a lease (claim, lease_until) and imports product after product, each
    committed together with `done` and its problems, so a worker that takes over a job whose
    worker died carries on where it stopped and no product is imported twice.
    """

    __tablename__ = "import_job"
    id = db.Column(db.Integer, primary_key=True)
    status = db.Column(db.String(10), nullable=False, default="queued")
    # The names the merchant's files had, shown on the page; the stored copies are named by us.
    products_name = db.Column(db.String(200), nullable=False)
    inventory_name = db.Column(db.String(200), nullable=False, default="")
    folder = db.Column(db.String(64), nullable=False, unique=True)
    # The language of the report: the merchant's when the upload was made.
    locale = db.Column(db.String(10), nullable=False, default="en")
    created_by_id = db.Column(db.Integer, db.ForeignKey("user.id", ondelete="SET NULL"),
                              nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    started_at = db.Column(UTCDateTime, nullable=True)
    finished_at = db.Column(UTCDateTime, nullable=True)
    # Steps: one per product of the product file, then one per product of the inventory file;
    # unknown (None) until a worker has read the files.
    total = db.Column(db.Integer, nullable=True)
    done = db.Column(db.Integer, nullable=False, default=0)
    created = db.Column(db.Integer, nullable=False, default=0)
    updated = db.Column(db.Integer, nullable=False, default=0)
    skipped = db.Column(db.Integer, nullable=False, default=0)
    # Variants whose stock the inventory file set.
    stock_set = db.Column(db.Integer, nullable=False, default=0)
    # Set while a worker holds the job: its random token, and until when others keep off.
    claim = db.Column(db.String(32), nullable=True)
    lease_until = db.Column(UTCDateTime, nullable=True)
    # Passes that ended in an unexpected error; the job fails after a few.
    failures = db.Column(db.Integer, nullable=False, default=0)
    error = db.Column(db.String(500), nullable=False, default="")

    problems = db.relationship("ImportProblem", back_populates="job", order_by="ImportProblem.id",
                               cascade="all, delete-orphan", lazy="select")

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
        CheckConstraint("done >= 0 AND done <= total", name="done_within_total"),
        Index("ix_import_job_status", "status", "created_at"),
    )

    @property
    def finished(self):
        return self.status in ("done", "failed")


class ImportProblem(db.Model):
    """A line of an import's report: a row left out and why, or content the shop dropped."""

    __tablename__ = "import_problem"
    id = db.Column(db.Integer, primary_key=True)
    job_id = db.Column(db.Integer, db.ForeignKey("import_job.id", ondelete="CASCADE"),
                       nullable=False)
    # "products" or "inventory": which of the two files the line number counts in.
    source = db.Column(db.String(10), nullable=False, default="products")
    line = db.Column(db.Integer, nullable=False)
    handle = db.Column(db.String(255), nullable=False, default="")
    # A warning was imported with something left out; otherwise the row was not imported.
    warning = db.Column(db.Boolean, nullable=False, default=False)
    message = db.Column(db.Text, nullable=False)

    job = db.relationship("ImportJob", back_populates="problems")

    __table_args__ = (Index("ix_import_problem_job", "job_id", "id"),)
