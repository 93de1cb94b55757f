"""Pictures and a programme PDF for the demo, drawn here so the demo needs no downloads."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw


def banner_png(text: str, colour: tuple[int, int, int]) -> ContentFile:
    image = Image.new("RGB", (1200, 500), colour)
    draw = ImageDraw.Draw(image)
    for step in range(0, 1200, 60):
        draw.line(
            [(step, 500), (step + 300, 0)], fill=tuple(min(c + 25, 255) for c in colour), width=18
        )
    draw.rectangle([(60, 360), (1140, 440)], fill=(255, 255, 255))
    draw.text((80, 385), text, fill=colour, font_size=40)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue())


def logo_png(initials: str, colour: tuple[int, int, int]) -> ContentFile:
    image = Image.new("RGB", (240, 96), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([(4, 4), (92, 92)], radius=16, fill=colour)
    draw.text((18, 26), initials, fill=(255, 255, 255), font_size=40)
    draw.text((104, 30), initials, fill=colour, font_size=36)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue())


def programme_pdf(title: str, rows: list[tuple[str, str]]) -> ContentFile:
    from django.utils.html import escape
    from weasyprint import HTML

    items = "".join(f"<tr><td>{escape(t)}</td><td>{escape(what)}</td></tr>" for t, what in rows)
    html = (
        "<html lang='da'><head><style>@page{size:A4;margin:2cm} body{font-family:sans-serif}"
        "td{padding:4pt 12pt 4pt 0;vertical-align:top}</style></head>"
        f"<body><h1>{escape(title)}</h1><h2>Program</h2><table>{items}</table></body></html>"
    )
    return ContentFile(HTML(string=html).write_pdf())
