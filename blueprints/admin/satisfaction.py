"""Back office: how customers answered "How did we do?" at each touchpoint, month by month (a
small SVG chart drawn on the server, and the table it is drawn from), and the review request's
response rate. The owner's page (blueprints/backoffice.py): figures about the whole shop."""
from dataclasses import dataclass

from domain.reviews import satisfaction as answers

from ..common import shop
from ..htmx import render
from ..templating import now
from . import bp

MONTHS = 6
# The chart's drawing area, in SVG units (it scales to the screen's width).
WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 320, 160, 28, 10, 24


@dataclass(frozen=True)
class Series:
    touchpoint: str
    label: str
    points: list        # [(x, y, month, average, answers)] for the months with answers
    path: str


def _chart(rows, months):
    """Each touchpoint's average (1 to 5) per month as points of a line."""
    step = (WIDTH - LEFT - 10) / max(len(months) - 1, 1)
    span = HEIGHT - TOP - BOTTOM

    def y(average):
        return round(TOP + span * (5 - average) / 4, 1)

    series = []
    for touchpoint in answers.TOUCHPOINTS:
        points = [(round(LEFT + step * months.index(row.month), 1), y(row.average), row.month,
                   row.average, row.answers)
                  for row in rows if row.touchpoint == touchpoint and row.answers]
        path = " ".join(f"{'M' if i == 0 else 'L'}{x},{py}"
                        for i, (x, py, *_rest) in enumerate(points))
        series.append(Series(touchpoint, str(answers.TOUCHPOINT_LABELS[touchpoint]), points, path))
    grid = [(score, y(score)) for score in (1, 2, 3, 4, 5)]
    ticks = [(round(LEFT + step * i, 1), month[5:]) for i, month in enumerate(months)]
    return {"series": series, "grid": grid, "ticks": ticks, "width": WIDTH, "height": HEIGHT,
            "left": LEFT, "right": WIDTH - 10, "bottom": HEIGHT - BOTTOM}


@bp.get("/satisfaction", endpoint="satisfaction")
def satisfaction_report():
    moment = now()
    rows = answers.by_month(moment, shop().zone, MONTHS)
    months = sorted({row.month for row in rows})
    table = [(month, [next(row for row in rows if row.month == month and row.touchpoint == t)
                      for t in answers.TOUCHPOINTS]) for month in months]
    return render("admin/satisfaction.html", chart=_chart(rows, months), table=table,
                  labels=[str(answers.TOUCHPOINT_LABELS[t]) for t in answers.TOUCHPOINTS],
                  rate=answers.response_rate(moment), any_answer=any(r.answers for r in rows))
