"""The checkout page: one page for guests and customers, at /checkout.

The price breakdown is at the top before anything is typed, and what there is to pay is
repeated above the "Place order" button; htmx recomputes both (GET, so it never touches the
checkout token) when the region, the shipping method or the store credit changes, and the
"Update shipping" button does the same without JavaScript. Placing the order is one call to
domain.orders.place_order, idempotent through the form's one-time checkout token.
"""
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale, gettext as _
from flask_login import current_user

from domain import cart as carts
from domain import card_payments, checkouts, consent, credit, orders, payments, pricing
from domain.errors import CheckoutInvalid, CouponRefused, ShopError
from domain.loyalty import quote as loyalty_quote

from ..common import campaign_visit, current_cart, new_token, shop, valid_token
from ..htmx import render, see_other, wants_fragment
from ..loyalty import pricing_context as loyalty
from ..payments.context import send_to_provider
from ..templating import now
from . import bp, heartbeat
from .context import tracking_url
from .forms import CheckoutForm

PAGE = "checkout/checkout.html"
METHODS = "checkout/_shipping_methods.html"
ORDER_TOTAL = "checkout/_order_total.html"
POINTS_CHOICE = "checkout/_points.html"


@bp.get("/checkout")
def page():
    """The form, prefilled for customers; for htmx, just the recomputed summary and the total
    by the button (and the region's shipping methods when the region changed)."""
    cart = current_cart()
    config = shop()
    lines = carts.lines(cart, config.currency)
    if not lines:
        flash(_("Your cart is empty, so there is nothing to check out yet."), "warning")
        return see_other(url_for("cart.view"))
    form = CheckoutForm(formdata=None)
    prefill(form, config, request.args)
    oob = (ORDER_TOTAL, METHODS) if request.args.get("refresh") == "methods" else (ORDER_TOTAL,)
    context = page_context(form, config, lines)
    heartbeat.note(cart=checkouts.snapshot(lines, context["breakdown"].total),
                   email=form.email.data if current_user.is_authenticated else None)
    # Without JavaScript there is no heartbeat: a page loaded after the minutes offers help.
    return render(PAGE, block="summary", oob=oob, **context,
                  page_only=lambda: {"help_offer": heartbeat.offer(config.help_offer_minutes)})


@bp.post("/checkout/heartbeat", endpoint="heartbeat")
def beat():
    """The checkout page, once a minute while it is visible: noted in memory (no write). 204,
    or the help offer once per checkout, or the chat the merchant started for it."""
    config = shop()
    heartbeat.note(email=request.form.get("email") or None,
                   marketing=request.form.get("marketing") in ("y", "1", "on"))
    chat = heartbeat.chat_invitation()
    if chat is not None:
        return render("checkout/_help_offer.html", help_offer={"code": "chat"})
    found = heartbeat.offer(config.help_offer_minutes)
    if found is None:
        return "", 204
    return render("checkout/_help_offer.html", help_offer=found)


@bp.get("/checkout/restore/<token>")
def restore(token):
    """The reminder email's link: the checkout's cart back in this browser's cart."""
    record = checkouts.for_restore_token(token, current_app.config["SECRET_KEY"])
    if not checkouts.restore(record, current_cart()):
        flash(_("The items from your checkout are no longer available."), "warning")
        return redirect(url_for("cart.view"), code=303)
    heartbeat.resume(record.key)
    flash(_("Your cart is as you left it."), "success")
    return redirect(url_for("checkout.page"), code=303)


@bp.post("/checkout/coupon", endpoint="coupon")
def coupon():
    """Apply a coupon code (or remove one: `remove`) in this browser's checkout. With htmx, the
    summary and the total by the button are drawn again in place; without, back to the page.
    A refused code changes nothing and its message shows beside the field."""
    cart = current_cart()
    config = shop()
    lines = carts.lines(cart, config.currency)
    if not lines:
        return see_other(url_for("cart.view"))
    form = CheckoutForm(formdata=None)
    prefill(form, config, request.form)
    typed = (request.form.get("coupon_code") or "").strip()[:40]
    error = None
    if request.form.get("remove"):
        loyalty.save_codes(loyalty_quote.remove_code(loyalty.applied_codes(),
                                                     request.form["remove"]))
    else:
        try:
            loyalty.save_codes(loyalty_quote.add_code(
                config, lines, loyalty.applied_codes(), typed,
                **loyalty.choices(email=form.email.data, use_points=form.use_points.data,
                                  region=form.region.data or None,
                                  shipping_method_id=form.shipping_method.data)))
        except CouponRefused as refused:
            error = str(refused)
    if not wants_fragment():
        if error is None:
            return redirect(url_for("checkout.page"), code=303)
        return render(PAGE, status=422, **page_context(form, config, lines, error, typed))
    return render(PAGE, block="summary", oob=(ORDER_TOTAL, POINTS_CHOICE),
                  status=422 if error else 200, **page_context(form, config, lines, error, typed))


@bp.post("/checkout")
def place():
    """Place the order, or show the form again with what to fix (422)."""
    cart = current_cart()
    config = shop()
    form = CheckoutForm()
    if "recalculate" in request.form:
        lines = carts.lines(cart, config.currency)
        if not lines:
            return redirect(url_for("cart.view"), code=303)
        return render(PAGE, **page_context(form, config, lines))
    if not valid_token(form.checkout_token.data):
        form.checkout_token.data = new_token()
        return _again(form, cart, config, _("This form had expired. Please check it and place "
                                            "your order again."))
    if not form.validate_on_submit():
        return _again(form, cart, config, _("Please check the fields marked below."))
    try:
        order, _created = orders.place_order(config, cart, checkout_from(form), now())
    except CheckoutInvalid as error:
        if "cart" in error.fields:
            heartbeat.note_problem("sold_out", error.fields["cart"], email=form.email.data)
            flash(error.fields["cart"], "warning")
            return redirect(url_for("cart.view"), code=303)
        form.add_errors(error.fields)
        # A missing email or payment method is a form to finish, not a checkout gone wrong.
        code = checkouts.problem_code(error)
        shown = " ".join(str(m) for k, m in error.fields.items() if k in checkouts.ADDRESS_FIELDS)
        return _again(form, cart, config, str(error), code=None if code == "other" else code,
                      shown=shown)
    except ShopError as error:
        return _again(form, cart, config, str(error), code=checkouts.problem_code(error))
    heartbeat.finish()
    loyalty.forget_after_order()
    if form.marketing.data and _created:
        # Double opt-in: nothing is sent to the address until its owner confirms.
        flash(_("We sent you an email to confirm your subscription to our news. Nothing is "
                "sent until you confirm."), "success")
    if order.status == card_payments.AWAITING:
        # On to the provider's page (a retried form finds the order and starts a new attempt).
        return send_to_provider(order)
    return redirect(tracking_url(order, placed=1), code=303)


def _again(form, cart, config, problem, code=None, shown=""):
    """The form as sent, with the same checkout token, the problem at the top and each field's
    message beside it. The cart is as it was. A checkout error (`code`) is noted for the chat
    and the merchant, and brings the help offer (once per checkout)."""
    lines = carts.lines(cart, config.currency)
    help_offer = None
    if code is not None:
        heartbeat.note_problem(code, shown or problem, email=form.email.data)
        help_offer = heartbeat.offer(config.help_offer_minutes, error_code=code)
    return render(PAGE, status=422, problem=problem, help_offer=help_offer,
                  **page_context(form, config, lines))


def checkout_from(form):
    return orders.Checkout(
        checkout_token=form.checkout_token.data, email=form.email.data or "",
        address=form.address(), shipping_method_id=form.shipping_method.data,
        payment_method=form.payment_method.data or "", locale=str(get_locale()),
        user_id=current_user.id if current_user.is_authenticated else None,
        payment_details={"card_number": form.card_number.data or ""},
        use_credit=bool(form.use_credit.data), marketing_consent=bool(form.marketing.data),
        checkout_key=heartbeat.current_key(), coupon_codes=loyalty.applied_codes(),
        use_points=bool(form.use_points.data), points_expected=_int_or_none(
            request.form.get("points_expected")),
        referral_code=session.get(loyalty.REFERRAL_KEY) or "",
        campaign_id=campaign_visit()[0], campaign_landed_at=campaign_visit()[1])


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def credit_balance():
    """The signed-in customer's store credit (0 for guests), from the already loaded user."""
    return current_user.credit_balance if current_user.is_authenticated else 0


def marketing_wording():
    """The words of the marketing box, or None for a customer who already gets the emails."""
    if current_user.is_authenticated and consent.may_market(current_user._get_current_object()):
        return None
    return consent.wording()


def saved_addresses():
    return list(current_user.addresses) if current_user.is_authenticated else []


def prefill(form, config, args):
    """A fresh form: a new token, the customer's email and saved (or default) address and
    preferences, and the region and shipping method a summary request asks about."""
    form.checkout_token.data = new_token()
    addresses = saved_addresses()
    chosen = next((a for a in addresses if str(a.id) == args.get("address")), None) \
        or next((a for a in addresses if a.is_default), None)
    # Credit is used unless the shopper unticked it: a summary request says which it was.
    form.use_credit.data = args.get("use_credit") == "1" if args.get("credit_offered") else True
    # Points are spent only when the customer ticks the box.
    form.use_points.data = args.get("use_points") == "1" if args.get("points_offered") \
        else loyalty.points_ticked()
    if current_user.is_authenticated:
        form.email.data = current_user.email
        form.payment_method.data = current_user.preferred_payment_method
        form.shipping_method.data = str(current_user.preferred_shipping_method_id or "")
    if chosen is not None:
        for name in form.address():
            form[name].data = getattr(chosen, name)
    if args.get("region"):
        form.region.data = args["region"]
    if args.get("shipping_method"):
        form.shipping_method.data = args["shipping_method"]


def page_context(form, config, lines, coupon_error=None, coupon_typed=""):
    """The form with its choices, and the summary for the chosen region and method, priced
    with the codes applied and the points ticked."""
    region = form.region.data if form.region.data in config.regions else config.default_region
    form.region.data = region
    quote = loyalty.quote_for(config, lines, email=form.email.data or "",
                              use_points=form.use_points.data, region=region,
                              shipping_method_id=form.shipping_method.data)
    breakdown = quote.breakdown
    options = [(method, pricing.breakdown(config, lines, shipping_method_id=method.id,
                                          region=region, discount=breakdown.discount.amount,
                                          free_shipping=quote.free_shipping).shipping)
               for method in breakdown.shipping_methods]
    chosen = breakdown.shipping_method
    store_credit = credit.at_checkout(credit_balance(), breakdown.total, form.use_credit.data)
    return {
        "credit_available": store_credit.available, "credit_applied": store_credit.applied,
        "to_pay": store_credit.to_pay,
        "form": form, "breakdown": breakdown, "shipping_options": options,
        "regions": config.regions or [region],
        "chosen_method_id": chosen.id if chosen else None,
        "providers": payments.selectable(config),
        "saved_addresses": saved_addresses(),
        "marketing_wording": marketing_wording(),
        "field_errors": [(field.id, message) for field in form for message in field.errors
                         if field.name != "csrf_token"],
        "points_offer": loyalty.points_offer(quote),
        "coupon_action": url_for("checkout.coupon"), "coupon_target": "#summary",
        "coupon_include": "#region, #shipping_method, #store_credit, #points",
        **loyalty.field_context(quote, coupon_error, coupon_typed),
    }
