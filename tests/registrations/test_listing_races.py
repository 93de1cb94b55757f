"""A participant changing their mind about the participant list while staff export the
participants and others read the list, between real PostgreSQL connections."""

from tests.factories import EventFactory, register_people
from tests.registrations.test_concurrency import RACES, at_once, errors
from tilmeld.registrations import selectors
from tilmeld.registrations.enums import ChangeAction
from tilmeld.registrations.exports import participants_csv
from tilmeld.registrations.models import Participant, ParticipantChange
from tilmeld.registrations.services.changes import set_listing

pytestmark = RACES


def test_a_consent_flip_racing_an_export_and_its_twin_is_recorded_once():
    event = EventFactory(capacity=10)
    register_people(event, "Anne", "Bo", "Cai")
    anne = Participant.objects.get(name="Anne")

    def export():
        return participants_csv(Participant.objects.filter(event=event).order_by("pk"))

    def listed():
        return [p.name for p in selectors.participant_list(event)]

    results = at_once(
        lambda: set_listing(anne, listed=True),
        lambda: set_listing(anne, listed=True),  # the same click sent twice
        export,
        listed,
    )

    assert errors(results) == []
    assert results[2].count(b"\n") == 4  # the header and every participant, whenever it ran
    assert results[3] in ([], ["Anne"])  # before or after the flip, never half of it
    assert Participant.objects.get(pk=anne.pk).in_participant_list is True
    assert (
        ParticipantChange.objects.filter(participant=anne, action=ChangeAction.LISTING).count() == 1
    )
    assert listed() == ["Anne"]

    at_once(lambda: set_listing(anne, listed=False), export)

    assert listed() == []  # changing one's mind takes effect at once
