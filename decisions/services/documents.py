"""Documents: every version kept, checked by type, content and size, hashed."""

from django.db import transaction
from django.utils.translation import gettext as _

from accountability.ledger import record_event
from accounts.errors import ProcedureError
from accounts.models import User
from accounts.permissions import Action, can

from ..models import Decision, Document, Step
from ..procedure import (
    State,
)
from ..uploads import check_upload
from .base import (
    lock_decision,
    require_text,
)

UPLOAD_ACTIONS = (
    Action.WORK_ON_STEP,
    Action.GIVE_LEGALITY_OPINION,
    Action.RECORD_COLLECTIVE_DECISION,
    Action.PUBLISH,
    Action.COMPLETE_EVALUATION,
    Action.REPORT_EXECUTION,
)
CLOSED_STATES = (State.ARCHIVED, State.WITHDRAWN, State.REJECTED)


@transaction.atomic
def add_document(
    *,
    decision: Decision,
    actor: User,
    uploaded_file,
    kind: str,
    title: str,
    is_public: bool = False,
    step: Step | None = None,
) -> Document:
    """Keep a new document version (never overwritten): type, content and size checked; SHA-256 recorded."""
    decision = lock_decision(decision)
    ensure_can_upload(decision, actor)
    if kind not in Document.Kind.values:
        raise ProcedureError("document.kind", _("Choose the kind of document."))
    title = require_text(title, "document.title", _("Give the document a title."))
    if step is not None and step.decision_id != decision.pk:
        raise ProcedureError("document.step", _("That step belongs to another decision."))
    checked = check_upload(uploaded_file)
    version = (
        decision.documents.filter(kind=kind).order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    document = Document(
        decision=decision,
        step=step,
        kind=kind,
        title=title,
        version=version,
        original_name=uploaded_file.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        is_public=is_public,
        uploaded_by=actor,
    )
    document.file.save(f"upload.{checked.extension}", uploaded_file, save=False)
    stored_name = document.file.name
    try:  # the file is written before the row: if the row is refused, remove the file again
        document.save()
        record_event(
            actor=actor,
            action="document.uploaded",
            obj=document,
            decision_id=decision.pk,
            after={
                "kind": kind,
                "version": version,
                "sha256": checked.sha256,
                "size": checked.size,
                "step": step.kind if step else None,
                "public": is_public,
            },
        )
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    return document


def ensure_can_upload(decision: Decision, actor: User) -> None:
    verdicts = [can(actor, action, decision) for action in UPLOAD_ACTIONS]
    if not any(verdicts):
        # Say "another organization" when a role would allow it there, "your role" otherwise.
        scoped = [verdict for verdict in verdicts if verdict.code != "permission.role"]
        raise ProcedureError.from_verdict(scoped[0] if scoped else verdicts[0])
    if decision.status in CLOSED_STATES:
        raise ProcedureError("document.closed", _("The record of a closed decision cannot receive documents."))
