"""Answering the offer of a freed seat, through the participant's manage link.

The mail's links open this page; only its buttons (POST) accept or decline, so a mail
scanner that follows links answers nothing."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tilmeld.core import ratelimits
from tilmeld.registrations import rules, selectors
from tilmeld.registrations.enums import ChangeAction, ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.forms import OfferForm
from tilmeld.registrations.services import offers
from tilmeld.registrations.services.sessions import choice_slots


@require_http_methods(["GET", "POST"])
def answer_offer(request, token):
    participant = ratelimits.look_up(
        request, ratelimits.LINK_FAILURES, selectors.participant_for_token, token
    )
    if participant.status == ParticipantStatus.CONFIRMED:
        # The accept link clicked again, or the form sent twice: the seat is theirs already.
        if participant.changes.filter(action=ChangeAction.OFFER_ACCEPTED).exists():
            messages.info(request, _("You have accepted the seat. Your registration is confirmed."))
        return redirect(participant.get_manage_url())
    slots = choice_slots(participant.event)
    kwargs = {
        "slots": slots,
        "seats_left": selectors.session_seats_left(participant.event) if slots else {},
        "wishes": list(selectors.chosen_sessions(participant)),
    }
    form = OfferForm(prefix="offer", **kwargs)
    status = 200
    if request.method == "POST":  # the services say whether the answer still counts
        action = request.POST.get("action")
        try:
            if action == "accept":
                form = OfferForm(request.POST, prefix="offer", **kwargs)
                if form.is_valid():
                    offers.accept_offer(participant, session_ids=form.chosen())
                    messages.success(
                        request,
                        _("Your seat is confirmed. A confirmation is on its way by e-mail."),
                    )
                    return redirect(participant.get_manage_url())
                status = 422
            elif action == "decline":
                offers.decline_offer(participant)
                messages.success(
                    request, _("You have declined the seat. Thank you for telling us.")
                )
                return redirect(participant.get_manage_url())
        except RegistrationError as error:
            participant.refresh_from_db()
            if participant.status == ParticipantStatus.CONFIRMED:  # accepted a moment ago
                return redirect(participant.get_manage_url())
            form.add_error(None, error.message)
            status = 409
    context = {
        "participant": participant,
        "event": participant.event,
        "form": form,
        "is_open": rules.offer_is_open(participant),
        "declining": request.GET.get("answer") == "decline",
        "binding": participant.event.is_binding(),
    }
    return render(request, "registrations/offer.html", context, status=status)
