"""A bar chart as SVG numbers, drawn by the template: no JavaScript, no external library.

The plot sits right of a y-axis with a few round ticks and above an x-axis with some of the days.
"""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 640, 200, 2
LEFT, BOTTOM, TOP = 36, 22, 8  # room for the tick labels and the top label
MAX_DATES = 7


@dataclass
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass
class Tick:
    position: float  # y for the y-axis, x (the bar's middle) for the x-axis
    label: str


def _step(top: int) -> int:
    """A round step giving at most five ticks above zero: 1, 2, 5, 10, 20, 50, …"""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top <= step * factor * 5:
                return step * factor
        step *= 10


def bar_chart(bars, *, label, axis_label) -> dict:
    """`label(bar)` names a bar in full (its tooltip and the table); `axis_label(bar)` is the
    short date under the axis."""
    if not bars:
        return {"bars": [], "width": WIDTH, "height": HEIGHT, "max": 0}
    top = max(bar.count for bar in bars) or 1
    step = _step(top)
    scale_top = -(-top // step) * step  # the axis ends at the tick above the highest bar
    plot_height = HEIGHT - BOTTOM - TOP
    base = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT) / len(bars)
    drawn = []
    for index, bar in enumerate(bars):
        height = bar.count / scale_top * plot_height
        drawn.append(
            ChartBar(
                x=round(LEFT + index * slot + GAP / 2, 2),
                y=round(base - height, 2),
                width=round(max(slot - GAP, 1), 2),
                height=round(height, 2),
                label=label(bar),
                count=bar.count,
            )
        )
    y_ticks = [
        Tick(round(base - value / scale_top * plot_height, 2), str(value))
        for value in range(0, scale_top + 1, step)
    ]
    every = -(-len(bars) // MAX_DATES)
    x_ticks = [
        Tick(round(LEFT + (index + 0.5) * slot, 2), axis_label(bar))
        for index, bar in enumerate(bars)
        if index % every == 0
    ]
    return {
        "bars": drawn,
        "width": WIDTH,
        "height": HEIGHT,
        "max": top,
        "left": LEFT,
        "base": base,
        "top": TOP,
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
    }
