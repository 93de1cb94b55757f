"""django-tasks-db under a name staff understand (its texts: core/library_strings.py). Its own
module: an apps.py with two configurations would leave Django picking neither."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
