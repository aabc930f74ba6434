"""Moonjar Studio's help page: four topics with questions in English and Korean, and the three
answers generated from the shop's rules (returns, shipping cost, delivery days).

Written answers state no number (a price, a day count): those come from the rules, through the
generated answers, so the demo never promises what the shop does not enforce.
"""
from .. import faq

# slug: (English name, Korean name)
TOPICS = {
    "shipping": ("Shipping", "배송"),
    "returns": ("Returns", "반품"),
    "payment": ("Payment", "결제"),
    "care": ("Care", "관리"),
}

# (topic slug, question, answer, Korean question, Korean answer)
ENTRIES = [
    ("shipping", "Do you ship outside Korea?",
     "Yes. Choose **International** at checkout: the price and delivery days are shown before "
     "you pay. Import duties and taxes of your country are paid on delivery.",
     "해외로도 배송하나요?",
     "네. 결제할 때 **International**을 고르세요. 배송비와 배송 기간은 결제 전에 보여 드립니다. "
     "받는 나라의 관세와 세금은 배송될 때 내시면 됩니다."),
    ("shipping", "How are the pieces packed?",
     "Each piece is wrapped in recycled paper padding and packed in a double-walled box, so "
     "it survives the trip.",
     "작품은 어떻게 포장되나요?",
     "작품마다 재생지 완충재로 감싼 뒤 이중 골판지 상자에 담아 안전하게 보내 드립니다."),
    ("returns", "Something arrived broken. What do I do?",
     "We are sorry! Ask for a return from your order's page, choose *Arrived damaged* and add "
     "a photo of the piece and its box. We send a replacement or refund you in full.",
     "작품이 깨져서 도착했어요. 어떻게 하나요?",
     "죄송합니다! 주문 페이지에서 반품을 신청하고 *파손되어 도착*을 고른 뒤 작품과 상자 사진을 "
     "올려 주세요. 새 작품을 보내 드리거나 전액 환불해 드립니다."),
    ("payment", "How can I pay?",
     "By card, or by bank transfer to the account shown after you order. An order paid by "
     "bank transfer is packed once the money has arrived.",
     "어떻게 결제하나요?",
     "카드로 결제하시거나, 주문 후 안내되는 계좌로 무통장 입금하실 수 있습니다. 무통장 입금 주문은 "
     "입금이 확인되면 포장합니다."),
    ("payment", "Can I get a tax invoice?",
     "Yes. Write to us with your order number and business registration number and we issue "
     "one.",
     "세금계산서를 받을 수 있나요?",
     "네. 주문 번호와 사업자등록번호를 적어 메일을 보내 주시면 발행해 드립니다."),
    ("care", "Can the bowls go in the dishwasher and microwave?",
     "Yes: our stoneware is fired hot enough for both. Avoid sudden changes of temperature, "
     "such as a cold bowl into a hot oven.",
     "그릇을 식기세척기와 전자레인지에 써도 되나요?",
     "네. 저희 석기는 높은 온도에서 구워 둘 다 쓸 수 있습니다. 차가운 그릇을 뜨거운 오븐에 넣는 "
     "것처럼 온도가 갑자기 바뀌는 것은 피해 주세요."),
    ("care", "Why does my cup look different from the photo?",
     "Every piece is thrown and glazed by hand, so colour and speckles vary a little. That is "
     "part of handmade stoneware, not a fault.",
     "컵이 사진과 조금 달라요.",
     "모든 작품은 손으로 빚고 유약을 입혀 색과 점무늬가 조금씩 다릅니다. 수공예 석기의 "
     "특징이며 불량이 아닙니다."),
]


def write_faq(main_language):
    """The demo's topics and questions, then the generated answers (filed under shipping and
    returns). Returns the number of entries."""
    topics = {}
    for position, (slug, (english, korean)) in enumerate(TOPICS.items()):
        names = {"en": english, "ko": korean}
        other = "ko" if main_language == "en" else "en"
        category = faq.save_category(None, names[main_language], position,
                                     {other: {"name": names[other]}})
        category.slug = slug
        topics[slug] = category
    count = 0
    for position, (slug, question, answer, question_ko, answer_ko) in enumerate(ENTRIES):
        texts = {"en": (question, answer), "ko": (question_ko, answer_ko)}
        other = "ko" if main_language == "en" else "en"
        main_q, main_a = texts[main_language]
        faq.save_entry(None, category_id=topics[slug].id, question=main_q, answer_md=main_a,
                       position=position + 1,
                       translations={other: {"question": texts[other][0],
                                             "answer_md": texts[other][1]}})
        count += 1
    count += len(faq.add_generated())
    return count
