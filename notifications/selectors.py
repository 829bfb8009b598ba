"""Reads of a person's notices."""

from django.db.models import QuerySet

from .models import Notice, NoticePreference


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notice]:
    notices = Notice.objects.filter(recipient=user).select_related("decision", "step")
    return notices.filter(read_at=None) if unread_only else notices


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at=None).count()


def email_mode(user) -> str:
    preference = NoticePreference.objects.filter(user=user).first()
    return preference.email_mode if preference else NoticePreference.Mode.IMMEDIATE
