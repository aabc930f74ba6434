"""A shop worth backing up (orders, a product photo, a customer's return photo), buyers placing
orders while a backup runs, and archives damaged or altered on purpose."""
import io
import os
import json
import tarfile
import threading
import time
import uuid

from PIL import Image
from sqlalchemy import text

from domain import images, orders, returns, shopconfig, storage
from domain.extensions import db
from domain.models import Order, Product
from domain.returns import Selection
from tests.checkout_helpers import krw_shop
from tests.concurrency_helpers import Buyer
from tests.order_helpers import LATER, delivered_order


def photo_bytes(colour):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def shop_with_photos(app, make):
    """krw_shop (plenty of stock) with a photo on the moon jar and a delivered order whose
    return carries a customer's photo. Returns the krw_shop ids."""
    shop = krw_shop(make, stock=1000)
    with app.test_request_context():
        jar = db.session.get(Product, shop["jar"]["id"])
        images.add_image(jar, photo_bytes((200, 180, 150)), storage.product_photos(app), "Jar")
        db.session.commit()
    order = delivered_order(app, {"variant": shop["small"], "method": shop["standard"]},
                            token="delivered-for-return")
    with app.test_request_context():
        placed = orders.by_number(order["number"])
        config = shopconfig.current()
        returns.request_return(placed, [Selection(placed.lines[0].id, 1, None)], "refund",
                               "damaged", "Cracked rim", "dropoff", uuid.uuid4().hex, LATER,
                               config, asker_id=None, photos=[("rim.png", photo_bytes((90, 20, 20)))],
                               photo_store=storage.return_photos(app))
        db.session.commit()
    return shop


def photo_files(app):
    """(product photo files, return photo files): paths relative to their folders."""
    def files(folder):
        return sorted(os.path.relpath(os.path.join(root, name), folder)
                      for root, _dirs, names in os.walk(folder) for name in names)
    return files(app.config["UPLOAD_FOLDER"]), files(app.config["RETURN_PHOTO_FOLDER"])


class Buyers:
    """Browsers placing orders one after another until stopped; each confirmation (the 303 to
    the order's page) is noted with the moment the buyer saw it."""

    def __init__(self, base, shop, count=4):
        self.base, self.shop = base, shop
        self.confirmed = []  # (monotonic time seen, order number)
        self.failures = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._buy, daemon=True) for _ in range(count)]

    def _buy(self):
        buyer = Buyer(self.base)
        while not self.stop.is_set():
            form = buyer.ready_to_pay(self.shop)
            status, location, body = buyer.request("/checkout", form)
            if status != 303:
                self.failures.append((status, body[:200]))
                continue
            self.confirmed.append((time.monotonic(), location.split("?")[0].rsplit("/", 1)[1]))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def wait_for(self, orders_count, timeout=30):
        deadline = time.monotonic() + timeout
        while len(self.confirmed) < orders_count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.confirmed) >= orders_count, self.failures[:3]

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def orders_in_shop(app):
    """{number: (lines, payments)} for every order in the shop's database."""
    with app.app_context():
        found = {order.number: (len(order.lines), len(order.payments))
                 for order in db.session.scalars(db.select(Order))}
        db.session.remove()
        db.engine.dispose()
    return found


def rewrite(archive, target, change_manifest=None, drop=None):
    """A copy of the archive with its manifest changed (or a member left out)."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == drop:
                continue
            if member.name == "manifest.json" and change_manifest:
                manifest = json.loads(data)
                change_manifest(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def drop_aside_schemas(app):
    """PostgreSQL: drop the schemas restores set aside, so the next test starts clean."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        with db.engine.begin() as conn:
            for (name,) in conn.execute(text("SELECT nspname FROM pg_namespace "
                                             "WHERE nspname LIKE 'before_restore_%'")).all():
                conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        db.engine.dispose()
