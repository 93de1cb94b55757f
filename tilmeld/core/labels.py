"""Joining a label to what follows it: "Name: required", but "Dinner?" takes no colon."""

# Django's label_tag leaves out its ":" after the same marks.
_ENDS_A_SENTENCE = (":", "?", ".", "!")


def labelled(label, text) -> str:
    """ "Navn: Dette felt er påkrævet." / "Deltager du i middagen? Dette felt er påkrævet." """
    label = str(label).rstrip()
    if label.endswith(_ENDS_A_SENTENCE):
        return f"{label} {text}"
    return f"{label}: {text}"
