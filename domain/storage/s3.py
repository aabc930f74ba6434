"""Photos in an S3-compatible object store, through boto3.

PHOTO_STORAGE=s3://bucket/prefix names the bucket and a prefix inside it; product photos go
under <prefix>/uploads/ and return photos under <prefix>/return-photos/, the same layout as the
instance folders (so `aws s3 sync instance/uploads s3://bucket/prefix/uploads` moves a shop
over). S3_ENDPOINT_URL names a store other than AWS (MinIO, Garage, Ceph RGW, R2, NCP);
AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, when unset, come from boto3's usual places
(~/.aws, an instance role). Objects are written private: the shop serves them.
"""
import logging
import threading
from datetime import datetime, timezone

from ..errors import StorageUnavailable
from .base import Stored, check_key

log = logging.getLogger(__name__)
_ABSENT = {"404", "NoSuchKey", "NotFound"}


class S3Backend:
    """One bucket and prefix, and one boto3 client (thread-safe) made on first use, so the
    shop starts even while the store is down."""

    def __init__(self, bucket, prefix, endpoint_url=None, region=None, access_key=None,
                 secret_key=None):
        self.bucket, self.prefix = bucket, prefix
        self.endpoint_url, self.region = endpoint_url or None, region or "us-east-1"
        self._credentials = (access_key or None, secret_key or None)
        self._client, self._lock = None, threading.Lock()

    @classmethod
    def from_config(cls, spec, config):
        bucket, _slash, prefix = spec[len("s3://"):].partition("/")
        if not bucket:
            raise ValueError(f"PHOTO_STORAGE={spec!r}: name a bucket, s3://bucket/prefix.")
        prefix = "/".join(part for part in prefix.split("/") if part)
        return cls(bucket, prefix + "/" if prefix else "", config.get("S3_ENDPOINT_URL"),
                   config.get("S3_REGION"), config.get("AWS_ACCESS_KEY_ID"),
                   config.get("AWS_SECRET_ACCESS_KEY"))

    def __getstate__(self):
        # A client does not cross into another process (the demo draws photos in a pool).
        return {**self.__dict__, "_client": None, "_lock": None}

    def __setstate__(self, state):
        self.__dict__.update(state, _lock=threading.Lock())

    def client(self):
        with self._lock:
            if self._client is None:
                import boto3
                from botocore.config import Config
                access_key, secret_key = self._credentials
                self._client = boto3.session.Session().client(
                    "s3", endpoint_url=self.endpoint_url, region_name=self.region,
                    aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                    config=Config(
                        # A store that is down must fail an upload in seconds, not minutes.
                        connect_timeout=5, read_timeout=30,
                        retries={"max_attempts": 3, "mode": "standard"},
                        # Other S3-compatible stores take bucket names in the path, and some
                        # refuse the checksums AWS added in 2025 unless an operation needs them.
                        s3={"addressing_style": "path"} if self.endpoint_url else {},
                        request_checksum_calculation="when_required",
                        response_checksum_validation="when_required"))
            return self._client

    def store(self, folder):
        return S3Store(self, f"{self.prefix}{folder}/")


class S3Store:
    """The keys under one prefix of the backend's bucket; the methods of FolderStore."""

    folder = None  # nothing on disk: the shop reads each photo from the bucket to serve it

    def __init__(self, backend, prefix):
        self.backend, self.prefix = backend, prefix

    def __repr__(self):
        return f"S3Store({self.backend.bucket!r}, {self.prefix!r})"

    def _name(self, key):
        if not check_key(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.prefix + key

    def _call(self, operation, key, **kwargs):
        """Run one S3 operation; StorageUnavailable for anything but "there is no such key",
        which is returned as None."""
        from botocore.exceptions import BotoCoreError, ClientError
        try:
            return getattr(self.backend.client(), operation)(Bucket=self.backend.bucket, **kwargs)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in _ABSENT:
                return None
            log.error("photo store: %s %s failed: %s", operation, key, code or error)
            raise StorageUnavailable() from error
        except BotoCoreError as error:
            log.error("photo store: %s %s failed: %s", operation, key, error)
            raise StorageUnavailable() from error

    def put(self, key, data, content_type):
        self._call("put_object", key, Key=self._name(key), Body=data, ContentType=content_type)

    def get(self, key):
        if not check_key(key):
            return None
        found = self._call("get_object", key, Key=self._name(key))
        if found is None:
            return None
        with found["Body"] as body:
            try:
                data = body.read()
            except Exception as error:  # the connection broke while reading the body
                log.error("photo store: reading %s failed: %s", key, error)
                raise StorageUnavailable() from error
        return Stored(data, found.get("ContentType") or "application/octet-stream",
                      found.get("ETag", "").strip('"'),
                      found.get("LastModified") or datetime.now(timezone.utc))

    def exists(self, key):
        return check_key(key) and self._call("head_object", key, Key=self._name(key)) is not None

    def delete(self, key):
        self._call("delete_object", key, Key=self._name(key))

    def keys(self, prefix=""):
        """Every key under `prefix` ("" for all), sorted: what a backup copies."""
        from botocore.exceptions import BotoCoreError, ClientError
        found = []
        try:
            pages = self.backend.client().get_paginator("list_objects_v2").paginate(
                Bucket=self.backend.bucket, Prefix=self.prefix + prefix)
            for page in pages:
                found.extend(item["Key"][len(self.prefix):] for item in page.get("Contents", ()))
        except (BotoCoreError, ClientError) as error:
            log.error("photo store: listing %s failed: %s", prefix, error)
            raise StorageUnavailable() from error
        return sorted(found)
