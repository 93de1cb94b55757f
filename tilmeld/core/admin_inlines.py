"""The "Add another …" button under an inline, worded for the inline's noun.

Django builds the text as "Add another %(verbose_name)s" with the noun capitalised. Danish then
reads "Tilføj endnu en Programpunkt": the article follows the noun's gender (et programpunkt, en
medarrangør) and the noun belongs in lower case mid-sentence. So each inline may name its own
whole text as `add_another_label`; without one, the noun is at least left in lower case.
"""

import json

from django.contrib.admin import helpers
from django.utils.translation import gettext


def add_another_text(inline) -> str:
    label = getattr(inline, "add_another_label", None)
    if label:
        return str(label)
    return gettext("Add another %(verbose_name)s") % {"verbose_name": inline.verbose_name}


class _LabelledInlineAdminFormSet(helpers.InlineAdminFormSet):
    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = add_another_text(self.opts)
        return json.dumps(data)


class InlineLabelsMixin:
    """For a ModelAdmin: its inlines' "Add another" buttons use `add_another_text`."""

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            # Django offers no hook for the helper's class; the subclass adds no state of its
            # own, only the text, so swapping the class of the built helper is safe.
            inline_admin_formset.__class__ = _LabelledInlineAdminFormSet
        return inline_admin_formsets
