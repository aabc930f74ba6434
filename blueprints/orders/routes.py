"""Order tracking for customers and guests."""
from . import bp  # noqa: F401
