"""The secret manage links: one per participant, one per booking. No login needed."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tilmeld.core import ratelimits
from tilmeld.core.site import site_settings
from tilmeld.registrations import rules, selectors
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.forms import (
    ListingForm,
    PersonForm,
    SessionChangeForm,
    SubstituteForm,
    colleague_formset,
)
from tilmeld.registrations.models import ParticipantOption
from tilmeld.registrations.services import changes
from tilmeld.registrations.services.booking import add_participants

LINKS = ratelimits.LINK_FAILURES  # wrong links per client address; a right one costs nothing


def _gone(request, participant):
    return render(request, "registrations/gone.html", {"participant": participant}, status=410)


@require_http_methods(["GET", "POST"])
def manage_participant(request, token):
    participant = ratelimits.look_up(request, LINKS, selectors.participant_for_token, token)
    if participant.status == ParticipantStatus.SUBSTITUTED:
        return _gone(request, participant)
    options = selectors.form_options(participant.event)
    questions = options["questions"]
    answers = selectors.answers_by_question(participant)
    chosen = selectors.chosen_sessions(participant)
    session_kwargs = {
        "slots": options["slots"],
        "seats_left": options["seats_left"],
        "current": list(chosen),
        "held": [pk for pk, choice in chosen.items() if choice.holds_seat],
        "wishes": rules.sessions_are_wishes(participant),
    }
    session_form = SessionChangeForm(**session_kwargs, prefix="sessions")
    allowed = rules.permissions(participant)
    initial = PersonForm.initial_for(participant, answers, questions)
    edit_form = PersonForm(initial=initial, questions=questions, prefix="edit")
    substitute_form = SubstituteForm(prefix="sub")
    status = 200
    confirming = False
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "edit" and allowed["can_edit"]:
                edit_form = PersonForm(
                    request.POST, initial=initial, questions=questions, prefix="edit"
                )
                if edit_form.is_valid():
                    changes.update_participant(
                        participant, edit_form.person(), question_ids=[q.pk for q in questions]
                    )
                    messages.success(request, _("Your changes have been saved."))
                    return redirect(participant.get_manage_url())
                status = 422
            elif action == "sessions" and allowed["can_change_sessions"] and options["slots"]:
                session_form = SessionChangeForm(request.POST, **session_kwargs, prefix="sessions")
                if session_form.is_valid():
                    changes.change_sessions(participant, session_form.chosen())
                    messages.success(request, _("Your choice of sessions has been saved."))
                    return redirect(participant.get_manage_url())
                status = 422
            elif action == "listing":
                listing = ListingForm(request.POST)
                listed = listing.is_valid() and listing.cleaned_data["in_participant_list"]
                changes.set_listing(participant, listed=listed)
                if listed:
                    messages.success(request, _("You are now shown in the participant list."))
                else:
                    messages.success(request, _("You are no longer shown in the participant list."))
                return redirect(participant.get_manage_url() + "#participant-list")
            elif action == "cancel" and allowed["can_cancel"]:
                if request.POST.get("confirm") != "yes":
                    confirming = True  # cannot be undone: asked once more on the page
                else:
                    changes.cancel_registration(participant)
                    messages.success(request, _("Your registration has been cancelled."))
                    return redirect(participant.get_manage_url())
            elif action == "substitute" and allowed["can_substitute"]:
                substitute_form = SubstituteForm(request.POST, prefix="sub")
                if substitute_form.is_valid():
                    new = changes.substitute_participant(
                        participant, substitute_form.person(), language=get_language()
                    )
                    return render(
                        request,
                        "registrations/handed_over.html",
                        {"new": new, "participant": participant},
                    )
                status = 422
            else:
                messages.error(request, _("That change is not possible for this registration."))
                status = 409
        except RegistrationError as error:
            status = 409
            if action == "listing":  # a form of one checkbox: the reason goes above it all
                messages.error(request, error.message)
            else:
                form = {"substitute": substitute_form, "sessions": session_form}.get(
                    action, edit_form
                )
                form.add_error(error.field if error.field in form.fields else None, error.message)
    participant = selectors.participant_for_token(token)  # as changed, with its relations
    priced = bool(options["catalogue"])
    context = {
        "participant": participant,
        "event": participant.event,
        "priced": priced,
        "chosen_options": selectors.chosen_options(participant) if priced else [],
        "payer": getattr(participant.booking, "payer", None),
        "sees_invoices": rules.sees_booking_invoices(participant),
        "position": selectors.waiting_position(participant),
        "answers": [(q, answers.get(q.pk)) for q in questions if q.pk in answers],
        "edit_form": edit_form,
        "session_form": session_form if options["slots"] else None,
        "chosen": list(selectors.chosen_sessions(participant).values()),
        "substitute_form": substitute_form,
        "contact_email": participant.event.contact_email or site_settings(request).contact_email,
        "confirming_cancel": confirming,
        "listing_form": ListingForm(
            initial={"in_participant_list": participant.in_participant_list}
        ),
        "can_join_list": rules.may_change_listing(participant, listed=True),
        "sees_participant_list": rules.sees_participant_list(participant),
        **rules.permissions(participant),
    }
    return render(request, "registrations/manage.html", context, status=status)


@require_http_methods(["GET"])
def participant_list(request, token):
    """The confirmed participants who agreed to be shown, for a confirmed participant's eyes
    only (rules.sees_participant_list). Personal data: never cached (urls.py), not indexed."""
    participant = selectors.participant_for_token(token)
    if participant is None:
        raise Http404
    if not rules.sees_participant_list(participant):
        context = {"participant": participant, "event": participant.event}
        return render(request, "registrations/participant_list_refused.html", context, status=403)
    context = {
        "participant": participant,
        "event": participant.event,
        "listed": selectors.participant_list(participant.event),
    }
    return render(request, "registrations/participant_list.html", context)


@require_http_methods(["GET", "POST"])
def manage_booking(request, token):
    booking = ratelimits.look_up(request, LINKS, selectors.booking_for_token, token)
    event = booking.event
    kwargs = selectors.form_options(event)
    priced = bool(kwargs["catalogue"])
    participants = booking.participants.select_related("event", "price").order_by("id")
    if priced:
        chosen = ParticipantOption.objects.select_related("option").order_by(
            "option__position", "option_id"
        )
        participants = participants.prefetch_related(Prefetch("chosen_options", queryset=chosen))
    participants = list(participants)
    active = [p for p in participants if p.is_active]
    room = max(event.max_booking_size - len(active), 0)
    formset_class = colleague_formset(room)
    kwargs = {**kwargs, "listing": True}  # each colleague may join the participant list
    add_formset = formset_class(prefix="add", form_kwargs=kwargs)
    add_formset.extra = 1 if room else 0  # one empty row; more by sending the form again
    status = 200
    confirming = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                target = next(
                    (p for p in active if str(p.pk) == request.POST.get("participant")), None
                )
                if target is None or not rules.check(rules.Action.CANCEL, target):
                    raise RegistrationError(_("That registration cannot be cancelled here."))
                if request.POST.get("confirm") != "yes":
                    confirming = target  # cannot be undone: asked once more on the page
                else:
                    changes.cancel_registration(target)
                    messages.success(
                        request,
                        _("%(name)s's registration has been cancelled.") % {"name": target.name},
                    )
                    return redirect(booking.get_manage_url())
            if action == "add":
                add_formset = formset_class(request.POST, prefix="add", form_kwargs=kwargs)
                if add_formset.is_valid():
                    people = add_formset.people(booking.booker_organisation)
                    if people:
                        add_participants(booking, people)
                        messages.success(
                            request, _("The colleagues have been added to the booking.")
                        )
                    return redirect(booking.get_manage_url())
                status = 422
        except RegistrationError as error:
            messages.error(request, error.message)
            status = 409
    availability = selectors.availability(event)
    context = {
        "booking": booking,
        "event": event,
        "rows": [(p, rules.permissions(p), selectors.waiting_position(p)) for p in participants],
        "add_formset": add_formset,
        "can_add": room > 0 and availability.state in ("open", "full"),
        "availability": availability,
        "contact_email": event.contact_email or site_settings(request).contact_email,
        "confirming_cancel": confirming,
        "priced": priced,
        "payer": getattr(booking, "payer", None),
    }
    return render(request, "registrations/booking.html", context, status=status)


@require_http_methods(["GET", "POST"])
def substitute_in_booking(request, token, pk):
    booking = ratelimits.look_up(request, LINKS, selectors.booking_for_token, token)
    participant = booking.participants.select_related("event").filter(pk=pk).first()
    if participant is None:
        raise Http404
    if not rules.check(rules.Action.SUBSTITUTE, participant):
        return _gone(request, participant)
    form = SubstituteForm(request.POST or None, prefix="sub")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = changes.substitute_participant(
                    participant, form.person(), language=get_language()
                )
            except RegistrationError as error:
                form.add_error("email" if error.field == "email" else None, error.message)
                status = 409
            else:
                messages.success(
                    request,
                    _("%(old)s's seat now belongs to %(new)s.")
                    % {"old": participant.name, "new": new.name},
                )
                return redirect(booking.get_manage_url())
        else:
            status = 422
    context = {"booking": booking, "participant": participant, "event": booking.event, "form": form}
    return render(request, "registrations/substitute.html", context, status=status)
