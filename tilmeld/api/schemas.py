"""The API's shapes, for its endpoints and for the webhooks' payloads ("the object as the API
would return it"). Texts are in the request's language (Accept-Language: da or en); amounts are
strings with two decimals (kroner and øre, never floats); times are ISO 8601 with offset."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

# A row id as the database can hold it: larger numbers are refused as input (422), not sent on
# to fail there.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Venue(Schema):
    name: str
    street: str
    postcode: str
    city: str


class Organisation(Schema):
    name: str
    url: str


class Price(Schema):
    id: int
    name: str
    amount: Decimal
    early_amount: Decimal | None
    early_until: dt.date | None
    current_amount: Decimal  # what registering now costs
    members_only: bool
    limit: int | None


class Option(Schema):
    id: int
    name: str
    amount: Decimal
    limit: int | None


class Registration(Schema):
    state: str  # none, not_yet_open, open, full, sold_out, closed, cancelled
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    binding_at: dt.datetime | None
    capacity: int | None
    confirmed: int
    waiting: int
    seats_left: int | None  # null: no limit
    waiting_list: bool


class Event(Schema):
    slug: str
    title: str
    summary: str
    url: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: Venue | None
    organiser: Organisation | None
    co_organisers: list[Organisation]
    contact_email: str
    registration: Registration
    vat_mode: str  # included, excluded, exempt
    prices: list[Price]
    options: list[Option]


class Session(Schema):
    id: int
    title: str
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    speakers: list[str]
    capacity: int | None
    seats_left: int | None


class EventDetail(Event):
    audience: str
    programme: list[Session]


class EventPage(Schema):
    items: list[Event]
    next_cursor: str | None


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict] | None = None


# --- registrations (tilmeld.api.serialize builds these) ------------------------------------


class ChosenPrice(Schema):
    id: int
    name: str
    amount: Decimal  # what this participant pays, fixed when registering


class ChosenOption(Schema):
    id: int
    name: str
    amount: Decimal


class Participant(Schema):
    id: int
    booking_id: int
    event: str  # the event's slug
    name: str
    email: str
    organisation: str
    job_title: str
    phone: str
    in_participant_list: bool  # agreed to be shown to the other participants
    language: str
    status: str  # confirmed, waiting, offered, cancelled, substituted
    waiting_position: int | None  # place in line, 1 = next; only while waiting
    offer_expires_at: dt.datetime | None  # only while offered a seat
    price: ChosenPrice | None
    options: list[ChosenOption]
    sessions: list[int]  # chosen parallel sessions (programme ids)
    checked_in_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    cancelled_at: dt.datetime | None  # cancelled or handed over


class Booker(Schema):
    name: str
    email: str
    organisation: str
    phone: str


class Payer(Schema):
    kind: str  # public (EAN), company (CVR), person
    name: str
    gln: str
    cvr: str
    order_reference: str
    person_reference: str
    street: str
    postcode: str
    city: str
    email: str
    member_organisation: str | None
    membership: str  # "", verified, claimed, approved


class Booking(Schema):
    id: int
    event: str
    booker: Booker
    language: str
    payer: Payer | None
    participants: list[int]
    created_at: dt.datetime


class BookingCreated(Schema):
    booking: Booking
    participants: list[Participant]


class ParticipantPage(Schema):
    items: list[Participant]
    next_cursor: str | None  # null: this is the last page


class BookingPage(Schema):
    items: list[Booking]
    next_cursor: str | None


class CheckIn(Schema):
    participant: Participant
    created: bool  # false: the participant was checked in already


# --- invoices ------------------------------------------------------------------------------


class InvoiceBuyer(Schema):
    name: str
    gln: str
    cvr: str
    order_reference: str
    person_reference: str


class Invoice(Schema):
    number: str
    kind: str  # invoice, credit_note
    issue_date: dt.date
    due_date: dt.date | None
    event: str | None
    booking_id: int | None
    credits: str | None  # a credit note: the number of the invoice it credits
    buyer: InvoiceBuyer
    currency: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    credited: Decimal
    paid: Decimal
    outstanding: Decimal  # 0.00 for a credit note
    e_invoice: bool  # the buyer receives OIOUBL/Peppol XML (an EAN or CVR number)
    issued_at: dt.datetime


class InvoicePage(Schema):
    items: list[Invoice]
    next_cursor: str | None


class Payment(Schema):
    id: int
    invoice: str
    amount: Decimal
    paid_on: dt.date
    reference: str
    source: str
    created_at: dt.datetime


# --- input: unknown fields are refused (422), so a typo is not silently ignored -------------


class Input(Schema):
    model_config = ConfigDict(extra="forbid")


def _utc(value: dt.datetime) -> dt.datetime:
    """A time as the database compares it: aware (a naive one is Copenhagen time) and
    representable in UTC (year 1 to 9999)."""
    if value.tzinfo is None:
        from django.utils import timezone

        value = timezone.make_aware(value)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("time out of range") from None


Since = Annotated[dt.datetime, AfterValidator(_utc)]
Answer = str | bool | list[str]


class BookerIn(Input):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    organisation: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)


class DetailsIn(Input):
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    organisation: str = Field("", max_length=200)
    job_title: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)


class ParticipantIn(DetailsIn):
    price_id: Id | None = None  # one of the event's prices; may be left out if it has one
    options: list[Id] = Field(default_factory=list, max_length=50)
    sessions: list[Id] = Field(default_factory=list, max_length=50)  # one per parallel slot
    in_participant_list: bool = False  # the person agreed to be shown to the other participants
    answers: dict[Id, Answer] = Field(default_factory=dict, max_length=100)  # question id: …


class PayerIn(Input):
    kind: Literal["public", "company", "person"]
    name: str = Field("", max_length=300)
    gln: str = Field("", max_length=20)
    cvr: str = Field("", max_length=20)
    order_reference: str = Field("", max_length=50)
    person_reference: str = Field("", max_length=50)
    street: str = Field("", max_length=200)
    postcode: str = Field("", max_length=10)
    city: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    member_organisation_id: Id | None = None


class BookingIn(Input):
    booker: BookerIn
    participants: list[ParticipantIn] = Field(min_length=1, max_length=100)
    payer: PayerIn | None = None  # needed when something is to be paid
    language: Literal["da", "en"] | None = None  # of the mails; else the request's language
    # The booker accepted the site's current privacy policy and registration terms (required
    # when the site has them); the booking records their versions.
    accepts_terms: bool = False


class ParticipantPatch(Input):
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    organisation: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    answers: dict[Id, Answer | None] | None = Field(None, max_length=100)  # null removes one


class CancelIn(Input):
    reason: str = Field("", max_length=300)


class SubstituteIn(DetailsIn):
    language: Literal["da", "en"] | None = None


class PaymentIn(Input):
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    paid_on: dt.date
    reference: str = Field("", max_length=300)
