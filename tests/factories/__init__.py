import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from tilmeld.core.models import Page, SiteSettings
from tilmeld.events.models import CoOrganiser, Event, Organisation, Session, Speaker, Venue
from tilmeld.news.models import Article


class SiteSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteSettings
        django_get_or_create = ("id",)

    id = 1
    name_da = "Danmarks Biblioteksforening"
    name_en = "Danish Library Association"
    contact_email = "db@example.org"
    address = "Eksempelvej 1\n1000 København K"
    cvr = "12345678"
    bank_reg = "1234"
    bank_account = "0012345678"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("secret-password")


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title_da = factory.Sequence(lambda n: f"Side {n}")
    slug = factory.Sequence(lambda n: f"side-{n}")
    body_da = "Tekst om siden."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title_da = factory.Sequence(lambda n: f"Nyhed nummer {n}")
    slug = factory.Sequence(lambda n: f"nyhed-{n}")
    body_da = "Første afsnit af nyheden.\n\nAndet afsnit."
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Bibliotek {n}")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name_da = "Den Blå Planet"
    street = "Jacob Fortlings Vej 1"
    postcode = "2770"
    city = "Kastrup"


class EventFactory(factory.django.DjangoModelFactory):
    """A published event 30 days ahead, 9.30–16.00, with registration open now."""

    class Meta:
        model = Event

    title_da = factory.Sequence(lambda n: f"Konference {n}")
    slug = factory.Sequence(lambda n: f"konference-{n}")
    summary_da = "En dag om bibliotekernes samarbejde."
    body_da = "Program og oplæg."
    audience_da = "Biblioteker og forvaltninger."
    starts_at = factory.LazyFunction(
        lambda: (
            timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
            + dt.timedelta(days=30)
        )
    )
    ends_at = factory.LazyAttribute(lambda e: e.starts_at.replace(hour=16, minute=0))
    venue = factory.SubFactory(VenueFactory)
    organiser = factory.SubFactory(OrganisationFactory, name="Danmarks Biblioteksforening")
    contact_email = "tilmelding@example.org"
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(lambda e: e.starts_at - dt.timedelta(days=2))
    is_published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))


class CoOrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoOrganiser

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    position = factory.Sequence(int)


def register_people(event, *names, language="da", booker=None):
    """Registers people through the real service; returns their Participant rows in order."""
    from tilmeld.registrations.services.booking import Booker, Person, register

    people = [Person(name=n, email=f"{n.lower().replace(' ', '.')}@example.org") for n in names]
    booker = booker or Booker(people[0].name, people[0].email)
    booking = register(event, booker=booker, people=people, language=language)
    return list(booking.participants.order_by("id"))


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Sequence(lambda n: f"Oplægsholder {n}")
    job_title_da = "Bibliotekschef"
    organisation = factory.Sequence(lambda n: f"Bibliotek {n}")
    bio_da = "Arbejder med bibliotekernes samarbejde."


class SessionFactory(factory.django.DjangoModelFactory):
    """A 45-minute talk starting when its event starts; pass speakers=[...] to attach speakers."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyAttribute(lambda s: s.event.starts_at)
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(minutes=45))
    title_da = factory.Sequence(lambda n: f"Oplæg {n}")
    kind = "talk"

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            self.speakers.set(extracted)


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pricing.Price"

    event = factory.SubFactory(EventFactory)
    name_da = "Ikke-medlem"
    name_en = "Non-member"
    amount = Decimal("2795.00")


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pricing.Option"

    event = factory.SubFactory(EventFactory)
    name_da = "Festmiddag"
    name_en = "Conference dinner"
    amount = Decimal("350.00")


class MemberOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pricing.MemberOrganisation"

    name = factory.Sequence(lambda n: f"Kommune {n}")
    cvr = "29189919"
    ean_numbers = "5798009811578"
    email_domains = factory.Sequence(lambda n: f"kommune{n}.dk")


GLN = "5798009811578"  # NemHandel's sample buyer, a valid GS1 number


def public_payer(**changes):
    from tilmeld.registrations.payers import PayerData

    values = {
        "kind": "public",
        "name": "Aarhus Kommune, Hovedbiblioteket",
        "gln": GLN,
        "order_reference": "PO-4711",
        "person_reference": "Hans Hansen",
        "street": "Hack Kampmanns Plads 2",
        "postcode": "8000",
        "city": "Aarhus C",
        "email": "faktura@example.org",
    }
    return PayerData(**{**values, **changes})


def register_paid(event, *names, price=None, options=(), payer=None, language="da", by=None):
    """Registers people at `price` (with `options`) paid by `payer` (a public body by default);
    returns the booking."""
    from tilmeld.registrations.services.booking import Booker, Person, register

    people = [
        Person(
            name=n,
            email=f"{n.lower().replace(' ', '.')}@example.org",
            price_id=price.pk if price else None,
            options=[o.pk for o in options],
        )
        for n in names
    ]
    booker = Booker(people[0].name, people[0].email)
    return register(
        event,
        booker=booker,
        people=people,
        language=language,
        payer=payer or public_payer(),
        by=by,
    )
