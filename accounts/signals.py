"""Plumbing guard: whatever path adds groups (admin, shell, fixtures), the three-administrator rule holds."""

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .models import User


@receiver(m2m_changed, sender=User.groups.through)
def refuse_two_administrator_roles(sender, instance, action, pk_set, reverse, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    from .services import check_separated_admins

    if reverse:  # group.user_set.add(users…): check each user
        for user in User.objects.filter(pk__in=pk_set):
            check_separated_admins(
                current_roles=set(user.groups.values_list("name", flat=True)), adding={instance.name}
            )
        return
    adding_names = set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
    check_separated_admins(current_roles=set(instance.groups.values_list("name", flat=True)), adding=adding_names)
