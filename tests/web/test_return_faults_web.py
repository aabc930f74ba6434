"""Goods that arrived damaged, wrong or not as described, as the customer asks online and the
merchant settles them: final sale and fees give way, photos go with the request and only the
order's people can open them, and the policy page states the rule from the same setting."""
import io
import os
import re
from datetime import timedelta

import pytest
from PIL import Image

from domain import orders, returns
from domain.extensions import db
from domain.models import Payment, ReturnRequest
from domain.returns import photos as return_photos
from tests.order_helpers import LATER, NOW, delivered_order, shop_with_a_product
from tests.page_helpers import csrf_of
from tests.return_helpers import ACCOUNT, rule_values, step

TOKEN_RE = re.compile(r'name="request_token"[^>]*value="([^"]+)"')
PHOTO_RE = re.compile(r'<img src="(/returns/R-[A-Z0-9]+/photos/\d+\.webp[^"]*)"')


@pytest.fixture
def shop(app, make):
    """A KRW shop: moon jars with a 10 % restocking fee and ₩6,000 return shipping, a cup sold
    as final sale; the clock two days after delivery."""
    app.config["CLOCK"] = lambda: LATER
    setup = shop_with_a_product(make)
    cup = make.product("Seconds cup", price=12000, stock=5)
    with app.test_request_context():
        returns.save_rule("shop", None, rule_values(restocking_fee_bp=1000, return_shipping="flat",
                                                    return_shipping_fee=6000), NOW)
        returns.save_rule("product", cup["id"], rule_values(final_sale=True), NOW)
        db.session.commit()
    return {**setup, "cup": cup["variant_ids"][0]}


def place_delivered(app, shop, user_id=None, email="minji@example.com", key="a"):
    """A delivered order (bank transfer) of two jars and the final-sale cup."""
    placed = delivered_order(app, shop, payment="bank_transfer", email=email, user_id=user_id,
                             token=f"tok-faults-{key}",
                             items={str(shop["variant"]): 2, str(shop["cup"]): 1})
    with app.app_context():
        lines = {line.title: line.id for line in orders.by_number(placed["number"]).lines}
    return {**placed, "jar": lines["Moon jar"], "cup": lines["Seconds cup"]}


def jpeg(size=(64, 48), colour=(180, 40, 30)):
    """A real small JPEG carrying EXIF (a camera's owner), as a phone would send it."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = "Kim Minji"  # Artist
    Image.new("RGB", size, colour).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def ask(client, order, token=True, photos=(), **fields):
    """Send the return form as the page hands it out (one cup back, damaged, for a refund)."""
    query = {"t": order["token"]} if token else {}
    html = client.get(f"/orders/{order['number']}/return", query_string=query).get_data(as_text=True)
    data = {"csrf_token": csrf_of(html), "request_token": TOKEN_RE.search(html).group(1),
            f"qty-{order['cup']}": "1", "action": "refund", "reason": "damaged",
            "reason_text": "The rim is chipped.", "method": "dropoff", **ACCOUNT, **query,
            **fields}
    data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return client.post(f"/orders/{order['number']}/return", data=data,
                       content_type="multipart/form-data")


def the_return(app):
    with app.app_context():
        ret = db.session.scalar(db.select(ReturnRequest))
        return ret and {"number": ret.number, "refund": ret.refund_amount,
                        "restocking": ret.restocking_fee, "shipping": ret.return_shipping_fee,
                        "reason": ret.reason, "photos": [(p.id, p.key) for p in ret.photos]}


def count_returns(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(ReturnRequest.id)))


def test_a_damaged_final_sale_cup_comes_back_online_with_a_full_refund(app, client, shop, merchant):
    """The cup arrived chipped: the return is made online, nothing is kept, and the merchant's
    refund gives back the ₩12,000 paid."""
    order = place_delivered(app, shop)
    response = ask(client, order)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    ret = the_return(app)
    assert (ret["refund"], ret["restocking"], ret["shipping"]) == (12000, 0, 0)
    step(app, ret["number"], "approve", "receive")
    done = client.post(f"/admin/returns/{ret['number']}/complete", data={
        "csrf_token": csrf_of(client.get(f"/admin/returns/{ret['number']}").get_data(as_text=True)),
        "reference": "Hana 0042"})
    assert done.status_code == 303
    with app.app_context():
        refunds = db.session.scalars(db.select(Payment.amount).where(Payment.operation == "refund")).all()
    assert refunds == [12000]


def test_a_change_of_mind_on_the_final_sale_cup_is_still_refused(app, client, shop):
    """Unwanted, the cup is final sale: 422, told it could come back if it were faulty, no return."""
    order = place_delivered(app, shop)
    response = ask(client, order, reason="changed_mind")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Seconds cup: Final sale. If it arrived damaged, wrong, incomplete or not as described" in html
    assert count_returns(app) == 0


def test_fees_still_apply_to_a_change_of_mind_but_not_to_a_damaged_jar(app, client, shop):
    """One jar unwanted: ₩39,000 less 10 % and ₩6,000 = ₩29,100. The other, damaged: ₩39,000."""
    order = place_delivered(app, shop)
    assert ask(client, order, reason="size_fit", **{f"qty-{order['cup']}": "0",
                                                   f"qty-{order['jar']}": "1"}).status_code == 303
    with app.app_context():
        unwanted = db.session.scalar(db.select(ReturnRequest))
        assert (unwanted.refund_amount, unwanted.restocking_fee, unwanted.return_shipping_fee) == \
            (29100, 3900, 6000)
    assert ask(client, order, **{f"qty-{order['cup']}": "0", f"qty-{order['jar']}": "1"}).status_code == 303
    with app.app_context():
        damaged = db.session.scalars(db.select(ReturnRequest).order_by(ReturnRequest.id)).all()[-1]
        assert (damaged.refund_amount, damaged.restocking_fee, damaged.return_shipping_fee) == \
            (39000, 0, 0)


def test_the_form_shows_the_full_refund_once_the_reason_is_a_fault(app, client, shop):
    """Choosing "Arrived damaged" redraws the form: the cup gets a quantity and the estimate
    says nothing is kept, without JavaScript as with htmx."""
    order = place_delivered(app, shop)
    html = client.get(f"/orders/{order['number']}/return",
                      query_string={"t": order["token"]}).get_data(as_text=True)
    assert f'name="qty-{order["cup"]}"' not in html and "choose that reason above" in html
    data = {"csrf_token": csrf_of(html), "request_token": TOKEN_RE.search(html).group(1),
            "t": order["token"], "reason": "damaged", "action": "refund", "method": "dropoff",
            f"qty-{order['cup']}": "1", f"qty-{order['jar']}": "0", "recalculate": "form"}
    redrawn = client.post(f"/orders/{order['number']}/return", data=data,
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert redrawn.lstrip().startswith('<form id="return-form"')
    assert f'name="qty-{order["cup"]}"' in redrawn
    assert "You get back ₩12,000" in redrawn and "nothing is kept from what you paid" in redrawn


def test_a_photo_is_kept_without_its_metadata_and_shown_to_the_order_s_people_only(
        app, client, make, login, shop):
    """The guest's link and the merchant open the photo; an anonymous visitor and another
    customer get 404; the file is outside the public uploads and has no EXIF left."""
    order = place_delivered(app, shop)
    assert ask(client, order, photos=[("cup.jpg", jpeg())]).status_code == 303
    ret = the_return(app)
    assert len(ret["photos"]) == 1
    page = client.get(f"/returns/{ret['number']}", query_string={"t": order["token"]}).get_data(as_text=True)
    url = PHOTO_RE.search(page).group(1).replace("&amp;", "&")
    assert f"t={order['token']}" in url
    shown = client.get(url)
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    assert "private" in shown.headers["Cache-Control"]
    stored = Image.open(io.BytesIO(shown.data))
    assert stored.size == (64, 48) and not stored.getexif() and "exif" not in stored.info
    path = os.path.join(app.config["RETURN_PHOTO_FOLDER"], f"{ret['photos'][0][1]}.webp")
    assert os.path.exists(path)
    assert not os.path.abspath(path).startswith(os.path.abspath(app.config["UPLOAD_FOLDER"]))
    bare = url.split("?")[0]
    assert client.get(bare).status_code == 404
    assert client.get(f"/media/../return-photos/{ret['photos'][0][1]}.webp").status_code == 404
    login(make.user(email="someone@example.com"))
    assert client.get(bare).status_code == 404
    login(make.user(email="boss@example.com", merchant=True))
    admin = client.get(f"/admin/returns/{ret['number']}").get_data(as_text=True)
    assert "1 photo from the customer" in admin
    assert client.get(PHOTO_RE.search(admin).group(1).replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize("photos, message", [
    ([("notes.jpg", b"these are not the pixels you are looking for")],
     "notes.jpg: That file is not an image we can read."),
    ([("huge.jpg", jpeg() + b"\0" * return_photos.MAX_BYTES)], "huge.jpg: The image is larger than 5 MB."),
    ([(f"cup{n}.jpg", jpeg(colour=(n * 40, 0, 0))) for n in range(4)], "Send 3 photos at most."),
])
def test_photos_that_are_not_images_too_large_or_too_many_are_refused(app, client, shop, photos,
                                                                      message):
    """422 with the reason by the photo field, no return and no file kept."""
    order = place_delivered(app, shop)
    response = ask(client, order, photos=photos)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and 'id="photos-error"' in html
    assert "Choose the photos again" in html
    assert count_returns(app) == 0
    folder = app.config["RETURN_PHOTO_FOLDER"]
    assert not os.path.isdir(folder) or os.listdir(folder) == []


def test_three_photos_are_accepted(app, client, shop):
    """Three different photos: all three kept with the return."""
    order = place_delivered(app, shop)
    photos = [(f"cup{n}.jpg", jpeg(colour=(n * 60, 10, 10))) for n in range(3)]
    assert ask(client, order, photos=photos).status_code == 303
    assert len(the_return(app)["photos"]) == 3


def test_a_fault_return_is_flagged_and_filtered_in_the_back_office(app, client, shop, merchant):
    """The queue marks the damaged cup "Fault" and lists it alone under the fault filter."""
    order = place_delivered(app, shop)
    ask(client, order)
    ask(client, order, reason="size_fit", **{f"qty-{order['cup']}": "0", f"qty-{order['jar']}": "1"})
    html = client.get("/admin/returns").get_data(as_text=True)
    assert html.count('class="status status-fault"') == 1 and "2 returns" in html
    only = client.get("/admin/returns", query_string={"fault": "1"}).get_data(as_text=True)
    assert "1 return" in only and "Arrived damaged" in only


def test_the_policy_page_states_the_fault_rule_from_the_setting(app, client, make, shop, merchant):
    """KRW: 92 days (the law's three months) and final sale included; the merchant's 120 days
    show as soon as they are saved; a wrongly short window is refused."""
    html = client.get("/policies/returns").get_data(as_text=True)
    section = html[html.index('id="faults-heading"'):html.index('id="general-heading"')
                   if 'id="general-heading"' in html else None]
    assert "you can send it back within 92 days of delivery" in section
    assert "This includes final-sale items." in section
    assert "no restocking fee, and return shipping is free" in section
    assert "Article 17(3)" in section
    form = client.get("/admin/returns/rules").get_data(as_text=True)
    base = {"csrf_token": csrf_of(form), "transit_days": "3", "dropoff_enabled": "y",
            "refund_promise_days": "3", "general_md": ""}
    refused = client.post("/admin/returns/rules/processing", data={**base, "fault_window_days": "60"})
    assert refused.status_code == 422 and "at least 92 days" in refused.get_data(as_text=True)
    saved = client.post("/admin/returns/rules/processing", data={**base, "fault_window_days": "120"})
    assert saved.status_code == 303
    assert "within 120 days of delivery" in client.get("/policies/returns").get_data(as_text=True)


def test_a_us_shop_s_fault_window_is_its_own_setting(app, client, make, shop):
    """In dollars there is no legal floor here: the default 30 days, no Korean law named."""
    make.settings(currency="USD")
    html = client.get("/policies/returns").get_data(as_text=True)
    assert "within 30 days of delivery" in html and "Article 17(3)" not in html
