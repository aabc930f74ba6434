"""Product photos: check that an upload really is an image, strip its metadata and store a few
resized WebP copies. Files are named by a hash of their content, so they can be cached forever."""
import hashlib
import io
import os

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

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


def store_image(data, upload_dir):
    """Validate and store an image; returns (key, width, height) of the largest copy."""
    image = _open(data)
    image = ImageOps.exif_transpose(image)  # keep the photo upright once EXIF is gone
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") and _has_alpha(image) else "RGB")
    key = hashlib.sha256(data).hexdigest()[:24]
    folder = os.path.join(upload_dir, "products")
    os.makedirs(folder, exist_ok=True)
    largest = None
    for width in sorted({min(w, image.width) for w in WIDTHS}, reverse=True):
        height = max(1, round(image.height * width / image.width))
        copy = image if width == image.width else image.resize((width, height), Image.LANCZOS)
        path = os.path.join(folder, file_name(key, width))
        if not os.path.exists(path):
            tmp = path + ".tmp"
            # A fresh save writes no EXIF, XMP or ICC data: nothing of the original's metadata.
            copy.save(tmp, "WEBP", quality=80, method=4)
            os.replace(tmp, path)
        largest = largest or (width, height)
    return key, largest[0], largest[1]


def check(data, max_bytes=MAX_BYTES):
    """InvalidImage, fit to show, unless `data` is an image we can read within `max_bytes`."""
    _open(data, max_bytes)


def store_photo(data, folder, max_width, max_bytes):
    """Validate an upload and keep one WebP copy at most `max_width` wide in `folder`, made
    afresh without the original's metadata (no EXIF: no GPS position, no camera serial).
    Returns (key, width, height, path, created): `created` is False when the same photo was
    already there. InvalidImage, fit to show, for anything that is not an image we read."""
    image = _open(data, max_bytes)
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    if image.width > max_width:
        image = image.resize((max_width, max(1, round(image.height * max_width / image.width))),
                             Image.LANCZOS)
    key = hashlib.sha256(data).hexdigest()[:32]
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{key}.webp")
    created = not os.path.exists(path)
    if created:
        tmp = path + ".tmp"
        image.save(tmp, "WEBP", quality=80, method=4)
        os.replace(tmp, path)
    return key, image.width, image.height, path, created


def _has_alpha(image):
    if image.mode in ("RGBA", "LA"):
        return True
    return image.mode == "P" and "transparency" in image.info


def add_image(product, data, upload_dir, alt=""):
    """Store an upload and attach it to the product as its last photo."""
    key, width, height = store_image(data, upload_dir)
    position = max((img.position for img in product.images), default=-1) + 1
    image = ProductImage(key=key, width=width, height=height, alt=(alt or "").strip()[:200],
                         position=position)
    product.images.append(image)
    refresh_summary(product)
    db.session.flush()
    return image


def create_product_with_photos(variants, photos, upload_dir, **fields):
    """A new product (see products.create_product) with its first photos, [(data, alt)], in
    that order. Every photo is checked before anything is written: InvalidPhotos names each
    unusable one, and then neither the product nor any photo is stored."""
    problems = {}
    for index, (data, _alt) in enumerate(photos):
        try:
            _open(data)
        except InvalidImage as error:
            problems[index] = str(error)
    if problems:
        raise InvalidPhotos(_("A photo could not be used; nothing was saved yet."), problems)
    product = create_product(variants, **fields)
    for data, alt in photos:
        add_image(product, data, upload_dir, alt)
    return product


def remove_image(product, image):
    product.images.remove(image)
    refresh_summary(product)
    db.session.flush()
