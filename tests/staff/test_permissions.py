import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.registrations.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def staff_with(client, *codenames):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def test_staff_without_participant_permission_gets_403_on_the_days_tools(client, site):
    staff_with(client, "view_article")
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    pages = [
        reverse("staff:dashboard", kwargs={"event_id": event.pk}),
        reverse("staff:checkin", kwargs={"event_id": event.pk}),
        reverse("staff:no_shows", kwargs={"event_id": event.pk}),
        reverse("staff:badges", kwargs={"event_id": event.pk}),
        reverse("admin:registrations_participant_substitute", args=[anne.pk]),
        reverse("admin:registrations_participant_register"),
    ]

    assert [client.get(url).status_code for url in pages] == [403] * len(pages)


def test_view_only_staff_cannot_cancel_or_check_in(client, site):
    staff_with(client, "view_participant")
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    changelist = reverse("admin:registrations_participant_changelist")

    confirmed = {"action": "cancel_selected", "_selected_action": [anne.pk], "post": "yes"}
    client.post(changelist, confirmed)
    check_in = client.post(
        reverse(
            "staff:checkin_participant", kwargs={"event_id": event.pk, "participant_id": anne.pk}
        )
    )
    change_page = client.get(reverse("admin:registrations_participant_change", args=[anne.pk]))

    assert Participant.objects.get(pk=anne.pk).status == "confirmed"
    assert check_in.status_code == 403
    assert anne.manage_token not in change_page.content.decode()
