from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tilmeld.core.publishing import PublicationState


class PublicationStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return PublicationState.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case PublicationState.DRAFT:
                return queryset.filter(is_published=False)
            case PublicationState.SCHEDULED:
                return queryset.filter(is_published=True, published_at__gt=now)
            case PublicationState.PUBLISHED:
                return queryset.filter(is_published=True, published_at__lte=now)
        return queryset


class PublishableAdminMixin:
    """The draft / scheduled / published state in lists, and a filter for it."""

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.publication_state.label


class SafeChangeList(ChangeList):
    """Django's change list, with odd filter values in the address answered as the admin answers
    any invalid filter (a redirect to ?e=1) instead of a 500: a NUL byte (PostgreSQL refuses it in
    a query) and a date drill-down year, month or day too large for a date."""

    def get_filters(self, request):
        if any(
            "\x00" in value for values in self.get_filters_params().values() for value in values
        ):
            raise IncorrectLookupParameters("a filter value holds a NUL byte")
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:  # e.g. ?created_at__year=99999999999
            raise IncorrectLookupParameters(error) from error


class SafeChangeListMixin:
    """For every ModelAdmin (tests/core/test_admin_filters.py checks that each has it)."""

    def get_changelist(self, request, **kwargs):
        return SafeChangeList
