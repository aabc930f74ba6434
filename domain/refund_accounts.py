"""The bank account a refund sent by hand goes to, kept encrypted until the refund is done.

Orders paid by bank transfer or cash on delivery are refunded by the merchant's own transfer
(payments.Provider.manual_refunds), so the customer gives an account: with a return that asks
for money back, when cancelling a paid order, or later on the return's or the order's page.

At rest the number and the holder's name are one Fernet token (AES-128-CBC and HMAC-SHA256)
under a key derived with HKDF-SHA256 from the app's SECRET_KEY, so a copy of the database alone
does not give them away. Keys derived from SECRET_KEY_FALLBACKS still open what older keys
sealed. A token no key opens (SECRET_KEY changed with no fallback) reads as unreadable: pages
then ask the customer again instead of failing. The bank's name and the last four digits stay
in the clear: they name the account in the history and in emails ("KB Kookmin ****1234") after
the account itself is deleted, which happens as soon as the refund is recorded as done.
"""
import base64
import json
import re
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from . import order_records, personal_data
from .errors import InvalidRefundAccount
from .extensions import db
from .models import Order, RefundAccount, ReturnRequest

BANK_MAX, HOLDER_MAX = 40, 60
DIGITS_MIN, DIGITS_MAX = 8, 20
NUMBER_RE = re.compile(r"\d+(?:-\d+)*")
# Changing it makes every stored account unreadable, as a new SECRET_KEY does.
KEY_INFO = b"moonjar-shop refund-account v1"


@dataclass(frozen=True)
class BankAccount:
    bank: str
    number: str
    holder: str

    @property
    def masked(self):
        """'KB Kookmin · ****-**-1234 · Hong Gil-dong': every digit but the last four hidden."""
        return f"{self.bank} · {mask(self.number)} · {self.holder}"


@dataclass(frozen=True)
class Stored:
    """A stored account as pages show it; `account` is None when no key of the shop opens it."""
    bank: str
    last_digits: str
    account: BankAccount | None

    @property
    def readable(self):
        return self.account is not None

    @property
    def short(self):
        """'KB Kookmin ****1234': where the money goes, as history and emails name it."""
        return short_label(self.bank, self.last_digits)

    @property
    def masked(self):
        return self.account.masked if self.account else self.short


def mask(number):
    """'1234-56-781234' -> '****-**-**1234': dashes kept, all digits but the last four starred."""
    digits_seen, total = 0, sum(ch.isdigit() for ch in number)
    out = []
    for ch in number:
        if ch.isdigit():
            digits_seen += 1
            out.append(ch if digits_seen > total - 4 else "*")
        else:
            out.append(ch)
    return "".join(out)


def short_label(bank, last_digits):
    return f"{bank} ****{last_digits}"


def clean(bank, number, holder):
    """The account as typed, tidied; InvalidRefundAccount naming each field to fix."""
    bank = " ".join((bank or "").split())
    number = (number or "").strip()
    holder = " ".join((holder or "").split())
    problems = {}
    if not bank:
        problems["bank_name"] = _("Enter the name of your bank.")
    elif len(bank) > BANK_MAX:
        problems["bank_name"] = _("Keep the bank's name under %(max)d characters.", max=BANK_MAX)
    digits = sum(ch.isdigit() for ch in number)
    if not number:
        problems["account_number"] = _("Enter the account number.")
    elif not NUMBER_RE.fullmatch(number):
        problems["account_number"] = _("Use only digits and dashes for the account number, "
                                       "like 123-456-789012.")
    elif not DIGITS_MIN <= digits <= DIGITS_MAX:
        problems["account_number"] = _("An account number has %(min)d to %(max)d digits.",
                                       min=DIGITS_MIN, max=DIGITS_MAX)
    if not holder:
        problems["account_holder"] = _("Enter the name of the account holder.")
    elif len(holder) > HOLDER_MAX:
        problems["account_holder"] = _("Keep the holder's name under %(max)d characters.",
                                       max=HOLDER_MAX)
    if problems:
        message = next(iter(problems.values())) if len(problems) == 1 \
            else _("Please check the refund account fields.")
        raise InvalidRefundAccount(message, problems)
    return BankAccount(bank, number, holder)


def from_form(values):
    """clean() of a form's {bank_name, account_number, account_holder}."""
    return clean(values.get("bank_name"), values.get("account_number"),
                 values.get("account_holder"))


def _key(secret):
    material = secret.encode() if isinstance(secret, str) else bytes(secret)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(material)
    return base64.urlsafe_b64encode(derived)


def _cipher():
    """The current key first (it seals), then the fallbacks (they still open)."""
    config = current_app.config
    secrets = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]
    return MultiFernet([Fernet(_key(secret)) for secret in secrets if secret])


def _seal(account):
    payload = json.dumps({"number": account.number, "holder": account.holder})
    return _cipher().encrypt(payload.encode()).decode("ascii")


def _open(row):
    try:
        payload = json.loads(_cipher().decrypt(row.ciphertext.encode("ascii")))
        return BankAccount(row.bank_name, payload["number"], payload["holder"])
    except (InvalidToken, ValueError, KeyError, TypeError):
        return None


def _row(ret=None, order=None):
    column, owner = (RefundAccount.return_id, ret) if ret is not None else \
        (RefundAccount.order_id, order)
    if owner is None or owner.id is None:
        return None
    return db.session.scalar(db.select(RefundAccount).where(column == owner.id))


def save(account, ret=None, order=None):
    """Keep `account` (a BankAccount from clean) for the refund of return `ret`, or of the
    cancelled `order`; it replaces the one given before."""
    row = _row(ret, order)
    if row is None:
        row = RefundAccount(return_id=ret.id if ret is not None else None,
                            order_id=order.id if ret is None else None)
        db.session.add(row)
    row.bank_name = account.bank
    row.last_digits = "".join(ch for ch in account.number if ch.isdigit())[-4:]
    row.ciphertext = _seal(account)
    db.session.flush()
    return row


def stored(ret=None, order=None):
    """The account kept for the refund of `ret` (or of the cancelled `order`) as a Stored, or
    None when there is none."""
    row = _row(ret, order)
    if row is None:
        return None
    return Stored(row.bank_name, row.last_digits, _open(row))


def forget(ret=None, order=None):
    """Delete the account kept for the refund of `ret` (or of `order`): its refund is done or no
    longer due. Returns its short label ('KB Kookmin ****1234'), or "" if there was none."""
    row = _row(ret, order)
    if row is None:
        return ""
    label = short_label(row.bank_name, row.last_digits)
    db.session.delete(row)
    db.session.flush()
    return label


def _of_subject(subject, erasure=None):
    """The refund accounts given for the subject's orders and returns."""
    orders = db.select(Order.id).where(order_records.of(subject, erasure))
    returns = db.select(ReturnRequest.id).where(ReturnRequest.order_id.in_(orders))
    return db.select(RefundAccount).where(or_(RefundAccount.order_id.in_(orders),
                                              RefundAccount.return_id.in_(returns)))


def _export(subject):
    """As the customer sees them: the bank and the last digits (the rest stays sealed)."""
    return [{"bank": row.bank_name, "account": short_label(row.bank_name, row.last_digits),
             "saved_at": personal_data.when(row.created_at)}
            for row in db.session.scalars(_of_subject(subject).order_by(RefundAccount.id))]


def _erase(subject, erasure):
    rows = db.session.scalars(_of_subject(subject, erasure)).all()
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)


personal_data.register("refund_accounts", _l("Refund bank accounts"), tables=("refund_account",),
                       export=_export, erase=_erase)
