"""A stand-in for the part of Toss Payments' core API the shop calls (TOSS_API_BASE), built from
Toss's developer documentation; each endpoint cites its page.

Emulated:
- Basic authentication with the secret key and an empty password; 401 UNAUTHORIZED_KEY
  otherwise (https://docs.tosspayments.com/reference/using-api/authorization).
- POST /v1/payments/confirm {paymentKey, orderId, amount}
  (https://docs.tosspayments.com/reference#결제-승인): 200 with the Payment object, status
  DONE; 403 REJECT_CARD_PAYMENT for a card the window marked as declined; 404
  NOT_FOUND_PAYMENT_SESSION for an unknown or expired paymentKey; 400
  ALREADY_PROCESSED_PAYMENT when it was confirmed before; 400 INVALID_REQUEST when a field is
  missing or the orderId or amount differ from what the window was opened with (Toss refuses
  such a confirm, but the code it uses for it is not in the error list we found: see
  ARCHITECTURE.md, "Card providers").
- GET /v1/payments/{paymentKey} and GET /v1/payments/orders/{orderId}
  (https://docs.tosspayments.com/reference#결제-조회): the Payment object; 404 NOT_FOUND_PAYMENT.
- POST /v1/payments/{paymentKey}/cancel {cancelReason, cancelAmount}
  (https://docs.tosspayments.com/reference#결제-취소,
  https://docs.tosspayments.com/guides/apis/cancel-payment): a Cancel object appended to
  `cancels`, balanceAmount lowered, status PARTIAL_CANCELED or CANCELED; 403
  NOT_CANCELABLE_AMOUNT beyond the balance, 403 NOT_CANCELABLE_PAYMENT before it was paid,
  400 ALREADY_CANCELED_PAYMENT once all was cancelled.
- Errors as {"code", "message"} (https://docs.tosspayments.com/reference/error-codes).
- Idempotency-Key on POSTs (https://docs.tosspayments.com/reference/using-api/idempotency-key):
  the first answer is replayed for the same key, secret key, path and method, whatever the
  body; a repeat that arrives while the first is running waits for it.
- The payment window, as a helper: `pay_in_window(...)` is the shopper paying in Toss's window
  opened by the SDK with that orderId and amount; it returns the successUrl with paymentKey,
  orderId and amount as Toss redirects (https://docs.tosspayments.com/sdk/v2/js).
- PAYMENT_STATUS_CHANGED webhooks {eventType, createdAt, data: Payment}, unsigned as Toss sends
  them (https://docs.tosspayments.com/guides/webhook), recorded in `events` on each change.

Not emulated: other payment methods (virtual accounts, transfers, easy pay), billing keys,
escrow, cash receipts, the window's own failUrl errors, tosspayments-webhook-signature (sent by
Toss for payout.changed and seller.changed only), Toss's retries of failed deliveries, the
TossPayments-Test-Code header.
"""
import base64
import copy
import datetime
import json
import re
import secrets
import threading
from urllib.parse import unquote, urlencode

from .server import FakeProvider, deliver

SECRET_KEY = "test_sk_fake_moonjar"
CLIENT_KEY = "test_ck_fake_moonjar"
KST = datetime.timezone(datetime.timedelta(hours=9))
PAYMENT = re.compile(r"/v1/payments/([^/]+)")
BY_ORDER = re.compile(r"/v1/payments/orders/([^/]+)")
CANCEL = re.compile(r"/v1/payments/([^/]+)/cancel")
# Messages as Toss's error code list words them.
MESSAGES = {
    "UNAUTHORIZED_KEY": "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.",
    "REJECT_CARD_PAYMENT": "한도초과 혹은 잔액부족으로 결제에 실패했습니다.",
    "NOT_FOUND_PAYMENT_SESSION": "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.",
    "NOT_FOUND_PAYMENT": "존재하지 않는 결제 정보 입니다.",
    "ALREADY_PROCESSED_PAYMENT": "이미 처리된 결제 입니다.",
    "INVALID_REQUEST": "잘못된 요청입니다.",
    "NOT_CANCELABLE_AMOUNT": "취소 할 수 없는 금액 입니다.",
    "NOT_CANCELABLE_PAYMENT": "취소 할 수 없는 결제 입니다.",
    "ALREADY_CANCELED_PAYMENT": "이미 취소된 결제 입니다.",
    "FAILED_INTERNAL_SYSTEM_PROCESSING": "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 "
                                         "시도해주세요.",
}


def error(status, code):
    return status, {}, {"code": code, "message": MESSAGES[code]}


def _now():
    return datetime.datetime.now(KST).replace(microsecond=0).isoformat()


class TossFake(FakeProvider):
    def __init__(self, secret_key=SECRET_KEY):
        super().__init__()
        self.secret_key = secret_key
        self.payments, self.events = {}, []
        self._declined, self._expired = set(), set()
        self._saved, self._key_locks = {}, {}

    def failure(self, status):
        return {"code": "FAILED_INTERNAL_SYSTEM_PROCESSING",
                "message": MESSAGES["FAILED_INTERNAL_SYSTEM_PROCESSING"]}

    def route(self, method, path, query, headers, body):
        expected = "Basic " + base64.b64encode(f"{self.secret_key}:".encode()).decode()
        if headers.get("Authorization") != expected:
            return error(401, "UNAUTHORIZED_KEY")
        key = headers.get("Idempotency-Key")
        if method != "POST" or not key:
            return self._execute(method, path, body)
        slot = (self.secret_key, method, path, key)
        with self.lock:
            lock = self._key_locks.setdefault(slot, threading.Lock())
        with lock:  # a repeat waits for the first, then gets its answer
            if slot not in self._saved:
                self._saved[slot] = self._execute(method, path, body)
            return self._saved[slot]

    def _execute(self, method, path, body):
        try:
            fields = json.loads(body or b"{}")
        except ValueError:
            return error(400, "INVALID_REQUEST")
        if (method, path) == ("POST", "/v1/payments/confirm"):
            return self._confirm(fields)
        if method == "POST" and CANCEL.fullmatch(path):
            return self._cancel(unquote(CANCEL.fullmatch(path).group(1)), fields)
        if method == "GET" and BY_ORDER.fullmatch(path):
            order_id = unquote(BY_ORDER.fullmatch(path).group(1))
            with self.lock:
                found = [p for p in self.payments.values() if p["orderId"] == order_id]
            return (200, {}, copy.deepcopy(found[-1])) if found else error(404,
                                                                           "NOT_FOUND_PAYMENT")
        if method == "GET" and PAYMENT.fullmatch(path):
            with self.lock:
                payment = self.payments.get(unquote(PAYMENT.fullmatch(path).group(1)))
            return (200, {}, copy.deepcopy(payment)) if payment else error(404,
                                                                           "NOT_FOUND_PAYMENT")
        return error(404, "NOT_FOUND_PAYMENT")

    def _confirm(self, fields):
        payment_key, order_id, amount = (fields.get(k) for k in ("paymentKey", "orderId",
                                                                 "amount"))
        if not payment_key or not order_id or not isinstance(amount, int):
            return error(400, "INVALID_REQUEST")
        with self.lock:
            payment = self.payments.get(payment_key)
            if payment is None or payment_key in self._expired:
                return error(404, "NOT_FOUND_PAYMENT_SESSION")
            if payment["status"] != "IN_PROGRESS":
                return error(400, "ALREADY_PROCESSED_PAYMENT")
            if order_id != payment["orderId"] or amount != payment["totalAmount"]:
                return error(400, "INVALID_REQUEST")
            if payment_key in self._declined:
                payment.update(status="ABORTED", failure={
                    "code": "REJECT_CARD_PAYMENT", "message": MESSAGES["REJECT_CARD_PAYMENT"]})
                self._changed(payment)
                return error(403, "REJECT_CARD_PAYMENT")
            payment.update(status="DONE", approvedAt=_now(),
                           lastTransactionKey=secrets.token_hex(16), card={"amount": amount, "issuerCode": "71", "acquirerCode": "71",
                                 "number": "43301234****123*", "installmentPlanMonths": 0,
                                 "approveNo": "00000000", "cardType": "신용",
                                 "ownerType": "개인", "acquireStatus": "READY",
                                 "isInterestFree": False, "interestPayer": None,
                                 "useCardPoint": False})
            self._changed(payment)
            return 200, {}, copy.deepcopy(payment)

    def _cancel(self, payment_key, fields):
        reason, amount = fields.get("cancelReason"), fields.get("cancelAmount")
        if not reason or (amount is not None and not isinstance(amount, int)):
            return error(400, "INVALID_REQUEST")
        with self.lock:
            payment = self.payments.get(payment_key)
            if payment is None:
                return error(404, "NOT_FOUND_PAYMENT")
            if payment["status"] == "CANCELED":
                return error(400, "ALREADY_CANCELED_PAYMENT")
            if payment["status"] not in ("DONE", "PARTIAL_CANCELED"):
                return error(403, "NOT_CANCELABLE_PAYMENT")
            amount = payment["balanceAmount"] if amount is None else amount
            if amount <= 0 or amount > payment["balanceAmount"]:
                return error(403, "NOT_CANCELABLE_AMOUNT")
            payment["balanceAmount"] -= amount
            transaction = secrets.token_hex(16)
            payment["cancels"] = (payment["cancels"] or []) + [{
                "cancelAmount": amount, "cancelReason": reason, "taxFreeAmount": 0,
                "taxExemptionAmount": 0, "refundableAmount": payment["balanceAmount"],
                "easyPayDiscountAmount": 0, "canceledAt": _now(), "transactionKey": transaction,
                "receiptKey": None, "cancelStatus": "DONE", "cancelRequestId": None}]
            payment.update(status="CANCELED" if payment["balanceAmount"] == 0
                           else "PARTIAL_CANCELED", lastTransactionKey=transaction)
            self._changed(payment)
            return 200, {}, copy.deepcopy(payment)

    # The payment window and what happens after it

    def pay_in_window(self, order_id, amount, success_url, order_name="Order", declined=False):
        """The shopper pays in Toss's window opened with this orderId and amount (as the
        browser asked: a tampered amount is what the window then holds). Returns the successUrl
        Toss redirects to; `declined` cards are refused at confirmation."""
        payment_key = "tgen_" + secrets.token_hex(12)
        with self.lock:
            self.payments[payment_key] = {
                "mId": "tosspayments", "version": "2022-11-16", "paymentKey": payment_key,
                "orderId": order_id, "orderName": order_name, "currency": "KRW",
                "method": "카드", "type": "NORMAL", "country": "KR", "status": "IN_PROGRESS",
                "requestedAt": _now(), "approvedAt": None, "lastTransactionKey": None,
                "totalAmount": amount, "balanceAmount": amount,
                "suppliedAmount": amount - round(amount / 11), "vat": round(amount / 11),
                "taxFreeAmount": 0, "taxExemptionAmount": 0, "isPartialCancelable": True,
                "useEscrow": False, "cultureExpense": False, "card": None, "easyPay": None,
                "virtualAccount": None, "transfer": None, "mobilePhone": None,
                "giftCertificate": None, "cashReceipt": None, "cashReceipts": None,
                "discount": None, "cancels": None, "secret": None, "failure": None,
                "receipt": None, "checkout": None, "metadata": None}
            if declined:
                self._declined.add(payment_key)
        query = urlencode({"paymentKey": payment_key, "orderId": order_id, "amount": amount})
        return success_url + ("&" if "?" in success_url else "?") + query

    def expire_session(self, payment_key):
        """The shopper took too long between the window and the confirmation."""
        with self.lock:
            self._expired.add(payment_key)
            self.payments[payment_key]["status"] = "EXPIRED"

    def _changed(self, payment):
        self.events.append({"eventType": "PAYMENT_STATUS_CHANGED",
                            "createdAt": datetime.datetime.now(KST).replace(tzinfo=None)
                            .isoformat(timespec="microseconds"),
                            "data": copy.deepcopy(payment)})

    def send(self, url, event, times=1, concurrently=False):
        """Deliver `event` to the shop as Toss does: a JSON POST, no signature."""
        return deliver(url, json.dumps(event, ensure_ascii=False).encode(), {}, times,
                       concurrently)
