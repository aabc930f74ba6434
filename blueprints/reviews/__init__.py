"""Reviews on the storefront: the one-page review form of an order, review photos, the product
page's review list and "Helpful" votes, the review request's opt-out, the satisfaction faces,
and the public "You said, we did" page. The rules are in domain/reviews/."""
from flask import Blueprint

bp = Blueprint("reviews", __name__)

from . import form, photos  # noqa: E402,F401
from . import listing  # noqa: E402,F401
from . import opt_out, satisfaction  # noqa: E402,F401
from . import changes  # noqa: E402,F401
