"""The shop's social cause: a share of each delivered order (basis points of what its goods
cost after discounts, or a fixed amount per order) goes to a named cause. The share is the one
promised when the order was placed (stamped on it here), so a later change of the setting does
not rewrite what earlier orders gave."""


def stamp(order, config):
    """Copy the cause's share in force onto a new order; nothing when no cause is named."""
    if not any((getattr(config, "cause_name", None) or {}).values()):
        order.cause_bp = order.cause_fixed = 0
        return
    order.cause_bp = getattr(config, "cause_bp", 0) or 0
    order.cause_fixed = getattr(config, "cause_fixed", 0) or 0
