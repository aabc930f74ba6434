"""The demo's reviews, so a first `make run` shows what the shop's listening looks like: delivered
orders of the demo customer and of a few made-up guests, their reviews of five pieces (varied
stars, in English and Korean, some with a photo, one answered by the studio, one with the
thank-you credit, one still waiting in the moderation queue), a change note made after a review,
two testimonials, and a few satisfaction answers after delivery.

Everything is written directly with the models, as it would stand weeks after those orders were
delivered (the reviewer's name shortened and the thank-you given by the review form's own
steps): the orders with their events (no emails are queued to the made-up addresses), each
order's review request already answered (so the worker does not ask again), and every product's
ratings counted with ratings.recount. Demo orders are recognised by their checkout token
(DEMO_ORDER_TOKEN), so `remove-demo` takes them out with the rest of the demo.
"""
import io
import random
from datetime import timedelta

from PIL import Image

from flask_babel import force_locale

from .. import localized, orders as shop_orders
from ..email_address import normalize
from ..extensions import db
from ..models import (ChangeNote, Order, OrderEvent, OrderLine, Product, Review,
                      ReviewRequest, Satisfaction, ShippingMethod, Testimonial, User)
from ..reviews import incentive, photos as review_photos, ratings, submit
from .catalogue import CUSTOMER_EMAIL, GLAZES, MERCHANT_EMAIL
from .photos import BACKDROPS, draw

DEMO_ORDER_TOKEN = "demo-order-"
REVIEW_PHOTO_WIDTH = 1200
ADDRESS = dict(ship_phone="010-5550-0100", ship_line2="", ship_city="Seoul",
               ship_postcode="04524", ship_region="Domestic", ship_country="KR")

# (name on the parcel, email, language, address line) of each buyer; None = the demo
# customer's account. A review shows the name as the form shortens it ("Daniel C.").
BUYERS = {
    "minji": ("Minji Park", None, "ko", "8 Yulgok-ro 3-gil"),
    "seoyeon": ("Seo-yeon Lee", "seoyeon.lee@example.com", "ko", "21 Mangwon-ro"),
    "daniel": ("Daniel Cho", "daniel.cho@example.com", "en", "5 Itaewon-ro 27-gil"),
    "hana": ("Hana Kim", "hana.kim@example.com", "ko", "14 Seongsui-ro 7-gil"),
    "tom": ("Tom Becker", "tom.becker@example.com", "en", "33 Hoehyeon-dong"),
    "jiwoo": ("Jiwoo Park", "jiwoo.park@example.com", "en", "2 Yeonhui-ro 11-gil"),
    "eunji": ("Eun-ji Seo", "eunji.seo@example.com", "ko", "9 Banpo-daero"),
}

# Each order: (buyer, days since delivery, [(product title, glaze), ...]).
ORDERS = [
    ("minji", 20, [("Everyday Mug", "Celadon"), ("Rice Bowl", "Moon White")]),
    ("seoyeon", 64, [("Everyday Mug", "Ash Grey")]),
    ("daniel", 48, [("Everyday Mug", "Tenmoku"), ("Moon Jar", "Moon White")]),
    ("hana", 80, [("Side-Handle Teapot", "Celadon"), ("Rice Bowl", "Celadon")]),
    ("tom", 35, [("Side-Handle Teapot", "Tenmoku"), ("Moon Jar", "Moon White")]),
    ("jiwoo", 27, [("Dinner Plate", "Ash Grey"), ("Rice Bowl", "Ash Grey")]),
    ("eunji", 9, [("Dinner Plate", "Moon White")]),
]

# Each review: (buyer, product, stars, title, text, recommend, days after delivery,
# status, photo: (shape, glaze) or None). Minji's Rice Bowl is left for her to review.
REVIEWS = [
    ("minji", "Everyday Mug", 5, "매일 아침 쓰는 컵",
     "손잡이가 손가락 세 개에 꼭 맞고, 커피가 오래 따뜻해요. 청자 유약 색이 사진보다 더 맑아요.",
     True, 4, "published", ("mug", "Celadon")),
    ("seoyeon", "Everyday Mug", 4, "묵직하고 든든해요",
     "생각보다 조금 무겁지만 그래서 안정감이 있어요. 식기세척기에 돌려도 유약이 멀쩡합니다.",
     True, 6, "published", ("mug", "Ash Grey")),
    ("daniel", "Everyday Mug", 5, "The mug I reach for first",
     "Holds a proper cup of coffee and the tenmoku breaks to amber on the rim just like the "
     "photos. Bought a second one for the office.", True, 3, "published", None),
    ("daniel", "Moon Jar", 5, "Quietly beautiful",
     "It is bigger in person and the white has a soft warmth to it. Packed with great care: "
     "double-boxed and wrapped in paper.", True, 5, "published", ("moonjar", "Moon White")),
    ("hana", "Side-Handle Teapot", 2, "뚜껑이 달그락거려요",
     "색과 모양은 정말 예쁜데, 차를 따를 때 뚜껑이 흔들리고 살짝 떨어질 것 같아 불안해요.",
     False, 7, "published", ("sidepot", "Celadon")),
    ("hana", "Rice Bowl", 5, "밥그릇으로 딱이에요",
     "굽이 안정적이고 손에 쥐기 편해요. 매일 씁니다.", True, 7, "published", None),
    ("tom", "Side-Handle Teapot", 4, "Lovely to pour from",
     "Pours clean with no drips. The lid is a little loose, but the handle sits perfectly in "
     "the hand.", True, 4, "published", None),
    ("tom", "Moon Jar", 5, "Worth the wait", "The centrepiece of our living room now.", True,
     4, "published", None),
    ("jiwoo", "Dinner Plate", 3, "Nice plate, one small chip",
     "The ash grey is lovely and it is a good size, but mine arrived with a tiny chip on the "
     "foot ring. Not visible on the table.", None, 5, "published", None),
    ("jiwoo", "Rice Bowl", 4, "Simple and steady", "Exactly the size I wanted for rice and soup.",
     True, 5, "published", None),
    ("eunji", "Dinner Plate", 1, "접시 가장자리가 얇아요",
     "받자마자 가장자리에 작은 금이 보였어요. 교환 가능한지 문의드렸습니다.", False, 2,
     "pending", None),
]

# The studio's public replies: (buyer, product, text, days after the review).
REPLIES = [
    ("hana", "Side-Handle Teapot",
     "소중한 후기 감사합니다. 말씀해 주신 뚜껑 문제를 확인했고, 지금은 뚜껑 턱을 더 깊게 만들어 "
     "따를 때 흔들리지 않도록 바꾸었습니다. 불편을 드려 죄송합니다. — 소연", 2),
    ("jiwoo", "Dinner Plate",
     "Thank you for telling us, and sorry about the chip. We have written to you about a "
     "replacement, and we now wrap every plate's foot ring separately. — Soyeon", 1),
]

CHANGE_NOTE = dict(
    product="Side-Handle Teapot", days_ago=30,
    text="A deeper lid flange since last month, after your feedback: the lid no longer "
         "rattles when you pour.",
    text_ko="후기를 듣고 지난달부터 뚜껑 턱을 더 깊게 만들었습니다. 이제 차를 따를 때 뚜껑이 "
            "흔들리지 않습니다.",
    reviews=[("hana", "Side-Handle Teapot"), ("tom", "Side-Handle Teapot")])

TESTIMONIALS = [
    dict(kind="testimonial", name="Ji-hye Yoon", source="Owner, Cafe Nook in Mangwon-dong",
         quote="We serve every latte in Moonjar cups. Guests ask where they are from almost "
               "every day.", days_ago=120),
    dict(kind="press", name="", source="월간 공예 (Craft Monthly)",
         quote="북촌의 작은 공방에서 매일 쓰는 그릇의 아름다움을 다시 생각하게 하는 작업.",
         days_ago=200),
]

# Delivery satisfaction answers (buyer, score, comment), one per order.
SATISFACTION = [("seoyeon", 5, ""), ("daniel", 5, "Fast and very well packed."),
                ("hana", 3, ""), ("tom", 4, ""), ("jiwoo", 2, "One plate had a chip."),
                ("minji", 5, "")]


def load_reviews(now, settings, photo_size=None):
    """Write the demo's orders, reviews, reply, change note, testimonials and satisfaction
    answers; returns the number of reviews written. Flushes, never commits."""
    rng = random.Random(7)
    customer = db.session.scalar(db.select(User).where(User.email == CUSTOMER_EMAIL))
    method = db.session.scalar(db.select(ShippingMethod).where(ShippingMethod.name == "Standard"))
    by_title = {p.title: p for p in db.session.scalars(db.select(Product).where(
        Product.title.in_({title for _b, _d, lines in ORDERS for title, _g in lines})))}
    lines, orders = {}, {}
    for number, (buyer, days, items) in enumerate(ORDERS, 1):
        order = _order(number, buyer, now - timedelta(days=days), items, by_title, customer,
                       method, settings)
        orders[buyer] = order
        for line in order.lines:
            lines[(buyer, line.title)] = line
    reviews = {}
    for buyer, title, stars, head, body, recommend, after, status, photo in REVIEWS:
        line = lines[(buyer, title)]
        reviews[(buyer, title)] = _review(line, buyer, customer, stars, head, body, recommend,
                                          _delivered(line.order) + timedelta(days=after), status,
                                          settings)
        if photo:
            _photo(reviews[(buyer, title)], photo, rng, photo_size)
    for buyer, title, text, after in REPLIES:
        review = reviews[(buyer, title)]
        review.reply, review.replied_at = text, review.created_at + timedelta(days=after)
    for buyer, order in orders.items():
        _request_answered(order, settings, reviews, buyer)
    _change_note(by_title, reviews, now, settings.main_language)
    _testimonials(now)
    _satisfaction(orders, customer)
    db.session.flush()
    for product in by_title.values():
        ratings.recount(product.id)
    return len(reviews)


def _delivered(order):
    return next(e.created_at for e in order.events if e.status == "delivered")


def _order(number, buyer, delivered, items, by_title, customer, method, settings):
    name, email, locale, street = BUYERS[buyer]
    user = customer if email is None else None
    placed = delivered - timedelta(days=3, hours=5)
    order = Order(number=shop_orders.new_number(), checkout_token=f"{DEMO_ORDER_TOKEN}{number}",
                  user_id=user.id if user else None, email=email or CUSTOMER_EMAIL,
                  locale=locale, status="delivered", currency=settings.currency, discount=0,
                  tax_included=True, tax_rate_bp=settings.tax_rate_bp, fees=0,
                  shipping_method_id=method.id, shipping_method_name=method.name,
                  shipping_days_min=method.days_min, shipping_days_max=method.days_max,
                  payment_method="test_card", carrier="CJ Logistics",
                  tracking_number=f"65432100{number:04d}", placed_at=placed,
                  ship_name=user.name if user else name, ship_line1=street,
                  subtotal=0, shipping=0, tax=0, total=0, **ADDRESS)
    for title, glaze in items:
        product = by_title[title]
        variant = next(v for v in product.variants if v.option1 == glaze)
        order.lines.append(OrderLine(
            variant_id=variant.id, product_id=product.id, title=product.title,
            variant_title=" / ".join(filter(None, (variant.option1, variant.option2))),
            sku=variant.sku, unit_price=variant.price, quantity=1,
            tax_rate_bp=settings.tax_rate_bp))
    order.subtotal = sum(line.unit_price for line in order.lines)
    threshold = settings.free_shipping_threshold
    order.shipping = 0 if threshold is not None and order.subtotal >= threshold else method.price
    order.total = order.subtotal + order.shipping
    rate = settings.tax_rate_bp
    order.tax = round(order.total * rate / (10_000 + rate))
    merchant = f"merchant:{MERCHANT_EMAIL}"
    for status, actor, at in (("placed", "customer", placed), ("paid", "system", placed),
                              ("packed", merchant, placed + timedelta(hours=20)),
                              ("shipped", merchant, placed + timedelta(days=1)),
                              ("delivered", "system", delivered)):
        order.events.append(OrderEvent(status=status, actor=actor, created_at=at))
    db.session.add(order)
    db.session.flush()
    return order


def _review(line, buyer, customer, stars, title, body, recommend, written, status, settings):
    _name, email, locale, _street = BUYERS[buyer]
    order = line.order
    reviewer = f"user:{customer.id}" if email is None else f"email:{normalize(email)}"
    review = Review(product_id=line.product_id, reviewer=reviewer, user_id=order.user_id,
                    email=order.email, order_id=order.id, order_line_id=line.id,
                    variant_title=line.variant_title, author_name=submit.author_name(order),
                    locale=locale, rating=stars, title=title, body=body, recommend=recommend,
                    status=status, created_at=written, updated_at=written,
                    published_at=written + timedelta(days=1) if status == "published" else None)
    db.session.add(review)
    db.session.flush()
    with force_locale(order.locale):
        # The thank-you for writing a review at all, whatever its stars, as the form gives it.
        incentive.thank(review, order, settings, written)
    return review


def _photo(review, photo, rng, photo_size):
    """A customer's snapshot of the piece, through the same re-encoding as an uploaded photo."""
    shape, glaze = photo
    size = min(photo_size or REVIEW_PHOTO_WIDTH, REVIEW_PHOTO_WIDTH)
    data = draw(shape, GLAZES[glaze][1], BACKDROPS[rng.randrange(len(BACKDROPS))], 0.8, rng,
                size=size)
    image = Image.open(io.BytesIO(data)).convert("RGB").crop((0, size // 8, size, size * 7 // 8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    review_photos.attach(review, review_photos.store([("", buffer.getvalue())]),
                         review.created_at)


def _request_answered(order, settings, reviews, buyer):
    """The review request as it stands after it was sent (and reminded, where a line is
    still unreviewed), so the worker's job never emails the demo's made-up addresses."""
    sent = _delivered(order) + timedelta(days=settings.review_request_days)
    answered = min((r.created_at for (b, _t), r in reviews.items() if b == buyer), default=None)
    everything = all((buyer, line.title) in reviews for line in order.lines)
    db.session.add(ReviewRequest(
        order_id=order.id, state="done" if everything else "reminded", sent_at=sent,
        reminded_at=None if everything else sent + timedelta(days=settings.review_reminder_days),
        answered_at=answered, created_at=sent, updated_at=sent))


def _change_note(by_title, reviews, now, main_language):
    note = CHANGE_NOTE
    row = ChangeNote(
        product_id=by_title[note["product"]].id, text=note["text"],
        review_ids=[reviews[key].id for key in note["reviews"]], return_ids=[],
        changed_on=(now - timedelta(days=note["days_ago"])).date(),
        # Its customers were told when it was written: the demo queues no emails.
        notified_at=now - timedelta(days=note["days_ago"]))
    localized.set_translation(row, "ko", {"text": note["text_ko"]}, main_language)
    db.session.add(row)


def _testimonials(now):
    for position, entry in enumerate(TESTIMONIALS):
        db.session.add(Testimonial(kind=entry["kind"], quote=entry["quote"], name=entry["name"],
                                   source=entry["source"], position=position,
                                   said_on=(now - timedelta(days=entry["days_ago"])).date()))


def _satisfaction(orders, customer):
    for buyer, score, comment in SATISFACTION:
        order = orders[buyer]
        when = _delivered(order) + timedelta(hours=6)
        db.session.add(Satisfaction(
            touchpoint="delivery", subject=f"order:{order.id}", order_id=order.id,
            user_id=order.user_id, email=order.email, score=score, comment=comment,
            locale=order.locale, created_at=when, updated_at=when))


def testimonial_quotes():
    """The quotes the demo wrote: how remove-demo recognises its testimonials."""
    return [entry["quote"] for entry in TESTIMONIALS]
