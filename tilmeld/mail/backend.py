"""The database task backend, storing each task row with one plain INSERT (core.rows).

Every registration queues a mail task, and django-tasks-db's own create() spent most of a
task's cost compiling SQL. The row is built as the library builds it, including what its
pre_save signal adds (a task without run_after waits for no date: the far future marks it)."""

from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from tilmeld.core import rows


class OutboxTaskBackend(DatabaseBackend):
    def _task_to_db_task(self, task, args, kwargs) -> DBTaskResult:
        result = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after or get_date_max(),
            backend_name=self.alias,
        )
        rows.insert([result])
        return result

    def enqueue(self, task, args, kwargs):
        """As the library's, with its result object built once instead of twice."""
        self.validate_task(task)
        result = self._task_to_db_task(task, args, kwargs).task_result
        task_enqueued.send(type(self), task_result=result)
        return result
