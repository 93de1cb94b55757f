from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import DecimalValidator
from django.db import models
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.core.identifiers import clean_cvr
from tilmeld.events.enums import VatMode
from tilmeld.pricing import imports
from tilmeld.pricing.models import MemberOrganisation, Option, Price
from tilmeld.pricing.rules import members_on


class AmountFieldsMixin:
    """An amount out of range gets the price's own message alone ("A price can be at most
    1.000.000,00 kr."), not Django's count of digits beside it: the model's range validators run
    in the form field, which is given no limit of digits of its own."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField):
            kwargs["max_digits"] = None
            kwargs["validators"] = [
                v for v in db_field.validators if not isinstance(v, DecimalValidator)
            ]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def is_priced(event) -> bool:
    """Whether the event's page shows its prices open: it has prices or options, or says how
    it is invoiced. Most events are free, and their page stays short."""
    if event is None:
        return False
    return (
        event.vat_mode == VatMode.EXEMPT
        or event.invoicing_held
        or Price.objects.filter(event=event).exists()
        or Option.objects.filter(event=event).exists()
    )


class FoldedWhenFree:
    """Open on a priced event, folded away on a free one (is_priced). A formset with errors is
    always shown open."""

    def get_formset(self, request, obj=None, **kwargs):
        self.classes = [] if is_priced(obj) else ["collapse"]
        return super().get_formset(request, obj, **kwargs)


class PriceForm(forms.ModelForm):
    def _update_errors(self, errors):
        """A field's own error says what is wrong with it; Price.clean, which then sees the
        field empty, would add a second and misleading one ("Give the early-bird price")."""
        if hasattr(errors, "error_dict"):
            errors = ValidationError(
                {
                    name: found
                    for name, found in errors.error_dict.items()
                    if name not in self._errors
                }
            )
        super()._update_errors(errors)


class PriceInline(FoldedWhenFree, AmountFieldsMixin, TranslationTabularInline):
    model = Price
    form = PriceForm
    extra = 0
    fields = [
        "name",
        "amount",
        "early_amount",
        "early_until",
        "limit",
        "members_only",
        "position",
    ]
    add_another_label = _("Add another price")


class OptionInline(FoldedWhenFree, AmountFieldsMixin, TranslationTabularInline):
    model = Option
    extra = 0
    fields = ["name", "amount", "limit", "position"]
    add_another_label = _("Add another option")


class MembershipFilter(admin.SimpleListFilter):
    title = _("membership")
    parameter_name = "membership"

    def lookups(self, request, model_admin):
        return [
            ("current", _("Current members")),
            ("former", _("Former members")),
            ("future", _("Members from a later date")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "current":
                return queryset.filter(pk__in=members_on(today).values("pk"))
            case "former":
                return queryset.filter(member_until__lt=today)
            case "future":
                return queryset.filter(member_from__gt=today)
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (semicolons or commas) or Excel (.xlsx). The first row names the columns: name,"
            " CVR, EAN, e-mail domains, member from, member until (or navn, cvr, ean, domæner,"
            " medlem fra, medlem til). Several EAN numbers or domains are separated by commas,"
            " spaces or line breaks; dates are written 31-01-2026 or 2026-01-31."
        ),
    )


class MemberOrganisationForm(forms.ModelForm):
    # Typed as people write it ("DK 29 18 99 19"): cleaned before the model's 8 characters.
    cvr = forms.CharField(label=_("CVR number"), required=False, max_length=40)

    class Meta:
        model = MemberOrganisation
        fields = ["name", "cvr", "ean_numbers", "email_domains", "member_from", "member_until"]

    def clean_cvr(self):
        return clean_cvr(self.cleaned_data["cvr"]) if self.cleaned_data["cvr"] else ""


@admin.register(MemberOrganisation)
class MemberOrganisationAdmin(SafeChangeListMixin, admin.ModelAdmin):
    form = MemberOrganisationForm
    list_display = ["name", "cvr", "eans", "domains", "membership"]
    list_filter = [MembershipFilter]
    search_fields = ["name", "cvr", "ean_numbers", "email_domains"]
    fieldsets = [
        (None, {"fields": ["name", "cvr", "ean_numbers", "email_domains"]}),
        (_("Membership"), {"fields": [("member_from", "member_until")]}),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    @admin.display(description=_("EAN numbers"))
    def eans(self, obj):
        return ", ".join(obj.eans) or "–"

    @admin.display(description=_("e-mail domains"))
    def domains(self, obj):
        return ", ".join(obj.domains) or "–"

    @admin.display(description=_("membership"), ordering="member_until")
    def membership(self, obj):
        def day(value):
            return formats.date_format(value, "DATE_FORMAT")

        if obj.member_from and obj.member_until:
            return _("%(from)s – %(until)s") % {
                "from": day(obj.member_from),
                "until": day(obj.member_until),
            }
        if obj.member_from:
            return _("from %(day)s") % {"day": day(obj.member_from)}
        if obj.member_until:
            return _("until %(day)s") % {"day": day(obj.member_until)}
        return _("no end date")

    def get_search_results(self, request, queryset, search_term):
        # A CVR or EAN number is found however it is typed: "29 18 99 19", "5798-0098…".
        found, duplicates = super().get_search_results(request, queryset, search_term)
        digits = "".join(c for c in search_term if c.isdigit())
        if len(digits) >= 4 and digits != search_term.strip():
            found |= queryset.filter(Q(cvr__contains=digits) | Q(ean_numbers__contains=digits))
        return found, duplicates

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="pricing_memberorganisation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Staff upload the register; every row is checked and a file with errors imports
        nothing (pricing.imports)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = imports.import_members(form.cleaned_data["file"].read())
            except imports.ImportRefused as error:
                form.add_error("file", error.message)
            else:
                if not report.errors:
                    self.message_user(request, report.summary, messages.SUCCESS)
                    return redirect(reverse("admin:pricing_memberorganisation_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import members"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/pricing/memberorganisation/import.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_url": reverse("admin:pricing_memberorganisation_import"),
        }
        return super().changelist_view(request, extra_context)
