from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from tilmeld.core.admin_mixins import SafeChangeListMixin
from tilmeld.webhooks import services, urls_guard
from tilmeld.webhooks.delivering import body
from tilmeld.webhooks.enums import EventType
from tilmeld.webhooks.exceptions import WebhookError
from tilmeld.webhooks.models import SECRET_PREFIX, Delivery, Subscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=pgettext_lazy("webhook", "events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Subscription
        fields = ["url", "events", "description"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            urls_guard.check_url(url)
        except WebhookError as error:
            raise ValidationError(error.message, code=error.code) from error
        return url


@admin.register(Subscription)
class SubscriptionAdmin(SafeChangeListMixin, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = [
        "__str__", "url", "is_active", "disabled_reason", "consecutive_failures", "created_at",
    ]  # fmt: skip
    list_filter = ["is_active", "disabled_reason"]
    search_fields = ["url", "description"]
    actions = ["send_ping", "enable_again"]
    readonly_fields = [
        "secret_text", "is_active", "disabled_at", "disabled_reason", "consecutive_failures",
        "failing_since", "created_by", "created_at", "delivery_log",
    ]  # fmt: skip

    def get_fields(self, request, obj=None):
        if obj is None:  # the secret is made when the subscription is saved
            return ["url", "events", "description"]
        return ["url", "events", "description", *self.readonly_fields]

    @admin.display(description=_("secret"))
    def secret_text(self, obj):
        shown = reverse("admin:webhooks_subscription_secret", args=[obj.pk])
        return format_html(
            '{}…{} <a href="{}">{}</a>',
            obj.secret[: len(SECRET_PREFIX) + 4],
            "•" * 8,
            shown,
            _("Show secret"),
        )

    @admin.display(description=_("deliveries"))
    def delivery_log(self, obj):
        log = reverse("admin:webhooks_delivery_changelist")
        query = urlencode({"subscription__id__exact": obj.pk})
        return format_html('<a href="{}?{}">{}</a>', log, query, _("Delivery log"))

    def save_model(self, request, obj, form, change):
        services.save_subscription(obj, by=request.user)

    def get_urls(self):
        return [
            path(
                "<int:pk>/secret/",
                self.admin_site.admin_view(self.secret_view),
                name="webhooks_subscription_secret",
            ),
            *super().get_urls(),
        ]

    def secret_view(self, request, pk):
        """The whole secret, for staff who may change the subscription; never cached."""
        subscription = get_object_or_404(Subscription, pk=pk)
        if not self.has_change_permission(request, subscription):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Secret of %(subscription)s") % {"subscription": subscription},
            "opts": self.model._meta,
            "original": subscription,
        }
        response = TemplateResponse(request, "admin/webhooks/subscription/secret.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Send a test message"), permissions=["change"])
    def send_ping(self, request, queryset):
        pings = [services.ping(subscription) for subscription in queryset]
        text = ngettext(
            "%(count)d test message queued; its result shows in the delivery log.",
            "%(count)d test messages queued; their results show in the delivery log.",
            len(pings),
        )
        self.message_user(request, text % {"count": len(pings)})

    @admin.action(description=_("Enable again"), permissions=["change"])
    def enable_again(self, request, queryset):
        enabled = sum(services.reenable(subscription) for subscription in queryset)
        text = ngettext(
            "%(count)d subscription enabled again.",
            "%(count)d subscriptions enabled again.",
            enabled,
        )
        self.message_user(request, text % {"count": enabled})


@admin.register(Delivery)
class DeliveryAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = [
        "created_at", "subscription", "event_type", "status", "attempts", "last_status_code",
        "error_text", "next_attempt_at", "delivered_at",
    ]  # fmt: skip
    list_filter = ["status", "event_type", "subscription"]
    list_select_related = ["subscription"]
    search_fields = ["message_id"]
    date_hierarchy = "created_at"
    actions = ["replay"]
    fields = [
        "created_at", "subscription", "event_type", "message_id", "status", "attempts",
        "next_attempt_at", "claimed_at", "last_status_code", "last_error", "delivered_at",
        "body_text",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("last error"))
    def error_text(self, obj):
        return obj.last_error[:80] + ("…" if len(obj.last_error) > 80 else "")

    @admin.display(description=_("body"))
    def body_text(self, obj):
        return format_html("<pre>{}</pre>", body(obj).decode())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_replay_permission(self, request):
        return request.user.has_perm("webhooks.change_subscription")

    @admin.action(description=_("Replay: send the same message again now"), permissions=["replay"])
    def replay(self, request, queryset):
        replayed, refused = 0, []
        for delivery in queryset.select_related("subscription"):
            try:
                replayed += services.replay(delivery)
            except WebhookError as error:
                refused.append(f"{delivery.subscription}: {error.message}")
        text = ngettext(
            "%(count)d delivery queued to be sent again.",
            "%(count)d deliveries queued to be sent again.",
            replayed,
        )
        self.message_user(request, text % {"count": replayed})
        if left := len(queryset) - replayed - len(refused):
            left_text = ngettext(
                "%(count)d delivery left as it was: it is being sent right now.",
                "%(count)d deliveries left as they were: they are being sent right now.",
                left,
            )
            self.message_user(request, left_text % {"count": left}, messages.WARNING)
        for line in dict.fromkeys(refused):
            self.message_user(request, line, messages.ERROR)
