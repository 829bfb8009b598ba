"""The fair-competition review checklist (公平竞争审查, Decree 713 Art. 29), as data.

The questions are the eighteen review standards of the fair-competition review system (《国务院关于在市场体系建设中
建立公平竞争审查制度的意见》, 国发〔2016〕34号, and its implementing rules), in four groups: market entry and exit, the
free flow of goods and factors, production and operating costs, business conduct. A policy measure that touches
market entities answers each: "yes" when the draft contains the restriction, "no" when it does not, "not relevant".

A restriction may be kept only under one of the exceptions of the review rules, when it is indispensable, does not
seriously exclude competition, and has a definite term (`EXCEPTIONS`). Each question and exception has a stable code
kept in the records (`FairCompetitionAnswer.question`, `FairCompetitionReview.exception`): never renumber them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    code: str  # e.g. "entry.1": stable, kept in the answers
    text_zh: str  # the standard as the review rules word it
    text: str  # its translation (gettext)


@dataclass(frozen=True)
class Group:
    code: str
    title_zh: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Exception_:
    code: str
    label_zh: str
    label: str


GROUPS: tuple[Group, ...] = (
    Group(
        "entry",
        "市场准入和退出标准",
        _("Market entry and exit"),
        (
            Question(
                "entry.1",
                "设置不合理或者歧视性的准入和退出条件",
                _("Does the draft set unreasonable or discriminatory conditions for entering or leaving the market?"),
            ),
            Question(
                "entry.2",
                "未经公平竞争授予经营者特许经营权",
                _("Does the draft grant an operator a franchise without fair competition?"),
            ),
            Question(
                "entry.3",
                "限定经营、购买、使用特定经营者提供的商品和服务",
                _(
                    "Does the draft restrict dealing in, buying or using the goods and services of particular "
                    "operators?"
                ),
            ),
            Question(
                "entry.4",
                "设置没有法律法规依据的审批或者具有行政审批性质的事前备案程序",
                _(
                    "Does the draft set an approval, or a prior filing amounting to an approval, without a basis in "
                    "laws or regulations?"
                ),
            ),
            Question(
                "entry.5",
                "对市场准入负面清单以外的行业、领域、业务等设置审批程序",
                _("Does the draft set approval procedures for trades, fields or businesses outside the negative list?"),
            ),
        ),
    ),
    Group(
        "flow",
        "商品和要素自由流动标准",
        _("Free flow of goods and factors"),
        (
            Question(
                "flow.1",
                "对外地和进口商品、服务实行歧视性价格和歧视性补贴政策",
                _(
                    "Does the draft apply discriminatory prices or subsidies to non-local or imported goods and "
                    "services?"
                ),
            ),
            Question(
                "flow.2",
                "限制外地和进口商品、服务进入本地市场或者阻碍本地商品运出、服务输出",
                _(
                    "Does the draft keep non-local or imported goods and services out of the local market, or hinder "
                    "local goods and services from leaving it?"
                ),
            ),
            Question(
                "flow.3",
                "排斥或者限制外地经营者参加本地招标投标活动",
                _("Does the draft exclude or restrict non-local operators from local tendering and bidding?"),
            ),
            Question(
                "flow.4",
                "排斥、限制或者强制外地经营者在本地投资或者设立分支机构",
                _(
                    "Does the draft exclude, restrict or compel non-local operators' local investment or local "
                    "branches?"
                ),
            ),
            Question(
                "flow.5",
                "对外地经营者在本地的投资或者设立的分支机构实行歧视性待遇，侵害其合法权益",
                _(
                    "Does the draft treat the local investments or branches of non-local operators in a "
                    "discriminatory way, harming their lawful rights?"
                ),
            ),
        ),
    ),
    Group(
        "cost",
        "影响生产经营成本标准",
        _("Production and operating costs"),
        (
            Question(
                "cost.1",
                "违法给予特定经营者优惠政策",
                _("Does the draft unlawfully give particular operators preferential policies?"),
            ),
            Question(
                "cost.2",
                "安排财政支出与特定经营者缴纳的税收或者非税收入挂钩",
                _("Does the draft link public spending to the taxes or non-tax revenue paid by particular operators?"),
            ),
            Question(
                "cost.3",
                "违法免除特定经营者需要缴纳的社会保险费用",
                _("Does the draft unlawfully exempt particular operators from social insurance contributions?"),
            ),
            Question(
                "cost.4",
                "在法律规定之外要求经营者提供或者扣留经营者各类保证金",
                _("Does the draft require or withhold deposits from operators beyond those the law provides for?"),
            ),
        ),
    ),
    Group(
        "conduct",
        "影响生产经营行为标准",
        _("Business conduct"),
        (
            Question(
                "conduct.1",
                "强制经营者从事《中华人民共和国反垄断法》规定的垄断行为",
                _("Does the draft compel operators to engage in monopolistic conduct under the Anti-Monopoly Law?"),
            ),
            Question(
                "conduct.2",
                "违法披露或者要求经营者披露生产经营敏感信息，为经营者从事垄断行为提供便利条件",
                _(
                    "Does the draft unlawfully disclose, or require operators to disclose, sensitive business "
                    "information, making monopolistic conduct easier?"
                ),
            ),
            Question(
                "conduct.3",
                "超越定价权限进行政府定价",
                _("Does the draft fix government prices beyond the pricing authority?"),
            ),
            Question(
                "conduct.4",
                "违法干预实行市场调节价的商品和服务的价格水平",
                _("Does the draft unlawfully interfere with the prices of goods and services priced by the market?"),
            ),
        ),
    ),
)

# The exceptions under which a restriction may be kept, when it is indispensable to the aim, does not seriously
# exclude competition, and has a definite term of implementation.
EXCEPTIONS: tuple[Exception_, ...] = (
    Exception_(
        "national_security",
        "维护国家经济安全、文化安全或者涉及国防建设",
        _("Safeguarding national economic or cultural security, or national defence"),
    ),
    Exception_(
        "social_security",
        "为实现扶贫开发、救灾救助等社会保障目的",
        _("Social security aims such as poverty relief, disaster relief and assistance"),
    ),
    Exception_(
        "public_interest",
        "为实现节约能源资源、保护生态环境等社会公共利益",
        _("Public interests such as saving energy and resources and protecting the environment"),
    ),
    Exception_(
        "other_law",
        "法律、行政法规规定的其他情形",
        _("Other cases provided for by laws and administrative regulations"),
    ),
)

QUESTIONS: dict[str, Question] = {question.code: question for group in GROUPS for question in group.questions}
GROUP_OF: dict[str, Group] = {question.code: group for group in GROUPS for question in group.questions}
EXCEPTION_CODES: dict[str, Exception_] = {exception.code: exception for exception in EXCEPTIONS}


def exception_choices() -> list[tuple[str, str]]:
    return [(exception.code, f"{exception.label_zh}（{exception.label}）") for exception in EXCEPTIONS]


def exception_label(code: str) -> str:
    exception = EXCEPTION_CODES.get(code)
    return str(exception.label) if exception else code
