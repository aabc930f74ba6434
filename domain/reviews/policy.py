"""/policies/reviews: how the shop collects, moderates and shows reviews, drawn from the live
settings and the rules the code enforces (the EU Omnibus directive and Korea's KFTC guidance on
reviews ask a shop to say this), so the page never promises what the shop does not do."""
from dataclasses import dataclass

from ..extensions import db
from ..loyalty.codes import REVIEW_CODE_DAYS
from ..models import ShopSettings
from . import HIDE_REASON_LIMIT, MAX_PHOTOS
from .listing import SORTS


@dataclass(frozen=True)
class ReviewPolicy:
    # Published as written (True), or read by the shop first (False).
    auto_publish: bool
    # "" (no thank-you), "credit" (store credit of incentive_amount minor units), "code" (a
    # single-use code of incentive_amount off, valid code_days days).
    incentive: str
    incentive_amount: int
    currency: str
    # The orders reviews can be read in; the first is the default.
    sorts: tuple
    max_photos: int
    hide_reason_limit: int
    code_days: int = 0


def policy():
    """The review policy as the settings stand now (one read of the settings row)."""
    row = db.session.get(ShopSettings, 1)
    incentive = (row.review_incentive if row else "") or ""
    amount = (row.review_incentive_amount if row else 0) or 0
    if incentive in ("credit", "code") and amount <= 0:
        incentive = ""  # nothing would be given: the page does not say there is a thank-you
    return ReviewPolicy(auto_publish=bool(row and row.review_auto_publish), incentive=incentive,
                        incentive_amount=amount, currency=row.currency if row else "USD",
                        sorts=SORTS, max_photos=MAX_PHOTOS, hide_reason_limit=HIDE_REASON_LIMIT,
                        code_days=REVIEW_CODE_DAYS)
