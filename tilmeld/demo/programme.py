"""A programme for the demo conference: talks, a panel, breaks and parallel workshops with seats."""

import datetime as dt

from django.utils import timezone

from tilmeld.events.models import Event, Session, Speaker

# (name, job title da/en, organisation, bio da/en)
SPEAKERS = [
    ("Mette Lund", "Bibliotekschef", "Head of libraries", "Vejle Bibliotekerne",
     "Leder et af landets største folkebiblioteker og har skrevet om samskabelse.",
     "Runs one of the country's largest public libraries and has written on co-creation."),
    ("Jonas Bak", "Forsker", "Researcher", "Københavns Universitet",
     "Forsker i offentlig innovation og netværksstyring.",
     "Researches public sector innovation and network governance."),
    ("Sara Holm", "Kulturdirektør", "Director of culture", "Aarhus Kommune",
     "Har stået for kommunens nye kulturstrategi.",
     "Led the municipality's new culture strategy."),
    ("Peter Vinther", "Formand", "Chair", "Danmarks Biblioteksforening",
     "Politiker og formand for foreningen.",
     "Politician and chair of the association."),
]  # fmt: skip

# (start, end, title_da, title_en, kind, room, speaker indexes, seats)
SESSIONS = [
    ("9.30", "10.00", "Ankomst og morgenmad", "Arrival and breakfast", "meal", "Foyer", [], None),
    ("10.00", "10.15", "Velkomst", "Welcome", "talk", "Auditorium", [3], None),
    ("10.15", "11.00", "Biblioteket som strategisk partner", "The library as a strategic partner", "talk", "Auditorium", [0], None),
    ("11.00", "11.45", "Hvad ved vi om samskabelse?", "What do we know about co-creation?", "talk", "Auditorium", [1], None),
    ("11.45", "12.30", "Paneldebat: Kultur på tværs af forvaltninger", "Panel: Culture across departments", "panel", "Auditorium", [0, 2, 3], None),
    ("12.30", "13.15", "Frokost", "Lunch", "meal", "Foyer", [], None),
    ("13.15", "14.45", "Workshop: Læsning og fællesskab", "Workshop: Reading and community", "workshop", "Studio 1", [0], 40),
    ("13.15", "14.45", "Workshop: Borgerinddragelse", "Workshop: Citizen involvement", "workshop", "Studio 2", [2], 40),
    ("13.15", "14.45", "Workshop: Digitale tilbud", "Workshop: Digital services", "workshop", "Studio 3", [1], 40),
    ("14.45", "15.00", "Kaffepause", "Coffee break", "break", "Foyer", [], None),
    ("15.00", "15.45", "Opsamling og perspektiv", "Summing up", "talk", "Auditorium", [2], None),
    ("15.45", "16.00", "Tak for i dag", "Closing", "talk", "Auditorium", [3], None),
]  # fmt: skip


def _at(event: Event, clock: str) -> dt.datetime:
    hour, minute = (int(part) for part in clock.split("."))
    return timezone.localtime(event.starts_at).replace(hour=hour, minute=minute)


def _follow_event_date(event: Event) -> None:
    """The demo event moves with today's date; its sessions move with it."""
    first = event.sessions.order_by("starts_at").first()
    days = (
        timezone.localtime(event.starts_at).date() - timezone.localtime(first.starts_at).date()
    ).days
    if days:
        for session in event.sessions.all():
            session.starts_at += dt.timedelta(days=days)
            session.ends_at += dt.timedelta(days=days)
            session.save(update_fields=["starts_at", "ends_at"])


def add_programme(event: Event) -> None:
    if event.sessions.exists():
        _follow_event_date(event)
        return
    speakers = []
    for name, title_da, title_en, organisation, bio_da, bio_en in SPEAKERS:
        speaker, _ = Speaker.objects.get_or_create(
            name=name,
            defaults={
                "job_title_da": title_da,
                "job_title_en": title_en,
                "organisation": organisation,
                "bio_da": bio_da,
                "bio_en": bio_en,
            },
        )
        speakers.append(speaker)
    for start, end, title_da, title_en, kind, room, who, seats in SESSIONS:
        session = Session.objects.create(
            event=event,
            starts_at=_at(event, start),
            ends_at=_at(event, end),
            title_da=title_da,
            title_en=title_en,
            kind=kind,
            room=room,
            capacity=seats,
        )
        session.speakers.set(speakers[i] for i in who)
