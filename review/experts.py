"""The expert review (专家论证, Decree 713 Art. 19–21): the organ's expert pool, the draw of the experts of one round,
their declarations, their signed opinions, and the undertaking unit's answer on how each opinion was used.

* The pool (专家库) is kept by the organ's legal office (the legal reviewers of the organ): add, edit, suspend or
  retire an expert, import many from an XLSX file (all or nothing, with a row report).
* The undertaking unit's drafter draws the experts of a round by field: the organ's active, available experts of
  that field, minus the conflicts (the undertaking unit's own institution, declared interests naming the unit, more
  than `EXPERT_RECENT_LIMIT` assignments in the last twelve months, already assigned to the round); the candidates
  sorted by id are shuffled with `random.Random(seed)` and the first `number` chosen. The seed, the candidates, the
  exclusions with their reasons and the chosen ids are kept on the `ExpertDraw` and in the ledger: `rerun_draw`
  computes the chosen list again from them. A manual choice needs its reason.
* Each expert declares, from their own account, whether they have a direct interest before they see the materials;
  a direct interest excludes them (Art. 20). Then they submit their opinion, signed (SHA-256 of the expert, the
  round, the opinion, its text and the time).
* The unit answers how each opinion was used (adopted, partly, not: with its reason). The step cannot be submitted
  while a submitted opinion lacks its answer (`review.steps.expert_review_submission_refusal`).

Every act is one transaction with one ledger event; the ledger gets ids and codes, never names or contacts (the
experts' contacts are personal information). Refusals raise `ExpertError` (a `ProcedureError`; `status` is the
HTTP status the API answers) and change nothing.
"""

import hashlib
import io
import random
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.ledger import record_event
from accounts.models import Organization, User
from accounts.permissions import organ_id_of
from accounts.privacy import is_contact
from accounts.roles import Role
from decisions import services as decision_services
from decisions.errors import ProcedureError
from decisions.models import Document, Step
from decisions.permissions import Action, acting_role, can
from decisions.procedure import StepKind, StepStatus
from decisions.services.base import (
    awaits_taking_up,
    ensure_not_ended,
    lock_step,
    open_step,
    optional_text,
    save_record,
)
from decisions.services.documents import next_version
from decisions.uploads import check_upload, check_xlsx_xml_parts, spreadsheet_cell

from .models import Expert, ExpertAssignment, ExpertDraw, ExpertReview


class ExpertError(ProcedureError):
    """A refused act of the expert review; `status` is the HTTP status the API answers."""

    def __init__(self, code, message, *, status: int = 400, fields=()):
        super().__init__(code, message, fields=fields)
        self.status = status


NAME_MAX, FIELDS_MAX, INSTITUTION_MAX, TITLE_MAX, CONTACT_MAX, FIELD_MAX = 50, 300, 200, 100, 100, 100
TEXT_MAX = 20_000
SEED_MAX = 64
MAX_DRAWN = 30
RECENT_DAYS = 365
ART_19 = gettext_lazy("Decree 713 Art. 19")

# Why a member of the pool was not a candidate of a draw (the codes kept in `ExpertDraw.excluded`).
EXCLUSION_REASONS = {
    "same_institution": gettext_lazy("Works for the undertaking unit (Decree 713 Art. 20)"),
    "declared_interest": gettext_lazy("Declared an interest naming the undertaking unit (Decree 713 Art. 20)"),
    "recent_assignments": gettext_lazy("Reached the limit of assignments in the last twelve months"),
    "already_assigned": gettext_lazy("Already assigned to this round"),
}
UNIT_ACTIONS = (Action.WORK_ON_STEP, Action.APPROVE_STEP)
WORKABLE = (StepStatus.OPEN, StepStatus.RETURNED)


def recent_limit() -> int:
    return int(getattr(settings, "EXPERT_RECENT_LIMIT", 3))


def exclusion_label(code: str) -> str:
    return str(EXCLUSION_REASONS.get(code, code))


# ---------------------------------------------------------------- helpers


def _normalised(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split()).lower()


def field_list(fields: str) -> list[str]:
    """The fields of expertise of an expert, as written ("交通、城市规划", "law, economics")."""
    return [part.strip() for part in re.split(r"[、,，;；/\n]+", fields or "") if part.strip()]


def _text(value, limit: int, code: str, field_name: str, message: str | None = None) -> str:
    value = optional_text(value if isinstance(value, str) else "", (field_name,))
    if message is not None and not value:
        raise ExpertError(code, message, fields=(field_name,))
    if len(value) > limit:
        raise ExpertError(
            "expert.too_long", _("At most %(limit)s characters.") % {"limit": limit}, fields=(field_name,)
        )
    return value


class _Ref:
    """What the ledger keeps of an expert or an assignment: its type and id, never the expert's name (the models'
    `str()` gives the name, which is personal information)."""

    def __init__(self, obj):
        self._meta, self.pk = obj._meta, obj.pk

    def __str__(self) -> str:
        return f"{self._meta.model_name} #{self.pk}"


def _event(actor, obj, *, action: str, decision_id=None, role="", **kwargs):
    if isinstance(obj, Expert | ExpertAssignment):
        obj = _Ref(obj)
    return record_event(actor=actor, action=action, obj=obj, decision_id=decision_id, role=role or None, **kwargs)


def may_keep_pool(user, organ: Organization) -> bool:
    """The organ's legal office (its legal reviewers) keeps its expert pool."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.LEGAL_REVIEWER)
        and organ_id_of(user) == organ.pk
    )


def _require_legal_office(actor: User, organ: Organization) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise ExpertError("permission.login", _("You must be logged in."), status=403)
    if not actor.has_role(Role.LEGAL_REVIEWER):
        raise ExpertError(
            "permission.role",
            _("The expert pool is kept by the organ's legal office (Decree 713 Art. 19)."),
            status=403,
        )
    if organ_id_of(actor) != organ.pk:
        raise ExpertError("permission.scope", _("This expert pool belongs to another organ."), status=403)


def _unit_action(actor: User, decision) -> Action:
    """The action by which the actor answers for the undertaking unit (the drafter's, else the head's)."""
    verdicts = []
    for action in UNIT_ACTIONS:
        verdict = can(actor, action, decision)
        if verdict:
            return action
        verdicts.append(verdict)
    verdict = next((v for v in verdicts if v.code != "permission.role"), verdicts[0])
    raise ExpertError(verdict.code, verdict.message, status=403)


def _ensure_round_open(step: Step) -> None:
    ensure_not_ended(step.decision)
    if step.status not in WORKABLE:
        raise ExpertError(
            "expert.step_not_open",
            _("The expert review is “%(status)s”: its experts act while it is open or returned (Decree 713 Art. 19).")
            % {"status": StepStatus(step.status).label},
            status=409,
        )


def _lock_unit_step(step: Step, actor: User):
    """Lock the step; refuse unless it is an expert review the actor's unit may work on now (opening it when taken
    up for the first time)."""
    decision, step = lock_step(step)
    if step.kind != StepKind.EXPERT_REVIEW:
        raise ExpertError("expert.wrong_step", _("Only the expert review step has experts (Decree 713 Art. 19)."))
    refusal = decision_services.step_action_refusals(step, actor)["edit"]
    if refusal is not None:
        raise ExpertError(refusal.code, refusal.message, status=403 if refusal.code.startswith("permission.") else 409)
    if awaits_taking_up(decision, step):
        open_step(step, actor)
    return decision, step


def _lock_assignment(assignment: ExpertAssignment):
    """Lock the round (its decision, then its step: the order every service of the procedure locks in), then the
    assignment as it stands now."""
    step = Step.objects.select_related("decision").get(pk=assignment.step_id)
    decision, step = lock_step(step)
    locked = ExpertAssignment.objects.select_for_update(of=("self",)).select_related("expert").get(pk=assignment.pk)
    locked.step = step
    return decision, step, locked


def counted(assignments):
    """The assignments that count: an expert who declared a direct interest is excluded (Art. 20)."""
    return [a for a in assignments if a.declaration != ExpertAssignment.Declaration.DIRECT_INTEREST]


def sync_record(step: Step, actor: User) -> ExpertReview:
    """The typed record follows the assignments: the experts asked (name and institution) and whether every expert
    counted declared no direct interest. The unit writes the summary itself."""
    assignments = list(step.expert_assignments.select_related("expert").order_by("id"))
    kept = counted(assignments)
    record = ExpertReview.objects.filter(step=step).first() or ExpertReview(step=step, opinion_summary="")
    record.experts = "、".join(f"{a.expert.name}（{a.expert.institution}）" for a in kept)
    record.conflicts_declared = bool(kept) and all(
        a.declaration == ExpertAssignment.Declaration.NO_CONFLICT for a in kept
    )
    save_record(record, actor)
    return record


# ---------------------------------------------------------------- the pool


def _clean_expert(organ: Organization, values: dict, *, instance: Expert | None = None) -> dict:
    cleaned = {
        "name": _text(values.get("name"), NAME_MAX, "expert.name", "name", _("Give the expert's name.")),
        "fields": _text(
            values.get("fields"), FIELDS_MAX, "expert.fields", "fields", _("Give the expert's fields of expertise.")
        ),
        "institution": _text(
            values.get("institution"), INSTITUTION_MAX, "expert.institution", "institution", _("Give the institution.")
        ),
        "title": _text(values.get("title"), TITLE_MAX, "expert.title", "title"),
        "contact": _text(values.get("contact"), CONTACT_MAX, "expert.contact", "contact", _("Give a contact.")),
        "declared_interests": _text(
            values.get("declared_interests"), TEXT_MAX, "expert.interests", "declared_interests"
        ),
    }
    if not is_contact(cleaned["contact"]):
        raise ExpertError("expert.contact", _("Give a telephone number or an e-mail address."), fields=("contact",))
    available = values.get("available", True)
    cleaned["available"] = bool(available)
    user = values.get("user")
    if user is not None:
        if not isinstance(user, User) or not user.has_role(Role.EXPERT):
            raise ExpertError("expert.account", _("The account must hold the expert role."), fields=("user",))
        taken = Expert.objects.filter(user=user)
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            raise ExpertError(
                "expert.account", _("This account already belongs to another expert of a pool."), fields=("user",)
            )
    cleaned["user"] = user
    return cleaned


@transaction.atomic
def add_expert(*, organ: Organization, actor: User, **values) -> Expert:
    """The legal office adds an expert to the organ's pool."""
    _require_legal_office(actor, organ)
    cleaned = _clean_expert(organ, values)
    expert = Expert.objects.create(organ=organ, created_by=actor, **cleaned)
    _event(
        actor,
        expert,
        action="expert.added",
        role=Role.LEGAL_REVIEWER,
        after={"fields": field_list(expert.fields), "available": expert.available, "account": bool(expert.user_id)},
    )
    return expert


@transaction.atomic
def update_expert(*, expert: Expert, actor: User, **values) -> Expert:
    """The legal office corrects an expert's entry (the ledger names the fields changed, not their values)."""
    expert = Expert.objects.select_for_update().select_related("organ").get(pk=expert.pk)
    _require_legal_office(actor, expert.organ)
    current = {name: getattr(expert, name) for name in ("name", "fields", "institution", "title", "contact")}
    current |= {"declared_interests": expert.declared_interests, "available": expert.available, "user": expert.user}
    cleaned = _clean_expert(expert.organ, current | values, instance=expert)
    changed = sorted(name for name, value in cleaned.items() if getattr(expert, name) != value)
    for name, value in cleaned.items():
        setattr(expert, name, value)
    expert.save()
    _event(actor, expert, action="expert.updated", role=Role.LEGAL_REVIEWER, after={"changed": changed})
    return expert


@transaction.atomic
def set_expert_status(*, expert: Expert, actor: User, status: str, reason: str = "") -> Expert:
    """The legal office suspends an expert, takes them back into the pool, or records that they left it."""
    expert = Expert.objects.select_for_update().select_related("organ").get(pk=expert.pk)
    _require_legal_office(actor, expert.organ)
    if status not in Expert.Status.values:
        raise ExpertError("expert.status", _("Choose the expert's status."), fields=("status",))
    reason = _text(reason, TEXT_MAX, "expert.reason", "reason")
    if status == expert.status:
        raise ExpertError(
            "expert.status",
            _("The expert is already “%(status)s”.") % {"status": expert.get_status_display()},
            fields=("status",),
        )
    before = expert.status
    expert.status = status
    expert.save(update_fields=["status"])
    _event(
        actor,
        expert,
        action="expert.status_changed",
        role=Role.LEGAL_REVIEWER,
        before={"status": before},
        after={"status": status},
        reason=reason,
    )
    return expert


# ---------------------------------------------------------------- the import (XLSX)

IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "fields": ("专业领域", "领域", "fields", "field"),
    "institution": ("工作单位", "单位", "institution"),
    "title": ("职称", "title"),
    "contact": ("联系方式", "联系电话", "contact", "phone", "email"),
    "declared_interests": ("利益声明", "利益关系", "declared_interests", "interests"),
}
IMPORT_REQUIRED = ("name", "fields", "institution", "contact")
IMPORT_MAX_ROWS = 1_000
IMPORT_MAX_LINES = 10_000


@dataclass
class ImportRow:
    number: int  # the row's number in the file: the header is row 1
    ok: bool
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


@dataclass
class ImportReport:
    rows: list[ImportRow]
    stored: bool

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]


def import_columns() -> str:
    return ", ".join(f"{names[0]}/{name}" for name, names in IMPORT_COLUMNS.items())


# The template's example row: valid as it stands (a template imported unchanged adds this one expert), to be
# replaced by the real ones.
TEMPLATE_EXAMPLE = {
    "name": "张三",
    "fields": "交通规划、城市管理",
    "institution": "示例大学",
    "title": "教授",
    "contact": "13800000000",
    "declared_interests": "",
}


def import_template_xlsx() -> bytes:
    """The import's template: the header row with the Chinese name of each column the import reads (the names
    `import_columns` gives first), bold, and one example row, in grey."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Experts")[:31]
    sheet.append([names[0] for names in IMPORT_COLUMNS.values()])
    sheet.append([TEMPLATE_EXAMPLE[name] for name in IMPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
        cell.number_format = "@"  # text: a telephone number keeps its digits
    for letter, width in zip("ABCDEF", (12, 24, 24, 12, 20, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import_refused(code: str, message) -> ExpertError:
    return ExpertError(code, message, fields=("file",))


def _sheet_rows(uploaded_file):
    """The rows of the workbook's first sheet as lists of text, numbered from 1 (checked as the opinion import
    checks its files: type, content, no DOCTYPE in its XML parts, bounded)."""
    from openpyxl import load_workbook

    name = uploaded_file.name or ""
    if not name.lower().endswith(".xlsx"):
        raise _import_refused("upload.type", _("“%(name)s” is not an XLSX file.") % {"name": name})
    check_upload(uploaded_file)
    check_xlsx_xml_parts(uploaded_file, name, _import_refused)
    unreadable = _import_refused(
        "import.unreadable", _("“%(name)s” cannot be read as an Excel workbook (.xlsx).") % {"name": name}
    )
    try:
        workbook = load_workbook(uploaded_file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise unreadable from error
    try:
        rows = []
        try:
            for number, row in enumerate(workbook.worksheets[0].iter_rows(max_col=20, values_only=True), start=1):
                if number > IMPORT_MAX_LINES:
                    raise _import_refused(
                        "import.too_many_rows",
                        _("A file may hold at most %(max)s experts.") % {"max": IMPORT_MAX_ROWS},
                    )
                rows.append((number, [spreadsheet_cell(value) for value in row]))
        except ExpertError:
            raise
        except Exception as error:
            raise unreadable from error
        return rows
    finally:
        workbook.close()


def _import_header(header: list[str]) -> dict[str, int]:
    aliases = {_normalised(alias): name for name, names in IMPORT_COLUMNS.items() for alias in names}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        name = aliases.get(_normalised(re.sub(r"[（(][^）)]*[）)]|\*", "", title)))
        if name is not None and name not in found:
            found[name] = index
    missing = [f"{IMPORT_COLUMNS[name][0]}/{name}" for name in IMPORT_REQUIRED if name not in found]
    if missing:
        raise _import_refused(
            "import.columns",
            _("Row 1 must name the columns (%(expected)s); missing: %(names)s.")
            % {"expected": import_columns(), "names": "、".join(missing)},
        )
    return found


def import_experts(*, organ: Organization, actor: User, uploaded_file) -> ImportReport:
    """Import the experts of an XLSX file into the organ's pool: all stored, or none (the report names each bad row,
    its column and the message)."""
    _require_legal_office(actor, organ)
    rows = _sheet_rows(uploaded_file)
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise _import_refused(
            "import.columns", _("Row 1 must name the columns (%(expected)s).") % {"expected": import_columns()}
        )
    columns = _import_header(rows[0][1])
    report, entries = ImportReport(rows=[], stored=False), []
    for number, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: (cells[index] if index < len(cells) else "") for name, index in columns.items()}
        errors = []
        try:
            _clean_expert(organ, values)
        except ExpertError as refusal:
            errors.append((next(iter(refusal.fields), ""), str(refusal.message)))
        report.rows.append(ImportRow(number=number, ok=not errors, errors=errors))
        entries.append(values)
        if len(report.rows) > IMPORT_MAX_ROWS:
            raise _import_refused(
                "import.too_many_rows", _("A file may hold at most %(max)s experts.") % {"max": IMPORT_MAX_ROWS}
            )
    if not report.rows:
        raise _import_refused("import.empty", _("The file has no experts below its header row."))
    if report.bad_rows:
        return report
    with transaction.atomic():
        for values in entries:
            add_expert(organ=organ, actor=actor, **values)
    report.stored = True
    return report


# ---------------------------------------------------------------- the draw


def _conflict(expert: Expert, unit_name: str, recent: dict[int, int], assigned: set[int]) -> str | None:
    """Why the expert may not be drawn for the unit's round (None: they may)."""
    if expert.pk in assigned:
        return "already_assigned"
    if unit_name and _normalised(expert.institution) == unit_name:
        return "same_institution"
    if unit_name and unit_name in _normalised(expert.declared_interests):
        return "declared_interest"
    if recent.get(expert.pk, 0) >= recent_limit():
        return "recent_assignments"
    return None


def _recent_counts(expert_ids) -> dict[int, int]:
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    counts: dict[int, int] = {}
    for expert_id in ExpertAssignment.objects.filter(expert_id__in=expert_ids, assigned_at__gte=since).values_list(
        "expert_id", flat=True
    ):
        counts[expert_id] = counts.get(expert_id, 0) + 1
    return counts


def shuffled(candidates: list[int], seed: str) -> list[int]:
    """The candidates (ids sorted ascending) in the order `random.Random(seed)` shuffles them."""
    order = sorted(candidates)
    random.Random(seed).shuffle(order)
    return order


def rerun_draw(draw: ExpertDraw) -> list[int]:
    """The chosen ids computed again from the recorded seed and candidates: anyone can check a draw."""
    if draw.method != ExpertDraw.Method.RANDOM:
        return list(draw.chosen)
    return shuffled(list(draw.candidates), draw.seed)[: draw.number]


def _assign(step: Step, draw: ExpertDraw, experts) -> list[ExpertAssignment]:
    return [ExpertAssignment.objects.create(step=step, expert=expert, draw=draw) for expert in experts]


@transaction.atomic
def draw_experts(*, step: Step, actor: User, field: str, number: int, seed: str | None = None) -> ExpertDraw:
    """The undertaking unit's drafter draws `number` experts of `field` from the organ's pool (see the module)."""
    decision, step = _lock_unit_step(step, actor)
    asked = _text(field, FIELD_MAX, "expert.field", "field", _("Give the field of expertise the review needs."))
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= MAX_DRAWN:
        raise ExpertError(
            "expert.number", _("Draw from 1 to %(max)s experts.") % {"max": MAX_DRAWN}, fields=("number",)
        )
    seed = secrets.token_hex(16) if seed in (None, "") else _text(seed, SEED_MAX, "expert.seed", "seed")
    unit_name = _normalised(decision.undertaking_unit.name) if decision.undertaking_unit_id else ""
    pool = [
        expert
        for expert in Expert.objects.filter(organ_id=decision.organ_id, status=Expert.Status.ACTIVE, available=True)
        if _normalised(asked) in {_normalised(name) for name in field_list(expert.fields)}
    ]
    recent = _recent_counts([expert.pk for expert in pool])
    assigned = set(step.expert_assignments.values_list("expert_id", flat=True))
    candidates, excluded = [], []
    for expert in sorted(pool, key=lambda e: e.pk):
        reason = _conflict(expert, unit_name, recent, assigned)
        if reason is None:
            candidates.append(expert.pk)
        else:
            excluded.append({"expert": expert.pk, "reason": reason})
    if len(candidates) < number:
        raise ExpertError(
            "expert.too_few",
            _(
                "%(art)s: the pool has %(count)s eligible experts of “%(field)s” (after the exclusions), fewer than "
                "the %(number)s asked for."
            )
            % {"art": ART_19, "count": len(candidates), "field": asked, "number": number},
            fields=("number",),
            status=409,
        )
    chosen = shuffled(candidates, seed)[:number]
    draw = ExpertDraw.objects.create(
        step=step,
        method=ExpertDraw.Method.RANDOM,
        field=asked,
        number=number,
        seed=seed,
        candidates=candidates,
        excluded=excluded,
        chosen=chosen,
        drawn_by=actor,
    )
    by_id = {expert.pk: expert for expert in pool}
    _assign(step, draw, [by_id[pk] for pk in chosen])
    sync_record(step, actor)
    _event(
        actor,
        draw,
        action="expert.drawn",
        decision_id=decision.pk,
        role=acting_role(actor, Action.WORK_ON_STEP, decision),
        after={
            "step": step.pk,
            "field": asked,
            "number": number,
            "seed": seed,
            "candidates": candidates,
            "excluded": excluded,
            "chosen": chosen,
        },
    )
    return draw


@transaction.atomic
def choose_experts_manually(*, step: Step, actor: User, expert_ids, reason: str) -> ExpertDraw:
    """The unit's drafter chooses experts of the pool by hand: only with a reason, never one with a conflict."""
    decision, step = _lock_unit_step(step, actor)
    reason = _text(
        reason,
        TEXT_MAX,
        "expert.manual_reason",
        "reason",
        _("%(art)s: a manual choice of experts needs its reason.") % {"art": ART_19},
    )
    try:
        ids = sorted({int(pk) for pk in expert_ids or ()})
    except (TypeError, ValueError):
        ids = []
    if not ids or len(ids) > MAX_DRAWN:
        raise ExpertError(
            "expert.choice",
            _("Choose from 1 to %(max)s experts of the pool.") % {"max": MAX_DRAWN},
            fields=("experts",),
        )
    experts = list(Expert.objects.filter(pk__in=ids, organ_id=decision.organ_id, status=Expert.Status.ACTIVE))
    if len(experts) != len(ids):
        raise ExpertError("expert.choice", _("Choose active experts of the organ's pool."), fields=("experts",))
    unit_name = _normalised(decision.undertaking_unit.name) if decision.undertaking_unit_id else ""
    recent = _recent_counts(ids)
    assigned = set(step.expert_assignments.values_list("expert_id", flat=True))
    for expert in experts:
        conflict = _conflict(expert, unit_name, recent, assigned)
        if conflict is not None:
            raise ExpertError(
                f"expert.{conflict}",
                _("%(expert)s cannot be chosen: %(reason)s.")
                % {"expert": expert.name, "reason": exclusion_label(conflict)},
                fields=("experts",),
                status=409,
            )
    draw = ExpertDraw.objects.create(
        step=step,
        method=ExpertDraw.Method.MANUAL,
        number=len(ids),
        candidates=ids,
        chosen=ids,
        manual_reason=reason,
        drawn_by=actor,
    )
    _assign(step, draw, experts)
    sync_record(step, actor)
    _event(
        actor,
        draw,
        action="expert.chosen_manually",
        decision_id=decision.pk,
        role=acting_role(actor, Action.WORK_ON_STEP, decision),
        after={"step": step.pk, "chosen": ids},
        reason=reason,
    )
    return draw


# ---------------------------------------------------------------- the expert's acts


def _ensure_own(assignment: ExpertAssignment, actor: User) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise ExpertError("permission.login", _("You must be logged in."), status=403)
    if assignment.expert.user_id is None or assignment.expert.user_id != actor.pk:
        raise ExpertError(
            "permission.expert", _("Only the expert assigned acts on this assignment (Decree 713 Art. 20)."), status=403
        )


@transaction.atomic
def declare(*, assignment: ExpertAssignment, actor: User, no_conflict: bool, interest_statement: str = ""):
    """The expert declares, before seeing the materials, whether they have a direct interest in the matter; a direct
    interest excludes them from the round (Art. 20)."""
    _decision, step, assignment = _lock_assignment(assignment)
    _ensure_own(assignment, actor)
    _ensure_round_open(step)
    if assignment.declaration:
        raise ExpertError(
            "expert.already_declared",
            _("The declaration was made on %(date)s; it is not made twice.")
            % {"date": timezone.localtime(assignment.declared_at).strftime("%Y-%m-%d")},
            status=409,
        )
    statement = _text(interest_statement, TEXT_MAX, "expert.interest", "interest_statement")
    if not no_conflict and not statement:
        raise ExpertError(
            "expert.interest",
            _("Decree 713 Art. 20: say what the direct interest is."),
            fields=("interest_statement",),
        )
    Declaration = ExpertAssignment.Declaration
    assignment.declaration = Declaration.NO_CONFLICT if no_conflict else Declaration.DIRECT_INTEREST
    assignment.interest_statement = statement
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["declaration", "interest_statement", "declared_at"])
    sync_record(step, actor)
    _event(
        actor,
        assignment,
        action="expert.declared",
        decision_id=step.decision_id,
        role=Role.EXPERT,
        after={"declaration": assignment.declaration},
    )
    return assignment


def signature_of(assignment: ExpertAssignment) -> str:
    """SHA-256 over the expert, the round, the opinion, its text and the moment it was signed."""
    parts = [
        str(assignment.expert_id),
        str(assignment.step_id),
        assignment.opinion,
        assignment.opinion_text,
        assignment.signed_at.isoformat() if assignment.signed_at else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _opinion_document(assignment: ExpertAssignment, actor: User, uploaded_file) -> Document:
    """The opinion's document, kept as a document version of the expert-review step. `decisions.services.
    add_document` refuses the expert (their role records no step), so the file is checked the same way
    (`check_upload`: type, content, size; SHA-256) and the version numbered as it numbers them."""
    checked = check_upload(uploaded_file)
    step = assignment.step
    title = _("Expert opinion %(number)s") % {"number": assignment.pk}
    document = Document(
        decision_id=step.decision_id,
        step=step,
        kind=Document.Kind.OPINION,
        title=title,
        version=next_version(step.decision, step, Document.Kind.OPINION, title),
        original_name=(uploaded_file.name or "")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        is_public=False,
        uploaded_by=actor,
    )
    document.file.save(f"upload.{checked.extension}", uploaded_file, save=False)
    stored = document.file.name
    try:
        document.save()
    except Exception:
        document.file.storage.delete(stored)
        raise
    return document


@transaction.atomic
def submit_opinion(*, assignment: ExpertAssignment, actor: User, opinion: str, text: str, document=None):
    """The expert submits their signed opinion, once, after declaring no direct interest (Art. 20–21)."""
    _decision, step, assignment = _lock_assignment(assignment)
    _ensure_own(assignment, actor)
    _ensure_round_open(step)
    Declaration = ExpertAssignment.Declaration
    if assignment.declaration == Declaration.DIRECT_INTEREST:
        raise ExpertError(
            "expert.direct_interest",
            _("Decree 713 Art. 20: an expert with a direct interest in the matter gives no opinion on it."),
            status=409,
        )
    if assignment.declaration != Declaration.NO_CONFLICT:
        raise ExpertError(
            "expert.undeclared",
            _("Decree 713 Art. 20: declare first whether you have a direct interest in the matter."),
            status=409,
        )
    if assignment.signed_at is not None:
        raise ExpertError(
            "expert.already_signed", _("The opinion was signed; a signed opinion is not changed."), status=409
        )
    if opinion not in ExpertAssignment.Opinion.values or not opinion:
        raise ExpertError("expert.opinion", _("Choose the opinion."), fields=("opinion",))
    text = _text(text, TEXT_MAX, "expert.opinion_text", "text", _("Give the text of the opinion."))
    if document is not None:
        assignment.opinion_document = _opinion_document(assignment, actor, document)
    assignment.opinion, assignment.opinion_text = opinion, text
    assignment.signed_at = timezone.now()
    assignment.signature = signature_of(assignment)
    assignment.save(update_fields=["opinion", "opinion_text", "opinion_document", "signature", "signed_at"])
    _event(
        actor,
        assignment,
        action="expert.opinion_submitted",
        decision_id=step.decision_id,
        role=Role.EXPERT,
        after={
            "opinion": opinion,
            "signature": assignment.signature,
            "document": assignment.opinion_document_id,
        },
    )
    return assignment


# ---------------------------------------------------------------- the unit's answer


@transaction.atomic
def answer_opinion(*, assignment: ExpertAssignment, actor: User, usage: str, reason: str = ""):
    """The undertaking unit records how the opinion was used: adopted, partly adopted or not (with the reason)."""
    decision, step, assignment = _lock_assignment(assignment)
    action = _unit_action(actor, decision)
    _ensure_round_open(step)
    if not assignment.signed_at:
        raise ExpertError("expert.no_opinion", _("The expert has not submitted an opinion to answer yet."), status=409)
    Usage = ExpertAssignment.Usage
    if usage not in Usage.values or not usage:
        raise ExpertError("expert.usage", _("Choose how the opinion was used."), fields=("usage",))
    reason = _text(reason, TEXT_MAX, "expert.usage_reason", "reason")
    if usage != Usage.ADOPTED and not reason:
        raise ExpertError(
            "expert.usage_reason",
            _("Decree 713 Art. 21: give the reason why the opinion was not fully adopted."),
            fields=("reason",),
        )
    before = assignment.usage
    assignment.usage, assignment.usage_reason = usage, reason
    assignment.usage_by, assignment.usage_at = actor, timezone.now()
    assignment.save(update_fields=["usage", "usage_reason", "usage_by", "usage_at"])
    _event(
        actor,
        assignment,
        action="expert.opinion_answered",
        decision_id=decision.pk,
        role=acting_role(actor, action, decision),
        before={"usage": before},
        after={"usage": usage},
        reason=reason,
    )
    return assignment
