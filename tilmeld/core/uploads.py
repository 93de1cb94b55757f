"""Checks for files staff upload."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".webp", ".svg", ".gif"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_image(upload) -> None:
    if _suffix(upload.name) not in IMAGE_TYPES:
        raise ValidationError(_("Upload a PNG, JPEG, WebP, GIF or SVG image."), code="type")
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("The image may be at most 5 MB."), code="size")


def validate_pdf(upload) -> None:
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(_("The file may be at most 20 MB."), code="size")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError(_("The file is not a PDF."), code="type")
