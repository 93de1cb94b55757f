"""A Document as JSON and back: what an issued invoice stores, so that its PDF and XML can be
made again, byte for byte, years later (Decimal and dates kept as text, never float)."""

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

from .data import Document, Kind, Line, Party, Payment, VatCategory


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def to_json(document: Document) -> dict:
    return _plain(asdict(document))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def from_json(data: dict) -> Document:
    lines = [
        Line(
            **{
                **line,
                "quantity": Decimal(line["quantity"]),
                "unit_price": Decimal(line["unit_price"]),
                "vat_percent": Decimal(line["vat_percent"]),
                "vat_category": VatCategory(line["vat_category"]),
            }
        )
        for line in data["lines"]
    ]
    return Document(
        **{
            **data,
            "kind": Kind(data["kind"]),
            "issue_date": _date(data["issue_date"]),
            "due_date": _date(data["due_date"]),
            "credited_date": _date(data["credited_date"]),
            "seller": Party(**data["seller"]),
            "buyer": Party(**data["buyer"]),
            "payment": Payment(**data["payment"]),
            "lines": lines,
        }
    )
