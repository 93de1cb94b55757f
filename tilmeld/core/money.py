"""Amounts of money: rounded once to øre by one rule, and written as people read them.

Danish "1.995,00 kr.", English "DKK 1,995.00". Amounts are Decimal, never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Rounded once, to øre, half up: the rule for every amount a document shows."""
    if isinstance(value, float):
        raise TypeError("money() takes Decimal, int or str, never float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(amount, language: str | None = None) -> str:
    """ "1.995,00 kr." in Danish, "DKK 1,995.00" otherwise; a negative amount starts with a
    hyphen-minus ("-1.995,00 kr.", "-DKK 1,995.00") so it survives copying into a bank's form."""
    language = language or get_language() or "da"
    rounded = money(amount)
    sign = "-" if rounded < 0 else ""
    digits = f"{abs(rounded):,.2f}"  # Decimal formats exactly: "1,995.00"
    if language.split("-")[0] == "da":
        digits = digits.translate(str.maketrans({",": ".", ".": ","}))
        return f"{sign}{digits} kr."
    return f"{sign}DKK {digits}"
