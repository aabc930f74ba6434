"""The demo catalogue in Korean, keyed by the English names in catalogue.py.

English stays the demo shop's main language; these texts become each row's "ko" translation
(domain.localized). Product copy speaks 해요체, as the studio talks to its customers across the
counter; the policies (policies_ko.py) use 합니다체. "Moonjar Studio" is a name and stays as is.
"""
import re
from typing import NamedTuple

LANGUAGE = "ko"

OPTION_NAMES = {"Glaze": "유약", "Size": "크기"}
SIZES = {"Small": "소형", "Medium": "중형", "Large": "대형"}

# English glaze name: (its Korean name, a sentence for a piece made only in that glaze)
GLAZES = {
    "Celadon": ("청자", "은은한 비취색 청자 유약으로 마감해, 물레 자국을 따라 색이 한층 깊어져요."),
    "Moon White": ("달백자", "조선 달항아리를 닮은 은은한 반무광 흰빛, 달백자 유약으로 마감했어요."),
    "Ash Grey": ("재유", "나뭇재로 만든 무광 재유로 마감해 회색빛에 옅은 초록이 감돌아요."),
    "Tenmoku": ("천목", "철분이 많은 광택 천목 유약으로 마감해, 입구 가장자리에서는 호박색으로 "
                      "옅어져요."),
    "Ink Blue": ("코발트", "깊은 코발트 블루 유약으로 마감해, 두껍게 흘러내린 곳은 검은빛에 "
                        "가까워요."),
    "Speckled Oat": ("오트밀", "따뜻한 오트밀색 유약으로 마감했고, 흙 속 철분이 주근깨처럼 점점이 "
                            "올라와요."),
    "Persimmon": ("홍시", "가을 홍시에서 이름을 딴, 녹슨 듯한 주황빛 철유로 마감했어요."),
    "Buncheong": ("분청", "회색 흙 위에 백토를 바르는 분청 기법으로 마감했어요."),
}
COUNTS = {2: "두", 3: "세", 4: "네", 5: "다섯"}

SPEC_NAMES = {"Dimensions": "치수", "Capacity": "용량", "Material": "재질",
              "Dishwasher safe": "식기세척기", "Microwave safe": "전자레인지",
              "Made in": "제조국"}
SPEC_VALUES = {"Yes": "사용 가능", "No": "사용 불가", "Hand wash": "사용 불가 (손 세척)",
               "Stoneware, lead-free glaze": "석기(스톤웨어), 무연 유약",
               "Seoul, Korea": "대한민국 (서울)"}

CARE_DAILY = ["식기세척기와 전자레인지에 사용할 수 있어요.", "오븐이나 직화에는 사용할 수 없어요.",
              "뜨거울 때 바로 씻지 말고 식힌 뒤에 씻어 주세요. 갑작스러운 온도 변화에 금이 갈 수 "
              "있어요."]
CARE_HAND = ["따뜻한 물에 중성세제로 손 세척해 주세요.",
             "유약에 철분이 들어 있어 전자레인지에는 사용할 수 없어요.",
             "보관하기 전에 완전히 말려 주세요. 유약을 바르지 않은 부분은 한동안 물기를 머금고 "
             "있어요."]


class Kind(NamedTuple):
    """A category's name and description, and what its pieces' descriptions share."""
    name: str
    description: str
    making: str
    using: str
    care: list


CATEGORIES = {
    "Mugs & Cups": Kind(
        "머그·컵", "커피와 차, 그리고 그 사이의 모든 음료를 위한 머그와 손잡이 없는 잔이에요.",
        "머그와 컵은 샤모트를 섞은 석기 점토로 물레를 차서 빚고, 반건조 상태에서 굽을 깎은 뒤 "
        "손잡이를 손으로 당겨 늘여 붙여요. 초벌한 다음 유약에 담갔다 꺼내 1,250 °C에서 한 번 더 "
        "구워요.",
        "커피나 차 한 잔에 꼭 맞는 크기예요. 두툼한 벽이 음료를 오래 따뜻하게 지켜 주고, 유약을 "
        "바르지 않은 굽은 식탁에 흠집을 내지 않아요.", CARE_DAILY),
    "Bowls": Kind(
        "공기·볼", "밥공기, 면기, 서빙 볼까지 매 끼니에 쓰는 그릇이에요.",
        "하나하나 물레로 빚고 굽을 깊게 깎아 바닥이 흔들림 없이 앉도록 했어요. 환원 가마에서 "
        "1,250 °C로 구워요.",
        "매일 쓰라고 만든 그릇이에요. 밥, 국, 샐러드, 과일 무엇이든 좋아요. 찬장에 차곡차곡 "
        "포개어 두기도 좋아요.", CARE_DAILY),
    "Plates": Kind(
        "접시", "살짝 올라온 림이 있는 디너 접시, 앞접시, 서빙 접시예요.",
        "접시는 물레 위 판에서 납작하게 빚고, 틀어지지 않도록 흙을 꼼꼼히 눌러 다진 뒤 일주일 "
        "동안 천천히 말려서 두 번 구워요.",
        "가운데가 넓고 평평해 음식을 담기 좋고, 낮은 림이 소스를 잡아 줘요. 따뜻한 요리를 담기 "
        "전에 뜨거운 물로 헹궈 접시를 데워 두세요.", CARE_DAILY),
    "Vases": Kind(
        "화병", "꽃 한 송이부터 한 아름의 가지까지 담을 수 있는 화병과 항아리예요.",
        "큰 기물은 두 부분으로 나눠 빚어 이어 붙이고, 금이 가지 않도록 천천히 구워요. 모든 화병은 "
        "안쪽까지 유약을 입히고 물이 새지 않는지 확인해요.",
        "물이 새지 않고 바닥이 묵직해 잘 넘어지지 않아요. 꽃 없이 선반이나 창가에 두기만 해도 "
        "예뻐요.", CARE_HAND),
    "Teaware": Kind(
        "다기", "느긋한 차 한 잔을 위한 다관, 다완, 찻잔이에요.",
        "다관은 몸통, 뚜껑, 물대, 손잡이를 따로 물레로 빚어 흙이 무를 때 맞춰 붙여요. 그래서 "
        "뚜껑이 꼭 맞고 물줄기가 깔끔하게 끊겨요.",
        "먼저 뜨거운 물로 다관을 데워 주세요. 녹차는 70 °C 안팎의 물이, 홍차와 볶은 차는 막 "
        "끓은 물이 잘 맞아요.", CARE_HAND),
}


class Piece(NamedTuple):
    """A product's Korean title and copy; dims and capacity only where the English measures
    need words rather than symbols (measures() handles the rest)."""
    title: str
    summary: str
    intro: str
    dims: str = ""
    capacity: str = ""


PRODUCTS = {
    "Everyday Mug": Piece(
        "데일리 머그", "매일 아침 가장 먼저 손이 가는 머그예요.",
        "손가락 세 개가 넉넉히 들어가는 손잡이를 단 일자형 머그예요."),
    "Big Morning Mug": Piece(
        "빅 모닝 머그", "커피 한 잔도 허투루 마시지 않는 분들을 위한 머그예요.",
        "저희 머그 중 가장 커서 라테 한 잔도, 주전자 가득 우린 차도 한 번에 담을 수 있어요."),
    "Espresso Cup": Piece(
        "에스프레소 잔", "벽이 두꺼워 열을 오래 머금는 작은 잔이에요.",
        "더블 에스프레소를 담고도 크레마가 올라올 자리가 남아요."),
    "Yunomi Tea Cup": Piece(
        "유노미 찻잔", "매일 차를 마시기 좋은, 손잡이 없는 길쭉한 잔이에요.",
        "추운 아침에 두 손으로 감싸 쥐어 보세요."),
    "Latte Cup": Piece(
        "라테 잔", "라테 아트가 돋보이는 넓은 잔이에요.",
        "낮고 넓어서 우유 거품이 넉넉하게 퍼져요."),
    "Camp Mug": Piece(
        "캠핑 머그", "베란다에서도 캠핑장에서도 든든한 작은 머그예요.",
        "키가 낮아 안정적이고, 입구를 둥글게 말아 입술에 닿는 느낌이 부드러워요."),
    "Stacking Tumbler": Piece(
        "스태킹 텀블러", "작은 주방에서도 차곡차곡 포개지는 일자형 컵이에요.",
        "물, 와인, 아이스티까지, 하루 종일 곁에 두는 컵이에요."),
    "Faceted Mug": Piece(
        "면치기 머그", "흙이 젖어 있을 때 철사로 면을 쳐서, 모서리마다 유약 색이 달라져요.",
        "각진 면이 빛을 받아 반짝이고, 손가락이 자연스럽게 걸려요."),
    "Rice Bowl": Piece(
        "밥공기", "매 끼니를 함께하는 그릇이에요.",
        "굽이 단단하게 받치고 입구가 살짝 벌어진, 우리 밥상의 기본 밥공기예요."),
    "Noodle Bowl": Piece(
        "면기", "라면을 국물까지 넉넉히 담는 깊은 그릇이에요.",
        "국수나 면 요리를 담는 깊은 그릇이라 젓가락질할 공간이 넉넉해요."),
    "Cereal Bowl": Piece(
        "시리얼 볼", "샐러드도 담기 좋은 아침 그릇이에요.",
        "그래놀라와 과일을 담기에 넉넉히 넓고, 우유를 붓기에 충분히 깊어요."),
    "Serving Bowl": Piece(
        "서빙 볼", "식탁 한가운데를 차지하는 그릇이에요.",
        "샐러드나 과일, 다 같이 나눠 먹는 찜 요리를 담는 넓고 시원하게 열린 볼이에요."),
    "Nesting Prep Bowls, Set of 3": Piece(
        "포개지는 양념 볼 3종 세트", "하나로 쏙 포개지는 작은 볼 세 개예요.",
        "다진 마늘, 향신료, 찍어 먹는 소스처럼 요리하는 동안 잠시 담아 둘 재료를 위한 "
        "볼이에요.", dims="지름 9cm, 11cm, 13cm"),
    "Dipping Dish": Piece(
        "종지", "간장이나 만두 찍어 먹을 양념을 담는 작은 그릇이에요.",
        "접시마다 하나씩 곁들여도 좋을 만큼 아담해요."),
    "Brushed Buncheong Bowl": Piece(
        "귀얄 분청 볼", "귀얄로 한 번 쓱 바른 백토, 같은 무늬는 두 번 나오지 않아요.",
        "이천에서 도예를 배운 객원 작가 황지우 님이 만들었어요."),
    "Lidded Soup Bowl": Piece(
        "뚜껑 국그릇", "모두 자리에 앉을 때까지 뚜껑이 국을 따뜻하게 지켜 줘요.",
        "전통 반상기의 탕기를 본떠 만든, 밥이나 국을 담는 뚜껑 그릇이에요."),
    "Dinner Plate": Piece(
        "디너 접시", "한 끼 식사를 넉넉히 담는 접시예요.",
        "림이 낮고 넓은 디너 접시예요."),
    "Side Plate": Piece(
        "앞접시", "빵이나 반찬, 케이크 한 조각을 담아요.",
        "디너 접시와 짝을 이루는 작은 접시예요."),
    "Dessert Plate": Piece(
        "디저트 접시", "달콤한 간식을 위한 작은 접시예요.",
        "케이크나 과일을 담기 딱 좋은 크기예요."),
    "Pasta Plate": Piece(
        "파스타 접시", "반은 접시, 반은 볼이에요.",
        "파스타를 돌돌 말기 좋을 만큼 얕고, 소스를 담을 만큼 깊어요."),
    "Oval Serving Platter": Piece(
        "타원형 서빙 플래터", "생선, 구이, 나눠 먹는 요리를 담는 길쭉한 접시예요.",
        "식탁 한가운데에 놓으려고 만들었어요."),
    "Banchan Dishes, Set of 4": Piece(
        "반찬 그릇 4개 세트", "반찬을 담는 작은 그릇 네 개예요.",
        "김치, 나물, 장아찌, 곁들이는 양념까지 담아 보세요.", dims="지름 11 × 높이 3cm (개당)"),
    "Coupe Plate": Piece(
        "쿠프 접시", "림 없이 부드럽게 휘어 오른 접시예요.",
        "림이 없어서 음식을 가장자리까지 담을 수 있어요."),
    "Cake Stand": Piece(
        "케이크 스탠드", "생일 케이크를 올리는 굽 높은 접시예요.",
        "두 부분을 따로 빚어 기둥에서 이어 붙였어요."),
    "Moon Jar": Piece(
        "달항아리", "스튜디오 이름의 주인공, 풍만하고 살짝 일그러진 달항아리예요.",
        "삼백 년 동안 이어져 온 방식 그대로, 위아래 두 반쪽을 따로 빚어 허리에서 이어 붙였어요."),
    "Bud Vase": Piece(
        "한 송이 화병", "꽃 한 송이를 위한 화병이에요.",
        "좁은 목이 꽃 한 송이를 꼿꼿하게 잡아 줘요."),
    "Bottle Vase": Piece(
        "긴 목 화병", "가느다란 목이 길게 뻗은 키 큰 병이에요.",
        "매화 한 가지나 말린 풀을 꽂기 좋게 만들었어요."),
    "Low Ikebana Bowl": Piece(
        "낮은 꽃꽂이 수반", "이케바나를 위한 얕은 수반이에요.",
        "침봉을 놓고 얕은 물에 꽃을 꽂아 보세요."),
    "Tall Cylinder Vase": Piece(
        "원통 화병", "긴 줄기를 위한 단정한 기둥 모양 화병이에요.",
        "키가 크고 바닥이 묵직해서 가지를 꽂아도 넘어지지 않아요."),
    "Ribbed Vase": Piece(
        "골 무늬 화병", "물레를 차며 손가락으로 골을 냈어요.",
        "골마다 청자 유약이 고여 무늬가 또렷하게 살아나요."),
    "Storage Jar": Piece(
        "보관 단지", "찻잎이나 설탕, 소금을 담는 뚜껑 단지예요.",
        "우리 부엌의 옹기를 본떠, 선반에 맞게 작게 줄였어요."),
    "Pebble Vase": Piece(
        "조약돌 화병", "냇가의 조약돌처럼 동그란 작은 화병이에요.",
        "창가에 세 개쯤 나란히 두면 더 예뻐요."),
    "Side-Handle Teapot": Piece(
        "옆손잡이 다관", "거름망이 달린 규스 스타일 다관이에요.",
        "옆으로 난 손잡이 덕분에 한 손으로 따를 수 있고, 거름망 구멍은 하나하나 손으로 "
        "뚫었어요."),
    "Round Teapot": Piece(
        "둥근 다관", "두세 잔을 우리는 동그란 다관이에요.",
        "넉넉한 크기에, 따를 때도 뚜껑이 흔들리지 않아요."),
    "Tea Bowl": Piece(
        "다완", "차선으로 말차를 저어 마시는 다완이에요.",
        "차선을 젓기에 충분히 넓고, 차분히 감싸 쥘 만큼 묵직해요."),
    "Pouring Pitcher": Piece(
        "숙우", "차를 고르게 나눠 따르는 작은 숙우예요.",
        "우린 차를 숙우에 모두 옮긴 뒤 나눠 따르면 잔마다 농도가 같아요."),
    "Tea Cups, Set of 2": Piece(
        "찻잔 2개 세트", "공부차를 위한 작은 잔 두 개예요.",
        "작은 잔에 여러 번 우려 마시는 차를 위해 만들었어요."),
    "Tea Set for Two": Piece(
        "2인 다기 세트", "다관과 찻잔 두 개, 숙우를 한 벌로 담았어요.",
        "차를 시작하는 데 필요한 모든 것이 한 상자에 들어 있어요.",
        dims="다관 지름 11cm, 찻잔 지름 6.5cm"),
    "Tea Canister": Piece(
        "차통", "찻잎을 습기와 빛으로부터 지켜 줘요.",
        "꼭 맞는 뚜껑이 빛과 공기를 막아 줘요.", capacity="찻잎 150g"),
    "Water Bowl (Kensui)": Piece(
        "퇴수기", "차를 우리며 나온 물을 버리는 그릇이에요.",
        "잔을 데운 물이나 우림 사이사이 잔을 헹군 물을 받아 두는 그릇이에요."),
}

_MEASURES = [(re.compile(r"\b(Small|Medium|Large)\b"), lambda m: SIZES[m.group(1)]),
             (re.compile(r"Ø "), "지름 "), (re.compile(r"\bH "), "높이 "),
             (re.compile(r"(\d) (cm|ml|g)\b"), r"\1\2"), (re.compile(r"(\d) l\b"), r"\1L")]


def measures(english):
    """"Medium: Ø 22 × H 9 cm" -> "중형: 지름 22 × 높이 9cm"."""
    for pattern, replacement in _MEASURES:
        english = pattern.sub(replacement, english)
    return english


def specs(english_specs, piece):
    """The product's [name, value] specifications in Korean, pair by pair."""
    own = {"Dimensions": piece.dims, "Capacity": piece.capacity}
    return [[SPEC_NAMES[name], own.get(name) or SPEC_VALUES.get(value) or measures(value)]
            for name, value in english_specs]


def description(spec, kind):
    """The Korean counterpart of the English description: intro, glaze, how it's made, how to
    use it and care for it."""
    glazes = spec["glazes"]
    if len(glazes) == 1:
        glaze_line = GLAZES[glazes[0]][1]
    else:
        names = ", ".join(GLAZES[g][0] for g in glazes)
        glaze_line = (f"{names} {COUNTS[len(glazes)]} 가지 유약 중에서 고를 수 있어요. 모두 손으로 "
                      "유약을 입혀서 같은 유약이라도 기물마다 색이 조금씩 달라요.")
    care = "\n".join(f"- {line}" for line in kind.care)
    return (f"{PRODUCTS[spec['title']].intro} {glaze_line}\n\n## 만드는 과정\n\n{kind.making}\n\n"
            f"## 사용 안내\n\n{kind.using}\n\n## 관리 방법\n\n{care}\n")


def product_texts(spec, category_name, english_specs, option2_name):
    """Everything set_translation() takes for the product, in Korean."""
    piece, kind = PRODUCTS[spec["title"]], CATEGORIES[category_name]
    return dict(title=piece.title, summary=piece.summary, description_md=description(spec, kind),
                specs=specs(english_specs, piece), option1_name=OPTION_NAMES["Glaze"],
                option2_name=OPTION_NAMES.get(option2_name, ""))


def variant_texts(variant):
    """The variant's glaze and size, in Korean."""
    return dict(option1=GLAZES[variant.option1][0], option2=SIZES.get(variant.option2, ""))


def category_texts(category_name):
    kind = CATEGORIES[category_name]
    return dict(name=kind.name, description=kind.description)
