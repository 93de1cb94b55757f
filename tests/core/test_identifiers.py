import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tilmeld.core.identifiers import clean_cvr, clean_gln


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("5798009811578", "5798009811578"), (" 5798 0098 11578 ", "5798009811578")],
)
def test_a_valid_location_number_is_stored_without_spaces(typed, stored):
    assert clean_gln(typed) == stored


LENGTH = ("Et EAN-lokationsnummer har 13 cifre.", "An EAN location number has 13 digits.")
PREFIX = (
    "Et dansk EAN-lokationsnummer begynder med 57.",
    "A Danish EAN location number starts with 57.",
)
CHECKSUM = (
    "EAN-nummerets sidste ciffer passer ikke med de andre. Tjek venligst nummeret.",
    "The EAN number's last digit does not match the others. Please check the number.",
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("579800981157", LENGTH),  # 12 digits: an EAN, but no location number
        ("57980098115780", LENGTH),
        ("abc", LENGTH),
        ("4006381333931", PREFIX),  # a valid EAN from outside Denmark
        ("5798009811579", CHECKSUM),
    ],
)
def test_a_wrong_location_number_says_what_is_wrong_in_both_languages(typed, expected):
    messages = {}
    for language in ("da", "en"):
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                clean_gln(typed)
            messages[language] = [str(message) for message in error.value.messages]

    assert messages == {"da": [expected[0]], "en": [expected[1]]}


def test_a_valid_cvr_number_is_stored_as_eight_digits():
    assert clean_cvr("DK 13 58 56 28") == "13585628"


@pytest.mark.parametrize(
    ("typed", "danish"),
    [
        ("1358562", "Et CVR-nummer har 8 cifre."),
        ("13585629", "Det er ikke et gyldigt CVR-nummer. Tjek det venligst."),
    ],
)
def test_a_wrong_cvr_number_is_refused(typed, danish):
    with pytest.raises(ValidationError) as error:
        clean_cvr(typed)

    assert error.value.messages == [danish]
