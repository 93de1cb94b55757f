from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from tilmeld.core.money import money, money_text


@pytest.mark.parametrize(
    ("amount", "danish", "english"),
    [
        (Decimal("0"), "0,00 kr.", "DKK 0.00"),
        (Decimal("1995"), "1.995,00 kr.", "DKK 1,995.00"),
        (Decimal("0.005"), "0,01 kr.", "DKK 0.01"),
        (Decimal("0.004"), "0,00 kr.", "DKK 0.00"),
        (Decimal("2.675"), "2,68 kr.", "DKK 2.68"),
        (Decimal("1234567.8"), "1.234.567,80 kr.", "DKK 1,234,567.80"),
        (Decimal("-1995.5"), "-1.995,50 kr.", "-DKK 1,995.50"),
        (Decimal("-0.005"), "-0,01 kr.", "-DKK 0.01"),
        (Decimal("999.995"), "1.000,00 kr.", "DKK 1,000.00"),
        ("4987.5", "4.987,50 kr.", "DKK 4,987.50"),
        (12, "12,00 kr.", "DKK 12.00"),
    ],
)
def test_money_text_in_both_languages(amount, danish, english):
    assert (money_text(amount, "da"), money_text(amount, "en")) == (danish, english)


def test_money_text_follows_the_active_language():
    danish = money_text(Decimal("1995"))
    with translation.override("en"):
        english = money_text(Decimal("1995"))

    assert (danish, english) == ("1.995,00 kr.", "DKK 1,995.00")


def test_money_text_with_a_regional_language_code():
    assert money_text(Decimal("1995"), "en-gb") == "DKK 1,995.00"


def test_money_rounds_half_up_once_to_ore():
    assert [money(Decimal(v)) for v in ("0.005", "0.015", "-0.005", "1.2349")] == [
        Decimal("0.01"),
        Decimal("0.02"),
        Decimal("-0.01"),
        Decimal("1.23"),
    ]


def test_money_refuses_float():
    with pytest.raises(TypeError):
        money(0.1)


def test_money_filter_in_a_template():
    template = Template("{% load tilmeld %}{{ amount|money }}|{{ missing|money }}")

    danish = template.render(Context({"amount": Decimal("1995")}))
    with translation.override("en"):
        english = template.render(Context({"amount": Decimal("-4987.5")}))

    assert (danish, english) == ("1.995,00 kr.|", "-DKK 4,987.50|")
