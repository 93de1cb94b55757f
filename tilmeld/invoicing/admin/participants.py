"""The participant admin with money: what each pays, a price changed by staff, and credit for
cancellations after the binding date when staff decide so."""

from collections import defaultdict
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from tilmeld.core.money import money_text
from tilmeld.invoicing import billing
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Charge
from tilmeld.pricing import rules as pricing
from tilmeld.pricing.models import Option, Price
from tilmeld.registrations.admin import ParticipantAdmin
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services import prices


class PriceChangeForm(forms.Form):
    price = forms.ModelChoiceField(
        label=_("price"), queryset=Price.objects.none(), required=False, empty_label=_("No price")
    )
    amount = forms.DecimalField(
        label=_("amount"),
        required=False,
        decimal_places=2,
        help_text=_("Empty: the chosen price's amount."),
    )
    options = forms.ModelMultipleChoiceField(
        label=_("options"),
        queryset=Option.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, participant: Participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].queryset = Price.objects.filter(event=participant.event_id)
        self.fields["options"].queryset = Option.objects.filter(event=participant.event_id)
        if not self.fields["options"].queryset.exists():
            del self.fields["options"]
        self.initial.setdefault("price", participant.price_id)
        self.initial.setdefault(
            "options", [chosen.option_id for chosen in participant.chosen_options.all()]
        )


def open_charges(participants) -> dict[int, list[Charge]]:
    charges = defaultdict(list)
    for charge in Charge.objects.filter(
        participant__in=participants, credit_note__isnull=True
    ).select_related("invoice"):
        charges[charge.participant_id].append(charge)
    return charges


admin.site.unregister(Participant)


@admin.register(Participant)
class ParticipantWithMoneyAdmin(ParticipantAdmin):
    list_display = ["person", "event", "status", "queue_place", "price_text", "created_at"]
    list_select_related = ["event", "price"]
    actions = [*ParticipantAdmin.actions, "change_price_selected", "credit_selected"]

    def has_credit_permission(self, request):
        return request.user.has_perm("invoicing.add_invoice")

    @admin.display(description=_("price"), ordering="price_amount")
    def price_text(self, obj):
        if obj.price_amount is None:
            return "–"
        amount = money_text(obj.price_amount)
        return f"{obj.price.name}: {amount}" if obj.price_id else amount

    def get_urls(self):
        return [
            path(
                "<int:pk>/price/",
                self.admin_site.admin_view(self.price_view),
                name="registrations_participant_price",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.is_active and self.has_change_permission(request, obj):
            context["price_url"] = reverse("admin:registrations_participant_price", args=[obj.pk])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def price_view(self, request, pk):
        """Staff set what one participant pays (registrations.services.prices.change_price);
        what was invoiced is credited and invoiced anew at once."""
        if not request.user.has_perm("registrations.change_participant"):
            raise PermissionDenied
        participant = get_object_or_404(
            Participant.objects.select_related("event", "price", "booking"), pk=pk
        )
        back = reverse("admin:registrations_participant_change", args=[participant.pk])
        form = PriceChangeForm(request.POST or None, participant=participant)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                prices.change_price(
                    participant,
                    price=data["price"],
                    amount=data["amount"],
                    options=list(data["options"]) if "options" in data else None,
                    by=request.user,
                )
            except RegistrationError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                self.message_user(request, _("The price has been changed."), messages.SUCCESS)
                self._settle(request, participant.booking)
                return redirect(back)
        now = money_text(participant.price_amount) if participant.price_amount is not None else "–"
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Price for %(name)s (now %(amount)s)")
            % {"name": participant.name, "amount": now},
            "opts": self.model._meta,
            "participant": participant,
            "submit_label": _("Change price"),
        }
        return TemplateResponse(request, "admin/registrations/staff_form.html", context)

    def _settle(self, request, booking, *, credit=()) -> list:
        try:
            issued = billing.settle(booking, by=request.user, credit=tuple(credit))
        except InvoicingError as error:
            self.message_user(request, error.message, messages.ERROR)
            return []
        if issued:
            self.message_user(
                request,
                _("Issued: %(documents)s.")
                % {"documents": ", ".join(str(document) for document in issued)},
            )
        elif reason := billing.why_not_invoiced(booking):
            self.message_user(request, reason, messages.WARNING)
        return issued

    @admin.action(description=_("Change the price"), permissions=["change"])
    def change_price_selected(self, request, queryset):
        chosen = list(queryset.values_list("pk", flat=True)[:2])
        if len(chosen) != 1:
            self.message_user(
                request, _("Choose one participant to change the price of."), messages.WARNING
            )
            return None
        return redirect(reverse("admin:registrations_participant_price", args=chosen))

    @admin.action(
        description=_("Credit the selected cancelled participants"), permissions=["credit"]
    )
    def credit_selected(self, request, queryset):
        """A cancellation after the binding date credits nothing unless staff decide so: they
        first see whom and how much it concerns and confirm, then each booking is settled with
        those participants credited."""
        chosen = list(queryset.select_related("event", "booking").order_by("event", "name"))
        charges = open_charges(chosen)
        creditable = [
            p for p in chosen if p.status == ParticipantStatus.CANCELLED and charges.get(p.pk)
        ]
        if request.POST.get("post") != "yes":
            rows = [
                (
                    participant,
                    sum(
                        (
                            pricing.with_vat(participant.event, charge.entered)
                            for charge in charges[participant.pk]
                        ),
                        Decimal(0),
                    ),
                    sorted({charge.invoice.number for charge in charges[participant.pk]}),
                )
                for participant in creditable
            ]
            context = {
                **self.admin_site.each_context(request),
                "title": _("Credit the selected cancelled participants?"),
                "opts": self.model._meta,
                "rows": rows,
                "skipped_count": len(chosen) - len(creditable),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "back_url": request.get_full_path(),
            }
            return TemplateResponse(
                request, "admin/invoicing/participant_credit_confirmation.html", context
            )
        by_booking = defaultdict(list)
        for participant in creditable:
            by_booking[participant.booking].append(participant.pk)
        for booking, ids in by_booking.items():
            self._settle(request, booking, credit=ids)
        if len(creditable) < len(chosen):
            self.message_user(
                request,
                _("%(count)d of the selected had nothing to credit.")
                % {"count": len(chosen) - len(creditable)},
                messages.WARNING,
            )
        return None
