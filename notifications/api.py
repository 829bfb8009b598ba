"""The notices API (/api/v1/notices/): one's own notices, read one, read all. Nobody reaches another's (404)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .models import Notice
from .selectors import inbox, unread_count


class NoticeSerializer(serializers.ModelSerializer):
    decision_number = serializers.CharField(source="decision.number", read_only=True, default=None)
    step_kind = serializers.CharField(source="step.kind", read_only=True, default=None)

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "threshold",
            "subject",
            "url",
            "due_on",
            "decision",
            "decision_number",
            "step",
            "step_kind",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


class NoticePagination(PageNumberPagination):
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"


@extend_schema(tags=["notices"])
class NoticeListView(generics.ListAPIView):
    """The user's notices, newest first; `?unread=1` for the unread ones only."""

    serializer_class = NoticeSerializer
    pagination_class = NoticePagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notice.objects.none()
        return inbox(self.request.user, unread_only=self.request.query_params.get("unread") == "1")


_Count = inline_serializer("NoticeCount", {"unread": serializers.IntegerField()})


@extend_schema(tags=["notices"])
class NoticeReadView(APIView):
    """Mark one of the user's notices read."""

    @extend_schema(request=None, responses={200: _Count})
    def post(self, request, pk: int):
        notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
        services.mark_read(request.user, notice)
        return Response({"unread": unread_count(request.user)})


@extend_schema(tags=["notices"])
class NoticeReadAllView(APIView):
    """Mark all the user's notices read."""

    @extend_schema(request=None, responses={200: _Count})
    def post(self, request):
        services.mark_all_read(request.user)
        return Response({"unread": unread_count(request.user)})


NOT_FOUND = _("No such notice.")
