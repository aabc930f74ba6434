"""Photos as files in a folder of this host, or of a folder every app server mounts (NFS)."""
import hashlib
import logging
import mimetypes
import os
import uuid
from datetime import datetime, timezone

from ..errors import StorageUnavailable
from .base import Stored, check_key

log = logging.getLogger(__name__)
_PARTIAL = ".partial"


class FolderStore:
    """Keys are paths under `root`. A file appears whole or not at all (written beside its
    name, then renamed), so a reader on another host never sees half a photo."""

    def __init__(self, root):
        self.root = os.path.abspath(root)

    @property
    def folder(self):
        """The folder a web server may send files from directly."""
        return self.root

    def __repr__(self):
        return f"FolderStore({self.root!r})"

    def __eq__(self, other):
        return isinstance(other, FolderStore) and other.root == self.root

    def __hash__(self):
        return hash(self.root)

    def _path(self, key):
        if not check_key(key):
            raise ValueError(f"not a storage key: {key!r}")
        return os.path.join(self.root, *key.split("/"))

    def put(self, key, data, content_type):
        path = self._path(key)
        partial = f"{path}.{uuid.uuid4().hex}{_PARTIAL}"
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(partial, "wb") as fh:
                fh.write(data)
            os.replace(partial, path)
        except OSError as error:
            log.error("could not write %s: %s", path, error)
            try:
                os.remove(partial)
            except OSError:
                pass
            raise StorageUnavailable() from error

    def get(self, key):
        """The file as Stored, or None when there is none."""
        if not check_key(key):
            return None
        path = self._path(key)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
                modified = os.fstat(fh.fileno()).st_mtime
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        except OSError as error:
            log.error("could not read %s: %s", path, error)
            raise StorageUnavailable() from error
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        return Stored(data, content_type, hashlib.md5(data, usedforsecurity=False).hexdigest(),
                      datetime.fromtimestamp(modified, timezone.utc))

    def exists(self, key):
        return check_key(key) and os.path.isfile(self._path(key))

    def delete(self, key):
        try:
            os.remove(self._path(key))
        except FileNotFoundError:
            pass
        except OSError as error:
            log.error("could not delete %s: %s", key, error)
            raise StorageUnavailable() from error

    def keys(self, prefix=""):
        """Every key under `prefix` ("" for all), sorted: what a backup copies."""
        found = []
        for folder, dirs, files in os.walk(self.root):
            dirs.sort()
            relative = os.path.relpath(folder, self.root)
            for name in files:
                if name.endswith(_PARTIAL):
                    continue
                key = name if relative == "." else f"{relative.replace(os.sep, '/')}/{name}"
                if key.startswith(prefix):
                    found.append(key)
        return sorted(found)
