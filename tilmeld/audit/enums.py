from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    PARTICIPANT_LIST = "participant_list", _("opened a participant list")
    EXPORT = "export", _("exported participants")
    MESSAGE = "message", _("sent a message to participants")
    CHECKIN_SEARCH = "checkin_search", _("searched at the check-in")
    PERSON_LOOKUP = "person_lookup", _("looked up a person")
    PERSON_DOWNLOAD = "person_download", _("downloaded a person's data")
    PERSON_ERASURE = "person_erasure", _("erased a person")
