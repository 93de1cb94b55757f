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

    # The event whose questions and sessions the form showed; when staff pick another event,
    # the form comes back with that event's questions before anyone is registered.
    shown_for = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["event", "name", "email", "organisation", "job_title", "phone"]
