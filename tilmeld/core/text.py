"""Text typed by people, made safe to store and show on one line.

A name or an e-mail address ends up in mail headers and bodies, on badges, in exports and in the
admin. A line break there starts a new mail line ("Kære a" / "Bcc: …"), a right-to-left override
turns the rest of a badge around, and PostgreSQL refuses a NUL byte outright (a 500 instead of an
answer). So every single-line field goes through single_line() before it is stored or searched."""

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates, the direction marks and the Arabic letter
# mark: invisible, and they reorder what follows them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Category Cc: C0 and C1 control characters, among them NUL, TAB, CR and LF.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def single_line(value: str) -> str:
    """NFC-normalised text on one line: control characters become spaces, bidi controls go,
    runs of white space (line and paragraph separators too) become one space, ends trimmed."""
    if not value:
        return value
    value = unicodedata.normalize("NFC", value)
    value = BIDI_CONTROLS.sub("", value)
    value = CONTROLS.sub(" ", value)
    return " ".join(value.split())
