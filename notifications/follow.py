"""Citizens who follow a published decision, or an organ's catalog, by e-mail: no account, double opt-in.

* `request_follow` — the follow form and the API (POST /api/v1/follows/): an unconfirmed `Follow` with a random token
  and a confirmation mail through the outbox. The answer is the same whatever the address already follows ("check
  your mail"): an address that already follows the target gets no second mail; one that unsubscribed is asked to
  confirm again. Rate-limited per client address and per e-mail address (`check_rate`).
* `confirm_follow`, `unsubscribe` — by the token in the mail's links; no login. Unsubscribing is immediate and works
  the same for the page's button and a mail client's RFC 8058 one-click POST.
* `notify_followers` — called for each ledger event (`accountability.ledger.event_recorded`, connected in
  `notifications/signals.py`), inside the business transaction: one mail row per active follower per event, keyed
  "follow:<follow>:<event>", queued in batches (a rolled-back act queues nothing; the same event twice queues
  nothing twice). `DECISION_EVENTS` and `CATALOG_EVENTS` below map ledger actions to what followers are told.

Only what the public may see is ever told: a decision's followers hear of it only while it is a public decision
(`decisions.selectors.public_decisions`: never a lawfully confidential one), an organ's followers of a decision
entering its catalog only when nobody claimed it confidential. The address is never shown anywhere.
"""

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.errors import Refusal
from accounts.models import Organization
from accounts.ratelimit import over_limit
from catalog.selectors import publicly_listed_decisions
from decisions.models import Decision
from decisions.procedure import AdjustmentStage
from decisions.selectors import public_decisions

from .models import Follow, OutgoingMail
from .outbox import queue_mail, wake_relay_on_commit

log = logging.getLogger(__name__)

# A confirmation link works for this many days after the (last) request; unsubscribe links work for ever.
CONFIRM_DAYS = 7
# Followers are read and their mail rows written this many at a time: an event with 10,000 followers costs
# about 2 × 10,000 / BATCH_SIZE queries.
BATCH_SIZE = 500

# Why the address is asked for (PIPL Art. 17): shown on the form, said again in every confirmation mail.
PURPOSE = gettext_lazy(
    "Your e-mail address is used only to send you the notices you ask for here: first a mail to confirm, then one "
    "mail each time something public happens to what you follow. It is never shown on the site or passed on to "
    "anyone, and every mail carries a link that stops the mails at once."
)


class FollowRefusal(Refusal):
    """A follow request refused; `status` is the HTTP status the page and the API answer (`wait`: seconds, for 429)."""

    def __init__(self, code: str, message, *, status: int = 400, wait: int | None = None, fields=()):
        super().__init__(code, message, fields=fields)
        self.status = status
        self.wait = wait


# ---------------------------------------------------------------- what may be followed


def followable_decisions():
    """Published decisions, and the decisions a published catalog lists (never a confidential one): the same as the
    portal shows."""
    return public_decisions() | publicly_listed_decisions()


def followable_organs():
    """The decision organs (government organs), whose catalogs may be followed."""
    return Organization.objects.filter(kind=Organization.Kind.GOVERNMENT).order_by("name", "pk")


def normalize_email(email: str) -> str:
    """One address, one follower: compared without surrounding blanks and case."""
    return (email or "").strip().lower()


# ---------------------------------------------------------------- rate limits


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_rate(*, client_address: str, email: str) -> None:
    """At most FOLLOW_RATE_PER_ADDRESS requests an hour from one client address and FOLLOW_RATE_PER_EMAIL for one
    e-mail address (whatever it follows), counted in the cache like the rest of the request's throttles. With the
    cache down the requests are not counted (logged): the double opt-in still sends nothing unconfirmed but the one
    confirmation mail."""
    window = _setting("FOLLOW_RATE_WINDOW_SECONDS", 3600)
    limits = (
        ("address", client_address or "unknown", _setting("FOLLOW_RATE_PER_ADDRESS", 20)),
        ("email", email, _setting("FOLLOW_RATE_PER_EMAIL", 5)),
    )
    if over_limit("follow", limits, window):
        raise FollowRefusal(
            "follow.rate_limited", _("Too many requests to follow; try again in an hour."), status=429, wait=window
        )


# ---------------------------------------------------------------- links and mails


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_url(follow: Follow) -> str:
    return site_url(reverse("portal:follow_confirm", args=[follow.token]))


def unsubscribe_url(follow: Follow) -> str:
    return site_url(reverse("portal:follow_unsubscribe", args=[follow.token]))


def unsubscribe_headers(url: str) -> dict:
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs `List-Unsubscribe=One-Click`."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def describe_target(follow: Follow) -> str:
    if follow.decision_id:
        decision = follow.decision
        return _("the decision “%(title)s” (%(number)s)") % {"title": decision.title, "number": decision.number}
    return _("the major administrative decisions of %(organ)s") % {"organ": follow.organ.name}


def _footer(target: str, unsubscribe: str) -> list[str]:
    return [
        "-- ",
        _("You receive this mail because this address asked to follow %(target)s on Juece.") % {"target": target},
        _("Stop these mails (one click, no login): %(url)s") % {"url": unsubscribe},
    ]


def _queue_confirmation(follow: Follow) -> None:
    sent = OutgoingMail.objects.filter(key__startswith=f"follow-confirm:{follow.pk}:").count()
    with translation.override(settings.LANGUAGE_CODE):
        target = describe_target(follow)
        unsubscribe = unsubscribe_url(follow)
        body = [
            _("Someone — we hope it was you — asked Juece to send this address notices about %(target)s.")
            % {"target": target},
            "",
            _("To confirm, open this link and press the button there (valid for %(days)s days):")
            % {"days": CONFIRM_DAYS},
            confirm_url(follow),
            "",
            _("If you did not ask, ignore this mail: nothing more is sent unless the address is confirmed."),
            "",
            str(PURPOSE),
            "",
            *_footer(target, unsubscribe),
        ]
        queue_mail(
            key=f"follow-confirm:{follow.pk}:{sent + 1}",
            to=follow.email,
            subject=_("Please confirm: e-mail notices about %(target)s") % {"target": target},
            body="\n".join(body),
            headers=unsubscribe_headers(unsubscribe),
        )
    wake_relay_on_commit()


# ---------------------------------------------------------------- the citizen's acts


def request_follow(
    *, email: str, decision: Decision | None = None, organ: Organization | None = None, client_address: str = ""
) -> None:
    """Ask to follow a published decision or an organ's catalog. Whatever the address already follows, the caller
    answers the same ("check your mail"): a new or unsubscribed follower gets a confirmation mail, one still
    unconfirmed gets it again, one already following gets nothing."""
    if (decision is None) == (organ is None):
        raise ValueError("follow exactly one decision or one organ")
    email = normalize_email(email)
    if decision is not None and not followable_decisions().filter(pk=decision.pk).exists():
        raise FollowRefusal("not_found", _("No such public decision."), status=404)
    if organ is not None and organ.kind != Organization.Kind.GOVERNMENT:
        raise FollowRefusal("not_found", _("No such decision organ."), status=404)
    check_rate(client_address=client_address, email=email)
    target = {"decision": decision} if decision is not None else {"organ": organ}
    with transaction.atomic():
        follow = Follow.objects.select_for_update().filter(email=email, **target).first()
        if follow is None:
            try:
                with transaction.atomic():
                    follow = Follow.objects.create(email=email, token=secrets.token_urlsafe(32), **target)
            except IntegrityError:  # the same address asked at the same moment: go on with its row
                follow = Follow.objects.select_for_update().get(email=email, **target)
        elif follow.active:
            return  # already following: no second confirmation, and the answer does not tell
        else:
            follow.confirmed_at = follow.unsubscribed_at = None  # asked again (after unsubscribing: confirm again)
            follow.created_at = timezone.now()
            follow.save(update_fields=["confirmed_at", "unsubscribed_at", "created_at"])
        _queue_confirmation(follow)


class Outcome:
    CONFIRMED = "confirmed"
    ALREADY = "already"
    EXPIRED = "expired"
    ENDED = "ended"  # unsubscribed since: follow again to resume
    UNSUBSCRIBED = "unsubscribed"


def follow_for(token: str) -> Follow | None:
    if not token or len(token) > 64:
        return None
    return Follow.objects.select_related("decision", "organ").filter(token=token).first()


@transaction.atomic
def confirm_follow(follow: Follow) -> str:
    follow = Follow.objects.select_for_update().get(pk=follow.pk)
    if follow.unsubscribed_at is not None:
        return Outcome.ENDED
    if follow.confirmed_at is not None:
        return Outcome.ALREADY
    if follow.created_at < timezone.now() - timedelta(days=CONFIRM_DAYS):
        return Outcome.EXPIRED
    follow.confirmed_at = timezone.now()
    follow.save(update_fields=["confirmed_at"])
    return Outcome.CONFIRMED


@transaction.atomic
def unsubscribe(follow: Follow) -> str:
    """Immediate, and the same however often it is asked."""
    Follow.objects.filter(pk=follow.pk, unsubscribed_at=None).update(unsubscribed_at=timezone.now())
    return Outcome.UNSUBSCRIBED


# ---------------------------------------------------------------- telling followers what happened


@dataclass(frozen=True)
class Told:
    """What followers are told of one event: a short `what` (the subject), a `sentence` (the mail's first line), and
    to whom — the decision's own followers, its organ's catalog followers, or both."""

    what: str
    sentence: str
    decision_followers: bool = True
    organ_followers: bool = False


def _public(event) -> Decision | None:
    return public_decisions().select_related("organ").filter(pk=event.decision_id).first()


def _in_open_catalog(event) -> Decision | None:
    """A decision entering the catalog is told unless anybody claimed it confidential."""
    return Decision.objects.select_related("organ").filter(pk=event.decision_id, is_confidential=False).first()


def _adjusting(event) -> bool:
    return "adjustment_stage" in (event.before or {})


def _published(event, decision) -> Told:
    if _adjusting(event):
        return Told(_("Adjusted decision published"), _("The adjusted decision has been published."), True, True)
    return Told(
        _("Published"),
        _("A decision of %(organ)s has been published.") % {"organ": decision.organ.name},
        decision_followers=True,
        organ_followers=True,
    )


def _cataloged(event, decision) -> Told:
    return Told(
        _("Entered the catalog"),
        _("A decision has entered the catalog of major administrative decisions of %(organ)s.")
        % {"organ": decision.organ.name},
        decision_followers=False,
        organ_followers=True,
    )


def _collective_decision(event, decision) -> Told | None:
    if not _adjusting(event):
        return None  # a first decision is not public yet: its publication is told
    stage = (event.after or {}).get("adjustment_stage")
    if stage == AdjustmentStage.DECIDED:
        return Told(
            _("Adjustment adopted"), _("The adjustment of the decision was adopted at the collective discussion.")
        )
    if stage == AdjustmentStage.REJECTED:
        return Told(_("Adjustment rejected"), _("The adjustment was rejected; the decision stays as it was."))
    if stage == AdjustmentStage.TERMINATED:
        return Told(_("Decision stopped"), _("It was decided to stop the decision; its execution ends."))
    return None  # deferred: back to drafting, nothing decided


def _evaluation_completed(event, decision) -> Told:
    if (event.after or {}).get("adjustment"):
        return Told(
            _("Evaluation completed"),
            _("The post-decision evaluation has been completed; an adjustment of the decision has started."),
        )
    return Told(_("Evaluation completed"), _("The post-decision evaluation has been completed."))


def _execution_after_adjustment(event, decision) -> Told | None:
    if not _adjusting(event):
        return None
    return Told(_("Adjusted decision in force"), _("The adjusted decision is now being executed."))


def _simple(what, sentence) -> Callable:
    return lambda event, decision: Told(str(what), str(sentence))


# The ledger actions followers hear of → (which decisions may be told of, what is told). The procedure's transitions
# are recorded as "decision.<transition>" (decisions/procedure.py). The participation, evaluation and catalog apps are
# to record theirs under the names below, with `decision_id` (and "catalog.published" with
# `after={"organ_id": …, "year": …}`); followers hear of them from the day they do.
DECISION_EVENTS: dict[str, tuple[Callable, Callable]] = {
    # the decision's followers and its organ's catalog followers
    "decision.publish": (_public, _published),
    # the organ's catalog followers only
    "decision.catalog": (_in_open_catalog, _cataloged),
    # the decision's followers
    "consultation.opened": (
        _public,
        _simple(
            gettext_lazy("Consultation opened"),
            gettext_lazy("A public consultation on the decision has opened: you may send your comments."),
        ),
    ),
    "consultation.closed": (
        _public,
        _simple(
            gettext_lazy("Consultation closed"), gettext_lazy("The public consultation on the decision has closed.")
        ),
    ),
    "feedback.published": (
        _public,
        _simple(
            gettext_lazy("Feedback report published"),
            gettext_lazy("A report on the public's comments and how they were taken up has been published."),
        ),
    ),
    "evaluation.summary_published": (
        _public,
        _simple(
            gettext_lazy("Evaluation summary published"),
            gettext_lazy("The summary of the post-decision evaluation has been published."),
        ),
    ),
    "decision.complete_evaluation": (_public, _evaluation_completed),
    "decision.suspend": (
        _public,
        _simple(gettext_lazy("Suspended"), gettext_lazy("The execution of the decision has been suspended.")),
    ),
    "decision.start_adjustment": (
        _public,
        _simple(
            gettext_lazy("Adjustment started"),
            gettext_lazy(
                "An adjustment of the decision has started: it is changed or stopped only by running the procedure "
                "again."
            ),
        ),
    ),
    "decision.abandon_adjustment": (
        _public,
        _simple(
            gettext_lazy("Adjustment abandoned"),
            gettext_lazy("The adjustment of the decision was abandoned; the decision stays as it was."),
        ),
    ),
    "decision.record_collective_decision": (_public, _collective_decision),  # of an adjustment only
    "decision.start_execution": (_public, _execution_after_adjustment),  # of the adjusted decision only
}
# Events about an organ's catalog as a whole: its catalog followers.
CATALOG_EVENTS = ("catalog.published",)
FOLLOWER_ACTIONS = frozenset(DECISION_EVENTS) | frozenset(CATALOG_EVENTS)


def _active(**target):
    return Follow.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True, **target)


def _queue_for(followers, *, event, subject: str, lines: list[str], target: str) -> int:
    """One mail row per follower, written BATCH_SIZE at a time; an existing key (the same event again) is skipped."""
    unsubscribe_path = reverse("portal:follow_unsubscribe", args=["TOKEN"])
    queued, last_pk = 0, 0
    while True:
        chunk = list(followers.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "email", "token")[:BATCH_SIZE])
        if not chunk:
            break
        mails = []
        for pk, email, token in chunk:
            unsubscribe = site_url(unsubscribe_path.replace("TOKEN", token))
            mails.append(
                OutgoingMail(
                    key=f"follow:{pk}:{event.pk}",
                    to=email,
                    subject=subject[:300],
                    body="\n".join([*lines, "", *_footer(target, unsubscribe)]),
                    headers=unsubscribe_headers(unsubscribe),
                )
            )
        OutgoingMail.objects.bulk_create(mails, ignore_conflicts=True, batch_size=BATCH_SIZE)
        queued += len(mails)
        last_pk = chunk[-1][0]
        if len(chunk) < BATCH_SIZE:
            break
    return queued


def _decision_lines(told: Told, decision: Decision, event) -> list[str]:
    return [
        told.sentence,
        "",
        f"{decision.number} {decision.title}",
        decision.organ.name,
        _("Date: %(date)s") % {"date": timezone.localdate(event.occurred_at).isoformat()},
        "",
        _("On the public portal: %(url)s") % {"url": site_url(reverse("portal:decision", args=[decision.pk]))},
    ]


def _catalog_published(event) -> int:
    organ = followable_organs().filter(pk=(event.after or {}).get("organ_id")).first()
    if organ is None:
        return 0
    year = (event.after or {}).get("year")
    sentence = (
        _("%(organ)s has published its catalog of major administrative decisions for %(year)s.")
        % {"organ": organ.name, "year": year}
        if year
        else _("%(organ)s has published its catalog of major administrative decisions.") % {"organ": organ.name}
    )
    lines = [
        sentence,
        "",
        _("Date: %(date)s") % {"date": timezone.localdate(event.occurred_at).isoformat()},
        "",
        _("On the public portal: %(url)s") % {"url": site_url(reverse("portal:home"))},
    ]
    target = _("the major administrative decisions of %(organ)s") % {"organ": organ.name}
    return _queue_for(
        _active(organ=organ),
        event=event,
        subject=_("Catalog published") + f" · {organ.name}",
        lines=lines,
        target=target,
    )


def notify_followers(event) -> int:
    """Queue what followers are told of a ledger event (nothing for an action not in FOLLOWER_ACTIONS, nothing about a
    decision that is not public). Returns how many mail rows were offered (an existing key is kept as it was)."""
    if event.action not in FOLLOWER_ACTIONS:
        return 0
    queued = 0
    with translation.override(settings.LANGUAGE_CODE):
        if event.action in CATALOG_EVENTS:
            queued = _catalog_published(event)
        else:
            public, tell = DECISION_EVENTS[event.action]
            decision = public(event) if event.decision_id else None
            told = tell(event, decision) if decision is not None else None
            if told is not None:
                lines = _decision_lines(told, decision, event)
                subject = f"{told.what} · {decision.title}"
                decision_target = _("the decision “%(title)s” (%(number)s)") % {
                    "title": decision.title,
                    "number": decision.number,
                }
                if told.decision_followers:
                    queued += _queue_for(
                        _active(decision=decision), event=event, subject=subject, lines=lines, target=decision_target
                    )
                if told.organ_followers:
                    # One mail per address: who follows the decision itself heard of it already.
                    organ_followers = _active(organ_id=decision.organ_id)
                    if told.decision_followers:
                        organ_followers = organ_followers.exclude(email__in=_active(decision=decision).values("email"))
                    organ_target = _("the major administrative decisions of %(organ)s") % {"organ": decision.organ.name}
                    queued += _queue_for(
                        organ_followers, event=event, subject=subject, lines=lines, target=organ_target
                    )
    if queued:
        wake_relay_on_commit()
    return queued


UNCONFIRMED_KEPT = timedelta(days=7)
UNSUBSCRIBED_KEPT = timedelta(days=30)


def purge_stale_follows(*, now=None) -> int:
    """Personal information kept no longer than its purpose needs (PIPL Art. 19): addresses never confirmed within
    a week, and addresses unsubscribed a month ago, are deleted (the mails already sent stay in the outbox's log)."""
    now = now or timezone.now()
    stale = Follow.objects.filter(
        Q(confirmed_at=None, created_at__lt=now - UNCONFIRMED_KEPT) | Q(unsubscribed_at__lt=now - UNSUBSCRIBED_KEPT)
    )
    deleted, _by_model = stale.delete()
    return deleted
