"""Fetching an imported product's photos: from http(s) addresses, from files beside the CSV
(the command line only), or from the shop's own photo folder when the file is its own export."""
import io
import os
import re
import stat
import time
import urllib.error
import urllib.request
from http.client import HTTPException
from pathlib import Path
from urllib.parse import unquote, urlparse

from flask_babel import gettext as _
from PIL import Image

from .. import images, storage
from ..errors import InvalidImage

FETCH_TIMEOUT = 10
# The whole download of one image, however slowly its bytes arrive.
FETCH_DEADLINE = 30
_CHUNK = 64 * 1024
# The name of a stored photo's copy (domain.images.file_name).
_STORED = re.compile(r"([0-9a-f]{24})-([0-9]{1,5})\.webp")
FETCH_ERRORS = (OSError, ValueError, HTTPException, InvalidImage)


def reason(error):
    return error.reason if type(error) is urllib.error.URLError else error


def stored_photo(src, own_media, store):
    """(key, width, height) when src names a photo this shop already stores (own_media is the
    address its photos are served from, e.g. https://shop.example/media/products/): an export
    imported back into the shop it came from keeps its photos without downloading them.
    `store` is the product photo store (a folder path names a folder store)."""
    if not own_media or not src.startswith(own_media):
        return None
    match = _STORED.fullmatch(src[len(own_media):])
    if not match:
        return None
    found = storage.products_store(store).get(images.storage_key(match.group(1),
                                                                 int(match.group(2))))
    if found is None:
        return None
    try:
        with Image.open(io.BytesIO(found.data)) as image:
            width, height = image.size
    except OSError:
        return None
    return match.group(1), width, height


def read_image(src, base_dir=None):
    """The bytes of an image given as an http(s) URL, or as a file:// URL or a path relative
    to base_dir (the CSV's folder) naming a regular file inside that folder. Without base_dir
    no local file is read. OSError or ValueError when it cannot or may not be read; at most
    images.MAX_BYTES are read, and a URL must arrive within FETCH_DEADLINE seconds."""
    if "\0" in src:
        raise ValueError(_("the name holds a NUL character"))
    parsed = urlparse(src)
    if parsed.scheme in ("http", "https"):
        return _read_url(src)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            raise ValueError(_("file: links to other hosts are not supported"))
        path = unquote(parsed.path)
    elif parsed.scheme and len(parsed.scheme) > 1:
        raise ValueError(_("%(scheme)s: links are not supported", scheme=parsed.scheme))
    else:
        path = src
    return _read_local(path, base_dir)


def _too_large():
    return ValueError(_("larger than %(num)d MB", num=images.MAX_BYTES // (1024 * 1024)))


def _read_url(src):
    deadline = time.monotonic() + FETCH_DEADLINE
    request = urllib.request.Request(src, headers={"User-Agent": "shop-import"})
    chunks, size = [], 0
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > images.MAX_BYTES:
            raise _too_large()
        while True:
            if time.monotonic() > deadline:
                raise ValueError(_("took longer than %(num)d seconds", num=FETCH_DEADLINE))
            chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > images.MAX_BYTES:
                raise _too_large()
            chunks.append(chunk)
    return b"".join(chunks)


def _read_local(path, base_dir):
    """A regular file inside base_dir, with every symlink resolved before checking."""
    if not base_dir:
        raise ValueError(_("a file name, not a web address: only the command line import reads "
                           "photos from files, those beside the CSV"))
    folder = Path(base_dir).resolve(strict=True)
    target = (folder / path).resolve(strict=True)
    if target != folder and folder not in target.parents:
        raise ValueError(_("only files in the CSV's folder are read"))
    fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise ValueError(_("not a regular file"))
        data = fh.read(images.MAX_BYTES + 1)
    if len(data) > images.MAX_BYTES:
        raise _too_large()
    return data
