"""The bench database: created fresh, filled with the rush event, read back afterwards.

Its name must contain "bench": it is dropped without asking."""

import datetime as dt
import os

import psycopg
from psycopg import sql

from bench import queries, waits

SLUG = "rush"


def admin_connection(url: str):
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info["dbname"]
    if "bench" not in name:  # a typo must never drop a real database
        raise SystemExit(f"refusing to drop {name!r}: the bench database name must contain 'bench'")
    info["dbname"] = "postgres"
    return psycopg.connect(**info, autocommit=True), name


def recreate(url: str) -> None:
    conn, name = admin_connection(url)
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def fresh(url: str) -> bool:
    """Creates the bench database anew, saying so; True, for the caller's `created`."""
    print(f"preparing {url.rsplit('/', 1)[-1]} …", flush=True)
    recreate(url)
    return True


def two_workshops(event, *, capacity: int, starts):
    """Workshop A and B in parallel for an hour from `starts`: a choice every participant makes."""
    import datetime as dt

    from tilmeld.events.models import Session

    return [
        Session.objects.create(
            event=event,
            title_da=f"Workshop {letter}",
            kind="workshop",
            capacity=capacity,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
        )
        for letter in "AB"
    ]


def exists(url: str) -> bool:
    conn, name = admin_connection(url)
    with conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def drop(url: str) -> None:
    """Drops the bench database, after closing this process's own connections to it (Django's,
    if it was set up)."""
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: S110 - Django may not be set up yet
        pass
    conn, name = admin_connection(url)
    with conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def sampler(url: str) -> waits.Sampler:
    """Watches the bench database's backends from the maintenance database."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    return waits.Sampler(info | {"dbname": "postgres"}, info["dbname"])


def open_event(slug: str, title: str, *, capacity: int | None) -> None:
    """A published event in a month, open for registration since a minute, with a waiting list."""
    from django.utils import timezone

    from tilmeld.events.models import Event

    now = timezone.now()
    Event.objects.create(
        title=title,
        slug=slug,
        starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=30, hours=6),
        is_published=True,
        published_at=now - dt.timedelta(hours=1),
        registration_opens_at=now - dt.timedelta(minutes=1),
        capacity=capacity,
        waiting_list_enabled=True,
    )


def add_prices(slug: str) -> dict[str, str]:
    """Member and non-member prices and the dinner on the rush event; returns the form fields
    each registration sends: the non-member price, the dinner, and a public body paying."""
    from decimal import Decimal

    from tilmeld.events.models import Event
    from tilmeld.pricing.models import Option, Price

    event = Event.objects.get(slug=slug)
    Price.objects.create(event=event, name="Medlem", amount=Decimal("1995.00"), members_only=True)
    price = Price.objects.create(event=event, name="Ikke-medlem", amount=Decimal("2795.00"))
    dinner = Option.objects.create(event=event, name="Festmiddag", amount=Decimal("350.00"))
    return {
        "price": str(price.pk),
        "options": str(dinner.pk),
        "payer_kind": "public",
        "payer_name": "Bench Kommune, Biblioteket",
        "payer_gln": "5798000000018",
        "payer_order_reference": "PO-4711",
        "payer_person_reference": "Bench Bogholder",
    }


def subscribe_webhooks() -> None:
    """A webhook subscription to every event type, as an integration would have: each
    registration queues its deliveries in its own transaction. Nothing is sent during the bench
    (no worker runs), so the address needs no receiver and is never checked."""
    from tilmeld.webhooks.enums import EventType
    from tilmeld.webhooks.models import Subscription

    Subscription.objects.create(
        url="https://crm.bench.example/tilmeld", events=list(EventType.values), description="bench"
    )


def deliveries_queued() -> int:
    from tilmeld.webhooks.models import Delivery

    return Delivery.objects.count()


def prepare(env: dict[str, str], *, capacity: int, prices: bool = False, webhooks: bool = False):
    """Migrates, collects static files, creates the event (with prices, if asked), counts the
    SQL of one registration on two side events (after subscribing webhooks, if asked); returns
    the rush form's path, those counts, and the form fields the prices add."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    open_event(SLUG, "Rush: Bibliotekernes årsmøde", capacity=capacity)
    extra = add_prices(SLUG) if prices else {}
    if webhooks:
        subscribe_webhooks()
    path = register_path(SLUG)
    queries.probe_events()
    statements = queries.count()
    connections.close_all()
    return path, statements, extra


def register_path(slug: str) -> str:
    """The event's registration form, in Danish."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override("da"):
        return reverse("registrations:register", kwargs={"slug": slug})


def verify(acknowledged: list[str], *, capacity: int, slug: str = SLUG) -> dict:
    """Reads the outcome from the database, not from the app's answers. `duplicates`: e-mail
    addresses stored more than once for the event."""
    from django.db import connections
    from django.db.models import Count
    from django.db.models.functions import Lower

    from tilmeld.events.models import Event
    from tilmeld.registrations.models import Booking, Participant, Payer, SeatCount

    event = Event.objects.get(slug=slug)
    participants = Participant.objects.filter(event=event)
    by_status = dict(participants.values_list("status").annotate(n=Count("id")).order_by())
    stored = set(participants.annotate(e=Lower("email")).values_list("e", flat=True))
    seats = SeatCount.objects.filter(pk=event.pk).first()
    waiting_positions = (
        participants.filter(status="waiting").values("waiting_position").distinct().count()
    )
    outcome = {
        "confirmed": by_status.get("confirmed", 0),
        "waiting": by_status.get("waiting", 0),
        "bookings": Booking.objects.filter(event=event).count(),
        "seat_count": (seats.confirmed, seats.waiting) if seats else None,
        "waiting_positions": waiting_positions,
        "lost": sorted(e for e in acknowledged if e.lower() not in stored),
        "unacknowledged": len(stored - {e.lower() for e in acknowledged}),
    }
    outcome["oversold"] = max(0, outcome["confirmed"] - capacity)
    outcome["priced"] = participants.filter(price__isnull=False).count()
    outcome["payers"] = Payer.objects.filter(booking__event=event).count()
    outcome["duplicates"] = (
        participants.annotate(e=Lower("email"))
        .values("e")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    outcome["deliveries"] = deliveries_queued()
    connections.close_all()
    return outcome
