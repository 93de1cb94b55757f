from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.core.money import money_text
from tilmeld.invoicing import delivery as delivery_service
from tilmeld.invoicing.enums import DeliveryState
from tilmeld.invoicing.models import Delivery, Payment


@admin.register(Payment)
class PaymentAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Payments are recorded by the invoice list's actions and the bank import (payments.py),
    which refuse more than is outstanding; here they are read."""

    list_display = ["invoice", "amount_text", "paid_on", "source", "reference", "recorded_by"]
    list_filter = ["source", "paid_on"]
    list_select_related = ["invoice"]
    search_fields = ["invoice__number", "reference"]
    fields = ["invoice", "amount", "paid_on", "source", "reference", "recorded_by", "created_at"]

    @admin.display(description=_("amount"), ordering="amount")
    def amount_text(self, obj):
        return money_text(obj.amount)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["invoice", "state", "backend", "reference", "detail", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["invoice"]
    search_fields = ["invoice__number", "reference"]
    fields = ["invoice", "state", "backend", "reference", "detail", "updated_at"]
    actions = ["hand_over_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_deliver_permission(self, request):
        return request.user.has_perm("invoicing.change_delivery")

    @admin.action(description=_("Hand over now"), permissions=["deliver"])
    def hand_over_now(self, request, queryset):
        """What the worker's sweep does for a document still ready, at once. A rejected one
        is not sent again as it is: credit the invoice, and a corrected one is issued."""
        handed = 0
        for delivery in queryset.select_related("invoice").order_by("pk"):
            if delivery.state != DeliveryState.READY:
                self.message_user(
                    request,
                    _("%(number)s is not waiting to be handed over: %(state)s.")
                    % {"number": delivery.invoice.number, "state": delivery.get_state_display()},
                    messages.WARNING,
                )
                continue
            if delivery_service.deliver_invoice.call(delivery.pk) == "handed over":
                handed += 1
            else:
                delivery.refresh_from_db()
                self.message_user(
                    request,
                    _("%(number)s could not be handed over: %(detail)s")
                    % {"number": delivery.invoice.number, "detail": delivery.detail},
                    messages.WARNING,
                )
        if handed:
            self.message_user(request, _("%(count)d handed over.") % {"count": handed})
