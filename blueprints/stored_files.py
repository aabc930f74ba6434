"""Sending a photo from a photo store (domain/storage) in a response: straight from disk for a
folder store, read from the object store otherwise, with the same caching headers either way
(an ETag for conditional requests, and how long a browser may keep it)."""
import time

from flask import Response, abort, request, send_from_directory

from domain.errors import StorageUnavailable


def send_stored(store, key, max_age, private=False, immutable=False, mimetype=None):
    """The file under `key` in `store`; 404 when it has none, 503 when the store is down.
    private: only the browser may keep it, never a shared cache. immutable: its name changes
    with its content, so a browser need not ask again while it keeps it."""
    if store.folder is not None:
        response = send_from_directory(store.folder, key, max_age=max_age, mimetype=mimetype)
    else:
        try:
            found = store.get(key)
        except StorageUnavailable:
            abort(503)
        if found is None:
            abort(404)
        response = Response(found.data, mimetype=mimetype or found.content_type)
        response.set_etag(found.etag)
        response.last_modified = found.last_modified
        response.cache_control.public = True
        response.cache_control.max_age = max_age
        response.expires = int(time.time() + max_age)
        response = response.make_conditional(request)
    if immutable:
        response.cache_control.immutable = True
    if private:
        response.cache_control.public = False
        response.cache_control.private = True
    return response
