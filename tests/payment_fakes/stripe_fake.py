"""A stand-in for the part of Stripe's API the shop calls, for the official `stripe` library
pointed at it (STRIPE_API_BASE). Built from Stripe's API reference; each endpoint cites its page.

Emulated:
- POST /v1/checkout/sessions (https://docs.stripe.com/api/checkout/sessions/create): form-encoded
  params as the library sends them (line_items[0][price_data][unit_amount]=...), mode=payment
  with price_data lines; missing params answer 400 parameter_missing. The Session object
  (https://docs.stripe.com/api/checkout/sessions/object) with id, url, status, payment_status,
  amount_total, currency, client_reference_id, metadata, payment_intent, success_url,
  cancel_url, expires_at.
- GET /v1/checkout/sessions/:id (https://docs.stripe.com/api/checkout/sessions/retrieve);
  404 resource_missing for an unknown id.
- POST /v1/refunds (https://docs.stripe.com/api/refunds/create): payment_intent, amount
  (all that is left when absent), metadata; the Refund object
  (https://docs.stripe.com/api/refunds/object); amount_too_large and charge_already_refunded
  (https://docs.stripe.com/error-codes).
- Authentication with the secret key as a Bearer token; 401 otherwise
  (https://docs.stripe.com/api/authentication).
- Errors as {"error": {"type", "code", "message", "param"}} (https://docs.stripe.com/api/errors).
- Idempotency keys on POSTs (https://docs.stripe.com/api/idempotent_requests): the first
  answer is saved once execution begins and replayed for the same key and parameters (with
  Idempotent-Replayed: true); the same key with other parameters answers 400 idempotency_error;
  a request whose params fail validation saves nothing; a second request while the first is
  still running answers 409.
- The hosted page, as helpers: `pay(session_id)` pays (or declines, or starts a delayed
  method) and returns the success URL Stripe would redirect to, {CHECKOUT_SESSION_ID} filled
  in; `settle(session_id, succeeded)` ends a delayed method; `expire(session_id)`.
- Events (https://docs.stripe.com/api/events/object) for checkout.session.completed,
  .async_payment_succeeded, .async_payment_failed and .expired, signed for delivery as Stripe
  signs webhooks (https://docs.stripe.com/webhooks#verify-manually): Stripe-Signature
  t=<unix time>,v1=<hex HMAC-SHA256 of "t.payload" with the endpoint's secret>.

Not emulated: Customers, Prices, PaymentIntents' own endpoints, payment methods, taxes,
discounts, Connect, API versions (answers have the library's current shape), rate limits,
pending or failing refunds, three-decimal currencies' last-digit rule, Stripe's own retries
of failed webhook deliveries.
"""
import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from urllib.parse import parse_qsl

from stripe import _api_version

from .server import FakeProvider, deliver

SECRET_KEY = "sk_test_fake_moonjar"
WEBHOOK_SECRET = "whsec_fake_moonjar"
SESSION_PATH = re.compile(r"/v1/checkout/sessions/([^/]+)")


def _id(prefix):
    return f"{prefix}_test_{secrets.token_hex(12)}"


def decode_form(body):
    """Stripe's form encoding (a[b][0][c]=v) back into dicts and lists."""
    root = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    if node and all(k.isdigit() for k in node):
        return [_lists(node[k]) for k in sorted(node, key=int)]
    return {k: _lists(v) for k, v in node.items()}


def error(status, message, type_="invalid_request_error", code=None, param=None):
    body = {"type": type_, "message": message}
    if code:
        body["code"] = code
    if param:
        body["param"] = param
    return status, {}, {"error": body}


def sign(payload, secret=WEBHOOK_SECRET, timestamp=None):
    """The Stripe-Signature header for `payload` (a str), as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def _missing(invalid):
    return error(400, str(invalid), code="parameter_missing", param=invalid.param)


class _Invalid(Exception):
    def __init__(self, param, message=None):
        super().__init__(message or f"Missing required param: {param}.")
        self.param = param


class StripeFake(FakeProvider):
    def __init__(self, secret_key=SECRET_KEY, webhook_secret=WEBHOOK_SECRET):
        super().__init__()
        self.secret_key, self.webhook_secret = secret_key, webhook_secret
        self.sessions, self.intents, self.refunds, self.events = {}, {}, {}, []
        self._saved, self._running = {}, set()
        self._saving = threading.Lock()

    def failure(self, status):
        return {"error": {"type": "api_error",
                          "message": "An unknown error occurred (a fault the test asked for)."}}

    # The API

    def route(self, method, path, query, headers, body):
        auth = headers.get("Authorization", "")
        if auth != f"Bearer {self.secret_key}":
            return error(401, "Invalid API Key provided: " + (auth[7:11] or "none") + "****")
        params = decode_form(body) if method == "POST" else {}
        key = headers.get("Idempotency-Key")
        if method != "POST" or not key:
            try:
                return self._execute(method, path, params)
            except _Invalid as invalid:
                return _missing(invalid)
        slot, signature = (self.secret_key, key), (method, path, params)
        with self._saving:
            saved = self._saved.get(slot)
            if saved is None and slot in self._running:
                return error(409, "There is currently another in-progress request using this "
                             "Stripe API key and idempotency key.", "idempotency_error")
            if saved is None:
                self._running.add(slot)
        if saved is not None:
            if saved[0] != signature:
                return error(400, "Keys for idempotent requests can only be used with the same "
                             f"parameters they were first used with. Try using a key other "
                             f"than '{key}' if you meant to execute a different request.",
                             "idempotency_error")
            status, extra, payload = saved[1]
            return status, {**extra, "Idempotent-Replayed": "true"}, payload
        try:
            answer = self._execute(method, path, params)
        except _Invalid as invalid:  # validation failed: nothing saved, the key stays free
            with self._saving:
                self._running.discard(slot)
            return _missing(invalid)
        with self._saving:
            self._saved[slot] = (signature, answer)
            self._running.discard(slot)
        return answer

    def _execute(self, method, path, params):
        if (method, path) == ("POST", "/v1/checkout/sessions"):
            return self._create_session(params)
        if (method, path) == ("POST", "/v1/refunds"):
            return self._refund(params)
        match = SESSION_PATH.fullmatch(path)
        if method == "GET" and match:
            with self.lock:
                session = self.sessions.get(match.group(1))
                if session is None:
                    return error(404, f"No such checkout.session: '{match.group(1)}'",
                                 code="resource_missing", param="session")
                return 200, {}, copy.deepcopy(session)
        return error(404, f"Unrecognized request URL ({method}: {path}).")

    def _create_session(self, params):
        for name in ("mode", "success_url", "line_items"):
            if not params.get(name):
                raise _Invalid(name)
        total, currency = 0, None
        for i, line in enumerate(params["line_items"]):
            price = line.get("price_data") or {}
            for name in ("currency", "unit_amount"):
                if name not in price:
                    raise _Invalid(f"line_items[{i}][price_data][{name}]")
            if not (price.get("product_data") or {}).get("name"):
                raise _Invalid(f"line_items[{i}][price_data][product_data][name]")
            total += int(price["unit_amount"]) * int(line.get("quantity", 1))
            currency = price["currency"]
        session_id = _id("cs")
        session = {
            "id": session_id, "object": "checkout.session", "mode": params["mode"],
            "amount_subtotal": total, "amount_total": total, "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {},
            "payment_intent": None, "payment_status": "unpaid", "status": "open",
            "success_url": params["success_url"], "cancel_url": params.get("cancel_url"),
            "url": f"{self.base_url}/c/pay/{session_id}", "livemode": False,
            "created": int(time.time()), "expires_at": int(time.time()) + 24 * 3600,
        }
        with self.lock:
            self.sessions[session_id] = session
        return 200, {}, copy.deepcopy(session)

    def _refund(self, params):
        if not params.get("payment_intent"):
            raise _Invalid("payment_intent")
        with self.lock:
            intent = self.intents.get(params["payment_intent"])
            if intent is None:
                return error(400, f"No such payment_intent: '{params['payment_intent']}'",
                             code="resource_missing", param="payment_intent")
            left = intent["amount"] - intent["amount_refunded"]
            if left == 0:
                return error(400, f"Charge {intent['latest_charge']} has already been refunded.",
                             code="charge_already_refunded")
            amount = int(params.get("amount", left))
            if amount > left:
                return error(400, f"Refund amount ({amount}) is greater than unrefunded amount "
                             f"on charge ({left})", code="amount_too_large", param="amount")
            intent["amount_refunded"] += amount
            refund = {"id": _id("re"), "object": "refund", "amount": amount,
                      "currency": intent["currency"], "payment_intent": intent["id"],
                      "charge": intent["latest_charge"], "status": "succeeded",
                      "metadata": params.get("metadata") or {}, "reason": params.get("reason"),
                      "created": int(time.time())}
            self.refunds[refund["id"]] = refund
        return 200, {}, copy.deepcopy(refund)

    # The hosted page and what happens after it

    def pay(self, session_id, outcome="succeeded"):
        """The shopper on Checkout's page: "succeeded" pays, "declined" is refused by the bank
        (the page says so and stays open: None), "delayed" completes the session with a
        method that settles later. Returns the success URL the shopper is sent back to."""
        with self.lock:
            session = self.sessions[session_id]
            if outcome == "declined":
                return None
            intent = {"id": _id("pi"), "amount": session["amount_total"],
                      "currency": session["currency"], "amount_refunded": 0,
                      "latest_charge": _id("ch")}
            self.intents[intent["id"]] = intent
            session.update(status="complete", payment_intent=intent["id"],
                           payment_status="paid" if outcome == "succeeded" else "unpaid")
            self._event("checkout.session.completed", session)
            return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    def settle(self, session_id, succeeded=True):
        with self.lock:
            session = self.sessions[session_id]
            if succeeded:
                session["payment_status"] = "paid"
            self._event("checkout.session.async_payment_"
                        + ("succeeded" if succeeded else "failed"), session)

    def expire(self, session_id):
        with self.lock:
            session = self.sessions[session_id]
            session.update(status="expired", url=None)
            self._event("checkout.session.expired", session)

    def _event(self, type_, session):
        self.events.append({
            "id": _id("evt"), "object": "event", "api_version": _api_version._ApiVersion.CURRENT,
            "created": int(time.time()), "data": {"object": copy.deepcopy(session)},
            "livemode": False, "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None}, "type": type_})

    def send(self, url, event, times=1, concurrently=False, secret=None, timestamp=None,
             signature=None):
        """Deliver `event` to the shop as Stripe does: signed with the endpoint's secret (or
        another `secret`, an old `timestamp`, or a given `signature` header, for the tests
        of forged and replayed deliveries)."""
        payload = json.dumps(event)
        header = signature if signature is not None else sign(
            payload, secret or self.webhook_secret, timestamp)
        headers = {"Stripe-Signature": header} if header else {}
        return deliver(url, payload.encode(), headers, times, concurrently)
