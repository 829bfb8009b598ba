"""A status field that only the procedure's services may change (after django-fsm's `protected=True`)."""

from contextlib import contextmanager

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from .errors import ProcedureError


class ProtectedStatusDescriptor(DeferredAttribute):
    def __set__(self, instance, value):
        name = self.field.attname
        # The first assignment comes from __init__ (a new object, or a row loaded from the database).
        # Re-assigning the same value (full_clean does) is no change.
        unchanged = instance.__dict__.get(name, object()) == value
        if name in instance.__dict__ and not unchanged and not getattr(instance, "_status_unlocked", False):
            raise ProcedureError(
                "procedure.status_protected",
                "Decision.status is changed only by the procedure's services (decisions/services/).",
            )
        instance.__dict__[name] = value


class ProtectedStatusField(models.CharField):
    descriptor_class = ProtectedStatusDescriptor


@contextmanager
def status_unlocked(instance):
    instance._status_unlocked = True
    try:
        yield instance
    finally:
        instance._status_unlocked = False


class NoBulkUpdateQuerySet(models.QuerySet):
    """Tracked models refuse queryset.update() and bulk_update(): they bypass field history and the ledger."""

    def update(self, **kwargs):
        raise ProcedureError("procedure.bulk_update", "Bulk updates bypass history; change rows through services.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ProcedureError("procedure.bulk_update", "Bulk updates bypass history; change rows through services.")
