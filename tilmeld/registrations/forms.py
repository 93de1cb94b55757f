import uuid
from functools import cache

from django import forms
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from tilmeld.core.dates import clock
from tilmeld.core.fields import SingleLineEmailField, SingleLineField
from tilmeld.registrations import price_fields
from tilmeld.registrations.enums import QuestionKind
from tilmeld.registrations.models import Participant, Question
from tilmeld.registrations.services.booking import Booker, Person

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DETAIL_FIELDS = ("name", "email", "organisation", "job_title", "phone")
SENSITIVE_HELP = _("Optional. Only the organisers see your answer.")


def listing_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Show my name, organisation and job title to the other participants"),
        required=False,
        help_text=_(
            "The list shows name, organisation and job title. Only confirmed participants see"
            " it, through their own link. You can change your mind at any time."
        ),
    )


class SessionRadio(forms.RadioSelect):
    """Radio buttons where full sessions are shown but cannot be picked."""

    def __init__(self, *args, full=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.full = {str(pk) for pk in full}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.full:
            option["attrs"]["disabled"] = True
        return option


def session_field(
    slot, seats_left: dict[int, int], *, required: bool, held=(), wishes: bool = False
) -> forms.ChoiceField:
    """`held`: sessions where the participant has a seat, said as such. `wishes`: for the
    waiting list, where a full session may be wished for (a seat is taken only on promotion)."""
    choices, full = [], []
    for session in slot:
        left = seats_left.get(session.pk, session.capacity)
        where = f" · {session.room}" if session.room else ""
        if session.pk in held:
            state = _("your seat")
        elif left <= 0 and wishes:
            state = _("full now, you can still wish for it")
        elif left <= 0:
            full.append(session.pk)
            state = pgettext("session", "full")
        else:
            state = ngettext("%(left)d seat left", "%(left)d seats left", left) % {"left": left}
        choices.append((str(session.pk), f"{session.title}{where} – {state}"))
    return forms.ChoiceField(
        label=_("Session at %(time)s") % {"time": clock(slot[0].starts_at)},
        choices=choices,
        required=required,
        widget=SessionRadio(full=full),
    )


def question_field(question: Question) -> forms.Field:
    help_text = question.help_text
    if question.sensitive:
        help_text = " ".join(filter(None, [str(help_text), str(SENSITIVE_HELP)]))
    common = {
        "label": question.text,
        "help_text": help_text,
        "required": question.required and not question.sensitive,
    }
    choices = question.choice_options
    match question.kind:
        case QuestionKind.CHOICE:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        case QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        case QuestionKind.YES_NO:
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **common)


def to_value(question: Question, raw):
    if question.kind == QuestionKind.YES_NO:
        return {"yes": True, "no": False}.get(raw)
    return raw


def to_initial(question: Question, value):
    if question.kind == QuestionKind.YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    return value


class PersonForm(forms.Form):
    """One participant's details and answers to the event's questions."""

    name = SingleLineField(label=_("Name"), max_length=200)
    email = SingleLineEmailField(label=_("E-mail"), max_length=254)
    organisation = SingleLineField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("E.g. the municipality or library you work for."),
    )
    job_title = SingleLineField(label=_("Job title"), max_length=200, required=False)
    phone = SingleLineField(label=_("Phone"), max_length=40, required=False)

    def __init__(
        self,
        *args,
        questions=(),
        slots=(),
        seats_left=None,
        staff=False,
        required_slots=None,
        wishes=False,
        drafting=False,
        catalogue=None,
        members=(),
        listing=False,
        **kwargs,
    ):
        """`listing`: the form asks whether the person may be shown in the participant list."""
        super().__init__(*args, **kwargs)
        self.drafting = drafting
        self.catalogue = catalogue
        self.members = members  # names of member organisations: only the booking form lists them
        if catalogue and catalogue.prices:
            self.fields["price"] = price_fields.price_field(catalogue)
        if catalogue and catalogue.options:
            self.fields["options"] = price_fields.option_field(catalogue)
        self.questions = list(questions)
        self.slots = list(slots)
        self.wishes = wishes
        needed = required_slots or [True] * len(self.slots)  # sessions.required_slots
        # In the order the pages show them, which is also the order of the error summary.
        for index, slot in enumerate(self.slots):
            self.fields[f"session_{index}"] = session_field(
                slot, seats_left or {}, required=not staff and needed[index], wishes=wishes
            )
        for question in self.questions:
            self.fields[f"q{question.pk}"] = question_field(question)
        if listing:
            self.fields["in_participant_list"] = listing_field()
        for name in ("name", "email", "organisation", "job_title", "phone"):
            self.fields[name].widget.attrs["autocomplete"] = {
                "name": "name",
                "email": "email",
                "organisation": "organization",
                "job_title": "organization-title",
                "phone": "tel",
            }[name]

    def full_clean(self):
        if self.drafting:  # a row added while filling in is not a send: nothing is checked yet
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def session_fields(self):
        return [self[f"session_{i}"] for i in range(len(self.slots))]

    def price_fields(self):
        return [self[name] for name in ("price", "options") if name in self.fields]

    def listing_fields(self):
        return [self[name] for name in ("in_participant_list",) if name in self.fields]

    def show_seats(self, seats_left: dict[int, int]) -> None:
        """Shows these seat counts, e.g. fresh ones when a session filled meanwhile; what
        was sent and the errors stay."""
        for index, slot in enumerate(self.slots):
            name = f"session_{index}"
            required = self.fields[name].required
            self.fields[name] = session_field(
                slot, seats_left, required=required, wishes=self.wishes
            )
            self._bound_fields_cache.pop(name, None)  # validation made one of the old field

    def person(self, default_organisation: str = "") -> Person:
        data = self.cleaned_data
        return Person(
            name=data["name"],
            email=data["email"],
            organisation=data.get("organisation") or default_organisation,
            job_title=data.get("job_title", ""),
            phone=data.get("phone", ""),
            answers={q.pk: to_value(q, data.get(f"q{q.pk}")) for q in self.questions},
            sessions=[int(v) for i in range(len(self.slots)) if (v := data.get(f"session_{i}"))],
            price_id=int(data["price"]) if data.get("price") else None,
            options=[int(v) for v in data.get("options") or ()],
            in_participant_list=bool(data.get("in_participant_list")),
        )

    @classmethod
    def initial_for(cls, participant: Participant, answers: dict, questions=()) -> dict:
        initial = {name: getattr(participant, name) for name in DETAIL_FIELDS}
        for question in questions:
            if question.pk in answers:
                initial[f"q{question.pk}"] = to_initial(question, answers[question.pk])
        return initial


class BookingForm(price_fields.PayerFields, PersonForm):
    """The booker: usually attending, possibly registering colleagues too."""

    attending = forms.BooleanField(label=_("I will attend myself"), required=False, initial=True)
    consent = forms.BooleanField(
        label=_("I have read and accept the privacy policy and the registration terms."),
        error_messages={"required": _("Please accept the privacy terms to register.")},
    )
    # The versions of the privacy policy and terms the page linked to (core.terms.CurrentTerms.key),
    # written by the template: a page sent back after a change must show the new ones.
    terms_shown = forms.CharField(required=False, widget=forms.HiddenInput)
    form_token = forms.UUIDField(
        label=_("Form"),
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={
            "required": _("The form was incomplete. Please reload the page and try again."),
            "invalid": _("The form was incomplete. Please reload the page and try again."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.catalogue:  # one payer for the whole booking
            self.fields.update(price_fields.payer_fields())
        self.fields["consent"] = self.fields.pop("consent")  # last, as on the page
        self.stays_home = self.is_bound and not self.data.get(self.add_prefix("attending"))
        if self.stays_home:  # a booker who stays home answers nothing and picks nothing
            for name in self.own_fields():
                self.fields[name].required = False

    def own_fields(self) -> list[str]:
        """The booker's price, options, sessions, answers and place in the participant list:
        only for a booker who attends."""
        return [
            name
            for name in self.fields
            if name.startswith(("q", "session_"))
            or name in ("price", "options", "in_participant_list")
        ]

    def full_clean(self):
        super().full_clean()
        if self.stays_home:  # what was typed before unticking is neither checked nor kept
            for name in self.own_fields():
                self._errors.pop(name, None)
                self.cleaned_data.pop(name, None)

    def field_for(self, name: str | None) -> str | None:
        """The field a service's error belongs next to, if the page shows it."""
        if name not in self.fields or (self.stays_home and name in self.own_fields()):
            return None
        return name

    def booker(self) -> Booker:
        data = self.cleaned_data
        return Booker(
            data["name"], data["email"], data.get("organisation", ""), data.get("phone", "")
        )


class ColleagueBaseFormSet(forms.BaseFormSet):
    def people(self, default_organisation: str) -> list[Person]:
        return [
            form.person(default_organisation)
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]


@cache
def colleague_formset(max_colleagues: int):
    """One class per booking size, made once: a class per request cost a rush dearly."""
    return formset_factory(
        PersonForm,
        formset=ColleagueBaseFormSet,
        extra=0,
        max_num=max_colleagues,
        validate_max=True,
        absolute_max=max_colleagues + 1,
        can_delete=False,
    )


COLLEAGUE_ERRORS = {
    "too_many_forms": _("You can register at most %(num)d colleagues at a time."),
}


class SubstituteForm(PersonForm):
    """The colleague who takes over the seat."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("The colleague's name")
        self.fields["email"].label = _("The colleague's e-mail")


class SessionChangeForm(forms.Form):
    """The participant's session in each parallel slot; their own seat counts as free to them."""

    def __init__(
        self,
        *args,
        slots=(),
        seats_left=None,
        current=(),
        held=(),
        mine=True,
        wishes=False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        left = dict(seats_left or {})
        for pk in held:  # a wish on the waiting list holds no seat
            left[pk] = left.get(pk, 0) + 1
        for index, slot in enumerate(self.slots):
            self.fields[f"session_{index}"] = session_field(
                slot, left, required=True, held=held if mine else (), wishes=wishes
            )
            chosen = [str(s.pk) for s in slot if s.pk in current]
            if chosen:
                self.initial[f"session_{index}"] = chosen[0]

    def chosen(self) -> list[int]:
        return [int(self.cleaned_data[f"session_{i}"]) for i in range(len(self.slots))]


class ListingForm(forms.Form):
    """The participant's consent to the participant list, on the manage page."""

    in_participant_list = listing_field()


class OfferForm(forms.Form):
    """Accepting an offered seat: one session per slot among those with a seat left, the
    person's wish chosen where it still has one. A slot with no seat left is skipped."""

    def __init__(self, *args, slots=(), seats_left=None, wishes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        left = seats_left or {}
        for index, slot in enumerate(self.slots):
            room = any(left.get(s.pk, 0) > 0 for s in slot)
            self.fields[f"session_{index}"] = session_field(slot, left, required=room)
            wish = [str(s.pk) for s in slot if s.pk in wishes and left.get(s.pk, 0) > 0]
            if wish:
                self.initial[f"session_{index}"] = wish[0]

    def chosen(self) -> list[int]:
        return [
            int(value)
            for i in range(len(self.slots))
            if (value := self.cleaned_data.get(f"session_{i}"))
        ]
