"""A real S3-compatible server for the photo store tests: moto's server (moto[s3], pinned in
requirements-dev.txt) in a process of its own on a free local port, speaking S3 over HTTP and
checking each request's signature against the one access key it hands out. It is a stand-in:
the tests have not run against MinIO, Garage, Ceph or AWS itself."""
import json
import os
import socket
import subprocess
import sys
import time
import uuid

import boto3

REGION = "us-east-1"
# The first three requests (make a user, allow it S3, give it a key) are the only ones the
# server takes unsigned; every request after them must be signed with that key.
_SETUP_REQUESTS = 3


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    def __init__(self):
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(_SETUP_REQUESTS),
               "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._wait_until_listening()
            self.access_key, self.secret_key = self._make_key()
        except BaseException:
            self.stop()
            raise

    def _wait_until_listening(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the S3 server (moto) did not start")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the S3 server (moto) did not listen in time")

    def _make_key(self):
        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name=REGION,
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_user(UserName="shop")
        iam.put_user_policy(UserName="shop", PolicyName="photos", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName="shop")["AccessKey"]
        return key["AccessKeyId"], key["SecretAccessKey"]

    def client(self, secret_key=None):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=secret_key or self.secret_key)

    def new_bucket(self):
        name = f"shop-photos-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def app_config(self, bucket, prefix="shop"):
        """The shop's settings for a store in `bucket`, as PHOTO_STORAGE and friends."""
        return {"PHOTO_STORAGE": f"s3://{bucket}/{prefix}", "S3_ENDPOINT_URL": self.endpoint,
                "S3_REGION": REGION, "AWS_ACCESS_KEY_ID": self.access_key,
                "AWS_SECRET_ACCESS_KEY": self.secret_key}

    def objects(self, bucket, prefix=""):
        """{key: bytes} of every object in `bucket` under `prefix`, read with the client."""
        s3 = self.client()
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", ())
        return {item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                for item in listed}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
