"""Reasons to come back: coupons (coupons.py, quote.py), points (points.py), tiers (tiers.py),
referrals (referrals.py), the codes the shop sends (codes.py, birthdays.py), and the settings
(settings.py).

The order's transaction reaches them through hooks.py only: orders.py calls the hooks, which
call the rules here, so every write of theirs rides on the order's transaction."""
