"""The one rule for an email address the shop accepts, sends to and looks up.

Every form and domain step that takes an address (checkout, one-click, registration, an email
change, the order lookup, a password reset request) and the mail worker use it, so an address
the shop accepted can always be put in a message header."""
import re

MAX_LENGTH = 254
# No whitespace or control characters anywhere (a line break would end a header).
_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def normalize(email):
    """The address as stored: surrounding spaces removed, lower case."""
    return (email or "").strip().lower() if isinstance(email, str) or email is None else ""


def is_valid(email):
    """True for one local part, one @ and a dotted domain, with no whitespace or control
    characters and at most 254 characters. Surrounding spaces are the caller's to strip."""
    if not isinstance(email, str) or not email or len(email) > MAX_LENGTH:
        return False
    if _FORBIDDEN.search(email) or email.count("@") != 1:
        return False
    local, _, domain = email.partition("@")
    if not local or len(local) > 64 or not domain:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels) and not any(c in domain for c in '<>()[],;:"\\')


def clean(email):
    """The normalized address, or None when it is not one the shop accepts."""
    email = normalize(email)
    return email if is_valid(email) else None
