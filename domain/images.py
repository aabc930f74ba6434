"""Product photos: check that an upload really is an image, strip its metadata and store a few
resized WebP copies. Files are named by a hash of their content, so they can be cached forever.

Every file goes through a photo store (domain/storage): the product photo store, or the one
given as `store` (a folder path names a folder store, as the command line and tests do)."""
import hashlib
import io

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import storage, transaction
from .errors import InvalidImage, InvalidPhotos
from .extensions import db
from .models import ProductImage
from .products import create_product, refresh_summary

WIDTHS = (320, 640, 1024)
# Photos the new-product form takes with the product itself; more are added on its page.
PHOTOS_WITH_A_NEW_PRODUCT = 3
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000
MAX_BYTES = 15 * 1024 * 1024


def widths_for(width):
    """The widths stored for an image whose largest stored copy is `width` pixels wide."""
    return sorted({min(w, width) for w in WIDTHS})


def file_name(key, width):
    return f"{key}-{width}.webp"


def storage_key(key, width):
    """Where a copy is kept in the product photo store, and its path under /media/."""
    return f"products/{file_name(key, width)}"


def _webp(image):
    # A fresh save writes no EXIF, XMP or ICC data: nothing of the original's metadata.
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=80, method=4)
    return buffer.getvalue()


def _open(data, max_bytes=MAX_BYTES):
    if not data:
        raise InvalidImage(_("The file is empty."))
    if len(data) > max_bytes:
        raise InvalidImage(_("The image is larger than %(num)d MB.", num=max_bytes // (1024 * 1024)))
    try:
        probe = Image.open(io.BytesIO(data))
        if probe.format not in ACCEPTED_FORMATS:
            raise InvalidImage(_("Please upload a JPEG, PNG, WebP or GIF image."))
        if probe.width * probe.height > MAX_PIXELS:
            raise InvalidImage(_("The image has too many pixels (40 megapixels at most)."))
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidImage(_("That file is not an image we can read. Please upload a JPEG, PNG, WebP or GIF."))
    return image


def store_image(data, store=None):
    """Validate and store an image; returns (key, width, height) of the largest copy.
    StorageUnavailable when the store cannot take it."""
    image = _open(data)
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") and _has_alpha(image) else "RGB")
    key = hashlib.sha256(data).hexdigest()[:24]
    store = storage.products_store(store)
    largest = None
    for width in sorted({min(w, image.width) for w in WIDTHS}, reverse=True):
        height = max(1, round(image.height * width / image.width))
        name = storage_key(key, width)
        if not store.exists(name):
            copy = image if width == image.width else image.resize((width, height), Image.LANCZOS)
            store.put(name, _webp(copy), "image/webp")
        largest = largest or (width, height)
    return key, largest[0], largest[1]


def check(data, max_bytes=MAX_BYTES):
    """InvalidImage, fit to show, unless `data` is an image we can read within `max_bytes`."""
    _open(data, max_bytes)


def store_photo(data, store, max_width, max_bytes, key=None):
    """Validate an upload and keep one WebP copy at most `max_width` wide in `store`, made
    afresh without the original's metadata (no EXIF: no GPS position, no camera serial).
    Returns (key, width, height, name, created): `name` is its key in the store, `created` is
    False when the same photo was already there. InvalidImage, fit to show, for anything that
    is not an image we read; StorageUnavailable when the store cannot take it. `key` names the
    copy instead of its content's hash (a random key: one file per row, never shared)."""
    image = _open(data, max_bytes)
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    if image.width > max_width:
        image = image.resize((max_width, max(1, round(image.height * max_width / image.width))),
                             Image.LANCZOS)
    key = key or hashlib.sha256(data).hexdigest()[:32]
    name = f"{key}.webp"
    created = not store.exists(name)
    if created:
        store.put(name, _webp(image), "image/webp")
    return key, image.width, image.height, name, created


def _has_alpha(image):
    if image.mode in ("RGBA", "LA"):
        return True
    return image.mode == "P" and "transparency" in image.info


def add_image(product, data, store=None, alt=""):
    """Store an upload and attach it to the product as its last photo. The photo is stored
    before anything is written, so a store that is down (StorageUnavailable) changes nothing."""
    key, width, height = store_image(data, store)
    return _attach(product, key, width, height, alt)


def _attach(product, key, width, height, alt):
    position = max((img.position for img in product.images), default=-1) + 1
    image = ProductImage(key=key, width=width, height=height, alt=(alt or "").strip()[:200],
                         position=position)
    product.images.append(image)
    refresh_summary(product)
    db.session.flush()
    return image


def create_product_with_photos(variants, photos, store=None, **fields):
    """A new product (see products.create_product) with its first photos, [(data, alt)], in
    that order. Every photo is checked, then stored, before anything is written: InvalidPhotos
    names each unusable one, StorageUnavailable says the store is down, and then neither the
    product nor any photo of it is saved."""
    problems = {}
    for index, (data, _alt) in enumerate(photos):
        try:
            _open(data)
        except InvalidImage as error:
            problems[index] = str(error)
    if problems:
        raise InvalidPhotos(_("A photo could not be used; nothing was saved yet."), problems)
    stored = [(*store_image(data, store), alt) for data, alt in photos]
    product = create_product(variants, **fields)
    for key, width, height, alt in stored:
        _attach(product, key, width, height, alt)
    return product


def remove_image(product, image, store=None):
    """Take the photo off the product; once that is committed, its files go too unless
    another product shows the same photo (files are named by content, so they can be shared)."""
    key, width = image.key, image.width
    product.images.remove(image)
    refresh_summary(product)
    db.session.flush()
    shared = db.session.scalar(db.select(ProductImage.id).where(ProductImage.key == key).limit(1))
    if shared is None:
        store = storage.products_store(store)
        transaction.after_commit(lambda: _delete_files(store, key, width))


def _delete_files(store, key, width):
    for each in widths_for(width):
        store.delete(storage_key(key, each))
