from django import forms
from django.utils.translation import gettext_lazy as _

from tilmeld.core.fields import SingleLineEmailField, SingleLineField
from tilmeld.events.models import Event
from tilmeld.registrations.forms import PersonForm
from tilmeld.registrations.models import Participant


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


class ParticipantAdminForm(forms.ModelForm):
    """The participant's page in the admin: the details cleaned as on the public forms."""

    class Meta:
        model = Participant
        fields = ["name", "email", "organisation", "job_title", "phone"]
        field_classes = {
            "name": SingleLineField,
            "email": SingleLineEmailField,
            "organisation": SingleLineField,
            "job_title": SingleLineField,
            "phone": SingleLineField,
        }
