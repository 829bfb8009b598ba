"""The decisions' REST API (/api/v1/decisions/…): serializers and views over the selectors and services.

No rule lives here: reads go through `visible_decisions` / `decision_for` (another organization's decision is 404),
transitions through `registry.transition_input` (the staff page's own forms and services), refusals come
from the services. Answers of a transition (POST …/transitions/{name}/):

* 200 — done; the decision as the detail endpoint gives it;
* 403 — a permission refusal (`permission.*`), e.g. the role may not make this transition;
* 409 — a refusal of the rule or state (`procedure.wrong_state`, the guards' `rule1.steps_not_done`, …), with
  `missing` naming what the rule lacks (e.g. the step kinds not yet done);
* 400 — bad input: the form is invalid (`input.invalid`), or the service refused a value sent (the refusal names
  its `fields`); `missing` names the fields;
* 404 — no such decision for this user, or no such transition.

Nothing changes on a refusal: each service is one transaction.
"""

from django.db.models import Prefetch
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accountability.models import LedgerEvent
from accounts.api import ApiRefusal, ErrorSerializer
from workdays.calendar import WorkingDayCalendar

from . import services
from .access import decision_for
from .bounds import text_problem
from .deadlines import due_standing
from .errors import ProcedureError
from .filters import DecisionFilter
from .models import Adjustment, Decision, Step
from .permissions import Action, can
from .procedure import Requirement, StepKind, StepStatus, event_label
from .registry import transition_input, transition_inputs
from .selectors import ordered_current_steps, visible_decisions
from .services.lifecycle import DECISION_FLAGS

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Bad input (code input.invalid, or the service's code).")),
    403: OpenApiResponse(ErrorSerializer, description=_("Not logged in, or not permitted (code permission.*).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such decision for this user (code not_found).")),
    409: OpenApiResponse(ErrorSerializer, description=_("Refused by a rule of the procedure or the state.")),
}


MAX_ID = 2**63 - 1  # the largest bigint


def _errors(*statuses: int) -> dict:
    return {status: ERRORS[status] for status in statuses}


# ---------------------------------------------------------------- serializers


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DecisionFlagsSerializer(serializers.ModelSerializer):
    is_lawfully_confidential = serializers.BooleanField(read_only=True)
    is_adjustment = serializers.BooleanField(read_only=True)

    class Meta:
        model = Decision
        fields = [*DECISION_FLAGS, "is_confidential", "is_lawfully_confidential", "is_adjustment"]
        read_only_fields = fields


class AdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Adjustment
        fields = ["number", "purpose", "stage", "reason", "started_at", "due_on"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # Where the procedure stands: the adjustment's stage while one runs beside the decision in force, else `status`.
    procedure_state = serializers.CharField(read_only=True)
    adjustment = AdjustmentSerializer(read_only=True)
    organ = OrganizationRefSerializer(read_only=True)
    undertaking_unit = OrganizationRefSerializer(read_only=True)
    flags = DecisionFlagsSerializer(source="*", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "number",
            "title",
            "year",
            "scope_category",
            "status",
            "status_label",
            "procedure_state",
            "adjustment",
            "organ",
            "undertaking_unit",
            "flags",
            "adjustment_round",
            "term_end",
            "created_at",
            "status_changed_at",
            "decided_at",
            "published_at",
            "execution_started_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, decision) -> str:
        path = reverse("api:decision", kwargs={"pk": decision.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class StepSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    requirement_label = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    submitted_by = serializers.StringRelatedField(read_only=True)
    completed_by = serializers.StringRelatedField(read_only=True)
    working_days_left = serializers.SerializerMethodField(
        help_text=_(
            "Working days from today to `due_on` (negative: overdue by that many; null without a due date or once "
            "the step is done). Counted on a provisional calendar when `due_is_provisional`."
        )
    )

    class Meta:
        model = Step
        fields = [
            "id",
            "kind",
            "label",
            "round",
            "requirement",
            "requirement_label",
            "status",
            "status_label",
            "due_on",
            "due_is_provisional",
            "working_days_left",
            "submitted_at",
            "submitted_by",
            "completed_at",
            "completed_by",
        ]
        read_only_fields = fields

    def get_label(self, step) -> str:
        return str(StepKind(step.kind).label)

    def get_requirement_label(self, step) -> str:
        return str(Requirement(step.requirement).label)

    def get_status_label(self, step) -> str:
        return str(StepStatus(step.status).label)

    def get_working_days_left(self, step) -> int | None:
        standing = due_standing(step, calendar=self.context.get("calendar"))
        return standing.working_days_left if standing else None


class DecisionDetailSerializer(DecisionSerializer):
    execution_unit = OrganizationRefSerializer(read_only=True, allow_null=True)
    evaluator_org = OrganizationRefSerializer(read_only=True, allow_null=True)
    steps = serializers.SerializerMethodField()

    class Meta(DecisionSerializer.Meta):
        fields = [
            *DecisionSerializer.Meta.fields[:9],
            "summary",
            "execution_unit",
            "evaluator_org",
            *DecisionSerializer.Meta.fields[9:],
            "steps",
        ]
        read_only_fields = fields

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, decision) -> list[dict]:
        # One working-day calendar for every step's days left (the Holiday table read once per year, not per step).
        context = {**self.context, "calendar": WorkingDayCalendar()}
        return StepSerializer(ordered_current_steps(decision), many=True, context=context).data


class LedgerEventSerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = LedgerEvent
        fields = [
            "id",
            "occurred_at",
            "action",
            "action_label",
            "actor",
            "actor_name",
            "role",
            "organization",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "reason",
            "client_address",
            "algorithm",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields

    def get_action_label(self, event) -> str:
        return str(event_label(event.action))


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    rule = serializers.CharField()
    needs_reason = serializers.BooleanField()
    inputs = serializers.ListField(child=serializers.CharField(), help_text=_("The fields to send (JSON)."))
    allowed = serializers.BooleanField()
    code = serializers.CharField(allow_null=True, help_text=_("Why not, when refused: a stable code."))
    message = serializers.CharField(allow_null=True, help_text=_("Why not, when refused: the reason."))
    missing = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()


# ---------------------------------------------------------------- views


class DecisionCursorPagination(CursorPagination):
    """Newest first by id (a stable, unique key): no COUNT(*), and rows added meanwhile never shift a page."""

    ordering = "-id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request):
        """DRF's cursor, and its position must be an id (a whole number a bigint holds): anything else is the same
        404 as an undecodable cursor, never a query the database refuses."""
        cursor = super().decode_cursor(request)
        position = cursor.position if cursor is not None else None
        if position is not None and not (
            position.isascii() and position.isdigit() and len(position) <= 19 and int(position) <= MAX_ID
        ):
            raise NotFound(self.invalid_cursor_message)
        return cursor


class LedgerCursorPagination(DecisionCursorPagination):
    page_size = 50


def _detailed(pk: int) -> Decision:
    """The decision with its steps and their people, as the detail answer shows it (no visibility check: only for
    the answer to a transition the user has just made)."""
    return (
        Decision.objects.select_related("organ", "undertaking_unit", "execution_unit", "evaluator_org", "adjustment")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.select_related("submitted_by", "completed_by")))
        .get(pk=pk)
    )


@extend_schema(tags=["decisions"])
class DecisionListView(generics.ListAPIView):
    """The decisions the user may see, newest first, filtered like the staff list page."""

    serializer_class = DecisionSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = DecisionFilter
    pagination_class = DecisionCursorPagination

    def get_queryset(self):
        return visible_decisions(self.request.user).select_related("organ", "undertaking_unit", "adjustment")

    @extend_schema(responses={200: DecisionSerializer(many=True), **_errors(400, 403)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["decisions"])
class DecisionDetailView(generics.RetrieveAPIView):
    """One decision with its current steps (the latest round of each kind)."""

    serializer_class = DecisionDetailSerializer

    def get_object(self):
        return decision_for(self.request.user, self.kwargs["pk"], detailed=True)

    @extend_schema(responses={200: DecisionDetailSerializer, **_errors(403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["decisions"])
class DecisionLedgerView(generics.ListAPIView):
    """The decision's audit ledger events, newest first — for those allowed to read the ledger."""

    serializer_class = LedgerEventSerializer
    pagination_class = LedgerCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LedgerEvent.objects.none()
        decision = decision_for(self.request.user, self.kwargs["pk"])
        verdict = can(self.request.user, Action.VIEW_LEDGER, decision)
        if not verdict:
            raise ApiRefusal(403, verdict.code, verdict.message)
        return LedgerEvent.objects.filter(decision_id=decision.pk)

    @extend_schema(responses={200: LedgerEventSerializer(many=True), **_errors(403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _transition_url(request, decision: Decision, name: str) -> str:
    return request.build_absolute_uri(reverse("api:decision_transition", kwargs={"pk": decision.pk, "name": name}))


@extend_schema(tags=["decisions"])
class DecisionTransitionsView(APIView):
    """Every transition from the decision's current state, and why this user may not make it now (as the page)."""

    @extend_schema(responses={200: TransitionOptionSerializer(many=True), **_errors(403, 404)})
    def get(self, request, pk: int):
        decision = decision_for(request.user, pk, detailed=True)
        options = [
            {
                "name": transition.name,
                "label": transition.label,
                "rule": transition.rule,
                "needs_reason": transition.needs_reason,
                "inputs": list(transition_input(transition.name).form_class.base_fields),
                "allowed": refusal is None,
                "code": refusal.code if refusal else None,
                "message": refusal.message if refusal else None,
                "missing": list(refusal.missing) if refusal else [],
                "url": _transition_url(request, decision, transition.name),
            }
            for transition, refusal in services.transition_options(decision, request.user)
        ]
        return Response(TransitionOptionSerializer(options, many=True).data)


def _inputs_description() -> str:
    lines = [
        "Performs the transition through the same form and service as the staff page. Send the form's fields as "
        "JSON; each transition's fields:",
        "",
    ]
    for name, entry in transition_inputs().items():
        fields = ", ".join(f"`{field}`" for field in entry.form_class.base_fields) or "—"
        lines.append(f"* `{name}`: {fields}")
    return "\n".join(lines)


def _form_data(form_class, data) -> dict:
    """The JSON body as the transition's form reads it: an object whose fields hold text, numbers, true/false or
    null (numbers and booleans as the text a browser would send); a list only where the form takes one (the
    meeting's `members`, a field of several choices). Anything else is bad input (400), never a form that fails."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send the transition's fields as a JSON object.")]})
    if isinstance(data, QueryDict):  # a form-encoded body: text only, as from a page
        return data
    fields = form_class.base_fields
    cleaned, wrong = {}, {}
    for name, value in data.items():
        field = fields.get(name)
        if text_problem(name) == "surrogate" or text_problem(value) == "surrogate":
            # Not Unicode text at all (JSON's "\ud800"): refused before a form could echo it in a message.
            wrong[str(name).encode("utf-8", "replace").decode()] = _("Text must be valid Unicode.")
        elif isinstance(value, bool):
            cleaned[name] = "true" if value else "false"
        elif isinstance(value, int | float):
            cleaned[name] = str(value)
        elif (
            isinstance(value, list | dict)
            and field is not None
            and not (isinstance(value, list) and getattr(field.widget, "allow_multiple_selected", False))
        ):
            wrong[name] = _("Send a single value.")
        else:
            cleaned[name] = value
    if wrong:
        raise ValidationError({name: [message] for name, message in wrong.items()})
    return cleaned


@extend_schema(tags=["decisions"])
class DecisionTransitionView(APIView):
    @extend_schema(
        description=_inputs_description(),
        request=OpenApiTypes.OBJECT,
        responses={200: DecisionDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int, name: str):
        decision = decision_for(request.user, pk, detailed=True)
        entry = transition_input(name)
        if entry is None:
            raise NotFound(_("No such transition."))
        # Permission, state and the guards first, as the service checks them: no input makes a refused move possible.
        refusal = services.transition_refusal(decision, name, request.user)
        if refusal is not None:
            raise ApiRefusal.answering(refusal)
        form = entry.form(decision, _form_data(entry.form_class, request.data))
        if not form.is_valid():
            raise ValidationError(form.errors)  # answered with the common body by accounts.api
        try:
            entry.perform(decision, request.user, dict(form.cleaned_data))
        except ProcedureError as error:
            raise ApiRefusal.answering(error) from error
        return Response(DecisionDetailSerializer(_detailed(decision.pk), context={"request": request}).data)
