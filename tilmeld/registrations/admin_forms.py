from django import forms
from django.utils.translation import gettext_lazy as _

from tilmeld.events.models import Event
from tilmeld.registrations.forms import PersonForm


class StaffRegistrationForm(PersonForm):
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.order_by("-starts_at"))
    override_capacity = forms.BooleanField(
        label=_("Give a seat even if the event is full"),
        required=False,
        help_text=_("An explicit override: the event then has more participants than seats."),
    )
    language = forms.ChoiceField(
        label=_("Language of the mails"), choices=[("da", _("Danish")), ("en", _("English"))]
    )

    field_order = ["event", "name", "email", "organisation", "job_title", "phone"]
