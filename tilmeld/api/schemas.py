"""The API's shapes, for its endpoints and for the webhooks' payloads ("the object as the API
would return it"). Texts are in the request's language (Accept-Language: da or en); amounts are
strings with two decimals (kroner and øre, never floats); times are ISO 8601 with offset."""

import datetime as dt
from decimal import Decimal

from ninja import Schema


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
