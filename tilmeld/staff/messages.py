"""Staff tools: writing to participants, with a preview and a test to oneself first."""

from django import forms
from django.contrib import messages as flash
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tilmeld.audit.enums import AuditAction
from tilmeld.audit.services import record_request
from tilmeld.events.models import Session
from tilmeld.mail.models import OutboxMessage
from tilmeld.staff import broadcasts
from tilmeld.staff.access import admin_context, event_or_404, staff_view
from tilmeld.staff.models import Audience, Broadcast


class BroadcastForm(forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("To"), choices=Audience.choices)
    session = forms.ModelChoiceField(
        label=gettext_lazy("Session"), queryset=Session.objects.none(), required=False
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "vTextField message-subject"}),
    )
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=gettext_lazy(
            "Plain text. The greeting, the event's details and each participant's own link "
            "are added for you."
        ),
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = Session.objects.filter(
            event=event, capacity__isnull=False
        )

    def clean(self):
        data = super().clean()
        if data.get("audience") == Audience.SESSION and not data.get("session"):
            self.add_error("session", _("Choose the session whose participants get the message."))
        return data


def compose(request, event_id):
    event = event_or_404(event_id)
    form = BroadcastForm(request.POST or None, event=event)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = broadcasts.recipients(event, data["audience"], data["session"])
        action = request.POST.get("action")
        if action == "send":
            broadcast = broadcasts.send_broadcast(event, **data, by=request.user)
            count = broadcast.recipient_count
            record_request(
                request,
                AuditAction.MESSAGE,
                event=event,
                target=f"broadcast {broadcast.pk}",
                count=count,
            )
            done = ngettext(
                "The message is on its way to %(count)d participant.",
                "The message is on its way to %(count)d participants.",
                count,
            )
            flash.success(request, done % {"count": count})
            return redirect("staff:message_log", broadcast_id=broadcast.pk)
        sample = people.first()
        if action == "test":
            _send_test(request, event, data, sample)
        context = broadcasts.context_for(
            event=event,
            subject=data["subject"],
            body=data["body"],
            participant=sample,
            example=True,
        )
        preview = {
            "text": render_to_string("staff/mail/broadcast.txt", context),
            "count": people.count(),
            "names": list(people.values_list("name", flat=True)[:30]),
        }
    sent = Broadcast.objects.filter(event=event).order_by("-created_at")
    title = _("Message participants: %(title)s") % {"title": event.title}
    context = admin_context(
        request, title=title, event=event, form=form, preview=preview, sent=sent
    )
    return render(request, "staff/messages/compose.html", context)


def _send_test(request, event, data, sample) -> None:
    email = request.user.email
    if not email:
        flash.error(request, _("Your user has no e-mail address for the test."))
        return
    broadcasts.send_test(
        event, subject=data["subject"], body=data["body"], sample=sample, to=email, by=request.user
    )
    flash.success(request, _("A test was sent to %(email)s.") % {"email": email})


def message_log(request, broadcast_id):
    broadcast = get_object_or_404(Broadcast.objects.select_related("event"), pk=broadcast_id)
    outbox = OutboxMessage.objects.filter(reference=broadcast.reference)
    context = admin_context(
        request,
        title=_("Message: %(subject)s") % {"subject": broadcast.subject},
        event=broadcast.event,
        broadcast=broadcast,
        totals=dict(outbox.values_list("status").annotate(n=Count("id"))),
        rows=outbox.order_by("to_name", "id").only(
            "to_name", "to_email", "status", "sent_at", "attempts", "last_error"
        ),
        back=reverse("staff:message", kwargs={"event_id": broadcast.event_id}),
    )
    return render(request, "staff/messages/log.html", context)


urlpatterns = [
    path(
        "events/<int:event_id>/message/",
        staff_view(compose, "staff.add_broadcast"),
        name="message",
    ),
    path(
        "messages/<int:broadcast_id>/",
        staff_view(message_log, "staff.view_broadcast"),
        name="message_log",
    ),
]
