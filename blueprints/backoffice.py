"""Who may open what in the back office: one rule, read by the guard in admin/routes.py for every
request under /admin (whichever blueprint serves it) and by the navigation to hide the links a
person cannot use.

Owners may open everything. Staff may open the areas below and read the dashboard; everything
else under /admin is the owner's (settings, shipping, return rules, policy pages, payments,
products, categories, imports and exports, emails, personal data, the staff pages, coupons, "what
converts"), so a new page is the owner's until it is added here.
"""
from domain.staff import OWNER, STAFF

# Whole areas, by the start of their address: the page itself and everything under it.
# The reviews moderation queue is customer care (publish, hide with a reason, reply); the
# review settings, change notes (they email customers) and testimonials are the owner's.
# Staff may read the referrals; voiding one and the referral settings are the owner's.
# Coupons are the owner's, every page of them: each is a money decision, and the list and the
# orders report show revenue and discounts given.
# Newsletter campaigns are the owner's, every page of them: they write to every subscriber.
# "Goes well with" (/admin/products/<id>/goes-well) and its settings are the owner's, with the
# products: not listed.
# "What converts" (/admin/converts) is the owner's: it features products on the home page, a
# catalogue decision like the product form's.
STAFF_AREAS = ("/admin/orders", "/admin/returns", "/admin/inbox", "/admin/saved-replies",
               "/admin/customers", "/admin/checkouts", "/admin/reviews", "/admin/referrals")
# The points and tiers settings (/admin/loyalty/points) are the owner's: they are not listed.
# Parts of those areas that stay the owner's.
OWNER_ONLY_WITHIN = ("/admin/returns/rules", "/admin/reviews/settings",
                     "/admin/referrals/settings", "/admin/referrals/void",
                     # Settings, whatever loyalty area staff may be given.
                     "/admin/loyalty/codes")
# Pages staff may read but not post to.
STAFF_READS = ("/admin/",)
PREFIX = "/admin"


def _within(path, area):
    return path == area or path.startswith(area.rstrip("/") + "/")


def in_back_office(path):
    return _within(path, PREFIX)


def may_open(role, path, method="GET"):
    """Whether someone with `role` may send `method` to `path` in the back office."""
    if role == OWNER:
        return True
    if role != STAFF:
        return False
    if method in ("GET", "HEAD") and path in STAFF_READS:
        return True
    if any(_within(path, area) for area in OWNER_ONLY_WITHIN):
        return False
    return any(_within(path, area) for area in STAFF_AREAS)


def role_of(user):
    """The back-office role of a signed-in person, None for customers and visitors."""
    if not getattr(user, "is_authenticated", False) or not user.is_merchant:
        return None
    return user.staff_role
