"""Where the order's life reaches loyalty: orders.py (and the returns and account code) call
these, in their own transaction, so a rollback undoes the loyalty writes too. Each hook hands
on to the rule that owns it; nothing here decides anything."""


def order_placed(order, checkout, quote, now):
    """The order is flushed, its stock taken, before payment: the coupons' uses are taken
    (CouponRefused rolls the whole order back), points spent, a referral recorded, and the
    thank-you code issued. `quote` is the quote.Quote the order was priced with."""
    from . import codes, coupons, referrals
    coupons.take_uses(order, quote, now)
    referrals.order_placed(order, getattr(checkout, "referral_code", "") or "", now)
    codes.thank_you(order, now)


def order_paid(order, now):
    """The order is paid (or placed as cash on delivery): its points are earned, pending."""
    from . import earning
    earning.order_paid(order, now)


def order_delivered(order, now):
    """Delivered: the return window starts, so pending points and the referral know when they
    vest."""
    from . import earning, referrals
    earning.order_delivered(order, now)
    referrals.order_delivered(order, now)


def order_released(order, now):
    """Cancelled or payment expired: the coupons' uses and the points spent come back, the
    points it would have earned and its referral are dropped; its unused thank-you code is
    paused."""
    from . import codes, coupons, earning, points, referrals
    coupons.release_uses(order, now)
    points.give_back_spend(order, now)
    earning.order_released(order, now)
    referrals.order_released(order, now)
    codes.order_released(order, now)


def lines_returned(order, returned, now, return_id=None):
    """Lines of the order came back for a refund or credit: {order_line_id: quantity}. Their
    points are reversed and a fully returned first order earns its referrer nothing."""
    from . import earning, referrals
    earning.lines_returned(order, returned, now, return_id=return_id)
    referrals.lines_returned(order, returned, now)


def orders_claimed(user, orders, now):
    """A guest made an account that claimed these past guest orders: their points are earned
    as if the account had bought them."""
    from . import earning
    for order in orders:
        earning.order_claimed(user, order, now)
