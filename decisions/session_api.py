"""Executive meetings on the API (/api/v1/meetings/…, Decree 713 Art. 30), as the staff workspace has them
(`session_views`): the organ-wide roles of the organ read its meetings, the government office plans them, puts the
decisions awaiting discussion on the agenda and records each item's discussion.

No rule lives here: who reads is `session_views._organ_id` (anyone else finds nothing: 404), the input goes through
the staff page's forms (`MeetingSessionForm`, `AgendaItemRecordForm`), the acts through `services.sessions`. Answers
of a POST:

* 201 — planned, or put on the agenda; 200 — an item's discussion recorded;
* 400 — bad input: the form is invalid (`input.invalid`), or the service refused a value sent (its code, e.g.
  `meeting.not_present`, `meeting.required_changes`; `missing` names the fields);
* 403 — not logged in, or not the organ's government office (`permission.*`);
* 404 — no such meeting (or item) for this user;
* 409 — refused by the state: the decision is not awaiting discussion, is on the agenda already, the item is
  recorded already, …

Nothing changes on a refusal: each service is one transaction.
"""

from datetime import date

from django.db.models import Prefetch, prefetch_related_objects
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import ApiRefusal, ErrorSerializer

from . import services
from .api import MAX_ID, _form_data
from .errors import ProcedureError
from .forms import AgendaItemRecordForm, CollectiveDecisionForm, MeetingSessionForm
from .models import AgendaItem, Decision, Meeting, MeetingSession, MeetingSpeaker
from .selectors import materials_pack
from .session_views import _organ_id

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Bad input (code input.invalid, or the service's code).")),
    403: OpenApiResponse(ErrorSerializer, description=_("Not logged in, or not permitted (code permission.*).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such meeting or agenda item for this user.")),
    409: OpenApiResponse(ErrorSerializer, description=_("Refused by the state of the meeting or the decision.")),
}


def _errors(*statuses: int) -> dict:
    return {status: ERRORS[status] for status in statuses}


# ---------------------------------------------------------------- serializers


class MeetingMaterialDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class MeetingMaterialSerializer(serializers.Serializer):
    """One row of what the meeting reads for a decision (`selectors.materials_pack`)."""

    label = serializers.CharField()
    ok = serializers.BooleanField(help_text=_("False: the row names what is missing."))
    detail = serializers.CharField()
    documents = MeetingMaterialDocumentSerializer(many=True)


class MemberViewSerializer(serializers.ModelSerializer):
    view_label = serializers.CharField(source="get_view_display", read_only=True)

    class Meta:
        model = MeetingSpeaker
        fields = ["order", "name", "view", "view_label", "remarks"]
        read_only_fields = fields


class AgendaRecordSerializer(serializers.ModelSerializer):
    """The item's discussion as recorded: the decision's own meeting record."""

    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    members = MemberViewSerializer(source="speakers", many=True, read_only=True)
    dissenters = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "outcome",
            "outcome_label",
            "head_statement",
            "head_departure_reason",
            "required_changes",
            "majority",
            "members",
            "dissenters",
            "recorded_at",
        ]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    decision = serializers.IntegerField(source="decision_id", read_only=True)
    decision_number = serializers.CharField(source="decision.number", read_only=True)
    decision_title = serializers.CharField(source="decision.title", read_only=True)
    materials = serializers.SerializerMethodField()
    record = AgendaRecordSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = ["order", "decision", "decision_number", "decision_title", "materials", "record"]
        read_only_fields = fields

    @extend_schema_field(MeetingMaterialSerializer(many=True))
    def get_materials(self, item) -> list[dict]:
        return MeetingMaterialSerializer(materials_pack(item.decision), many=True).data


class MeetingSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    present_names = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("The members present, in the order listed.")
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = MeetingSession
        fields = [
            "id",
            "kind",
            "kind_label",
            "name",
            "held_on",
            "members_total",
            "head_name",
            "attendance",
            "present_names",
            "absent",
            "observers",
            "created_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, session) -> str:
        path = reverse("api:meeting", kwargs={"pk": session.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class MeetingDetailSerializer(MeetingSerializer):
    agenda = AgendaItemSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda"]
        read_only_fields = fields


class AgendaItemRequestSerializer(serializers.Serializer):
    decision = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("A decision awaiting discussion."))


# ---------------------------------------------------------------- views


class MeetingCursorPagination(CursorPagination):
    """Newest meeting first (by date, then as recorded): no COUNT(*), and meetings recorded meanwhile never shift a
    page."""

    ordering = ("-held_on", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request):
        """DRF's cursor, and its position must be a date: anything else is the same 404 as an undecodable cursor,
        never a query the database refuses."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            try:
                date.fromisoformat(cursor.position)
            except (TypeError, ValueError):
                raise NotFound(self.invalid_cursor_message) from None
        return cursor


def _session(request, pk: int) -> MeetingSession:
    return get_object_or_404(MeetingSession.objects.select_related("organ"), pk=pk, organ_id=_organ_id(request))


def _agenda() -> Prefetch:
    """The agenda in order, each item's decision and record with its members' views."""
    return Prefetch(
        "agenda", queryset=AgendaItem.objects.select_related("decision", "record").prefetch_related("record__speakers")
    )


def _detail(request, session: MeetingSession, status: int = 200) -> Response:
    prefetch_related_objects([session], _agenda())
    data = MeetingDetailSerializer(session, context={"request": request}).data
    return Response(data, status=status)


def _require_office(request, session_organ) -> None:
    """The government office acts; the other organ-wide roles read only (403 whatever they send)."""
    if not services.may_plan_meetings(request.user, session_organ):
        raise ApiRefusal(
            403,
            "permission.role",
            _("Only the organ's government office plans and records its executive meetings."),
        )


def _item(session: MeetingSession, order: int) -> AgendaItem:
    return get_object_or_404(_agenda().queryset, session=session, order=order)


@extend_schema(tags=["meetings"])
class MeetingListView(generics.ListAPIView):
    """The organ's executive meetings, newest first — for the organ-wide roles (the government office, the legal
    office, the supervisor, the auditor); the government office plans one with POST."""

    serializer_class = MeetingSerializer
    pagination_class = MeetingCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MeetingSession.objects.none()
        return MeetingSession.objects.filter(organ_id=_organ_id(self.request))

    @extend_schema(responses={200: MeetingSerializer(many=True), **_errors(403, 404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        description=_(
            "Plan a meeting, as the staff page's form: `kind`, `name`, `held_on`, `members_total`, `head_name`, "
            "`attendance` (one name a line), `absent`, `observers`."
        ),
        responses={201: MeetingDetailSerializer, **_errors(400, 403, 404)},
    )
    def post(self, request, *args, **kwargs):
        _organ_id(request)
        organ = request.user.organization.organ
        _require_office(request, organ)
        form = MeetingSessionForm(_form_data(MeetingSessionForm, request.data))
        if not form.is_valid():
            raise ValidationError(form.errors)  # answered with the common body by accounts.api
        try:
            session = services.plan_meeting(organ=organ, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            raise ApiRefusal.answering(refusal) from refusal
        return _detail(request, session, status=201)


@extend_schema(tags=["meetings"])
class MeetingDetailView(APIView):
    """A meeting with its attendance and its agenda in order: each item's decision, the materials the meeting reads
    for it, and once discussed its record (the members' views in order, the head's decision, the dissenters)."""

    @extend_schema(responses={200: MeetingDetailSerializer, **_errors(403, 404)})
    def get(self, request, pk: int):
        return _detail(request, _session(request, pk))


@extend_schema(tags=["meetings"])
class AgendaItemCreateView(APIView):
    @extend_schema(
        request=AgendaItemRequestSerializer,
        description=_("Put a decision awaiting discussion of the organ on the agenda (at the end)."),
        responses={201: AgendaItemSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int):
        session = _session(request, pk)
        _require_office(request, session.organ)
        given = AgendaItemRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        decision = Decision.objects.filter(organ=session.organ, pk=given.validated_data["decision"]).first()
        try:
            if decision is None:
                raise ProcedureError(
                    "meeting.agenda_decision", _("Choose a decision awaiting discussion."), fields=("decision",)
                )
            item = services.add_agenda_item(session=session, actor=request.user, decision=decision)
        except ProcedureError as refusal:
            raise ApiRefusal.answering(refusal) from refusal
        return Response(AgendaItemSerializer(_item(session, item.order)).data, status=201)


def _record_data(data):
    """The JSON body as `AgendaItemRecordForm` reads it: its fields as the transition endpoint takes them
    (`decisions.api._form_data`), `members` a list of {name, view, remarks} made into the formset's rows as for
    a single discussion (`CollectiveDecisionForm`). A form-encoded body is read as the page sends it."""
    cleaned = _form_data(AgendaItemRecordForm, data)
    if isinstance(data, QueryDict):  # a form-encoded body: the page's own formset rows
        return cleaned
    members = data.get("members", [])
    if not isinstance(members, list):
        raise ValidationError({"members": [_("Send the members' views as a list of {name, view, remarks}.")]})
    rows = CollectiveDecisionForm._members_data({"members": members})
    return {name: value for name, value in cleaned.items() if name != "members"} | rows


def _record_errors(form: AgendaItemRecordForm) -> dict:
    """The form's errors, and the members' rows' under `members` (numbered from 1), as the single discussion's."""
    errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
    if not form.members.is_valid():
        errors["members"] = [str(error) for error in form.members.non_form_errors()] + [
            f"{number}：{' '.join(str(e) for messages in row.values() for e in messages)}"
            for number, row in enumerate(form.members.errors, start=1)
            if row
        ]
    return errors


@extend_schema(tags=["meetings"])
class AgendaItemRecordView(APIView):
    @extend_schema(
        request=OpenApiTypes.OBJECT,
        description=_(
            "Record the item's discussion: `members` (a list of {name, view, remarks} in the order spoken, the head "
            "not among them), `head_statement`, `outcome`, `head_departure_reason`, `required_changes`; the meeting "
            "gives its name, date, members and head."
        ),
        responses={200: AgendaItemSerializer, **_errors(400, 403, 404, 409)},
    )
    def post(self, request, pk: int, order: int):
        session = _session(request, pk)
        item = _item(session, order)
        _require_office(request, session.organ)
        form = AgendaItemRecordForm(_record_data(request.data))
        if not form.is_valid():
            raise ValidationError(_record_errors(form))  # answered with the common body by accounts.api
        try:
            services.record_agenda_item(item=item, actor=request.user, **form.cleaned_data)
        except ProcedureError as refusal:
            raise ApiRefusal.answering(refusal) from refusal
        return Response(AgendaItemSerializer(_item(session, order)).data)
