from django.contrib import admin
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
