"""The merchant's scorecard on the back office's dashboard: sales by day, customers, shipping
on time, refunds against the promise, returns, feedback, loyalty's cost and newsletter growth.

Every figure names its period and is read with bounded, indexed queries (see each module), so
the dashboard answers quickly with a long order history (`make bench`'s dashboard line).
Money figures (revenue, average order value, discounts, the points' value) are the owner's:
build(..., money=False) leaves them out for staff, who may read the rest of the dashboard."""
from dataclasses import dataclass

from . import aftercare, chart, newsletter, sales, shipping
from .periods import SALES_DAYS


@dataclass(frozen=True)
class Scorecard:
    sales: sales.Sales
    bars: list
    customers: sales.Customers
    shipping: shipping.Shipping
    refunds: aftercare.Refunds
    returns: aftercare.ReturnRate
    feedback: aftercare.Feedback
    points: object  # aftercare.Points or None
    newsletter: newsletter.Growth
    money: bool
    days: int = SALES_DAYS
    chart_width: int = chart.WIDTH
    chart_height: int = chart.HEIGHT


def build(now, config, money=True):
    figures = sales.sales_by_day(now, config)
    return Scorecard(sales=figures, bars=chart.bars(figures.days),
                     customers=sales.customers(now, config), shipping=shipping.shipping(now),
                     refunds=aftercare.refunds(now), returns=aftercare.return_rate(now),
                     feedback=aftercare.feedback(now),
                     points=aftercare.points_outstanding() if money else None,
                     newsletter=newsletter.growth(now, config), money=money)
