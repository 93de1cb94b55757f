from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.core.money import money_text
from tilmeld.invoicing import billing, payments, reminders
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.peppol import peppol_xml
from tilmeld.invoicing.enums import InvoiceKind
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.exports import file_stem, pdf
from tilmeld.invoicing.models import Invoice, Payment, Reminder
from tilmeld.invoicing.selectors import with_balances

# suffix, content type, renderer, whether only an e-invoiceable document has it
DOWNLOADS = {
    "pdf": (".pdf", "application/pdf", pdf, False),
    "oioubl": (".oioubl.xml", "application/xml", oioubl_xml, True),
    "peppol": (".peppol.xml", "application/xml", peppol_xml, True),
}


def day_text(value) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "–"


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        overdue = {
            "kind": InvoiceKind.INVOICE,
            "due_date__lt": timezone.localdate(),
            "outstanding__gt": 0,
        }
        match self.value():
            case "yes":
                return queryset.filter(**overdue)
            case "no":
                return queryset.exclude(**overdue)
        return queryset


class PaymentStateFilter(admin.SimpleListFilter):
    title = _("payment")
    parameter_name = "payment"

    def lookups(self, request, model_admin):
        return [("paid", _("Paid")), ("unpaid", _("Outstanding"))]

    def queryset(self, request, queryset):
        match self.value():
            case "paid":
                return queryset.filter(kind=InvoiceKind.INVOICE, outstanding__lte=0)
            case "unpaid":
                return queryset.filter(kind=InvoiceKind.INVOICE, outstanding__gt=0)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = readonly_fields = ["paid_on", "amount_text", "reference", "source", "recorded_by"]

    @admin.display(description=_("amount"))
    def amount_text(self, obj):
        return money_text(obj.amount)


class CreditNoteInline(ReadOnlyInline):
    model = Invoice
    fk_name = "credits"
    verbose_name = _("credit note")
    verbose_name_plural = _("credit notes")
    fields = readonly_fields = ["number", "issue_date", "gross_text", "issued_by"]
    show_change_link = True

    @admin.display(description=_("incl. VAT"))
    def gross_text(self, obj):
        return money_text(obj.gross)


class ReminderInline(ReadOnlyInline):
    model = Reminder
    fields = readonly_fields = ["sent_at", "outstanding_text", "sent_by"]

    @admin.display(description=_("outstanding"))
    def outstanding_text(self, obj):
        return money_text(obj.outstanding)


class BankFileForm(forms.Form):
    file = forms.FileField(
        label=_("Bank file"),
        help_text=_(
            "The bank's CSV export: date, text and amount separated by semicolons. A payment is"
            " recorded on the invoice whose number its text names; a file imported again"
            " records nothing twice."
        ),
    )


@admin.register(Invoice)
class InvoiceAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "kind",
        "issued_on",
        "buyer_name",
        "event",
        "gross_text",
        "paid_text",
        "outstanding_text",
        "due_on",
        "is_overdue",
        "delivery_state",
        "reminded_on",
    ]
    list_filter = [
        "kind",
        OverdueFilter,
        PaymentStateFilter,
        ("booking__event", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["number", "buyer_name"]
    fields = [
        ("number", "kind"),
        ("issue_date", "due_date"),
        "buyer_name",
        "booking",
        "credits",
        ("net_text", "vat_text", "gross_text"),
        "balance",
        "delivery_text",
        ("issued_at", "issued_by"),
    ]
    readonly_fields = ["net_text", "vat_text", "gross_text", "balance", "delivery_text"]
    inlines = [PaymentInline, CreditNoteInline, ReminderInline]
    actions = ["mark_paid", "send_reminders", "credit_whole"]

    # Issued invoices are never changed (a database trigger refuses it): no add, change or
    # delete here. What staff do with an invoice is an action, each calling a service.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_pay_permission(self, request):
        return request.user.has_perm("invoicing.add_payment")

    def has_remind_permission(self, request):
        return request.user.has_perm("invoicing.add_reminder")

    def has_credit_permission(self, request):
        return request.user.has_perm("invoicing.add_invoice")

    def get_queryset(self, request):
        last_reminder = (
            Reminder.objects.filter(invoice=OuterRef("pk"))
            .order_by()
            .values("invoice")
            .annotate(last=Max("sent_at"))
            .values("last")
        )
        return with_balances(
            super().get_queryset(request).select_related("booking__event", "delivery")
        ).annotate(reminded_at=Subquery(last_reminder))

    @admin.display(description=_("event"), ordering="booking__event__starts_at")
    def event(self, obj):
        return obj.booking.event.title if obj.booking_id else "–"

    # Short dates ("05.12.2026") keep the list's columns narrow.
    @admin.display(description=_("date"), ordering="issue_date")
    def issued_on(self, obj):
        return formats.date_format(obj.issue_date, "SHORT_DATE_FORMAT")

    @admin.display(description=_("due date"), ordering="due_date")
    def due_on(self, obj):
        return formats.date_format(obj.due_date, "SHORT_DATE_FORMAT") if obj.due_date else "–"

    @admin.display(description=_("excl. VAT"))
    def net_text(self, obj):
        return money_text(obj.net)

    @admin.display(description=_("VAT"))
    def vat_text(self, obj):
        return money_text(obj.vat)

    @admin.display(description=_("incl. VAT"), ordering="gross")
    def gross_text(self, obj):
        return money_text(obj.gross)

    @admin.display(description=_("paid"), ordering="paid")
    def paid_text(self, obj):
        return money_text(obj.paid) if obj.kind == InvoiceKind.INVOICE else "–"

    @admin.display(description=_("outstanding"), ordering="outstanding")
    def outstanding_text(self, obj):
        return money_text(obj.outstanding) if obj.kind == InvoiceKind.INVOICE else "–"

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, obj):
        return (
            obj.kind == InvoiceKind.INVOICE
            and obj.due_date is not None
            and obj.due_date < timezone.localdate()
            and obj.outstanding > 0
        )

    @admin.display(description=_("e-invoice"))
    def delivery_state(self, obj):
        delivery = getattr(obj, "delivery", None)
        return delivery.get_state_display() if delivery else "–"

    @admin.display(description=_("reminded on"), ordering="reminded_at")
    def reminded_on(self, obj):
        return day_text(timezone.localtime(obj.reminded_at)) if obj.reminded_at else "–"

    @admin.display(description=_("balance"))
    def balance(self, obj):
        if obj.kind != InvoiceKind.INVOICE:
            return "–"
        return _("Paid %(paid)s, credited %(credited)s, outstanding %(outstanding)s") % {
            "paid": money_text(obj.paid),
            "credited": money_text(obj.credited),
            "outstanding": money_text(obj.outstanding),
        }

    @admin.display(description=_("e-invoice"))
    def delivery_text(self, obj):
        delivery = getattr(obj, "delivery", None)
        if delivery is None:
            return _("Sent by mail as a PDF.")
        parts = [delivery.get_state_display(), delivery.reference, delivery.detail]
        return " · ".join(part for part in parts if part)

    def get_urls(self):
        return [
            path(
                "import-bank/",
                self.admin_site.admin_view(self.bank_import_view),
                name="invoicing_invoice_import_bank",
            ),
            path(
                "<int:pk>/download/<str:fmt>/",
                self.admin_site.admin_view(self.download_view),
                name="invoicing_invoice_download",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A POST to an issued invoice's page is refused with a reason, whatever it holds."""
        if request.method == "POST" and object_id is not None:
            invoice = self.get_object(request, object_id)
            if invoice is None or not self.has_view_permission(request, invoice):
                raise PermissionDenied
            context = {
                **self.admin_site.each_context(request),
                "title": str(invoice),
                "opts": self.model._meta,
                "original": invoice,
                "message": _(
                    "An issued invoice is never changed. To correct it, credit it and let a new"
                    " invoice be issued."
                ),
            }
            return TemplateResponse(
                request, "admin/invoicing/invoice/refused.html", context, status=403
            )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            document = obj.as_document()
            context["document"] = document
            context["downloads"] = [
                (name, reverse("admin:invoicing_invoice_download", args=[obj.pk, name]))
                for name, (_s, _t, _r, xml) in DOWNLOADS.items()
                if document.e_invoiceable or not xml
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def download_view(self, request, pk, fmt):
        invoice = get_object_or_404(Invoice, pk=pk)
        if not self.has_view_permission(request, invoice):
            raise PermissionDenied
        if fmt not in DOWNLOADS:
            raise Http404
        suffix, content_type, render, xml = DOWNLOADS[fmt]
        document = invoice.as_document()
        if xml and not document.e_invoiceable:
            raise Http404  # a private person has no e-invoice address: the PDF only
        response = HttpResponse(render(document), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{file_stem(invoice)}{suffix}"'
        return response

    def bank_import_view(self, request):
        """Staff upload the bank's export; payments.import_bank_csv records what it can match."""
        if not self.has_pay_permission(request):
            raise PermissionDenied
        form = BankFileForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                result = payments.import_bank_csv(form.cleaned_data["file"].read(), by=request.user)
            except InvoicingError as error:
                form.add_error("file", error.message)
            else:
                self.message_user(
                    request,
                    _(
                        "Matched: %(matched)s. Already imported: %(already)s."
                        " Unmatched: %(unmatched)s."
                    )
                    % {
                        "matched": len(result.matched),
                        "already": len(result.already_imported),
                        "unmatched": len(result.unmatched),
                    },
                    messages.SUCCESS if not result.unmatched else messages.WARNING,
                )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import bank file"),
            "opts": self.model._meta,
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/invoicing/invoice/bank_import.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {})}
        if self.has_pay_permission(request):
            extra_context["bank_import_url"] = reverse("admin:invoicing_invoice_import_bank")
        return super().changelist_view(request, extra_context)

    def _each(self, request, queryset, action, done) -> list:
        results = []
        for invoice in queryset.order_by("number"):
            try:
                results.append((invoice, action(invoice)))
            except InvoicingError as error:
                self.message_user(request, f"{invoice.number}: {error.message}", messages.WARNING)
        if results:
            self.message_user(request, done % {"count": len(results)}, messages.SUCCESS)
        return results

    @admin.action(description=_("Mark as paid"), permissions=["pay"])
    def mark_paid(self, request, queryset):
        """Records the outstanding amount of each as paid today."""
        today = timezone.localdate()
        self._each(
            request,
            queryset,
            lambda invoice: payments.mark_paid(invoice, paid_on=today, by=request.user),
            _("%(count)d marked as paid."),
        )

    @admin.action(description=_("Send a payment reminder"), permissions=["remind"])
    def send_reminders(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda invoice: reminders.send_reminder(invoice, by=request.user),
            _("%(count)d payment reminders queued for sending."),
        )

    @admin.action(description=_("Credit the whole invoice"), permissions=["credit"])
    def credit_whole(self, request, queryset):
        """A credit note for what is left of each; a booking's participants who still hold a
        seat are invoiced anew at once (or when its event's invoicing is no longer held)."""
        for invoice, note in self._each(
            request,
            queryset,
            lambda invoice: billing.credit_invoice(invoice, by=request.user),
            _("%(count)d credited."),
        ):
            self.message_user(
                request,
                _("Credit note %(note)s credits invoice %(number)s.")
                % {"note": note.number, "number": invoice.number},
            )
            if invoice.booking_id is None:
                continue
            try:
                issued = billing.settle(invoice.booking, by=request.user)
            except InvoicingError as error:
                self.message_user(request, error.message, messages.WARNING)
                continue
            for document in issued:
                self.message_user(
                    request,
                    _("%(document)s issued in its place for those who still hold a seat.")
                    % {"document": document},
                )
