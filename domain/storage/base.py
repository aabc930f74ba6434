"""What every photo store shares: the shape of a file read back, and which keys are allowed."""
from dataclasses import dataclass
from datetime import datetime

MAX_KEY_LENGTH = 512


@dataclass(frozen=True)
class Stored:
    """A stored file read back: its bytes and what a response needs to say about them."""
    data: bytes
    content_type: str
    etag: str
    last_modified: datetime


def check_key(key):
    """True for a key a store may hold: relative, "/"-separated, no empty, "." or ".." part
    and no backslash, so no key reaches outside its store's folder or prefix (an object
    store may not resolve "..", a folder would)."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        return False
    if "\\" in key or "\0" in key or key.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in key.split("/"))
