"""What a shopper's message is about, read from its words in English and Korean.

Plain patterns, no model: the bot must give the same answer to the same message every time,
and a merchant reading a transcript must be able to tell why it answered as it did. Both
languages are recognised whatever the visitor's language, since a Korean shopper may type
"refund" and an English one "반품".
"""
import re
import unicodedata

from ...orders import NUMBER_ALPHABET
from ...tracking import normalize_number


def normalize(text):
    """The message for matching: NFC (Korean typed on some phones arrives decomposed),
    case-folded, spaces collapsed."""
    text = unicodedata.normalize("NFC", text or "")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _any(*patterns):
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Asking for a person. "person" but not "personal", "agent" but not "agenda".
HANDOVER = _any(
    r"\b(?:person|human|humans|agent|agents|operator|representative|real people|"
    r"someone real|somebody real|customer service|support team)\b",
    r"\b(?:talk|speak|chat) (?:to|with) (?:someone|somebody|a real|the owner|the shop)",
    r"상담|사람|직원|담당자|매니저|사장님|운영자|전화 ?(?:주세요|해 ?주세요|상담)")

# Payment problems: a person sorts them out (the bot cannot see the card network).
PAYMENT = _any(
    r"\bdeclin", r"\b(?:card|payment)s? (?:was |is |got |has been )?(?:refused|rejected|"
    r"denied|failed|not accepted|didn'?t work|doesn'?t work|did not work|won'?t work)",
    r"\bpayment (?:failed|failure|error|problem|issue)",
    r"(?:didn'?t|did not|doesn'?t|won'?t|not) go(?:ing)? through",
    r"charged (?:me )?(?:twice|two times|double|more than once|again|but)",
    r"double[- ]?charged|\bovercharged|\bcharged twice|\btwo charges|\bpaid twice",
    r"refund (?:has |have )?(?:not|never|still not|hasn'?t|haven'?t|didn'?t|isn'?t)",
    r"(?:haven'?t|have not|didn'?t|did not|never|not yet|still not) (?:received|got|gotten|seen) "
    r"(?:my |the |a )?(?:refund|money)",
    r"where is my (?:refund|money)",
    r"거절|승인 ?(?:안|실패|오류)|결제(?:가|이|는)? ?(?:실패|오류|안 ?(?:돼|되|됨|됐)|취소가 ?안)",
    r"(?:이중|중복|두 ?번) ?결제|결제(?:가|를)? ?두 ?번|두 ?번 ?(?:빠져|청구|결제|승인)|돈이 ?두 ?번",
    r"환불(?:을|이|금|금이|금을)? ?(?:아직 ?)?(?:못|안)|환불.{0,10}(?:안 ?들어|못 ?받|안 ?받|아직)")

# Goods that arrived damaged: a person arranges the replacement or refund.
# Said of what happened ("arrived broken", "깨져서 왔어요"), not asked of what might ("will it
# crack in the oven?", "전자레인지에 넣으면 깨지나요?"), which the help page answers.
DAMAGE = _any(
    r"\b(?:broken|broke|damaged|cracked|chipped|shattered|smashed|dented|scratched|leaking|"
    r"defective|faulty)\b",
    r"파손|깨진|깨졌|깨져 ?(?:서|있|왔|도착)|깨짐|금이 ?갔|금 ?갔|부서진|부서졌|부서져 ?(?:서|있|왔)|"
    r"망가진|망가졌|망가져 ?(?:서|있|왔)|손상|찌그러|이가 ?나갔|흠집이 ?(?:있|났|생겼)|불량")

# Questions about an order's progress.
ORDER_STATUS = _any(
    r"\bwhere(?:'s| is| are)? (?:is )?my (?:order|parcel|package|stuff|delivery)",
    r"\b(?:order|delivery|shipping|parcel) status\b", r"\btrack", r"\bmy order\b",
    r"\bhas (?:my|the) order (?:shipped|been shipped|left)",
    r"주문 ?(?:조회|상태|확인|내역)|배송 ?(?:조회|상태|현황|추적)|내 ?주문|주문한.{0,12}(?:어디|언제|왔)|"
    r"택배.{0,6}(?:어디|조회)|어디쯤|송장")

RETURN = _any(r"\breturn|\brefund|\bexchange|\bsend (?:it|them|this|that)? ?back\b|"
              r"\bmoney back\b",
              r"반품|환불|교환|돌려 ?보내|반송")

SHIPPING_COST = _any(
    r"\b(?:shipping|delivery|postage|postal|courier) (?:cost|costs|fee|fees|price|prices|charge|"
    r"charges|rate|rates)\b", r"\bhow much (?:is|does|for|to) (?:the )?(?:shipping|delivery|ship)",
    r"\bfree (?:shipping|delivery)\b", r"\bpostage\b",
    r"배송비|택배비|배송료|운송비|무료 ?배송|배송 ?(?:요금|비용)")

DELIVERY_TIME = _any(
    r"\bhow (?:long|soon|fast|quickly)\b.{0,40}\b(?:ship|deliver|arrive|get|take|come)",
    r"\bwhen\b.{0,40}\b(?:arrive|deliver|get it|receive|ship)", r"\bdelivery (?:time|times|days)\b",
    r"\bshipping (?:time|times|days)\b", r"\bhow many days\b",
    r"배송 ?(?:기간|시간|일|기일)|며칠|언제.{0,12}(?:도착|와|오|받|배송|출고)|도착.{0,6}(?:언제|며칠)|"
    r"얼마나 ?걸")

# Shipping in general, neither its price nor its time named: both are answered.
SHIPPING = _any(r"\b(?:shipping|ship|delivery|deliver|courier)\b", r"배송|택배")

# "Why?" after a checkout error.
WHY = _any(r"\bwhy\b|\bwhat happened\b|\bwhat went wrong\b|\bwhat (?:does|did) (?:this|that|it) "
           r"mean\b|\bwhat'?s wrong\b|\bproblem\b|\berror\b",
           r"왜|무슨 ?(?:일|문제|뜻)|뭐가 ?(?:문제|잘못)|안 ?(?:돼|되|됨)|오류|에러|문제")

# An address inside a sentence: "it's minji@example.com." ends before the full stop.
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

_NUMBER = re.compile(r"(?<![\w-])([A-Za-z0-9]{3})([-\s_]?)([A-Za-z0-9]{4})(?![\w-])")


def order_number(text):
    """The first order number in a message, normalised ("K7Q-4D2M"), or "". Written with
    its dash, or with a digit, or in capitals: "package" has seven letters of the numbers'
    alphabet but is no order number."""
    for match in _NUMBER.finditer(unicodedata.normalize("NFC", text or "")):
        first, separator, second = match.groups()
        raw = first + second
        number = normalize_number(raw)
        if not number:
            continue
        if separator == "-" or any(ch.isdigit() for ch in raw) or raw.isupper():
            if all(ch in NUMBER_ALPHABET for ch in raw.upper()):
                return number
    return ""


def email(text):
    match = EMAIL.search(text or "")
    return match.group(0).strip(".") if match else ""


def asks_for_person(text):
    return bool(HANDOVER.search(normalize(text)))


def is_payment_problem(text):
    return bool(PAYMENT.search(normalize(text)))


def is_damage(text):
    return bool(DAMAGE.search(normalize(text)))


def is_order_status(text):
    return bool(ORDER_STATUS.search(normalize(text)))


def is_return(text):
    return bool(RETURN.search(normalize(text)))


def is_shipping_cost(text):
    return bool(SHIPPING_COST.search(normalize(text)))


def is_delivery_time(text):
    return bool(DELIVERY_TIME.search(normalize(text)))


def is_shipping(text):
    return bool(SHIPPING.search(normalize(text)))


def is_why(text):
    return bool(WHY.search(normalize(text)))


# Search terms -------------------------------------------------------------------------------

# Words that say nothing about which answer is meant: each would find half the help page.
STOP_WORDS = frozenset("""
a an the i me my mine we our ours you your yours it its this that these those there here
is are am was were be been being do does did doing have has had having will would can could
shall should may might must to of in on at by for with about from into as and or but if so
not no yes please hi hello hey thanks thank what which who whom whose when where why how
any some get got just also still really very much many more most too there's it's i'm
can't don't does doesn't do you'd i'd i'll let know tell want need like ok okay
use using used method way ways accept accepted possible available option options safe okay
""".split())

KOREAN_STOP_WORDS = frozenset("""
안녕하세요 안녕 저 제 저는 제가 나 내 우리 그 이 저기 거기 좀 혹시 그럼 그런데 근데 그리고
수 있나요 있어요 있을까요 있습니까 있는지 없나요 되나요 돼요 되요 될까요 하나요 해요 하면
할 하는 했는데 인가요 입니다 이에요 예요 어떻게 어떤 뭐 무엇 뭔가요 알려주세요 알려 주세요
궁금해요 궁금합니다 문의 문의드려요 문의합니다 가능한가요 가능해요 가능 감사합니다 네 아니요
사용 사용해도 방법 돌려 돌려도 넣어 넣어도 써 써도 해도 하면 되는 안 싶어요 싶은데 원해요
""".split())

# Words a shopper uses for what the help page says in other words: a term is found when any
# of its forms is. Keys and forms as content_terms() leaves them (stemmed, case-folded).
SYNONYMS = {
    "packag": ("pack",), "packaging": ("pack",), "wrap": ("pack", "wrapp"),
    "picture": ("photo",), "pic": ("photo",), "image": ("photo",),
    "colour": ("color",), "color": ("colour",),
    "payment": ("pay",), "paying": ("pay",),
    "abroad": ("international", "outside"), "overseas": ("international", "outside"),
    "worldwide": ("international", "outside"),
    "해외배송": ("해외",), "외국": ("해외",), "국제": ("해외",),
    "결제수단": ("결제",), "입금": ("결제", "입금"),
}

# Korean writes particles and endings onto the word: "반품은", "배송비는", "얼마예요".
# Longest first; one is taken off a word of three syllables or more, leaving at least two.
KOREAN_ENDINGS = tuple(sorted("""
입니까 인가요 이에요 이예요 인데요 는데요 한데요 하나요 할까요 되나요 됩니까 합니까 했어요
예요 에요 나요 까요 가요 어요 아요 해요 에서 으로 까지 부터 에게 한테 이랑 하고 처럼 보다
은 는 이 가 을 를 에 의 도 로 와 과 만 요
""".split(), key=len, reverse=True))

_TERM = re.compile(r"\w+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")


def _korean_stem(word):
    for ending in KOREAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            return word[:-len(ending)]
    return word


def _english_stem(word):
    """A light stem: the index finds a word inside longer ones ("return" in "returns"), so a
    shorter form finds more: "returning" and "returned" look for "return"."""
    if len(word) > 6 and word.endswith("ly"):
        return word[:-2]
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_terms(text, limit=8):
    """The words of a question that say what it is about, for the FAQ search: no stop words,
    Korean particles and endings taken off, at most `limit`, in order, each once."""
    terms = []
    for word in _TERM.findall(normalize(text)):
        if word.isdigit() or word in STOP_WORDS or word in KOREAN_STOP_WORDS:
            continue
        if _HANGUL.fullmatch(word):
            word = _korean_stem(word)
            if word in KOREAN_STOP_WORDS:
                continue
        else:
            if len(word) < 2:
                continue
            word = _english_stem(word)
            if word in STOP_WORDS:
                continue
        if word not in terms:
            terms.append(word)
    return terms[:limit]


def forms(term):
    """The term and the other words that mean it here (SYNONYMS)."""
    return (term,) + SYNONYMS.get(term, ())


GREETING = re.compile(r"^(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|yo|안녕|"
                      r"안녕하세요|안녕하십니까|여보세요|저기요|하이)(?: there)?[\s!.~?]*$")


THANKS = re.compile(r"^(?:(?:ok(?:ay)?|great|perfect|cool|nice|got it|i see|(?:thank you|thanks|"
                    r"thx|ty)(?: (?:so|very) much)?(?: a lot)?|알겠습니다|알겠어요|네|넵|예|좋아요|"
                    r"감사합니다|감사해요|고맙습니다|고마워요|고마워|땡큐)[\s!.~,]*)+$")


def is_greeting(text):
    return bool(GREETING.match(normalize(text)))


def is_thanks(text):
    """"Thanks", "ok great", "감사합니다": the shopper is done, not asking."""
    return bool(THANKS.match(normalize(text)))


def is_small_talk(text):
    return is_greeting(text) or is_thanks(text)
