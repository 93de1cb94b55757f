"""Prices on the pages: an event's prices and options, each as a line of text, and the words
for how VAT is included (pricing.labels)."""

from django import template

from tilmeld.pricing import labels, rules

register = template.Library()


@register.simple_tag
def catalogue(event):
    """{% catalogue event as prices %}: the event's prices and options, two queries."""
    return rules.catalogue(event)


register.filter("price_label", labels.price_label)
register.filter("option_label", labels.option_label)
register.filter("vat_note", labels.vat_note)
register.filter("vat_sentence", labels.vat_sentence)
