"""Who runs the shop, as Korean law asks a mail-order business to say on its pages.

전자상거래 등에서의 소비자보호에 관한 법률 (Act on Consumer Protection in Electronic Commerce):
- 제10조제1항 (사이버몰의 운영): 상호 및 대표자 성명, 영업소가 있는 곳의 주소 (where complaints
  are handled), 전화번호·전자우편주소, 사업자등록번호, the shop's terms (제1호-제5호), and what
  the Enforcement Decree adds under 제6호: the hosting provider's business name (호스팅서비스를
  제공하는 자의 상호).
- 제13조제1항: the mail-order business report number (통신판매업 신고번호) with the office that
  took the report, so the report can be checked.
- 시행규칙 제7조: shown on the shop's first screen (the terms may be a link), with a link to the
  Fair Trade Commission's page that shows the registered business, so shoppers can check it.

The address, phone and email are the shop's contact details (settings), which every page's
footer already shows; the terms are the footer's "Terms of service" page. This module checks
and formats the rest. Shops in other currencies may fill it in or leave it empty.
"""
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from .errors import ShopError

FTC_PAGE = "https://www.ftc.go.kr/bizCommPop.do?wrkr_no={number}"
# The tenth digit of a business registration number checks the others: digits one to nine
# times these weights, plus the tens of the ninth digit times five, round up to a ten.
WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
TEXT_LIMITS = {"business_name": 120, "business_representative": 120, "mail_order_number": 60,
               "hosting_provider": 120}


@dataclass(frozen=True)
class BusinessInfo:
    name: str = ""
    representative: str = ""
    # Ten digits, no dashes.
    registration_number: str = ""
    mail_order_number: str = ""
    hosting_provider: str = ""

    @property
    def shown(self):
        """Anything to show in the footer."""
        return any((self.name, self.representative, self.registration_number,
                    self.mail_order_number, self.hosting_provider))

    @property
    def registration_display(self):
        return format_registration_number(self.registration_number)

    @property
    def ftc_url(self):
        """The Fair Trade Commission's page for this business, to check what the shop says."""
        if not self.registration_number:
            return None
        return FTC_PAGE.format(number=self.registration_number)


def check_digit(first_nine):
    """The tenth digit a registration number's first nine digits call for."""
    digits = [int(ch) for ch in first_nine]
    total = sum(d * w for d, w in zip(digits, WEIGHTS)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10


def parse_registration_number(text):
    """'220-81-62517' (dashes and spaces optional) -> '2208162517'; '' for a blank one.
    ShopError with what is wrong: not ten digits, or a check digit that does not match."""
    typed = (text or "").strip()
    if not typed:
        return ""
    digits = re.sub(r"[\s-]", "", typed)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ShopError(_("A business registration number has 10 digits, written like "
                          "123-45-67890."))
    if check_digit(digits[:9]) != int(digits[9]):
        raise ShopError(_("%(number)s is not a valid business registration number: its last "
                          "digit does not match the others. Please copy it again from your "
                          "registration certificate.",
                          number=format_registration_number(digits)))
    return digits


def format_registration_number(digits):
    """'2208162517' -> '220-81-62517', as it is printed on the registration certificate."""
    if len(digits or "") != 10:
        return digits or ""
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def clean(values, errors):
    """The business fields of a settings form, checked: {column: value} for those sent (None
    leaves a field as stored); problems go into `errors` by field name."""
    cleaned = {}
    for field, limit in TEXT_LIMITS.items():
        if values.get(field) is None:
            continue
        value = re.sub(r"\s+", " ", values[field]).strip()
        if len(value) > limit:
            errors[field] = _("Please keep this to %(num)d characters.", num=limit)
        cleaned[field] = value
    if values.get("business_registration_number") is not None:
        try:
            cleaned["business_registration_number"] = parse_registration_number(
                values["business_registration_number"])
        except ShopError as error:
            errors["business_registration_number"] = str(error)
    return cleaned


def missing(info, email, phone, address):
    """What Korean law asks to be shown that the shop has not filled in, as labels."""
    wanted = ((info.name, _("business name")), (info.representative, _("representative")),
              (info.registration_number, _("business registration number")),
              (info.mail_order_number, _("mail-order business report number")),
              (address, _("address")), (phone, _("phone")), (email, _("email")),
              (info.hosting_provider, _("hosting provider")))
    return [label for value, label in wanted if not value]
