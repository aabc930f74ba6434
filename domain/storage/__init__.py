"""Where photos are kept: one interface, a backend chosen by the PHOTO_STORAGE setting.

Two kinds of photos go through it, each in a store of its own:
- product photos (`product_photos()`), public: served by the shop at /media/<key>;
- customers' return photos (`return_photos()`), personal: served only after the return's
  access check, never from a public address;
- photos sent with a question (`conversation_photos()`), personal too: served only after the
  conversation's access check;
- photos sent with a review (`review_photos()`): served only while the review is published
  (to its reviewer and the merchant always), never straight from a folder.

A store is addressed by keys such as "products/<hash>-640.webp" (a "/" separates folders) and
offers put, get, exists, delete and keys (everything under a prefix, for backups and
clean-ups). Backends:
- "file" (the default): folders on this host, UPLOAD_FOLDER and RETURN_PHOTO_FOLDER. Several
  app servers share them by mounting one shared folder (NFS, say) at the same place.
- "s3://bucket/prefix": an S3-compatible object store (AWS S3, MinIO, Garage, Ceph RGW,
  Cloudflare R2, NCP Object Storage); see s3.py for its settings.

Both are read and served by the shop itself (the store's `folder` says whether a web server
can send a file straight from disk), so a photo's address and caching never depend on where
it is kept. A new backend is a class with the methods of FolderStore and a scheme in
`_open_backend`.
"""
import os

from flask import current_app

from ..errors import StorageUnavailable
from .base import Stored, check_key
from .folder import FolderStore

__all__ = ["FolderStore", "Stored", "StorageUnavailable", "check_key", "product_photos",
           "return_photos", "conversation_photos", "review_photos", "products_store", "MEDIA_PATH", "product_photos_address"]

_EXTENSION = "photo_storage"
# The shop's path for the product photo store (the products blueprint's media view).
MEDIA_PATH = "/media/"


def init_app(app):
    """Check PHOTO_STORAGE once at start-up, so a typo stops the shop from starting rather
    than losing the first photo uploaded."""
    app.extensions[_EXTENSION] = _open_backend(app.config)


def _open_backend(config):
    spec = (config.get("PHOTO_STORAGE") or "file").strip()
    if spec == "file":
        return None
    if spec.startswith("s3://"):
        from .s3 import S3Backend
        return S3Backend.from_config(spec, config)
    raise ValueError(f"PHOTO_STORAGE={spec!r}: use 'file' or 's3://bucket/prefix'.")


def _backend(app):
    if _EXTENSION not in app.extensions:
        init_app(app)
    return app.extensions[_EXTENSION]


def product_photos(app=None):
    """The store of the shop's product photos: public, served at /media/<key>."""
    app = app or current_app._get_current_object()
    backend = _backend(app)
    return FolderStore(app.config["UPLOAD_FOLDER"]) if backend is None else backend.store("uploads")


def product_photos_address(app=None):
    """The address the product photos are served from, as SHOP_URL names the shop (say
    https://shop.example/media/products/): a product export names its photos with it, and an
    import, from the back office, the worker or the command line, recognises them by it."""
    app = app or current_app._get_current_object()
    return app.config["SHOP_URL"] + MEDIA_PATH + "products/"


def return_photos(app=None):
    """The store of customers' return photos: personal, never served from a public address."""
    app = app or current_app._get_current_object()
    backend = _backend(app)
    if backend is None:
        return FolderStore(app.config["RETURN_PHOTO_FOLDER"])
    return backend.store("return-photos")


def conversation_photos(app=None):
    """The store of photos customers send with their questions: personal, like return photos."""
    app = app or current_app._get_current_object()
    backend = _backend(app)
    if backend is None:
        return FolderStore(app.config["CONVERSATION_PHOTO_FOLDER"])
    return backend.store("conversation-photos")


def review_photos(app=None):
    """The store of photos sent with reviews: shown only while their review is published."""
    app = app or current_app._get_current_object()
    backend = _backend(app)
    if backend is None:
        return FolderStore(app.config["REVIEW_PHOTO_FOLDER"])
    return backend.store("review-photos")


def products_store(where=None):
    """The product photo store for `where`: a store as it is, a folder path as a folder store
    (the command line and tests name folders), None for the app's configured store."""
    if where is None:
        return product_photos()
    if isinstance(where, (str, os.PathLike)):
        return FolderStore(os.fspath(where))
    return where

