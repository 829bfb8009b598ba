"""The one walkthrough: a decision driven through the real procedure services, for `seed_demo`, the tests and the
benchmarks.

Nothing here bypasses a rule: every move is a service call by the person whose role makes it (the `Cast`), so the
history it leaves (steps, documents, ledger events) is exactly what the procedure would have recorded. What those
people write on the way is a `Wording`: plain defaults for the tests, the demo city's own texts for `seed_demo`
(demo/scenario/city.json).

    walk = Walkthrough(cast)                     # or Walkthrough(cast, wording, today=...)
    walk.drive_to(decision, State.PUBLISHED)     # along the main path, required steps done on the way
    walk.work_on_step(decision, StepKind.HEARING, until="submitted")
    walk.meet(decision, "deferred", "暂缓决定。")

The module-level `drive_to`, `step_forward`, `complete_required_steps`, `submit_unit_step` and `upload_decision_text`
are the same moves with the default wording, for tests that only need a decision in some state.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog import services as catalogs
from catalog.models import Catalog, CatalogEntry
from decisions import services
from decisions.guards import decision_text_uploaded
from decisions.models import Decision, Document, Step
from decisions.procedure import UNIT_RUN_STEPS, AdjustmentPurpose, Requirement, State, StepKind, StepStatus
from decisions.selectors import current_steps
from evaluation import services as evaluations
from participation import hearings
from participation.models import Hearing
from review import checklist, fair_competition
from review import services as legality
from workdays.calendar import add_working_days, period_end

MAIN_PATH = (
    State.PROPOSED,
    State.CATALOGED,
    State.DRAFTING,
    State.LEGALITY_REVIEW,
    State.AWAITING_DISCUSSION,
    State.DECIDED,
    State.PUBLISHED,
    State.IN_EXECUTION,
)
# `drive_to` reaches these: the main path, and the end of an adjustment that stops the decision.
DRIVABLE = frozenset({*MAIN_PATH, State.TERMINATED})
MOST_MOVES = 12  # more than the main path is long, adjustments included


@dataclass
class Cast:
    """The people who move one decision: its unit's drafter and head, the organ's legal office and government office,
    and the evaluation body's evaluator."""

    drafter: User
    dept_head: User | None = None
    legal_reviewer: User | None = None
    gov_office: User | None = None
    evaluator: User | None = None


@dataclass(frozen=True)
class Wording:
    """What the cast writes on the way. `{title}` in a document title stands for the decision's title.

    The defaults are the tests' plain texts; the demo city passes its own (demo/scenario/city.json, "wording")."""

    # step kind → core fields laid over `step_details`' defaults
    step_details: Mapping[str, Mapping] = field(default_factory=dict)
    # step kind → (document kind, title) of the document a unit-run step is completed with; default: a report
    step_documents: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    consultation_draft_title: str = ""  # if given, public participation publishes the draft under this title
    review_draft_title: str = "决策草案（送审稿）"
    adjustment_draft_title: str = "调整方案（送审稿）"
    explanation_title: str = ""  # if given, an explanation of the draft goes with the draft for review
    approval_comment: str = "同意。"
    confidentiality_comment: str = ""
    legal_basis: str = "《重大行政决策程序暂行条例》；相关法律法规"
    procedure_statement: str = "已完成公众参与、专家论证、风险评估等法定程序。"
    lawful_opinion_text: str = "经审查，该决策草案符合法定权限和程序，内容合法。"
    advisers_consulted: str = "法律顾问王律师"
    meeting_name: str = "市政府常务会议"
    catalog_meeting_name: str = "市政府常务会议（审定年度重大行政决策事项目录）"
    catalog_addition_reason: str = "根据工作需要，经研究增补列入年度目录。"
    meeting_members_total: int = 7
    head_name: str = "王市长"
    head_statement: str = "原则同意，按会议意见修改后印发。"
    stop_statement: str = "同意停止执行，请做好善后工作。"
    decision_text_title: str = "{title}"
    publication_media: tuple[str, ...] = ("gazette", "website")
    publication_channels: str = "《示例市人民政府公报》、市政府门户网站“政策文件”栏目"
    publication_issue_number: str = "2026年第12期"
    publication_link: str = "https://www.example.gov.cn/zwgk/"
    opinions_explanation: str = "对公众和专家意见的采纳情况已在起草说明中逐条说明。"
    evaluation_stage_reason: str = "第一阶段评估：实施满半年的阶段性效果"
    evaluation_report_title: str = "《{title}》实施情况第三方评估报告"
    evaluation_trigger: str = "importance"  # evaluation.models.Trigger: of great importance to the public interest
    evaluation_team: str = "郑评估（项目负责人，公共政策研究员）\n王统计（数据分析）\n李调查（问卷调查与走访）"
    # The evaluation body's report (Art. 36); the conclusion and the findings come with each evaluation.
    evaluation_report: Mapping[str, str] = field(
        default_factory=lambda: {
            "implementation": (
                "执行单位按决策确定的任务分工组织实施，配套细则按期出台，按季度报送执行情况，主要任务均已启动。"
            ),
            "effects": (
                "对照决策确定的目标和执行指标，主要指标达到或接近阶段目标，个别指标因配套设施建设滞后尚有差距。"
            ),
            "costs_benefits": "实施成本控制在预算范围内；社会效益明显，群众办事成本和时间有所降低。",
            "satisfaction": "通过网上问卷和实地走访收集意见，受访群众总体满意度为82%，意见主要集中在远郊地区。",
            "problems": "部分地区配套设施不足，政策宣传解读不够充分，部门间数据共享仍有障碍。",
            "recommendations": "加快配套设施建设，加强政策解读和宣传，建立部门间数据共享机制，完善执行情况监测。",
        }
    )
    # The hearing (participation.hearings): announced, two applicants of two interests, both selected, both speak.
    hearing_place: str = "市政府第一会议室"
    hearing_how_to_apply: str = "在门户网站“听证”栏目填写报名表，或到承办单位报名。"
    hearing_selection_method: str = "按利益相关方类别分组，每组报名人数超过名额时公开随机抽取。"
    hearing_selection_result: str = "经公开随机抽取，选定经营者代表和消费者代表各一名。"
    hearing_applicants: tuple = (
        ("王经营", "经营者", "示例公交集团", "建议设置过渡期。"),
        ("李乘客", "消费者", "", "希望保留老年人优惠。"),
    )
    hearing_official: str = "主持人（市司法局）"
    hearing_opening: str = "宣布听证会开始，介绍听证事项和听证纪律。"


# The demo's execution indicators (Art. 34–35): by words of the decision's title, else the general ones.
DEMO_INDICATORS = (
    (
        ("交通", "公交", "地铁", "轨道"),
        [
            {"name": "公交分担率（%）", "unit": "%", "baseline": "38", "target": "45"},
            {"name": "新增公交专用道（公里）", "unit": "公里", "baseline": "0", "target": "30"},
            {"name": "乘客满意度（分）", "unit": "分", "baseline": "82", "target": "90"},
        ],
    ),
    (
        ("垃圾", "环境", "生态", "污染"),
        [
            {"name": "生活垃圾回收利用率（%）", "unit": "%", "baseline": "30", "target": "40"},
            {"name": "分类设施小区覆盖率（%）", "unit": "%", "baseline": "70", "target": "100"},
        ],
    ),
    (
        ("住房", "改造", "小区", "建设"),
        [
            {"name": "开工改造小区（个）", "unit": "个", "baseline": "0", "target": "200"},
            {"name": "加装电梯（部）", "unit": "部", "baseline": "0", "target": "300"},
            {"name": "居民满意度（%）", "unit": "%", "baseline": "80", "target": "90"},
        ],
    ),
    (
        (),
        [
            {"name": "年度任务完成率（%）", "unit": "%", "baseline": "0", "target": "100"},
            {"name": "群众满意度（%）", "unit": "%", "baseline": "80", "target": "90"},
        ],
    ),
)
DEMO_PROBLEMS = (
    "部分区县推进进度不平衡，已开展专项督导并按月通报。",
    "资金拨付进度偏慢，已协调财政部门加快拨付。",
    "群众对配套设施建设进度有意见，已建立问题台账逐项整改。",
)


def pdf_file(name: str, text: str = "Juece") -> SimpleUploadedFile:
    """A small but well-formed PDF (enough for type and content checks)."""
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        f"% {text}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body.encode("utf-8"), content_type="application/pdf")


def step_details(kind: StepKind, today: date) -> dict:
    """Core fields that satisfy each step's rules (Decree 713's numbers)."""
    comment_start = today - timedelta(days=60)
    return {
        StepKind.PUBLIC_PARTICIPATION: {
            "comment_start": comment_start,
            "comment_end": period_end(comment_start, 30).value,
            "channels": "市政府门户网站“意见征集”专栏、《示例日报》",
            "comments_received": 126,
            "feedback_summary": "共收到意见126条，采纳41条，部分采纳23条，未采纳62条并说明理由。",
        },
        # The hearing itself runs through participation.hearings (`Walkthrough.hold_hearing`), which sets these.
        StepKind.HEARING: {
            "hearing_date": today - timedelta(days=20),
            "materials_sent_on": today - timedelta(days=30),
        },
        StepKind.EXPERT_REVIEW: {
            "experts": "王建国（示例大学交通学院教授）、李红（市规划设计研究院高级工程师）、张伟（律师）",
            "conflicts_declared": True,
            "opinion_summary": "专家一致认为方案总体可行，建议分阶段实施，意见均已采纳。",
        },
        StepKind.RISK_ASSESSMENT: {
            "risk_level": "medium",
            "controllable": True,
            "measures": "风险点：部分群众出行成本增加。措施：过渡期优惠、分步实施、舆情监测与应急预案。",
        },
        StepKind.FAIR_COMPETITION_REVIEW: {"conclusion": "经审查，不含排除、限制竞争的内容。"},
        StepKind.DEPARTMENT_CONSULTATION: {
            "units_consulted": "市发展改革委：无意见；市财政局：同意；市公安局：建议加强执法衔接，已采纳。",
            "disagreements": "",
        },
        StepKind.PARTY_REPORT: {
            "recipient": "中共示例市委常委会",
            "reported_on": today - timedelta(days=5),
            "response_received_on": today - timedelta(days=2),
            "summary": "市委原则同意，按程序推进。",
        },
        StepKind.CONGRESS_REPORT: {
            "recipient": "示例市人大常委会",
            "reported_on": today - timedelta(days=3),
            "response_received_on": today - timedelta(days=1),
            "summary": "市人大常委会主任会议听取报告。",
        },
    }[kind]


def meeting_members(outcome: str = "adopted") -> list[dict]:
    view = "agree" if outcome != "rejected" else "disagree"
    return [
        {"name": "陈副市长", "view": view, "remarks": "同意承办单位意见。"},
        {"name": "刘副市长", "view": view, "remarks": ""},
        {
            "name": "赵秘书长",
            "view": "disagree" if view == "agree" else "agree",
            "remarks": "建议延长过渡期。",
        },
    ]


def meeting_record(
    name: str,
    held_on: date,
    outcome: str = "adopted",
    *,
    members: list[dict] | None = None,
    wording: Wording | None = None,
) -> dict:
    """What the government office records of an executive meeting: the arguments of the meeting services (a
    decision's collective discussion, a catalog's approval)."""
    wording = wording or Wording()
    members = members or meeting_members(outcome)
    return {
        "meeting_name": name,
        "meeting_date": held_on,
        "members": members,
        "members_total": max(wording.meeting_members_total, len(members) + 1),
        "head_name": wording.head_name,
        "head_statement": wording.head_statement,
        "outcome": outcome,
    }


class Walkthrough:
    """One person's act per method, each a service call by the member of the cast whose role makes it."""

    def __init__(self, cast: Cast, wording: Wording | None = None, *, today: date | None = None):
        self.cast = cast
        self.wording = wording or Wording()
        self.today = today or timezone.localdate()

    # ------------------------------------------------------------ the undertaking unit's steps

    def details(self, kind: str) -> dict:
        return step_details(StepKind(kind), self.today) | dict(self.wording.step_details.get(kind, {}))

    def work_on_step(
        self,
        decision: Decision,
        kind: str,
        *,
        until: str = "done",
        details: Mapping | None = None,
        dates: Mapping[str, int] | None = None,
    ) -> Step:
        """The drafter fills in a unit-run step and attaches its document ("filled"), submits it ("submitted") and
        the head approves it ("done"). A step already done or not applicable is left as it is. `details`: fields
        laid over the wording's; `dates`: date fields given in working days from today (negative: before it), e.g.
        a comment period that ended three working days ago, `{"comment_end": -3}`."""
        kind = StepKind(kind)
        step = current_steps(decision)[kind]
        if step.status == StepStatus.DONE or step.requirement == Requirement.NOT_APPLICABLE:
            return step
        drafter, wording = self.cast.drafter, self.wording
        values = self.details(kind) | dict(details or {})
        values |= {name: add_working_days(self.today, days).value for name, days in (dates or {}).items()}
        if kind == StepKind.HEARING:  # announced, applied to, selected, held and its record confirmed and filed
            self.hold_hearing(decision, step)
        else:
            services.update_step_details(step=step, actor=drafter, details=values)
        if kind == StepKind.FAIR_COMPETITION_REVIEW:  # Art. 29: every question of the checklist answered
            answers = dict.fromkeys(checklist.QUESTIONS, "no")
            fair_competition.answer_questions(step=step, actor=drafter, answers=answers)
        if kind == StepKind.PUBLIC_PARTICIPATION and wording.consultation_draft_title:
            self.upload(decision, Document.Kind.DRAFT, wording.consultation_draft_title, "draft.pdf", is_public=True)
        if kind != StepKind.HEARING:  # the hearing's document is its confirmed record
            document_kind, title = wording.step_documents.get(kind, (Document.Kind.REPORT, f"{kind.label}材料"))
            self.upload(
                decision,
                document_kind,
                title,
                f"{kind}.pdf",
                step=step,
                is_public=kind == StepKind.PUBLIC_PARTICIPATION,
            )
        if until in ("submitted", "done"):
            step = services.submit_step(step=step, actor=drafter)
        if until == "done":
            step = services.approve_step(step=step, actor=self.cast.dept_head, comment=wording.approval_comment)
        return step

    def _at(self, days_before: int, hour: int = 9) -> datetime:
        """A moment `days_before` days before the walkthrough's today (local time)."""
        return timezone.make_aware(datetime.combine(self.today - timedelta(days=days_before), time(hour)))

    def hold_hearing(self, decision: Decision, step: Step | None = None):
        """The hearing run through participation.hearings as it happened over the past weeks (each act at its own
        moment): announced 40 days ago for 20 days ago, applications closing after 5 days, the participants selected
        (one per interest), the materials sent 10 days ahead, the statements taken, each speaker confirming the record
        on paper; the drafter's last confirmation files the record among the step's documents."""
        step = step or current_steps(decision)[StepKind.HEARING]
        drafter, wording = self.cast.drafter, self.wording
        held = Hearing.objects.filter(step=step, status=Hearing.Status.HELD).first()
        if held is not None:  # a step returned after its hearing: the hearing and its record stand
            return held
        hearing = hearings.announce_hearing(
            step=step,
            actor=drafter,
            matter=decision.title[:300],
            starts_at=self._at(20, hour=14),
            place=wording.hearing_place,
            how_to_apply=wording.hearing_how_to_apply,
            applications_close_on=self.today - timedelta(days=35),
            selection_method=wording.hearing_selection_method,
            seats=max(len(wording.hearing_applicants), 1),
            now=self._at(40),
        )
        applications = [
            hearings.apply_to_hearing(
                hearing=hearing,
                name=name,
                contact=f"hearing-{decision.pk}-{number}@example.cn",
                interest=interest,
                organization=organization,
                statement=statement,
                client_address=f"2001:db8::{decision.pk:x}:{number}",  # documentation addresses: one per applicant
                now=self._at(38),
            )
            for number, (name, interest, organization, statement) in enumerate(wording.hearing_applicants, start=1)
        ]
        hearings.select_participants(
            hearing=hearing,
            actor=drafter,
            selected_ids=[application.pk for application in applications],
            result=wording.hearing_selection_result,
            now=self._at(34),
        )
        hearings.record_materials_sent(
            hearing=hearing, actor=drafter, sent_on=self.today - timedelta(days=30), now=self._at(30)
        )
        hearings.record_statement(
            hearing=hearing,
            actor=drafter,
            participant=None,
            speaker=wording.hearing_official,
            text=wording.hearing_opening,
            now=self._at(20, hour=15),
        )
        for application in applications:
            hearings.record_statement(
                hearing=hearing,
                actor=drafter,
                participant=application,
                speaker="",
                text=application.statement or "无补充意见。",
                now=self._at(20, hour=15),
            )
        for application in applications:
            hearings.confirm_record(application=application, via="paper", actor=drafter, now=self._at(19))
        hearing.refresh_from_db()
        return hearing

    def assess_risks(self, decision: Decision, name: str, until: str = "done") -> Step:
        """The risk assessment `name` of demo/scenario/reviews.json run in the review app's workspace (who and how,
        the risks by dimension, the level), then the step's document attached and submitted and approved."""
        from demo.reviews import assess_risks  # demo data, not the walkthrough's own

        assess_risks(self, decision, name)
        return self.work_on_step(decision, StepKind.RISK_ASSESSMENT, until=until)

    def co_sign(self, decision: Decision, name: str) -> None:
        """The draft sent for co-signing as demo/scenario/reviews.json's `name` says, and the answers given so far."""
        from demo.reviews import co_sign  # demo data, not the walkthrough's own

        co_sign(self, decision, name)

    def review_by_experts(self, decision: Decision, name: str) -> None:
        """The expert review `name` of demo/scenario/reviews.json: drawn or chosen, opinions signed and answered."""
        from demo.reviews import review_by_experts  # demo data, not the walkthrough's own

        review_by_experts(self, decision, name)

    def consult(self, decision: Decision, draft: str, until: str = "done") -> Step:
        """The public consultation `draft` of demo/scenario/consultations.json run through participation's services
        (set up, opinions, answers; closed with its feedback report published when the scenario says so), then the
        step's documents attached and, `until` "submitted" or "done", the step submitted and approved."""
        from demo.consultations import hold_consultation  # demo data, not the walkthrough's own

        hold_consultation(self, decision, draft)
        return self.work_on_step(decision, StepKind.PUBLIC_PARTICIPATION, until=until)

    def complete_required_steps(self, decision: Decision, kinds: Iterable[str] = UNIT_RUN_STEPS) -> None:
        """Every required unit-run step among `kinds`, except those waiting for the legal office to confirm that
        they do not apply."""
        kinds = set(kinds)
        for kind, step in current_steps(decision).items():
            if (
                kind in kinds
                and step.requirement == Requirement.REQUIRED
                and not step.awaits_not_applicable_confirmation
            ):
                self.work_on_step(decision, kind)

    def propose_not_applicable(self, decision: Decision, kind: str, reason: str) -> Step:
        step = current_steps(decision)[StepKind(kind)]
        return services.propose_not_applicable(step=step, actor=self.cast.drafter, reason=reason)

    def confirm_not_applicable(self, decision: Decision, kind: str, comment: str = "") -> Step:
        step = current_steps(decision)[StepKind(kind)]
        return services.confirm_not_applicable(step=step, actor=self.cast.legal_reviewer, confirm=True, comment=comment)

    def return_step(self, decision: Decision, kind: str, comment: str) -> Step:
        step = current_steps(decision)[StepKind(kind)]
        return services.return_step(step=step, actor=self.cast.dept_head, comment=comment)

    # ------------------------------------------------------------ documents

    def upload(
        self,
        decision: Decision,
        kind: str,
        title: str,
        name: str = "document.pdf",
        *,
        actor: User | None = None,
        step: Step | None = None,
        is_public: bool = False,
    ) -> Document:
        return upload(decision, actor or self.cast.drafter, kind, title, name, step=step, is_public=is_public)

    def upload_draft(self, decision: Decision, title: str) -> Document:
        """The unit's (revised) draft, e.g. after the legal office asked for changes."""
        return self.upload(decision, Document.Kind.DRAFT, title, "draft.pdf")

    # ------------------------------------------------------------ legality review

    def request_review(self, decision: Decision, **kwargs) -> Step:
        """The required steps done, the draft for review sent (unless the unit sent one since drafting began) with
        its explanation, and the legality review requested. `kwargs`: e.g. review_working_days, urgency_reason."""
        self.complete_required_steps(decision)
        decision.refresh_from_db()
        wording = self.wording
        sent = decision.documents.filter(kind=Document.Kind.DRAFT, is_public=False)
        began = decision.adjustment.started_at if decision.is_adjustment else decision.status_changed_at
        if began:  # a draft sent since this round of drafting began
            sent = sent.filter(uploaded_at__gte=began)
        if not sent.exists():
            title = wording.adjustment_draft_title if decision.is_adjustment else wording.review_draft_title
            self.upload_draft(decision, title)
            if wording.explanation_title:
                self.upload(decision, Document.Kind.EXPLANATION, wording.explanation_title, "explanation.pdf")
        if not decision.documents.filter(kind=Document.Kind.EXPLANATION).exists():
            # Art. 26: the drafting explanation goes with every request for legality review.
            self.upload(decision, Document.Kind.EXPLANATION, wording.explanation_title or "起草说明", "explanation.pdf")
        return legality.request_legality_review(
            decision=decision,
            actor=self.cast.drafter,
            legal_basis=wording.legal_basis,
            procedure_statement=wording.procedure_statement,
            **kwargs,
        )

    def give_opinion(self, decision: Decision, opinion: str = "lawful", opinion_text: str = "", **kwargs) -> Step:
        """The legal office's opinion. `kwargs`: required_changes, legal_risk, advisers_consulted."""
        kwargs.setdefault("advisers_consulted", self.wording.advisers_consulted)
        return legality.give_legality_opinion(
            decision=decision,
            actor=self.cast.legal_reviewer,
            opinion=opinion,
            opinion_text=opinion_text or self.wording.lawful_opinion_text,
            **kwargs,
        )

    def confirm_legality_changes(self, decision: Decision, comment: str = "") -> Step:
        return legality.confirm_legality_changes(decision=decision, actor=self.cast.legal_reviewer, comment=comment)

    # ------------------------------------------------------------ collective decision, publication, execution

    def meet(
        self,
        decision: Decision,
        outcome: str = "adopted",
        head_statement: str = "",
        members: list[dict] | None = None,
        required_changes: str = "",
    ) -> Step:
        """The executive meeting, recorded by the government office: each member's view, the head last (and, adopted
        with changes, the changes it requires)."""
        wording = self.wording
        if not head_statement:
            adjustment = decision.adjustment if decision.is_adjustment else None
            stopping = outcome == "adopted" and adjustment is not None and adjustment.purpose == AdjustmentPurpose.STOP
            head_statement = wording.stop_statement if stopping else wording.head_statement
        members = members or meeting_members(outcome)
        return services.record_collective_decision(
            decision=decision,
            actor=self.cast.gov_office,
            meeting_name=wording.meeting_name,
            meeting_date=self.today,
            members=members,
            members_total=max(wording.meeting_members_total, len(members) + 1),
            head_name=wording.head_name,
            head_statement=head_statement,
            outcome=outcome,
            required_changes=required_changes,
        )

    def publish(self, decision: Decision) -> Step:
        """The government office uploads the decision text (unless there is one) and publishes it."""
        wording = self.wording
        if decision_text_uploaded(decision, current_steps(decision)) is not None:
            upload_decision_text(decision, self.cast.gov_office, wording.decision_text_title)
        return services.publish_decision(
            decision=decision,
            actor=self.cast.gov_office,
            media=list(wording.publication_media),
            channels=wording.publication_channels,
            published_on=self.today,
            issue_number=wording.publication_issue_number,
            link=wording.publication_link,
            opinions_explanation=wording.opinions_explanation,
        )

    def start_execution(self, decision: Decision) -> Step:
        return services.start_execution(
            decision=decision, actor=self.cast.gov_office, execution_unit=decision.undertaking_unit
        )

    def report(self, decision: Decision, reports: Iterable[str]) -> None:
        """Progress reports on consecutive quarters up to this one, each with its problems and every indicator's
        value (the indicators are set first, when the execution has none yet)."""
        reports = list(reports)
        indicators = list(current_steps(decision)[StepKind.EXECUTION].execution_indicators.all())
        if not indicators:
            chosen = next((rows for words, rows in DEMO_INDICATORS if any(w in decision.title for w in words)), None)
            indicators = services.set_indicators(
                decision=decision, actor=self.cast.drafter, indicators=chosen or DEMO_INDICATORS[-1][1]
            )
        quarter = (self.today.year * 4 + (self.today.month - 1) // 3) - len(reports) + 1
        for number, progress in enumerate(reports, start=1):
            year, index = divmod(quarter + number - 1, 4)
            share = Decimal(number) / Decimal(len(reports) + 1)  # on the way to the target
            values = {
                indicator.pk: ((indicator.baseline or 0) + (indicator.target - (indicator.baseline or 0)) * share)
                for indicator in indicators
            }
            services.report_progress(
                decision=decision,
                actor=self.cast.drafter,
                period=f"{year}年第{'一二三四'[index]}季度",
                progress=progress,
                problems=DEMO_PROBLEMS[(number - 1) % len(DEMO_PROBLEMS)],
                values=values,
            )

    def start_evaluation(self, decision: Decision, stage_reason: str = "") -> Step:
        """A staged third-party evaluation by the evaluator's body (in the organ's published plan: "plan")."""
        in_plan = evaluations.published_plan_item(decision, timezone.localdate().year) is not None
        return evaluations.start_evaluation(
            decision=decision,
            actor=self.cast.gov_office,
            evaluator_org=self.cast.evaluator.organization,
            trigger="" if in_plan else self.wording.evaluation_trigger,
            team=self.wording.evaluation_team,
            staged=True,
            stage_reason=stage_reason or self.wording.evaluation_stage_reason,
        )

    def complete_evaluation(self, decision: Decision, conclusion: str, summary: str) -> Step:
        """The evaluator uploads the report and submits its content and conclusion (continue, adjust or stop); the
        government office approves it and publishes the summary."""
        evaluator = self.cast.evaluator
        self.upload(
            decision,
            Document.Kind.REPORT,
            self.wording.evaluation_report_title,
            "evaluation.pdf",
            actor=evaluator,
            step=current_steps(decision)[StepKind.POST_EVALUATION],
        )
        evaluations.submit_evaluation_report(
            decision=decision, actor=evaluator, conclusion=conclusion, summary=summary, **self.wording.evaluation_report
        )
        return evaluations.complete_evaluation(decision=decision, actor=self.cast.gov_office, public_summary=summary)

    def evaluate(self, decision: Decision, conclusion: str, summary: str) -> Step:
        self.start_evaluation(decision)
        return self.complete_evaluation(decision, conclusion, summary)

    # ------------------------------------------------------------ the annual catalog (Art. 3)

    def meeting_record(self, name: str, outcome: str = "adopted", members: list[dict] | None = None) -> dict:
        return meeting_record(name, self.today, outcome, members=members, wording=self.wording)

    def enter_in_catalog(self, decision: Decision) -> Decision:
        """Proposed → in the catalog, the one way there is: the organ's catalog of the decision's year lists it and is
        published (compiled by the government office, each entry approved by the legal office, approved at the
        executive meeting); once that catalog is published, an adjustment adds it with a reason."""
        gov = self.cast.gov_office
        catalog = Catalog.objects.filter(organ=decision.organ, year=decision.year).first()
        if catalog is None:
            catalog = catalogs.create_catalog(actor=gov, organ=decision.organ, year=decision.year)
        if catalog.status == Catalog.Status.APPROVED:
            catalogs.publish_catalog(catalog=catalog, actor=gov)
            catalog.refresh_from_db()
        if catalog.status in (Catalog.Status.PUBLISHED, Catalog.Status.ADJUSTING):
            if catalog.status == Catalog.Status.PUBLISHED:
                catalogs.start_adjustment(catalog=catalog, actor=gov, reason=self.wording.catalog_addition_reason)
            entry = catalogs.add_entry(
                catalog=catalog, actor=gov, decision=decision, reason=self.wording.catalog_addition_reason
            )
            self.approve_entries(catalog, [entry])
            catalogs.publish_adjustment(catalog=catalog, actor=gov)
        else:
            if catalog.status == Catalog.Status.IN_REVIEW:
                catalogs.return_to_compiling(catalog=catalog, actor=gov)
            catalogs.add_entry(catalog=catalog, actor=gov, decision=decision)
            self.approve_catalog(catalog)
            catalogs.publish_catalog(catalog=catalog, actor=gov)
        decision.refresh_from_db()
        return decision

    def approve_entries(self, catalog: Catalog, entries) -> None:
        """The legal office approves each entry waiting for it."""
        for entry in entries:
            entry.refresh_from_db()
            if entry.review_status == entry.Review.PENDING:
                catalogs.review_entry(entry=entry, actor=self.cast.legal_reviewer, approve=True)

    def approve_catalog(self, catalog: Catalog) -> Catalog:
        """A catalog being compiled: sent to the legal office, every entry approved, approved at the meeting."""
        catalogs.send_to_review(catalog=catalog, actor=self.cast.gov_office)
        self.approve_entries(catalog, catalog.entries.filter(removed=False))
        return catalogs.record_approval(
            catalog=catalog,
            actor=self.cast.gov_office,
            **self.meeting_record(self.wording.catalog_meeting_name),
        )

    # ------------------------------------------------------------ the government office's other acts

    def withdraw(self, decision: Decision, reason: str) -> Decision:
        """The one way out of the catalog: an adjustment of the published catalog removes the decision's entry with
        the reason and is published (or the draft catalog drops the entry); a decision no catalog lists is withdrawn
        on its own."""
        gov = self.cast.gov_office
        entry = CatalogEntry.objects.filter(decision=decision, removed=False).select_related("catalog").first()
        published = entry is not None and entry.catalog.status in (Catalog.Status.PUBLISHED, Catalog.Status.ADJUSTING)
        with transaction.atomic():
            if published and entry.pending_change != CatalogEntry.Change.ADDED:
                if entry.catalog.status == Catalog.Status.PUBLISHED:
                    catalogs.start_adjustment(catalog=entry.catalog, actor=gov, reason=reason)
                catalogs.remove_entry(entry=entry, actor=gov, reason=reason)
                catalogs.publish_adjustment(catalog=entry.catalog, actor=gov)
                decision.refresh_from_db()
                return decision
            if entry is not None:  # a draft's entry, or one the adjustment under way added: dropped at once
                catalogs.remove_entry(entry=entry, actor=gov, reason=reason)
            return services.withdraw_decision(decision=decision, actor=gov, reason=reason)

    def suspend(self, decision: Decision, reason: str, purpose: str = "") -> Decision:
        """The emergency suspension; it opens the follow-up adjustment (to change the decision unless `purpose`)."""
        return services.suspend_decision(decision=decision, actor=self.cast.gov_office, reason=reason, purpose=purpose)

    def start_adjustment(self, decision: Decision, purpose: str, reason: str) -> Decision:
        decision.refresh_from_db()
        if decision.is_adjustment and decision.adjustment.emergency and decision.adjustment.purpose == purpose:
            return decision  # the suspension already opened this adjustment (Art. 37)
        return services.start_adjustment(decision=decision, actor=self.cast.gov_office, purpose=purpose, reason=reason)

    def archive(self, decision: Decision, reason: str) -> Decision:
        return services.archive_decision(decision=decision, actor=self.cast.gov_office, reason=reason)

    # ------------------------------------------------------------ along the main path

    def step_forward(self, decision: Decision, *, outcome: str = "adopted") -> Decision:
        """The next move on the main path (proposed → … → in_execution; an adjustment that stops the decision ends
        in terminated). `outcome`: the executive meeting's, when the decision awaits discussion."""
        decision.refresh_from_db()
        status = decision.procedure_state  # while an adjustment runs, where it stands
        cast = self.cast
        if status == State.PROPOSED:
            self.enter_in_catalog(decision)
        elif status == State.CATALOGED:
            services.start_drafting(decision=decision, actor=cast.drafter)
        elif status == State.DRAFTING:
            if decision.is_confidential and not decision.is_lawfully_confidential:
                services.confirm_confidentiality(
                    decision=decision,
                    actor=cast.legal_reviewer,
                    confirm=True,
                    comment=self.wording.confidentiality_comment,
                )
                decision.refresh_from_db()
            self.request_review(decision)
        elif status == State.LEGALITY_REVIEW:
            self.give_opinion(decision)
        elif status == State.AWAITING_DISCUSSION:
            self.meet(decision, outcome)
        elif status == State.DECIDED:
            if decision.is_confidential:  # decided → in execution: nothing is published
                self.start_execution(decision)
            else:
                self.publish(decision)
        elif status == State.PUBLISHED:
            self.start_execution(decision)
        else:
            raise ValueError(f"no main-path move from {status}")
        decision.refresh_from_db()
        return decision

    def drive_to(self, decision: Decision, target: str) -> Decision:
        """Move a decision along the main path until it is in `target`, completing the required steps on the way."""
        if target not in DRIVABLE:
            raise ValueError(f"{target} is not on the main path")
        for _move in range(MOST_MOVES):
            decision.refresh_from_db()
            if decision.procedure_state == target:
                return decision
            self.step_forward(decision)
        raise RuntimeError(f"{decision.title}: could not reach {target}; it is {decision.procedure_state}")


# ---------------------------------------------------------------- the same moves with the default wording


def drive_to(decision: Decision, target: str, cast: Cast) -> Decision:
    return Walkthrough(cast).drive_to(decision, target)


def step_forward(decision: Decision, cast: Cast, *, adjustment_outcome: str = "adopted") -> Decision:
    return Walkthrough(cast).step_forward(decision, outcome=adjustment_outcome)


def complete_required_steps(decision: Decision, cast: Cast, kinds: Iterable[str] = UNIT_RUN_STEPS) -> None:
    Walkthrough(cast).complete_required_steps(decision, kinds)


def upload_decision_text(decision: Decision, actor: User, title: str = "{title}") -> Document:
    """The decision text (what is published, Art. 32), uploaded by the government office before publication."""
    return upload(decision, actor, Document.Kind.DECISION_TEXT, title, "decision.pdf", is_public=True)


def upload(
    decision: Decision,
    actor: User,
    kind: str,
    title: str,
    name: str = "document.pdf",
    *,
    step: Step | None = None,
    is_public: bool = False,
) -> Document:
    """A small PDF whose content names the decision and the title (so two uploads are never the same file)."""
    title = title.replace("{title}", decision.title)
    return services.add_document(
        decision=decision,
        actor=actor,
        uploaded_file=pdf_file(name, f"{decision.title} {title} {decision.adjustment_round}"),
        kind=kind,
        title=title,
        step=step,
        is_public=is_public,
    )


def submit_unit_step(decision: Decision, kind: StepKind, drafter: User, today: date | None = None) -> Step:
    """The drafter fills in the step's core fields, attaches its document and submits it to the head."""
    return Walkthrough(Cast(drafter=drafter), today=today).work_on_step(decision, kind, until="submitted")
