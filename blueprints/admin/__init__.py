from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import routes  # noqa: E402,F401  (the merchants-only guard and the dashboard)
from . import categories, imports, orders, outbox, products, settings  # noqa: E402,F401
from . import customers, inbox, returns, saved_replies, staff  # noqa: E402,F401
from . import policy_pages, privacy, return_rules  # noqa: E402,F401
from . import faq  # noqa: E402,F401
from . import hours  # noqa: E402,F401
from . import checkouts  # noqa: E402,F401
from . import satisfaction  # noqa: E402,F401
from . import reviews  # noqa: E402,F401
from . import changes, testimonials  # noqa: E402,F401
from . import loyalty_codes  # noqa: E402,F401
from . import referrals  # noqa: E402,F401
from . import coupons  # noqa: E402,F401
from . import loyalty_points  # noqa: E402,F401
from . import campaigns  # noqa: E402,F401
from . import brand, cause  # noqa: E402,F401
from . import newsletter  # noqa: E402,F401
from . import goes_well  # noqa: E402,F401
from . import converts  # noqa: E402,F401
