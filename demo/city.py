"""The demo city (示例市人民政府): its organizations, one person per role and about thirty decisions spread over every
state of the procedure, built from the scenario data in demo/scenario/city.json.

The data says who is who and what happens to each decision (a named scenario: a list of moves such as
`{"do": "drive_to", "target": "published"}`); every move is a method of the one walkthrough (`demo.walkthrough`),
i.e. a service call by the person whose role makes it, so the steps, documents and ledger events are exactly what
the procedure would record. People are created through `accounts.services.create_user`, so each role assignment is
checked and recorded in the ledger. Building again adds nothing: organizations are matched by code, people by
username, decisions by title. Two builds at once are one after the other (`build_lock`): the second finds the first's
city and adds nothing.
"""

import fcntl
import json
import os
import threading
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.roles import Role
from accounts.services import create_user
from catalog.models import CatalogEntry
from decisions import services
from decisions.models import Decision, ProcedureProfile
from decisions.procedure import MeetingOutcome, State, StepKind
from demo.evaluations import evaluation_plan
from demo.problem_reports import problem_reports
from demo.reviews import expert_pool, next_meeting
from demo.surveys import satisfaction_survey
from notifications.calendar_check import check_calendar_coverage
from notifications.models import Notice, NoticePreference
from notifications.scan import scan_deadlines
from notifications.services import mark_read, set_email_mode

from .walkthrough import Cast, Walkthrough, Wording, meeting_record

SCENARIO = Path(__file__).resolve().parent / "scenario" / "city.json"
PASSWORD = "juece-demo-2026"  # noqa: S105 - the demo's published password
SITE_URL = "http://127.0.0.1:8000/"
# The scenario's moves: the walkthrough's methods that a scenario may name (nothing else is called).
MOVES = frozenset(
    {
        "drive_to",
        "work_on_step",
        "consult",
        "assess_risks",
        "co_sign",
        "review_by_experts",
        "propose_not_applicable",
        "confirm_not_applicable",
        "return_step",
        "request_review",
        "give_opinion",
        "upload_draft",
        "confirm_legality_changes",
        "meet",
        "report",
        "start_evaluation",
        "evaluate",
        "withdraw",
        "suspend",
        "start_adjustment",
        "archive",
    }
)


# A session-level PostgreSQL advisory lock held for a whole build (the ledger's own lock is 0x4A55454345, "JUECE").
BUILD_LOCK_KEY = 0x4A554543455344  # "JUECESD"
_IN_PROCESS_LOCK = threading.Lock()  # an in-memory SQLite database is seen by one process only


def build_lock_file(database: str | Path) -> Path:
    """The lock file of builds into the SQLite database file `database`: beside it (the lock follows the data)."""
    database = Path(database)
    return database.with_name(f"{database.name}.seed_demo.lock")


@contextmanager
def build_lock(on_wait: Callable[[], None] | None = None):
    """Hold the one lock of demo builds into this database, waiting for it (after calling `on_wait`) if another build
    holds it: on PostgreSQL a session-level advisory lock on this connection, on a SQLite file an exclusive `flock`
    on a file beside it. Released when the block ends, whatever happens in it (and by the system if the process dies).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [BUILD_LOCK_KEY])
            if not cursor.fetchone()[0]:
                if on_wait:
                    on_wait()
                cursor.execute("SELECT pg_advisory_lock(%s)", [BUILD_LOCK_KEY])
        try:
            yield
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [BUILD_LOCK_KEY])
            except DatabaseError:  # the session is broken: closing it ends it, and its lock with it
                connection.close()
    elif connection.vendor == "sqlite" and not connection.is_in_memory_db():
        descriptor = os.open(build_lock_file(connection.settings_dict["NAME"]), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait:
                    on_wait()
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing the file releases the lock
    else:
        with _IN_PROCESS_LOCK:
            yield


@cache
def scenario() -> dict:
    """The scenario data (plain JSON: no code)."""
    return json.loads(SCENARIO.read_text(encoding="utf-8"))


@dataclass
class Result:
    created: list[Decision] = field(default_factory=list)
    seconds: float = 0.0


class DemoCity:
    """Builds the demo city; every decision move is a walkthrough move by the person whose role makes it."""

    def __init__(self, data: dict | None = None):
        self.data = data or scenario()
        self.today = timezone.localdate()
        self.orgs: dict[str, Organization] = {}
        self.users: dict[str, User] = {}

    @property
    def city(self) -> Organization:
        return self.orgs[self.data["city"]]

    def build(self, on_created=None, on_wait=None) -> Result:
        """Everything that is not there yet; `on_created(decision)` is called after each new decision. One build at a
        time (`build_lock`; `on_wait()` is called if this one must wait for another): what it finds is complete."""
        with build_lock(on_wait):
            started = time.monotonic()
            self.organizations()
            self.people()
            existing = set(Decision.objects.filter(organ=self.city).values_list("title", flat=True))
            result = Result()
            # A decision enters the catalog only when its organ's catalog is published (Art. 3): the proposals
            # first, then the catalogs that list them, then each decision's way through the procedure. One
            # transaction, so that what a later build finds is complete.
            with transaction.atomic():
                proposed = [
                    (spec, self.propose(spec)) for spec in self.data["decisions"] if spec["title"] not in existing
                ]
                self.catalogs([decision for spec, decision in proposed if self.data["scenarios"][spec["scenario"]]])
                expert_pool(self)  # the legal office's pool, before the expert reviews draw from it
                for spec, decision in proposed:
                    self.walk(spec, decision)
                    result.created.append(decision)
                    if on_created:
                        on_created(decision)
                next_meeting(self)  # the agenda of the decisions now awaiting discussion
                evaluation_plan(self.city, self.users["gov"])  # next year's plan, drawn up, approved, published
                problem_reports(self.city)  # the public's reports on a decision in execution, most answered
                satisfaction_survey(self.city)  # the survey of the decision being evaluated, with its responses
            if result.created:
                self.notices()
            result.seconds = time.monotonic() - started
        return result

    # ------------------------------------------------------------ notices

    def notices(self) -> None:
        """What the ticker would have told by now: reminders of the steps due soon, overdue notices, the legal
        office's reminder to enter next year's holidays; one reader of each kind has read one, and the head of the
        transport bureau takes a daily digest."""
        scan_deadlines()
        check_calendar_coverage()
        for role in (Role.DRAFTER, Role.LEGAL_REVIEWER):
            first = Notice.objects.filter(recipient__groups__name=role.value).order_by("pk").first()
            if first is not None:
                mark_read(first.recipient, first)
        head = User.objects.filter(username="head").first()
        if head is not None:
            set_email_mode(head, NoticePreference.Mode.DIGEST)

    # ------------------------------------------------------------ organizations and people

    @transaction.atomic
    def organizations(self) -> None:
        for org in self.data["organizations"]:
            self.orgs[org["code"]], _created = Organization.objects.get_or_create(
                code=org["code"],
                defaults={
                    "name": org["name"],
                    "short_name": org["short_name"],
                    "kind": org["kind"],
                    "parent": self.orgs.get(org["parent"]) if org["parent"] else None,
                },
            )
        if not ProcedureProfile.objects.filter(organ=self.city).exists():
            services.update_procedure_profile(organ=self.city, actor=None, **self.data["procedure_profile"])

    def people(self) -> None:
        password_hash = None  # hashed once: twenty slow hashes of the same demo password would only cost time
        for person in self.data["people"]:
            user = User.objects.filter(username=person["username"]).first()
            if user is None:
                password_hash = password_hash or make_password(PASSWORD)
                with transaction.atomic():
                    user = create_user(  # each role assigned by `assign_role` and recorded in the ledger
                        username=person["username"],
                        organization=self.orgs[person["organization"]],
                        roles=[Role(person["role"])],
                        display_name=person["name"],
                        title=person["title"],
                    )
                    user.password = password_hash
                    user.email = f"{person['username']}@example.gov.cn"
                    user.save(update_fields=["password", "email"])
                    if person["role"] == Role.SYSTEM_ADMIN:
                        admin_site_access(user)
            self.users[person["username"]] = user

    def catalogs(self, moving: list[Decision]) -> None:
        """The catalogs and their suggestions (`DemoCatalogs`), after the proposals they list; `moving`: the new
        proposals whose scenario takes them further, each listed in its organ's catalog of its year."""
        DemoCatalogs(self).build(moving)

    def cast(self, unit: str) -> Cast:
        department = self.data["departments"][unit]
        return Cast(
            drafter=self.users[department["drafter"]],
            dept_head=self.users[department["head"]],
            legal_reviewer=self.users["legal"],
            gov_office=self.users["gov"],
            evaluator=self.users["evaluator"],
        )

    # ------------------------------------------------------------ one decision

    def wording_base(self) -> Wording:
        """The city's wording (demo/scenario/city.json, "wording")."""
        values = dict(self.data["wording"])
        values["step_documents"] = {kind: tuple(pair) for kind, pair in values["step_documents"].items()}
        return Wording(**values)

    def wording(self, spec: dict) -> Wording:
        """The city's wording, with the unit's own step details and this decision's comment figures."""
        values = dict(self.data["wording"])
        values["step_documents"] = {kind: tuple(pair) for kind, pair in values["step_documents"].items()}
        details = {
            kind: dict(fields) for kind, fields in self.data["departments"][spec["unit"]]["step_details"].items()
        }
        details[StepKind.PUBLIC_PARTICIPATION] = details.get(StepKind.PUBLIC_PARTICIPATION, {}) | self.comments(spec)
        return Wording(step_details=details, **values)

    def comments(self, spec: dict) -> dict:
        """How many comments the consultation received and how they were used: varied by title, stable per run."""
        seed = zlib.crc32(spec["title"].encode())
        received = 40 + seed % 260
        adopted, partly = received * (20 + seed % 15) // 100, received * (10 + seed % 10) // 100
        summary = self.data["participation_feedback"].format(
            received=received, adopted=adopted, partly=partly, rejected=received - adopted - partly
        )
        return {"comments_received": received, "feedback_summary": summary}

    def propose(self, spec: dict) -> Decision:
        cast = self.cast(spec["unit"])
        fields = dict.fromkeys(spec.get("flags", ()), True)
        if spec.get("confidential_reason"):
            fields |= {"is_confidential": True, "confidential_reason": spec["confidential_reason"]}
        decision = services.create_decision(
            actor=cast.drafter,
            undertaking_unit=self.orgs[self.data["departments"][spec["unit"]]["organization"]],
            title=spec["title"],
            summary=spec["summary"],
            year=spec["year"],
            scope_category=spec["scope"],
            term_end=date.fromisoformat(spec["term_end"]) if spec.get("term_end") else None,
            **fields,
        )
        return decision

    def walk(self, spec: dict, decision: Decision) -> Decision:
        walk = Walkthrough(self.cast(spec["unit"]), self.wording(spec), today=self.today)
        for move in self.data["scenarios"][spec["scenario"]]:
            arguments = dict(move)
            name = arguments.pop("do")
            if name not in MOVES:
                raise ValueError(f"{spec['scenario']}: unknown move {name!r}")
            if name == "report":
                arguments.setdefault("reports", spec.get("reports", self.data["default_reports"]))
            getattr(walk, name)(decision, **arguments)
        decision.refresh_from_db()
        return decision


class DemoCatalogs:
    """The catalogs of the city and the district (scenario "catalogs"): suggestion windows with answered
    suggestions, and each catalog driven through catalog.services by the government office and the legal office of
    its organ to its stage (compiling, in review, published, published and adjusted). A window or a catalog already
    there (organ and year) is left as it is."""

    def __init__(self, city: "DemoCity"):
        self.city = city
        self.data = city.data["catalogs"]
        self.suggestions: dict[str, object] = {}

    def gov(self, organ_code: str) -> User:
        return self._person(organ_code, Role.GOV_OFFICE)

    def legal(self, organ_code: str) -> User:
        return self._person(organ_code, Role.LEGAL_REVIEWER)

    def _person(self, organ_code: str, role: Role) -> User:
        organ = self.city.orgs[organ_code]
        for user in self.city.users.values():
            if user.has_role(role) and user.organization.organ == organ:
                return user
        raise ValueError(f"no {role} in {organ_code}")

    def build(self, moving: list[Decision]) -> None:
        from catalog.models import Catalog, Suggestion, SuggestionWindow

        self.moving = moving

        for spec in self.data["windows"]:
            organ = self.city.orgs[spec["organ"]]
            window = SuggestionWindow.objects.filter(organ=organ, year=spec["year"]).first()
            if window is None:
                with transaction.atomic():
                    window = self.window(spec)
            for suggestion in Suggestion.objects.filter(window=window):
                self.suggestions[suggestion.title] = suggestion
        for spec in self.data["catalogs"]:
            organ = self.city.orgs[spec["organ"]]
            if not Catalog.objects.filter(organ=organ, year=spec["year"]).exists():
                with transaction.atomic():
                    self.catalog(spec)
        # The years the scenario has no catalog for: one catalog of the proposals that move on, compiled, reviewed,
        # approved at the meeting and published as it is.
        for organ_id, year in sorted({(decision.organ_id, decision.year) for decision in moving}):
            if not Catalog.objects.filter(organ_id=organ_id, year=year).exists():
                self.plain_catalog(organ_id, year)

    def unlisted(self, organ, year: int, spec: dict | None = None) -> list[Decision]:
        """The moving proposals of an organ and year that the scenario's catalog does not name (added to it)."""
        named = set()
        for item in (spec or {}).get("entries", ()):
            named.add(item.get("decision"))
        for change in (spec or {}).get("adjustment", {}).get("changes", ()):
            named.add(change.get("decision"))
        return [d for d in self.moving if d.organ_id == organ.pk and d.year == year and d.title not in named]

    def plain_catalog(self, organ_id: int, year: int) -> None:
        from catalog import services as catalogs

        organ = next(org for org in self.city.orgs.values() if org.pk == organ_id)
        code = next(code for code, org in self.city.orgs.items() if org.pk == organ_id)
        gov = self.gov(code)
        cast = Cast(drafter=gov, legal_reviewer=self.legal(code), gov_office=gov)
        walk = Walkthrough(cast, self.city.wording_base(), today=self.city.today)
        catalog = catalogs.create_catalog(actor=gov, organ=organ, year=year)
        for decision in self.unlisted(organ, year):
            catalogs.add_entry(catalog=catalog, actor=gov, decision=decision, planned_completion=f"{year}Q4")
        walk.approve_catalog(catalog)
        catalogs.publish_catalog(catalog=catalog, actor=gov)

    def window(self, spec: dict):
        from catalog import services as catalogs

        today = self.city.today
        if "opens_on" in spec:
            opens_on, closes_on = date.fromisoformat(spec["opens_on"]), date.fromisoformat(spec["closes_on"])
        else:
            opens_on = today - timedelta(days=spec["opens_days_ago"])
            closes_on = today + timedelta(days=spec["closes_in_days"])
        gov = self.gov(spec["organ"])
        window = catalogs.open_suggestion_window(
            actor=gov,
            organ=self.city.orgs[spec["organ"]],
            year=spec["year"],
            opens_on=opens_on,
            closes_on=closes_on,
            description=spec["description"],
        )
        for item in spec["suggestions"]:
            suggestion = catalogs.submit_suggestion(
                window,
                title=item["title"],
                reason=item["reason"],
                suggested_unit=item["suggested_unit"],
                submitter_name=item["submitter_name"],
                contact=item["contact"],
                organization_name=item.get("organization_name", ""),
                source=item["source"],
                client_address="demo",
                today=opens_on,
            )
            if item.get("answer") == "not_taken":
                catalogs.answer_suggestion(suggestion=suggestion, actor=gov, taken=False, reason=item["answer_reason"])
            self.suggestions[suggestion.title] = suggestion
        return window

    def entry_fields(self, spec: dict, organ_code: str) -> dict:
        if "decision" in spec:
            decision = Decision.objects.get(organ=self.city.orgs[organ_code], title=spec["decision"])
            fields = {"decision": decision}
        else:
            fields = {
                "title": spec["title"],
                "summary": spec["summary"],
                "scope_category": spec["scope"],
                "undertaking_unit": self.city.orgs[spec["unit"]],
                **dict.fromkeys(spec.get("flags", ()), True),
            }
            if spec.get("confidential_reason"):
                fields |= {"is_confidential": True, "confidential_reason": spec["confidential_reason"]}
            if spec.get("suggestion"):
                fields["suggestion"] = self.suggestions[spec["suggestion"]]
        for name in ("planned_completion", "legal_basis"):
            if name in spec:
                fields[name] = spec[name]
        return fields

    def catalog(self, spec: dict) -> None:
        from catalog import services as catalogs

        gov, legal = self.gov(spec["organ"]), self.legal(spec["organ"])
        catalog = catalogs.create_catalog(
            actor=gov,
            organ=self.city.orgs[spec["organ"]],
            year=spec["year"],
            publish_confidential_count=spec["publish_confidential_count"],
        )
        entries = {}
        for item in spec["entries"]:
            entry = catalogs.add_entry(catalog=catalog, actor=gov, **self.entry_fields(item, spec["organ"]))
            entries[entry.title] = entry
        if spec["stage"] == "published":  # the proposals of that year the scenario moves on are listed too
            for decision in self.unlisted(catalog.organ, catalog.year, spec):
                catalogs.add_entry(
                    catalog=catalog, actor=gov, decision=decision, planned_completion=f"{spec['year']}Q4"
                )
        if spec["stage"] == "compiling":
            return
        catalogs.send_to_review(catalog=catalog, actor=gov)
        if spec["stage"] == "in_review":
            for verdict in spec["review"]:
                catalogs.review_entry(
                    entry=entries[verdict["entry"]],
                    actor=legal,
                    approve=verdict["approve"],
                    comment=verdict.get("comment", ""),
                )
            return
        for entry in catalog.entries.filter(removed=False, review_status=CatalogEntry.Review.PENDING):
            catalogs.review_entry(entry=entry, actor=legal, approve=True)
        meeting = spec["meeting"]
        catalogs.record_approval(
            catalog=catalog,
            actor=gov,
            **meeting_record(
                meeting["name"],
                min(date.fromisoformat(meeting["held_on"]), self.city.today),
                MeetingOutcome.ADOPTED,
                wording=self.city.wording_base(),
            ),
        )
        catalogs.publish_catalog(catalog=catalog, actor=gov)
        adjustment = spec.get("adjustment")
        if not adjustment:
            return
        catalogs.start_adjustment(catalog=catalog, actor=gov, reason=adjustment["reason"])
        for change in adjustment["changes"]:
            arguments = {key: value for key, value in change.items() if key not in ("do", "entry", "reason")}
            if change["do"] == "add":
                catalogs.add_entry(
                    catalog=catalog, actor=gov, reason=change["reason"], **self.entry_fields(arguments, spec["organ"])
                )
            elif change["do"] == "change":
                catalogs.update_entry(entry=entries[change["entry"]], actor=gov, reason=change["reason"], **arguments)
            elif change["do"] == "remove":
                catalogs.remove_entry(entry=entries[change["entry"]], actor=gov, reason=change["reason"])
            else:
                raise ValueError(f"unknown catalog change {change['do']!r}")
        for entry in catalog.entries.filter(review_status=CatalogEntry.Review.PENDING):  # the additions and changes
            catalogs.review_entry(entry=entry, actor=legal, approve=True)
        catalogs.publish_adjustment(catalog=catalog, actor=gov)


def admin_site_access(user: User) -> None:
    """The Django admin is the system administrator's: users, organizations and the holiday calendar."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["accounts", "workdays"],
            content_type__model__in=["user", "organization", "holiday"],
        )
    )


# ---------------------------------------------------------------- what seed_demo prints


def summary_lines(city: DemoCity, result: Result) -> list[str]:
    """The decisions by state, where to open the site and the demo logins."""
    lines = []
    counts = Counter(Decision.objects.filter(organ=city.city).values_list("status", flat=True))
    lines.append(_("Decisions by state (%(total)s in all):") % {"total": sum(counts.values())})
    for state in State:
        if counts[state]:
            lines.append(f"  {_pad(str(state.label), 34)}{counts[state]:>3}")
    unread = Notice.objects.filter(read_at=None).count()
    lines.append(
        _("Notices waiting to be read: %(count)s (the inbox is %(url)s).")
        % {"count": unread, "url": f"{SITE_URL}manage/notices/"}
    )
    lines.append("")
    lines.append(
        _("Open %(url)s — the public portal; the staff workspace is %(manage)s.")
        % {"url": SITE_URL, "manage": f"{SITE_URL}manage/"}
    )
    lines.append(_("Demo logins (every account's password is %(password)s):") % {"password": PASSWORD})
    rows = [(_("Username"), _("Role"), _("Organization"), _("Name"))]
    for person in city.data["people"]:
        user = city.users[person["username"]]
        organization = user.organization.name if user.organization_id else ""
        name = f"{user.display_name}（{user.title}）" if user.title else user.display_name
        rows.append((user.username, str(Role(person["role"]).label), organization, name))
    widths = [max(_width(row[column]) for row in rows) + 2 for column in range(3)]
    for row in rows:
        cells = "".join(_pad(cell, width) for cell, width in zip(row[:3], widths, strict=True))
        lines.append(f"  {cells}{row[3]}")
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)
