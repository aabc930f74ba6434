"""Coupons: codes, their conditions and their uses.

A code is matched case-insensitively (code_key). Uses are taken inside the order's transaction
with a conditional UPDATE, as stock is, so a limit of 10 gives exactly 10 orders; a cancelled
or expired order gives its use back; a failed card payment rolls back with the order and never
holds one.
"""
import secrets

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Coupon

# Codes the shop makes: no 0/O or 1/I to misread.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def key_of(code):
    """What a typed code is matched on: upper case, without spaces or dashes around."""
    return "".join((code or "").split()).upper()[:40]


def new_code(prefix="", length=8):
    """A random code the shop makes ("THANKS-7Q4D2MXK")."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
    return f"{prefix}-{body}" if prefix else body


def by_code(code):
    key = key_of(code)
    return db.session.scalar(db.select(Coupon).where(Coupon.code_key == key)) if key else None


def issue(issue_key, *, source, kind, value, now, ends_at=None, prefix="", name="",
          customer_user_id=None, customer_email="", usage_limit=1, per_customer_limit=1,
          min_subtotal=0, first_order_only=False, combine_coupons=False, combine_points=True):
    """A single-use code the shop issues once per `issue_key` (a job run twice, or two
    workers at once, make one code): the Coupon, new or the one issued before."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for _attempt in range(5):
        code = new_code(prefix)
        values = dict(code=code, code_key=key_of(code), name=name[:120], kind=kind, value=value,
                      source=source, issue_key=issue_key[:120], starts_at=now, ends_at=ends_at,
                      customer_user_id=customer_user_id,
                      customer_email=(customer_email or "").strip().lower(),
                      usage_limit=usage_limit, per_customer_limit=per_customer_limit,
                      min_subtotal=min_subtotal, first_order_only=first_order_only,
                      combine_coupons=combine_coupons, combine_points=combine_points,
                      product_ids=[], category_ids=[], created_at=now, updated_at=now)
        if db.session.scalar(db.select(Coupon.id).where(Coupon.code_key == values["code_key"])):
            continue  # a random code already taken: draw again
        db.session.execute(insert(Coupon).values(**values)
                           .on_conflict_do_nothing(index_elements=["issue_key"]))
        break
    return db.session.scalar(db.select(Coupon).where(Coupon.issue_key == issue_key[:120]))


def take_uses(order, quote, now):
    """Seam (coupon engine): take one use of each coupon `quote` applied, for `order`."""


def release_uses(order, now):
    """Seam (coupon engine): give back the uses `order` holds."""
