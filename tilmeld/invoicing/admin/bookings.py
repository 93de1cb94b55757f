from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.core.money import money_text
from tilmeld.invoicing import billing
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Invoice
from tilmeld.invoicing.selectors import with_booking_balances
from tilmeld.registrations import payers
from tilmeld.registrations.enums import Membership
from tilmeld.registrations.models import Booking, Participant, Payer
from tilmeld.registrations.services import prices

PAYER_FIELDS = [
    "kind",
    "name",
    "gln",
    "cvr",
    "order_reference",
    "person_reference",
    "street",
    "postcode",
    "city",
    "email",
]


class PayerForm(forms.ModelForm):
    """Checked by registrations.payers, as the booking form checks it; each problem is shown
    next to its field."""

    # Typed as people write them ("5798 0098 11578", "DK 29 18 99 19"); stored cleaned.
    gln = forms.CharField(label=_("EAN number"), required=False, max_length=40)
    cvr = forms.CharField(label=_("CVR number"), required=False, max_length=40)

    class Meta:
        model = Payer
        fields = [*PAYER_FIELDS, "member_organisation"]

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("member_organisation")
        data = payers.PayerData(
            **{name: cleaned.get(name) or "" for name in PAYER_FIELDS},
            member_organisation_id=organisation.pk if organisation else None,
        )
        problems = payers.problems(data)
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
        if not problems:
            cleaned.update({name: getattr(data, name) for name in PAYER_FIELDS})
        return cleaned


class PayerInline(admin.StackedInline):
    model = Payer
    form = PayerForm
    can_delete = False
    max_num = 1
    extra = 0
    fields = [
        "kind",
        "name",
        ("gln", "cvr"),
        ("order_reference", "person_reference"),
        "street",
        ("postcode", "city"),
        "email",
        ("member_organisation", "membership"),
    ]
    readonly_fields = ["membership"]  # approved through the action, which invoices
    autocomplete_fields = ["member_organisation"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    can_delete = False
    fields = readonly_fields = ["name", "email", "status", "price_text"]
    show_change_link = True

    @admin.display(description=_("price"))
    def price_text(self, obj):
        return money_text(obj.price_amount) if obj.price_amount is not None else "–"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class InvoiceInline(admin.TabularInline):
    model = Invoice
    fk_name = "booking"
    extra = 0
    can_delete = False
    fields = readonly_fields = ["number", "kind", "issue_date", "gross_text", "credits"]
    show_change_link = True

    @admin.display(description=_("incl. VAT"))
    def gross_text(self, obj):
        return money_text(obj.gross)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("credits")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MemberPriceFilter(admin.SimpleListFilter):
    title = _("member price")
    parameter_name = "member_price"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in Membership.choices if value != Membership.NONE]

    def queryset(self, request, queryset):
        if self.value() in Membership.values and self.value() != Membership.NONE:
            return queryset.filter(payer__membership=self.value())
        return queryset


@admin.register(Booking)
class BookingAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = [
        "booker",
        "event",
        "payer_name",
        "payer_kind",
        "membership",
        "invoiced_text",
        "outstanding_text",
        "created_at",
    ]
    list_filter = [MemberPriceFilter, "event"]
    list_select_related = ["event", "payer"]
    search_fields = [
        "booker_name",
        "booker_email",
        "booker_organisation",
        "payer__name",
        "payer__cvr",
        "payer__gln",
    ]
    fields = [
        "event",
        ("booker_name", "booker_email"),
        ("booker_organisation", "booker_phone"),
        ("language", "created_at"),
        "balance",
    ]
    readonly_fields = [
        "event",
        "booker_name",
        "booker_email",
        "booker_organisation",
        "booker_phone",
        "language",
        "created_at",
        "balance",
    ]
    inlines = [PayerInline, ParticipantInline, InvoiceInline]
    actions = ["approve_member_price", "issue_now"]

    def has_add_permission(self, request):
        return False  # a booking is made by registering, which applies the rules

    def has_delete_permission(self, request, obj=None):
        return False  # it would bypass the seat counters and leave invoices without a booking

    def has_invoice_permission(self, request):
        return request.user.has_perm("invoicing.add_invoice")

    def get_queryset(self, request):
        return with_booking_balances(super().get_queryset(request))

    @admin.display(description=_("booker"), ordering="booker_name")
    def booker(self, obj):
        return f"{obj.booker_name} <{obj.booker_email}>"

    def _payer(self, obj):
        return getattr(obj, "payer", None)

    @admin.display(description=_("payer"), ordering="payer__name")
    def payer_name(self, obj):
        payer = self._payer(obj)
        return payer.name if payer else "–"

    @admin.display(description=_("who pays"), ordering="payer__kind")
    def payer_kind(self, obj):
        payer = self._payer(obj)
        return payer.get_kind_display() if payer else "–"

    @admin.display(description=_("member price"), ordering="payer__membership")
    def membership(self, obj):
        payer = self._payer(obj)
        return payer.get_membership_display() if payer and payer.membership else "–"

    @admin.display(description=_("invoiced"), ordering="invoiced")
    def invoiced_text(self, obj):
        return money_text(obj.invoiced)

    @admin.display(description=_("outstanding"), ordering="outstanding")
    def outstanding_text(self, obj):
        return money_text(obj.outstanding)

    @admin.display(description=_("balance"))
    def balance(self, obj):
        return _("Invoiced %(invoiced)s, paid %(paid)s, outstanding %(outstanding)s") % {
            "invoiced": money_text(obj.invoiced),
            "paid": money_text(obj.paid),
            "outstanding": money_text(obj.outstanding),
        }

    def _settle(self, request, booking, *, force: bool) -> None:
        """Issues what the booking needs now and says what was issued, or why nothing was."""
        try:
            issued = billing.settle(booking, by=request.user, force=force)
        except InvoicingError as error:
            self.message_user(request, f"{booking.booker_name}: {error.message}", messages.ERROR)
            return
        if issued:
            self.message_user(
                request,
                _("%(booking)s: %(documents)s issued.")
                % {
                    "booking": booking.booker_name,
                    "documents": ", ".join(str(document) for document in issued),
                },
                messages.SUCCESS,
            )
            return
        reason = billing.why_not_invoiced(booking, force=force) or _(
            "There is nothing new to invoice."
        )
        self.message_user(
            request,
            _("%(booking)s: nothing issued. %(reason)s")
            % {"booking": booking.booker_name, "reason": reason},
            messages.WARNING,
        )

    @admin.action(description=_("Approve member price"), permissions=["invoice"])
    def approve_member_price(self, request, queryset):
        """The member price claimed without proof is approved, and the booking invoiced."""
        chosen = list(queryset.select_related("event", "payer").order_by("pk"))
        claimed = [b for b in chosen if self._payer(b) and b.payer.needs_approval]
        if len(claimed) < len(chosen):
            self.message_user(
                request,
                _("%(count)d of the selected had no member price waiting for approval.")
                % {"count": len(chosen) - len(claimed)},
                messages.WARNING,
            )
        for booking in claimed:
            prices.approve_membership(booking.payer, by=request.user)
            self._settle(request, booking, force=False)

    @admin.action(description=_("Issue invoices now"), permissions=["invoice"])
    def issue_now(self, request, queryset):
        """Issues what each booking needs now, though its event's invoicing is held."""
        for booking in queryset.select_related("event", "payer").order_by("pk"):
            self._settle(request, booking, force=True)
