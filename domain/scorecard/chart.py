"""The sales chart's geometry: one bar per day, drawn by templates/admin/_sales_chart.html as
an SVG with a title and a description, the same figures as a table beside it."""
from dataclasses import dataclass

WIDTH = 600
HEIGHT = 160
BOTTOM = 20  # room for the day labels
GAP = 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: object
    orders: int
    label: bool  # print the day under this bar
    anchor: str = "middle"  # the last day's label ends at the chart's edge instead


def bars(days, width=WIDTH, height=HEIGHT):
    """Bars scaled to the busiest day (orders); an empty day has no height. Every seventh day
    from the last is labelled, so the labels never crowd."""
    peak = max((d.orders for d in days), default=0)
    step = width / max(len(days), 1)
    room = height - BOTTOM
    drawn = []
    for index, day in enumerate(days):
        tall = round(room * day.orders / peak, 1) if peak else 0
        drawn.append(Bar(x=round(index * step + GAP / 2, 1), y=round(room - tall, 1),
                         width=round(step - GAP, 1), height=tall, day=day.day, orders=day.orders,
                         label=(len(days) - 1 - index) % 7 == 0,
                         anchor="end" if index == len(days) - 1 else "middle"))
    return drawn
