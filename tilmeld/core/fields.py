"""Form fields for the one-line details people type about themselves (name, organisation,
e-mail, phone): cleaned by core.text.single_line before any validation, so what is stored and
shown back is what a mail header, a mail body or a badge can hold."""

from django import forms

from tilmeld.core.text import single_line


class SingleLineField(forms.CharField):
    def to_python(self, value):
        return single_line(super().to_python(value))


class SingleLineEmailField(forms.EmailField):
    def to_python(self, value):
        return single_line(super().to_python(value))
