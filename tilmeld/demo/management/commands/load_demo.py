"""Loads (or refreshes) the demo content. Safe to run again: it updates what it made before."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from tilmeld.core import terms
from tilmeld.core.models import Page, PageRole, PageVersion, SiteSettings
from tilmeld.demo import audit, files, money, participants, programme, texts
from tilmeld.events.models import CoOrganiser, Event, Organisation, Venue
from tilmeld.news.models import Article
from tilmeld.privacy import retention
from tilmeld.staff.models import Audience, Broadcast

STAFF_USER = "staff"
ROLES = {"privatlivspolitik": PageRole.PRIVACY, "tilmeldingsbetingelser": PageRole.TERMS}
# The registration terms as first published: the demo's registrations accepted this version 1;
# the current text (texts.PAGES), version 2, added the colleague who may come instead.
FIRST_TERMS = {
    "body_da": "Du kan afmelde dig gratis indtil arrangementets bindende dato. Herefter er"
    " tilmeldingen bindende.\n",
    "body_en": "You can cancel free of charge until the event's binding date. After that the"
    " registration is binding.\n",
}
TZ = ZoneInfo("Europe/Copenhagen")  # summer time for the 2016 conference, winter time for the news


def _fields(prefix_values: dict, language: str) -> dict:
    return {f"{key}_{language}": value for key, value in prefix_values.items()}


def _demo_event(slug: str, da: dict, en: dict, *, start, end_hour: int, **fields) -> Event:
    """A published demo event in both languages, made or refreshed."""
    event, _ = Event.objects.update_or_create(
        slug=slug,
        defaults={
            **_fields(da, "da"),
            **_fields(en, "en"),
            "starts_at": start,
            "ends_at": start.replace(hour=end_hour, minute=0),
            "is_published": True,
            **fields,
        },
    )
    return event


def _danish_url(name: str, *args) -> str:
    with translation.override("da"):
        return reverse(name, args=args)


class Command(BaseCommand):
    help = "Load the demo association, its conference, news, pages and a staff login."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=os.environ.get("TILMELD_DEMO_PASSWORD", "tilmeld-demo")
        )

    @transaction.atomic
    def handle(self, *args, password, **options):
        self.site()
        organisations = self.organisations()
        venues = self.venues()
        staff = self.staff(password)
        self.first_terms(staff)
        self.events(organisations, venues, staff)
        self.past_day(staff)
        self.news()
        self.pages(staff)
        # The 2016 conference is long past its retention period: anonymised, as the worker
        # would (a second run finds nothing left to do).
        retention.sweep()
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff login: user '{STAFF_USER}', password '{password}' at /admin/"
            )
        )
        self.stdout.write(
            f"{settings.AXES_FAILURE_LIMIT} wrong passwords in a row lock a login for "
            f"{settings.AXES_COOLOFF_TIME.seconds // 60} minutes; the security contact is at "
            "/.well-known/security.txt"
        )
        self.stdout.write(
            f"Two-factor login (optional in the demo, TILMELD_STAFF_2FA_REQUIRED=1 makes it a "
            f"must): set it up at {reverse('accounts:setup')} with an authenticator app"
        )
        self.stdout.write(f"A participant's own page, with the participant list: {self.guest()}")

    def guest(self) -> str:
        """The manage link of a confirmed participant of the upcoming conference."""
        participant = (
            Event.objects.get(slug="fremtidens-folkebibliotek-demokonference")
            .participants.filter(status="confirmed")
            .order_by("id")
            .first()
        )
        with translation.override("da"):
            return settings.SITE_URL + participant.get_manage_url()

    def past_day(self, staff):
        """The 2016 conference as it went: participants, arrivals, no-shows, a message sent."""
        conference = Event.objects.get(
            slug="konference-styrk-det-strategiske-samarbejde-i-kommunen"
        )
        participants.fill(conference, 24, by=staff)
        participants.arrive(conference, every=6, by=staff)
        if not Broadcast.objects.filter(event=conference).exists():
            Broadcast.objects.create(
                event=conference,
                audience=Audience.CONFIRMED,
                subject="Praktisk information før konferencen",
                body="Husk at tage toget til Kastrup. Vi serverer morgenmad fra kl. 9.00.",
                created_by=staff,
                recipient_count=conference.participants.filter(status="confirmed").count(),
            )
        audit.past_access(conference, staff)

    def site(self):
        SiteSettings.objects.update_or_create(
            pk=1,
            defaults={
                "name_da": texts.ASSOCIATION,
                "name_en": "Danish Library Association",
                "address": "Eksempelvej 1\n1000 København K",
                "cvr": "12345674",  # fictitious, with a valid check digit
                "bank_reg": "1234",
                "bank_account": "0012345678",
                "iban": "DK5012340012345678",
                "bic": "DABADKKK",
                "fi_creditor": "85234567",
                "payment_days": 30,
                "contact_email": texts.CONTACT,
                "phone": "33 25 09 35",
                "footer_text_da": "Foreningen for folkebibliotekerne og deres kommuner.",
                "footer_text_en": "The association of public libraries and their municipalities.",
                "security_contact": f"mailto:{texts.SECURITY_CONTACT}",
                "security_expires_on": timezone.localdate() + dt.timedelta(days=365),
                "security_policy_url": settings.SITE_URL + _danish_url("page", "sikkerhed"),
            },
        )

    def organisations(self) -> dict[str, Organisation]:
        names = {
            "db": (texts.ASSOCIATION, "https://www.db.dk/"),
            "bcf": ("Bibliotekschefforeningen", ""),
            "roskilde": ("Centralbiblioteket i Roskilde", ""),
            "gentofte": ("Centralbiblioteket i Gentofte", ""),
            "taarnby": ("Tårnby Kommune", ""),
        }
        result = {}
        for key, (name, url) in names.items():
            result[key], _ = Organisation.objects.update_or_create(name=name, defaults={"url": url})
        if not result["bcf"].logo:
            result["bcf"].logo.save("bcf.png", files.logo_png("BCF", (120, 40, 90)))
        return result

    def venues(self) -> dict[str, Venue]:
        planet, _ = Venue.objects.update_or_create(
            street="Jacob Fortlings Vej 1",
            defaults={
                "name_da": "Den Blå Planet",
                "name_en": "The Blue Planet",
                "postcode": "2770",
                "city": "Kastrup",
            },
        )
        dokk1, _ = Venue.objects.update_or_create(
            street="Hack Kampmanns Plads 2",
            defaults={
                "name_da": "Dokk1",
                "name_en": "Dokk1",
                "postcode": "8000",
                "city": "Aarhus C",
            },
        )
        return {"planet": planet, "dokk1": dokk1}

    def events(self, organisations, venues, staff):
        def at(day, hour, minute=0):
            return dt.datetime(2016, 5, day, hour, minute, tzinfo=TZ)

        conference, _ = Event.objects.update_or_create(
            slug="konference-styrk-det-strategiske-samarbejde-i-kommunen",
            defaults={
                **_fields(texts.CONFERENCE_DA, "da"),
                **_fields(texts.CONFERENCE_EN, "en"),
                "starts_at": at(23, 9, 30),
                "ends_at": at(23, 16),
                "venue": venues["planet"],
                "organiser": organisations["db"],
                "contact_email": texts.CONTACT,
                "registration_opens_at": dt.datetime(2016, 4, 18, 12, tzinfo=TZ),
                "registration_closes_at": at(18, 12),
                "binding_at": at(11, 0),  # binding from 11 May: "bindende efter 10. maj"
                "is_published": True,
                "published_at": dt.datetime(2016, 4, 18, 10, tzinfo=TZ),
            },
        )
        CoOrganiser.objects.filter(event=conference).delete()
        for position, key in enumerate(["bcf", "roskilde", "gentofte", "taarnby"]):
            CoOrganiser.objects.create(
                event=conference, organisation=organisations[key], position=position
            )
        if not conference.programme_file:
            pdf = files.programme_pdf(
                texts.CONFERENCE_DA["title"],
                [
                    ("9.30", "Ankomst og morgenmad"),
                    ("10.00", "Velkomst"),
                    ("10.15", "Samskabelse i kommunen"),
                    ("12.00", "Frokost"),
                    ("13.00", "Workshops"),
                    ("15.30", "Afrunding"),
                ],
            )
            conference.programme_file.save("program-2016.pdf", pdf)

        now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        start = (now + dt.timedelta(days=60)).replace(hour=9, minute=30)
        upcoming = _demo_event(
            "fremtidens-folkebibliotek-demokonference",
            texts.UPCOMING_DA,
            texts.UPCOMING_EN,
            start=start,
            end_hour=16,
            venue=venues["dokk1"],
            organiser=organisations["db"],
            contact_email=texts.CONTACT,
            registration_opens_at=now - dt.timedelta(days=7),
            registration_closes_at=start - dt.timedelta(days=7),
            binding_at=(start - dt.timedelta(days=14)).replace(hour=0, minute=0),
            capacity=120,
            show_seats_left=True,
            published_at=now - dt.timedelta(days=8),
        )
        if not upcoming.image:
            upcoming.image.save(
                "fremtidens-bibliotek.png",
                files.banner_png("Fremtidens folkebibliotek", (11, 93, 107)),
            )
            upcoming.image_alt_da = "Grafisk banner med teksten Fremtidens folkebibliotek"
            upcoming.image_alt_en = "Graphic banner reading Fremtidens folkebibliotek"
            upcoming.save()
        CoOrganiser.objects.get_or_create(event=upcoming, organisation=organisations["bcf"])
        programme.add_programme(upcoming)
        money.conference_prices(upcoming)
        payer_for = money.payer_for(upcoming, money.members())
        participants.fill(upcoming, 34, payer_for=payer_for)
        money.invoice(upcoming, by=staff)

        meeting_start = (now + dt.timedelta(days=21)).replace(hour=13, minute=0)
        meeting = _demo_event(
            "netvaerksmoede-for-biblioteksledere",
            texts.MEETING_DA,
            texts.MEETING_EN,
            start=meeting_start,
            end_hour=16,
            venue=venues["planet"],
            organiser=organisations["db"],
            contact_email=texts.CONTACT,
            registration_opens_at=now - dt.timedelta(days=14),
            registration_closes_at=meeting_start - dt.timedelta(days=1),
            binding_at=(now - dt.timedelta(days=1)).replace(hour=0, minute=0),
            capacity=12,
            published_at=now - dt.timedelta(days=14),
        )
        participants.fill(meeting, 15, group_every=4, question_specs=participants.MEETING_QUESTIONS)
        # After the binding date: a cancellation by staff, and the seat offered to the first in
        # line (its mail is printed when `make run` starts; the offer page shows the flow).
        participants.free_a_seat(meeting, by=staff)

        workshop_start = (now + dt.timedelta(days=90)).replace(hour=12, minute=30)
        workshop = _demo_event(
            "workshop-borgerinddragelse-i-praksis",
            texts.WORKSHOP_DA,
            texts.WORKSHOP_EN,
            start=workshop_start,
            end_hour=16,
            venue=venues["planet"],
            organiser=organisations["db"],
            # At a working hour, whatever the hour the demo is loaded at.
            registration_opens_at=(now + dt.timedelta(days=10)).replace(hour=9),
            registration_closes_at=workshop_start - dt.timedelta(days=3),
            published_at=now - dt.timedelta(days=2),
        )
        money.workshop_price(workshop)

    def news(self):
        published = [
            dt.datetime(2022, 1, 10, 9, tzinfo=TZ),
            dt.datetime(2021, 12, 6, 14, tzinfo=TZ),
        ]
        for item, when in zip(texts.NEWS, published, strict=True):
            article, _ = Article.objects.update_or_create(
                slug=item["slug"],
                defaults={
                    "title_da": item["title_da"],
                    "title_en": item["title_en"],
                    "body_da": item["body_da"],
                    "body_en": item["body_en"],
                    "is_published": True,
                    "published_at": when,
                },
            )
            if item["image"] and not article.image:
                article.image.save("nyt-website.png", files.banner_png("db.dk", (179, 64, 27)))
                article.image_alt_da = "Grafik med teksten db.dk"
                article.image_alt_en = "Graphic reading db.dk"
                article.save()

    def pages(self, staff, *, first: bool = False):
        """The pages as texts.PAGES has them; a changed privacy policy or registration terms
        becomes a new version (core.terms). `first`: the registration terms as first
        published instead, a month ago."""
        for position, item in enumerate(texts.PAGES):
            page = Page.objects.filter(slug=item["slug"]).first() or Page()
            for name, value in item.items():
                setattr(page, name, value)
            if first and item["slug"] == "tilmeldingsbetingelser":
                page.body_da, page.body_en = FIRST_TERMS["body_da"], FIRST_TERMS["body_en"]
            page.position, page.role = position, ROLES.get(item["slug"], "")
            version = terms.save_page(page, by=staff)
            if first and version is not None:
                month_ago = timezone.now() - dt.timedelta(days=30)
                PageVersion.objects.filter(pk=version.pk).update(created_at=month_ago)

    def first_terms(self, staff):
        """Before the demo registrations, which accept them: the privacy policy and the first
        registration terms (version 1). pages() then publishes the current terms as version 2,
        so the terms' admin page shows a history."""
        if not PageVersion.objects.filter(page__slug="tilmeldingsbetingelser").exists():
            self.pages(staff, first=True)

    def staff(self, password):
        user, _ = get_user_model().objects.get_or_create(
            username=STAFF_USER, defaults={"email": "staff@example.org", "first_name": "Demo"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return user
