from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonData(models.Model):
    """No table: holds the permissions of the person's-data pages (admin.PersonDataAdmin), so
    staff can be given them like any other."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("look_up_person", _("Can look up and export a person's data")),
            ("erase_person", _("Can erase a person's data")),
        ]
        verbose_name = _("a person's data")
        verbose_name_plural = _("a person's data")

    def __str__(self):
        return str(self._meta.verbose_name)
