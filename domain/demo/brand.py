"""The demo's brand and cause: a logo drawn with Pillow and stored through the upload pipeline
(domain/brand.save_logo), a deep celadon green as the accent colour (white text on it reads at
better than 4.5:1), the studio's story in English and Korean, its social profiles, and a cause:
2 % of each delivered order to a forest conservancy, with one donation noted. The demo's
delivered orders are stamped with that share, as if the cause had been in force when they were
placed, so the cause page has something to add up. Flushes, never commits."""
import io
from datetime import timedelta

from PIL import Image, ImageDraw, ImageFont

from .. import brand, cause
from ..extensions import db
from ..models import CauseDonation, Order
from ..shopconfig import get_settings_row
from .reviews import DEMO_ORDER_TOKEN

COLOUR = "#2f6b55"
CAUSE_NAMES = {"en": "Seoul Forest Conservancy", "ko": "서울숲컨서번시"}
CAUSE_URL = "https://seoulforest.or.kr/"
CAUSE_BP = 200
SOCIAL = {"instagram": "https://www.instagram.com/moonjar.studio.demo",
          "youtube": "https://www.youtube.com/@moonjarstudiodemo",
          "naver_blog": "https://blog.naver.com/moonjarstudiodemo"}
ABOUT = {
    "en": """# Two hands, one kiln

Moonjar Studio is a small ceramics workshop in Seongsu-dong, Seoul. We throw every piece on the
wheel, glaze it by hand and fire it twice in our own gas kiln, so no two cups are quite alike.

## What we believe

- **Made to be used.** Our stoneware goes in the dishwasher and the oven.
- **Slow, not precious.** A chip is a story; we repair, and we teach repair.
- **Giving back.** 2 % of every delivered order goes to the Seoul Forest Conservancy, which
  plants and cares for the trees along the Han River.

Come and see the kiln: the studio is open on Saturday afternoons.
""",
    "ko": """# 두 손과 가마 하나

문자르 스튜디오는 서울 성수동의 작은 도자기 공방입니다. 모든 작품을 물레로 빚고, 손으로 유약을
입혀, 공방의 가스 가마에서 두 번 굽습니다. 그래서 같은 잔은 하나도 없습니다.

## 우리가 믿는 것

- **쓰기 위해 만듭니다.** 저희 그릇은 식기세척기와 오븐에 넣어도 됩니다.
- **천천히, 그러나 편하게.** 이가 빠진 자국도 이야기입니다. 고쳐 쓰고, 고치는 법을 알려 드립니다.
- **나누며 삽니다.** 배송 완료된 모든 주문의 2%를 한강변의 나무를 심고 가꾸는 서울숲컨서번시에 기부합니다.

가마를 보러 오세요. 공방은 토요일 오후에 열려 있습니다.
""",
}


DONATION_NOTE = "Our first gift to the Seoul Forest Conservancy, for planting trees along the Han River."


def draw_logo(width=720, height=180):
    """The studio's mark (a moon jar's round body and foot) and its name, on transparency."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    green = (47, 107, 85, 255)
    body = height - 40
    draw.ellipse((20, 14, 20 + body, 14 + body), fill=green)
    draw.ellipse((38, 30, 2 + body, body - 4), fill=(247, 243, 235, 255))
    draw.rectangle((20 + body // 2 - 22, 10, 20 + body // 2 + 22, 22), fill=green)
    draw.rectangle((20 + body // 2 - 28, body + 10, 20 + body // 2 + 28, body + 22), fill=green)
    font = ImageFont.load_default(size=64)
    draw.text((body + 50, height // 2), "Moonjar Studio", fill=green, font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def saved_about():
    """The About texts as the settings keep them (trimmed)."""
    return {lang: text.strip() for lang, text in ABOUT.items()}


def load_brand(now, upload_dir):
    """Write the demo's brand and cause settings, its logo and one donation note."""
    brand.save_logo(draw_logo(), upload_dir)
    brand.save_brand(colour=COLOUR, about=ABOUT, social=SOCIAL)
    cause.save_settings(names=CAUSE_NAMES, url=CAUSE_URL, percent=CAUSE_BP, fixed=None)
    for order in db.session.scalars(db.select(Order).where(
            Order.checkout_token.startswith(DEMO_ORDER_TOKEN))):
        order.cause_bp, order.cause_fixed = CAUSE_BP, 0
        if order.status == "delivered" and order.delivered_at is None:
            # When it was delivered, from its timeline (as the migration filled in older orders).
            order.delivered_at = next((event.created_at for event in order.events
                                       if event.status == "delivered"), None)
    if db.session.scalar(db.select(CauseDonation.id).limit(1)) is None:
        day = (now - timedelta(days=10)).date()
        db.session.add(CauseDonation(
            donated_on=day, amount=50_000, currency=get_settings_row().currency,
            note=DONATION_NOTE,
            proof_url="https://seoulforest.or.kr/"))
    db.session.flush()
