from django.db import models
from django.utils.translation import gettext_lazy as _


class Holiday(models.Model):
    """A day the legal office enters from the State Council's yearly holiday notice. Wins over chinese-calendar."""

    class Kind(models.TextChoices):
        REST_DAY = "rest", _("Rest day (holiday)")
        WORKING_DAY = "work", _("Make-up working day (调休)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("holiday calendar day")
        verbose_name_plural = _("holiday calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
