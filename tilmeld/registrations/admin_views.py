"""The participant admin's own pages: register someone, hand over a seat, choose sessions.
Each asks the same services as the public pages, with the staff member as `by`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tilmeld.events.models import Event
from tilmeld.registrations import rules
from tilmeld.registrations.admin_forms import StaffRegistrationForm
from tilmeld.registrations.exceptions import AlreadyRegistered, RegistrationError
from tilmeld.registrations.forms import SessionChangeForm, SubstituteForm
from tilmeld.registrations.models import Participant
from tilmeld.registrations.selectors import chosen_sessions, form_options
from tilmeld.registrations.services import changes
from tilmeld.registrations.services.booking import Booker, register


def chosen_event(request) -> Event | None:
    raw = request.POST.get("event") or request.GET.get("event") or ""
    return Event.objects.filter(pk=raw).first() if raw.isascii() and raw.isdigit() else None


class StaffParticipantViews:
    """Mixed into ParticipantAdmin, which routes to these views (get_urls)."""

    def register_view(self, request):
        if not request.user.has_perm("registrations.change_participant"):
            raise PermissionDenied
        event = chosen_event(request)
        options = form_options(event, staff=True) if event else {}
        shown = {"shown_for": event.pk if event else None}
        form = StaffRegistrationForm(
            request.POST or None, initial={"event": event, **shown}, **options
        )
        unseen = options and (options["questions"] or options["slots"])
        if request.method == "POST" and unseen and request.POST.get("shown_for") != str(event.pk):
            # The event was picked just now: its questions and sessions come first.
            form = StaffRegistrationForm(initial={**request.POST.dict(), **shown}, **options)
            self.message_user(
                request,
                _("Answer the event's questions and choose sessions, then register."),
                messages.INFO,
            )
        elif request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            person = form.person()
            try:
                booking = register(
                    data["event"],
                    # The participant books for themselves: their mail has the one manage
                    # link, and no booking summary goes to staff. The history names the staff.
                    booker=Booker(person.name, person.email, person.organisation, person.phone),
                    people=[person],
                    language=data["language"],
                    by=request.user,
                    override_capacity=data["override_capacity"],
                )
            except AlreadyRegistered:
                # Said plainly to staff; no reminder is mailed from here.
                form.add_error("email", _("This address is already registered for the event."))
            except RegistrationError as error:
                form.add_error(None, error.message)
            else:
                participant = booking.participants.get()
                status = participant.get_status_display()
                self.message_user(
                    request,
                    _("%(name)s is registered: %(status)s.")
                    % {"name": participant.name, "status": status},
                )
                return redirect(
                    reverse("admin:registrations_participant_change", args=[participant.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Register a participant"),
            "opts": self.model._meta,
            "submit_label": _("Register"),
        }
        return TemplateResponse(request, "admin/registrations/staff_form.html", context)

    def substitute_view(self, request, pk):
        if not request.user.has_perm("registrations.change_participant"):
            raise PermissionDenied
        participant = get_object_or_404(Participant.objects.select_related("event"), pk=pk)
        form = SubstituteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                new = changes.substitute_participant(participant, form.person(), by=request.user)
            except RegistrationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    _("%(old)s's seat now belongs to %(new)s.")
                    % {"old": participant.name, "new": new.name},
                )
                return redirect(reverse("admin:registrations_participant_change", args=[new.pk]))
        title = _("Hand over %(name)s's seat") % {"name": participant.name}
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": title,
            "opts": self.model._meta,
            "participant": participant,
        }
        return TemplateResponse(request, "admin/registrations/staff_form.html", context)

    def sessions_view(self, request, pk):
        """Staff choose a participant's sessions as the participant would on the manage page:
        one per parallel slot, within the seats left (their own seat counts as free)."""
        if not request.user.has_perm("registrations.change_participant"):
            raise PermissionDenied
        participant = get_object_or_404(Participant.objects.select_related("event"), pk=pk)
        options = form_options(participant.event, staff=True)
        chosen = chosen_sessions(participant)
        form = SessionChangeForm(
            request.POST or None,
            slots=options["slots"],
            seats_left=options["seats_left"],
            current=list(chosen),
            held=[pk for pk, choice in chosen.items() if choice.holds_seat],
            mine=False,  # staff read the form: no "your seat"
            wishes=rules.sessions_are_wishes(participant),
        )
        back = reverse("admin:registrations_participant_change", args=[participant.pk])
        if not options["slots"] or not participant.is_active:
            return redirect(back)
        if request.method == "POST" and form.is_valid():
            try:
                changes.change_sessions(participant, form.chosen(), by=request.user)
            except RegistrationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, _("The sessions have been saved."))
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Sessions for %(name)s") % {"name": participant.name},
            "opts": self.model._meta,
            "participant": participant,
        }
        return TemplateResponse(request, "admin/registrations/staff_form.html", context)
