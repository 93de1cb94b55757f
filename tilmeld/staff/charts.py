"""A bar chart as SVG numbers, drawn by the template: no JavaScript, no external library."""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 640, 180, 2


@dataclass
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


def bar_chart(bars, *, label) -> dict:
    if not bars:
        return {"bars": [], "width": WIDTH, "height": HEIGHT, "max": 0}
    top = max(bar.count for bar in bars) or 1
    step = WIDTH / len(bars)
    drawn = []
    for index, bar in enumerate(bars):
        height = (bar.count / top) * (HEIGHT - 20)
        drawn.append(
            ChartBar(
                x=round(index * step + GAP / 2, 2),
                y=round(HEIGHT - height, 2),
                width=round(max(step - GAP, 1), 2),
                height=round(height, 2),
                label=label(bar),
                count=bar.count,
            )
        )
    return {"bars": drawn, "width": WIDTH, "height": HEIGHT, "max": top}
