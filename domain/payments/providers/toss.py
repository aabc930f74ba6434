"""Toss Payments (Korea, won) over plain HTTPS with `requests`.

References (the fields used here, and nothing else):
- Authentication: Basic with the secret key as the user and no password ("secretKey:" in
  base64); Idempotency-Key header (at most 300 characters, kept 15 days):
  https://docs.tosspayments.com/reference/using-api/authorization and
  https://docs.tosspayments.com/reference/using-api/idempotency-key
- The payment window (JavaScript SDK v2, payment().requestPayment): clientKey, method,
  amount {currency, value}, orderId (6 to 64 of A-Z a-z 0-9 - _ =), orderName (at most 100
  characters), successUrl, failUrl; the success redirect carries paymentKey, orderId, amount:
  https://docs.tosspayments.com/sdk/v2/js
- Confirm, POST /v1/payments/confirm {paymentKey, orderId, amount}; get one,
  GET /v1/payments/{paymentKey} or GET /v1/payments/orders/{orderId}; cancel,
  POST /v1/payments/{paymentKey}/cancel {cancelReason, cancelAmount}; each answers with the
  Payment object (status, totalAmount, balanceAmount, cancels[]):
  https://docs.tosspayments.com/reference (Payment object, 결제 승인/조회/취소) and
  https://docs.tosspayments.com/guides/apis/cancel-payment
- Errors: {"code", "message"} with the HTTP status; REJECT_CARD_PAYMENT 403, UNAUTHORIZED_KEY
  401, NOT_FOUND_PAYMENT_SESSION 404, ALREADY_PROCESSED_PAYMENT 400, PROVIDER_ERROR 400
  ("temporary, try again"), FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING 500, ...:
  https://docs.tosspayments.com/reference/error-codes
- Webhooks: PAYMENT_STATUS_CHANGED carries {eventType, createdAt, data: Payment} and is not
  signed; only payout.changed and seller.changed carry tosspayments-webhook-signature.
  So the shop trusts nothing in the body but the paymentKey, and reads the payment back from
  the API with its secret key: https://docs.tosspayments.com/guides/webhook and
  https://docs.tosspayments.com/reference/using-api/webhook-events
"""
import json
import re
from urllib.parse import quote

import requests

from ...errors import (CardDeclined, PaymentMismatch, ProviderRefused, ProviderUnavailable,
                       WebhookRejected)
from ...money import Money
from .base import EXPIRED, FAILED, PAID, REFUNDED, UNPAID, PaymentState, RefundResult, Start, \
    WebhookEvent

ORDER_ID = re.compile(r"[A-Za-z0-9_=-]{6,64}")
STATUS = {"DONE": PAID, "PARTIAL_CANCELED": PAID, "CANCELED": REFUNDED, "ABORTED": FAILED,
          "EXPIRED": EXPIRED}  # READY, IN_PROGRESS, WAITING_FOR_DEPOSIT: not paid yet
# Toss's documented "temporary error, try again in a moment" answers that come with a 4xx.
TEMPORARY = {"PROVIDER_ERROR"}
# The shop's keys are wrong or not allowed this: nothing about the card.
KEYS = {"UNAUTHORIZED_KEY", "INVALID_API_KEY", "FORBIDDEN_REQUEST"}


class TossPayments:
    key = "toss"

    def __init__(self, config, session=None):
        if not config.toss_secret_key:
            raise ValueError("TOSS_SECRET_KEY is not set")
        self._base = config.toss_api_base
        self._client_key = config.toss_client_key
        self._timeout = config.timeout
        self._http = session or requests.Session()
        # requests sends base64("secret:"), the secret key as user and an empty password.
        self._http.auth = requests.auth.HTTPBasicAuth(config.toss_secret_key, "")

    def start(self, request, idempotency_key=""):
        """What the page's script passes to the SDK's requestPayment(); nothing is sent to
        Toss until the shopper pays in its window."""
        if request.amount.currency != "KRW":
            raise ValueError("Toss Payments takes card payments in KRW only")
        if not ORDER_ID.fullmatch(request.order_id):
            raise ValueError(f"{request.order_id!r} is not a Toss orderId")
        return Start(reference=request.order_id, sdk={
            "clientKey": self._client_key,
            "method": "CARD",
            "amount": {"currency": "KRW", "value": request.amount.amount},
            "orderId": request.order_id,
            "orderName": request.name[:100],
            "successUrl": request.success_url,
            "failUrl": request.cancel_url,
        })

    def complete(self, request, returned, idempotency_key):
        """Confirm the payment the success redirect names, for the amount the order expects.
        An amount or order in the address that differs from the order's is refused before
        anything is sent; an amount tampered in the window itself is refused by Toss, and told
        apart from a decline by reading the payment back."""
        payment_key = returned.get("paymentKey") or ""
        if (returned.get("orderId") != request.order_id
                or returned.get("amount") != str(request.amount.amount) or not payment_key):
            raise PaymentMismatch()
        try:
            payment = self._send("POST", "/v1/payments/confirm", idempotency_key, {
                "paymentKey": payment_key, "orderId": request.order_id,
                "amount": request.amount.amount})
        except ProviderRefused as refusal:
            payment = self._after_refusal(refusal, request, payment_key)
        state = self._state(payment)
        if state.order_id != request.order_id or state.amount != request.amount:
            raise PaymentMismatch()
        return state

    def _after_refusal(self, refusal, request, payment_key):
        if refusal.code in KEYS:
            raise refusal
        try:
            payment = self.payment(payment_key=payment_key)
        except ProviderRefused:
            raise CardDeclined(code=refusal.code) from refusal
        if (payment.get("orderId") != request.order_id
                or payment.get("totalAmount") != request.amount.amount):
            raise PaymentMismatch() from refusal
        if refusal.code == "ALREADY_PROCESSED_PAYMENT" and payment.get("status") in STATUS:
            return payment  # confirmed already (a retry after a lost answer, say)
        if refusal.code == "INVALID_REQUEST":
            raise refusal
        raise CardDeclined(code=refusal.code) from refusal

    def status(self, reference):
        """By the orderId the payment was started with (Start.reference)."""
        return self._state(self.payment(order_id=reference))

    def payment(self, payment_key=None, order_id=None):
        """The Payment object, by paymentKey or by orderId."""
        path = (f"/v1/payments/{quote(payment_key, safe='')}" if payment_key
                else f"/v1/payments/orders/{quote(order_id, safe='')}")
        return self._send("GET", path)

    def refund(self, payment_id, amount, reason, idempotency_key):
        """Cancel all of the payment (amount None) or part of it; Toss requires a reason."""
        body = {"cancelReason": (reason or "Refund")[:200]}
        if amount is not None:
            body["cancelAmount"] = amount.amount
        payment = self._send("POST", f"/v1/payments/{quote(payment_id, safe='')}/cancel",
                             idempotency_key, body)
        cancel = (payment.get("cancels") or [{}])[-1]
        return RefundResult(reference=cancel.get("transactionKey", ""),
                            amount=Money(cancel.get("cancelAmount", 0), payment["currency"]),
                            status="succeeded" if cancel.get("cancelStatus", "DONE") == "DONE"
                            else "pending")

    def webhook(self, body, headers):
        """PAYMENT_STATUS_CHANGED is unsigned: the payment it names is read back from Toss, and
        only that answer counts. Other event types are ignored (None)."""
        try:
            event = json.loads(body)
            data = event.get("data") or {}
        except (ValueError, AttributeError):
            raise WebhookRejected() from None
        if event.get("eventType") != "PAYMENT_STATUS_CHANGED":
            return None
        payment_key = data.get("paymentKey")
        if not isinstance(payment_key, str) or not payment_key:
            raise WebhookRejected()
        try:
            payment = self.payment(payment_key=payment_key)
        except ProviderRefused:
            raise WebhookRejected() from None
        state = self._state(payment)
        if data.get("orderId") not in (None, state.order_id):
            raise WebhookRejected()
        # No event id for this type: the change is named by the payment's last transaction
        # and status, the same for every delivery of one change.
        event_id = f"{payment_key}:{payment.get('lastTransactionKey') or ''}:{payment['status']}"
        return WebhookEvent(event_id=event_id, kind="PAYMENT_STATUS_CHANGED", state=state)

    def _state(self, payment):
        status = STATUS.get(payment["status"], UNPAID)
        total = payment["totalAmount"]
        return PaymentState(
            provider=self.key, status=status, order_id=payment["orderId"],
            amount=Money(total, payment.get("currency") or "KRW"),
            reference=payment["paymentKey"],
            payment_id=payment["paymentKey"] if status in (PAID, REFUNDED) else "",
            refunded=total - payment.get("balanceAmount", total))

    def _send(self, method, path, idempotency_key="", body=None):
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        try:
            answer = self._http.request(method, self._base + path, json=body, headers=headers,
                                        timeout=self._timeout)
        except requests.RequestException as error:
            raise ProviderUnavailable() from error
        if answer.status_code >= 500:
            raise ProviderUnavailable()
        try:
            payload = answer.json()
        except ValueError:
            raise ProviderUnavailable() from None  # a proxy's error page, not Toss's answer
        if answer.status_code >= 400:
            code = payload.get("code", "") if isinstance(payload, dict) else ""
            if code in TEMPORARY:
                raise ProviderUnavailable()
            raise ProviderRefused(code=code)
        return payload
