"""The order lookup's rate limit, shared by everything that finds an order by its number and
email: the tracking form (/orders/track) and the chat bot's order-status answers count against
the same allowance per visitor, so the bot is no way round the form's limit."""
from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from domain.extensions import limiter

ORDER_LOOKUP_LIMIT = "10 per minute; 30 per hour"
SCOPE = "order-lookup"

# The decorator for routes that look an order up by number and email.
order_lookups = limiter.shared_limit(ORDER_LOOKUP_LIMIT, scope=SCOPE, methods=["POST"])


def lookup_allowed():
    """Count one lookup against the shared limit; False once it is spent (nothing counted then).
    The keys are the ones Flask-Limiter gives the decorated routes."""
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    keys = [*([prefix] if prefix else []), get_remote_address(), SCOPE]
    items = parse_many(ORDER_LOOKUP_LIMIT)
    if not all(limiter.limiter.test(item, *keys) for item in items):
        return False
    return all([limiter.limiter.hit(item, *keys) for item in items])
