"""The privacy policy and the registration terms a registration accepts.

The pages with a role (Page.role) are versioned: saving one whose text changed makes a new
PageVersion, numbered 1, 2, … per page; an unchanged save makes none. A registration records
the versions current when it was made (registrations.services.booking), so what a person
accepted stays readable after the text changes."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery

from tilmeld.core.models import Page, PageRole, PageVersion
from tilmeld.core.site import forget

SNAPSHOT = ("title_da", "title_en", "body_da", "body_en")


@dataclass(frozen=True)
class CurrentTerms:
    privacy: PageVersion | None = None
    terms: PageVersion | None = None

    @property
    def versions(self) -> list[PageVersion]:
        return [v for v in (self.privacy, self.terms) if v is not None]

    @property
    def key(self) -> str:
        """ "3.2": privacy policy version 3, terms version 2 (0: none). The form sends back the
        key it showed, so a change meanwhile is noticed."""
        return ".".join(str(v.number if v else 0) for v in (self.privacy, self.terms))


def save_page(page: Page, *, by=None) -> PageVersion | None:
    """Saves `page`; for the privacy policy or the registration terms, records a new version
    when the title or text (either language) differs from the latest version. Locks the page
    row, so two saves at once number their versions apart. Clears the cached footer links."""
    with transaction.atomic():
        page.save()
        version = record_version(page, by=by)
    forget()
    return version


def record_version(page: Page, *, by=None) -> PageVersion | None:
    """A new version of a page with a role whose saved text changed; None otherwise."""
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if not page.role:
            return None
        snapshot = {name: getattr(page, name) or "" for name in SNAPSHOT}
        latest = page.versions.order_by("-number").first()
        if latest is not None and all(getattr(latest, k) == v for k, v in snapshot.items()):
            return None
        return PageVersion.objects.create(
            page=page, number=latest.number + 1 if latest else 1, created_by=by, **snapshot
        )


def current_terms() -> CurrentTerms:
    """The latest version of each page with a role, in one query, without the texts."""
    latest = (
        PageVersion.objects.filter(page=OuterRef("page")).order_by("-number").values("number")[:1]
    )
    versions = (
        PageVersion.objects.filter(page__role__in=PageRole.values, number=Subquery(latest))
        .select_related("page")
        .only("number", "created_at", "title_da", "title_en", "page__slug", "page__role")
    )
    by_role = {v.page.role: v for v in versions}
    return CurrentTerms(privacy=by_role.get(PageRole.PRIVACY), terms=by_role.get(PageRole.TERMS))


def page_version(slug: str, number: int) -> PageVersion | None:
    return PageVersion.objects.select_related("page").filter(page__slug=slug, number=number).first()
