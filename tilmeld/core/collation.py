"""Sorting names the Danish way."""

import unicodedata

# Danish order: æ, ø, å after z; ä, ö, ü as æ, ø, y; other accents count as the plain letter.
_DANISH = str.maketrans({"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}", "ü": "y"})


def danish_key(text: str) -> str:
    folded = text.casefold().translate(_DANISH)
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


def surname_key(name: str) -> tuple[str, str]:
    """By the last word of the name, then the whole name."""
    words = name.split()
    return danish_key(words[-1] if words else ""), danish_key(name)
