from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tilmeld.core import pagecache, ratelimits, terms
from tilmeld.core.site import site_settings
from tilmeld.events.enums import RegistrationState
from tilmeld.events.selectors import changes_at, event_for_registration
from tilmeld.registrations import event_cache, selectors
from tilmeld.registrations.exceptions import AlreadyRegistered, RegistrationError
from tilmeld.registrations.forms import COLLEAGUE_ERRORS, BookingForm, colleague_formset
from tilmeld.registrations.services import changes
from tilmeld.registrations.services.booking import register, sends_summary
from tilmeld.registrations.views import form_cache

OPEN_STATES = (RegistrationState.OPEN, RegistrationState.FULL)


def _with_rows(data, prefix: str, rows: int):
    data = data.copy()
    data[f"{prefix}-TOTAL_FORMS"] = str(rows)
    return data


def _colleague_rows(request, limit: int) -> int:
    try:
        rows = int(request.GET.get("colleagues", 0))
    except ValueError:
        rows = 0
    return min(max(rows, 0), limit)


@never_cache  # the page carries a CSRF token and a form token: no proxy or browser keeps it
@require_http_methods(["GET", "POST"])
def register_view(request, slug):
    if form_cache.applies(request):  # one rendering for every visitor, for a moment
        found = event_cache.lookup(slug)
        if found is None:
            raise Http404
        html = pagecache.form_page(
            slug, lambda: _form_page(request, slug, shared=True), until=changes_at([found[0]])
        )
        return HttpResponse(form_cache.fill(html, request))
    return _form_page(request, slug, shared=False)


def _form_page(request, slug, *, shared: bool):
    """The form, sent or not; with `shared`, the HTML of the empty form with marks in place of
    the visitor's tokens."""
    event, options = _event_and_options(slug, staff=request.user.is_staff)
    current_terms = options["terms"]  # the privacy policy and terms the form links to
    # The form options, and each participant may join the participant list.
    kwargs = {name: value for name, value in options.items() if name != "terms"}
    kwargs["listing"] = True
    max_colleagues = max(event.max_booking_size - 1, 0)
    formset_class = colleague_formset(max_colleagues)
    status = 200
    refused = None
    if request.method == "POST":
        data = request.POST
        adding = "add_colleague" in data
        if adding:
            raw = data.get("colleague-TOTAL_FORMS", "0")
            total = int(raw) if raw.isascii() and raw.isdigit() else 0
            data = _with_rows(data, "colleague", min(total + 1, max_colleagues))
        # Adding a row is not sending: the rows come back as typed, without errors.
        sent = {**kwargs, "drafting": adding}
        form = BookingForm(data, **sent)
        colleagues = formset_class(
            data, prefix="colleague", form_kwargs=sent, error_messages=COLLEAGUE_ERRORS
        )
        if not adding:
            refused = _registration_refused(request, form)
            if refused is not None:  # the form comes back as typed, with when to try again
                form.add_error(None, ratelimits.wait_text(refused))
                status = 429
            elif form.is_valid() and colleagues.is_valid():
                landing, status, refused = _submit(
                    request, event, form, colleagues, kwargs, current_terms
                )
                if landing is not None:
                    # A fragment of its own, or the form's (#error-summary) carries over.
                    return redirect(landing + "#main")
                if kwargs["slots"]:  # a session may have filled since the cached counts
                    fresh = selectors.session_seats_left(event)
                    for person_form in (form, *colleagues.forms):
                        person_form.show_seats(fresh)
            else:
                status = 422
    else:
        rows = _colleague_rows(request, max_colleagues)
        initial = {"form_token": form_cache.TOKEN_MARK} if shared else None
        form = BookingForm(initial=initial, **kwargs)
        colleagues = formset_class(
            prefix="colleague", form_kwargs=kwargs, error_messages=COLLEAGUE_ERRORS
        )
        colleagues.extra = rows  # empty rows left empty are skipped when the form is sent
    availability = selectors.availability(event, fresh=True)  # only for showing the page
    site = site_settings(request)
    context = {
        "event": event,
        "availability": availability,
        "form": form,
        "colleagues": colleagues,
        "can_register": availability.state in OPEN_STATES or request.user.is_staff,
        "can_add_colleague": len(colleagues.forms) < max_colleagues,
        "contact_email": event.contact_email or site.contact_email,
        "terms": current_terms,
    }
    if shared:
        context["csrf_token"] = form_cache.CSRF_MARK
        return render_to_string("registrations/register.html", context, request=request)
    response = render(request, "registrations/register.html", context, status=status)
    return ratelimits.with_retry_after(response, refused) if refused is not None else response


def _registration_refused(request, form) -> ratelimits.Verdict | None:
    """Counts a registration sent, per client address and per the booker's e-mail address;
    the verdict when over a limit. Staff registering for others are not counted."""
    if request.user.is_staff:
        return None
    verdict = ratelimits.hit(request, ratelimits.REGISTER_ADDRESS)
    email = form.data.get("email", "")
    if verdict and email:
        verdict = ratelimits.hit(request, ratelimits.REGISTER_EMAIL, ratelimits.email_key(email))
    return None if verdict else verdict


def _reminder_refused(request, email: str) -> ratelimits.Verdict | None:
    verdict = ratelimits.hit(request, ratelimits.REMINDER_ADDRESS)
    if verdict:
        verdict = ratelimits.hit(request, ratelimits.REMINDER_EMAIL, ratelimits.email_key(email))
    return None if verdict else verdict


def _event_and_options(slug: str, *, staff: bool):
    """Staff see drafts and always fresh data; the public gets the event kept for a moment."""
    if staff:
        event = event_for_registration(slug, preview=True)
        options = event and {
            **selectors.form_options(event, staff=True),
            "terms": terms.current_terms(),
        }
        found = (event, options) if event else None
    else:
        found = event_cache.lookup(slug)
    if found is None:
        raise Http404
    return found


def _submit(request, event, form, colleagues, options, current_terms):
    booker = form.booker()
    people = ([form.person()] if form.cleaned_data.get("attending") else []) + colleagues.people(
        booker.organisation
    )
    try:
        booking = register(
            event,
            booker=booker,
            people=people,
            language=get_language(),
            form_token=form.cleaned_data["form_token"],
            by=request.user if request.user.is_authenticated else None,
            slots=options["slots"],
            payer=form.payer(),
            catalogue=options["catalogue"],
            accepts_terms=form.cleaned_data["consent"],
            terms_shown=form.cleaned_data["terms_shown"] or None,
            current_terms=current_terms,
        )
    except AlreadyRegistered as error:
        refused = _reminder_refused(request, error.email)
        if refused is not None:  # no mail, and the page must not say one is on its way
            form.add_error(None, ratelimits.wait_text(refused))
            return None, 429, refused
        changes.remind_registered(event, error.email)
        form.add_error(None, error.message)
        return None, 409, None
    except RegistrationError as error:  # next to its field where the page shows one
        form.add_error(form.field_for(error.field), error.message)
        return None, 409, None
    registered = getattr(booking, "registered", None) or list(booking.participants.all())
    # The page to land on is one whose link comes by mail: the booking's only with a summary.
    if sends_summary(booker, people):
        landing = booking.get_manage_url()
    else:
        landing = registered[0].get_manage_url()
    confirmed = [p for p in registered if p.status == "confirmed"]
    if len(confirmed) == len(people) == 1:
        messages.success(
            request, _("Thank you. The registration is confirmed and a mail is on its way.")
        )
    elif len(confirmed) == len(people):
        messages.success(
            request,
            _("Thank you. The registrations are confirmed, and each participant gets a mail."),
        )
    else:
        messages.warning(
            request,
            _(
                "Thank you. The event is full, so the waiting list has your registration; "
                "we will mail you if a seat becomes free."
            ),
        )
    return landing, 302, None
