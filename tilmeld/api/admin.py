from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tilmeld.api import tokens
from tilmeld.api.enums import Scope
from tilmeld.api.models import ApiToken
from tilmeld.core.admin_mixins import SafeChangeListMixin


class NewTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["name", "owner", "scopes", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["name", "owner", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "owner__username", "prefix"]
    actions = ["revoke_selected"]
    autocomplete_fields = []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = NewTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "owner", "scopes", "expires_at"]
        return ["name", "owner", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["owner", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        row, token = tokens.create_token(
            form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data["expires_at"],
        )
        obj.pk = row.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            _("The token is shown only now; store it safely: %(token)s") % {"token": token},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: its last use stays on record

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke_selected(self, request, queryset):
        for token in queryset:
            tokens.revoke(token)
        count = queryset.count()
        messages.success(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
        )
