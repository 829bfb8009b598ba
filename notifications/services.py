"""What a member of staff does with their notices: read them, and choose how they come by e-mail."""

from django.utils import timezone

from .models import Notice, NoticePreference


def mark_read(user, notice: Notice) -> None:
    """Mark one of the user's own notices read (another person's notice is not theirs to touch)."""
    if notice.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at=None).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return Notice.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def set_email_mode(user, mode: str) -> NoticePreference:
    if mode not in NoticePreference.Mode.values:
        raise ValueError(mode)
    preference, _created = NoticePreference.objects.update_or_create(user=user, defaults={"email_mode": mode})
    return preference
