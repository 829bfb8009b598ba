from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Organization(models.Model):
    """A node of the organization tree: city → district → department."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government organ (decision organ)")
        DEPARTMENT = "department", _("Department")
        LEGAL_OFFICE = "legal_office", _("Legal office")
        GOVERNMENT_OFFICE = "government_office", _("Government office")
        THIRD_PARTY = "third_party", _("Third-party body")
        EXPERT_INSTITUTION = "expert_institution", _("Expert's institution")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("A stable identifier, e.g. 市司法局."))

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def ancestors_and_self(self) -> list["Organization"]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @cached_property
    def organ(self) -> "Organization | None":
        """The decision organ (决策机关) this organization belongs to: the nearest government ancestor."""
        for node in self.ancestors_and_self():
            if node.kind == self.Kind.GOVERNMENT:
                return node
        return None

    def descendant_ids(self) -> set[int]:
        """Ids of this organization and everything below it (the tree is small: one query per level)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class User(AbstractUser):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    # Set when the system administrator issues a one-time password: the user chooses their own before anything else.
    must_change_password = models.BooleanField(_("must change the password at next login"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role | str) -> bool:
        return self.is_authenticated and str(role) in self.role_names

    @property
    def primary_role(self) -> str:
        """The role recorded in ledger events: the first role this user holds, in Role order."""
        for role in Role:
            if role in self.role_names:
                return role.value
        return ""
