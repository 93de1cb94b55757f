import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.core.pages import content
from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.audit.enums import AuditAction
from tilmeld.audit.models import AuditEntry
from tilmeld.audit.services import person_reference, record

pytestmark = pytest.mark.django_db

PARTICIPANTS = "admin:registrations_participant_changelist"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def staff(client):
    user = StaffFactory(username="kim", email="kim@example.org")
    client.force_login(user)
    return user


def entries():
    return list(AuditEntry.objects.values_list("username", "action", "event_id", "target", "count"))


def test_opening_an_events_participant_list_is_logged_once(client, staff, site):
    event = EventFactory()
    register_people(event, "Anne", "Bo")
    register_people(EventFactory(), "Cai")

    response = client.get(reverse(PARTICIPANTS), {"event__id__exact": event.pk})

    assert response.status_code == 200
    assert entries() == [("kim", AuditAction.PARTICIPANT_LIST, event.pk, "", 2)]
    assert AuditEntry.objects.get().user == staff
    assert AuditEntry.objects.get().ip_address == "127.0.0.1"


def test_the_unfiltered_participant_list_is_logged_without_an_event(client, staff, site):
    register_people(EventFactory(), "Anne", "Bo")
    register_people(EventFactory(), "Cai")

    client.get(reverse(PARTICIPANTS))

    assert entries() == [("kim", AuditAction.PARTICIPANT_LIST, None, "", 3)]


def test_an_export_is_logged_once(client, staff, site):
    event = EventFactory()
    register_people(event, "Anne", "Bo")
    url = reverse("staff:export", kwargs={"event_id": event.pk})

    form = client.get(url)
    response = client.get(url, {"format": "csv", "which": "all", "columns": "name"})
    b"".join(response.streaming_content)

    assert form.status_code == 200
    assert entries() == [("kim", AuditAction.EXPORT, event.pk, "csv", None)]


def test_the_door_list_and_the_admin_csv_action_are_exports(client, staff, site):
    event = EventFactory()
    anne, bo = register_people(event, "Anne", "Bo")

    client.get(reverse("staff:door_list", kwargs={"event_id": event.pk}))
    client.post(
        reverse(PARTICIPANTS),
        {"action": "export_csv", "_selected_action": [anne.pk, bo.pk]},
    )

    assert sorted(entries(), key=lambda e: e[3]) == [
        ("kim", AuditAction.EXPORT, event.pk, "csv (selected)", 2),
        ("kim", AuditAction.EXPORT, event.pk, "door list", 2),
    ]


def test_sending_a_message_is_logged_once_and_a_preview_is_not(client, staff, site):
    event = EventFactory()
    register_people(event, "Anne", "Bo", "Cai")
    url = reverse("staff:message", kwargs={"event_id": event.pk})
    form = {"audience": "confirmed", "subject": "Praktisk info", "body": "Husk madpakke."}

    client.post(url, {**form, "action": "preview"})
    client.post(url, {**form, "action": "send"})

    [entry] = AuditEntry.objects.all()
    assert (entry.username, entry.action, entry.event_id, entry.count) == (
        "kim",
        AuditAction.MESSAGE,
        event.pk,
        3,
    )


def test_a_check_in_search_is_logged_and_the_empty_page_is_not(client, staff, site):
    event = EventFactory()
    register_people(event, "Anne Hansen", "Bo Berg")
    url = reverse("staff:checkin", kwargs={"event_id": event.pk})

    client.get(url)
    client.get(url, {"q": "anne"})

    assert entries() == [("kim", AuditAction.CHECKIN_SEARCH, event.pk, "", 1)]


def test_staff_who_are_not_superusers_cannot_see_the_audit_log(client, site):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_participant", "view_auditentry", "change_auditentry"]
        )
    )
    client.force_login(user)
    record(user, AuditAction.PARTICIPANT_LIST)

    index = content(client.get(reverse("admin:index")))
    changelist = client.get(reverse("admin:audit_auditentry_changelist"))
    detail = client.get(
        reverse("admin:audit_auditentry_change", args=[AuditEntry.objects.get().pk])
    )

    assert "Adgangslog" not in index
    assert changelist.status_code == detail.status_code == 403


def test_superusers_read_the_log_but_no_one_changes_it(client, staff, site):
    entry = record(staff, AuditAction.PERSON_LOOKUP, target=person_reference("a@example.org"))

    index = content(client.get(reverse("admin:index")))
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    delete = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    add = client.get(reverse("admin:audit_auditentry_add"))

    assert "Adgangslog" in index
    assert detail.status_code == 200
    assert 'name="_save"' not in content(detail)
    assert delete.status_code == add.status_code == 403
    assert AuditEntry.objects.count() == 1


def test_the_log_is_found_by_a_persons_address_without_storing_it(client, staff, site):
    looked_up = record(
        staff, AuditAction.PERSON_LOOKUP, target=person_reference("Anne@Example.org")
    )
    record(staff, AuditAction.PERSON_ERASURE, target=person_reference("bo@example.org"))

    response = client.get(reverse("admin:audit_auditentry_changelist"), {"q": "anne@example.org"})

    assert "example.org" not in looked_up.target
    assert [e.pk for e in response.context["cl"].result_list] == [looked_up.pk]
    assert "slog en person op" in content(response)


@pytest.mark.parametrize("count", [1, 3])
def test_the_audit_log_list_query_count_does_not_grow(
    client, staff, site, django_assert_num_queries, count
):
    for n in range(count):
        record(staff, AuditAction.EXPORT, event=EventFactory(), target="csv", count=n)
    url = reverse("admin:audit_auditentry_changelist")

    # session, user; the filters' users and events; two counts; site settings; the dates of
    # the date hierarchy, the rows with their events
    with django_assert_num_queries(10):
        response = client.get(url)

    assert len(response.context["cl"].result_list) == count
