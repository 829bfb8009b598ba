"""Who gets what from every URL of the project: each URL pattern × each role (and anonymous) → the status code.

The table below has a row for every named URL pattern of the URLconf (the staff workspace /manage/, the API /api/,
the portal /, the auth and language plumbing); `test_every_url_pattern_has_a_row` fails when a pattern has none, so
every new page or endpoint adds its rows here. Only Django's admin is left out (see SKIPPED_ROUTES).

The objects: `decision` is a decision of the drafter's unit in drafting (the unit roles' own; the organ-wide roles
see it; the expert, the evaluator and the administrators without an organ-wide role do not), with one of its steps
and its (non-public) draft; `published` is a published decision with a public document; `foreign` is a decision
of another city, proposed there, with its draft (404 for everyone here). POST rows send no data and are chosen
never to succeed, so the shared world stays as it is.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from decisions import services
from decisions.models import Document
from decisions.procedure import State, StepKind
from decisions.selectors import current_steps
from demo.walkthrough import drive_to, pdf_file
from tests.factories import add_remaining_personas, make_decision, make_world

ROLES = (
    "anonymous",
    "drafter",
    "dept_head",
    "gov_office",
    "legal_reviewer",
    "expert",
    "evaluator",
    "supervisor",
    "system_admin",
    "security_admin",
    "audit_admin",
)
PERSONAS = {
    "drafter": "drafter",
    "dept_head": "head",
    "gov_office": "gov",
    "legal_reviewer": "legal_reviewer",
    "expert": "expert",
    "evaluator": "evaluator",
    "supervisor": "supervisor",
    "system_admin": "system_admin",
    "security_admin": "security_admin",
    "audit_admin": "audit_admin",
}

# Routes not in the matrix, and why.
SKIPPED_ROUTES = {
    "admin/": "Django's admin: for is_staff accounts only, with its own login; no role of the procedure reaches it",
    "static/": "static files, routed only with DEBUG on (WhiteNoise serves them otherwise)",
    "media/": "never routed: documents are served only through the permission-checked download views",
}


@dataclass(frozen=True)
class Row:
    pattern: str  # namespace:name of the URL pattern
    method: str
    args: tuple  # names of objects of the world (below), or literal slugs prefixed with "="
    statuses: str  # the expected status codes, in ROLES order
    note: str = ""

    @property
    def expected(self) -> tuple[int, ...]:
        return tuple(int(code) for code in self.statuses.split())

    @property
    def id(self) -> str:
        objects = ",".join(self.args)
        return f"{self.pattern}({objects}) {self.method}{' ' + self.note if self.note else ''}"


# fmt: off
MATRIX = [
    # roles:                                                           ano drf hed gov leg exp evl sup sys sec aud
    Row("manage:home", "GET", (),                                     "302 200 200 200 200 200 200 200 200 200 200"),
    Row("manage:decisions", "GET", (),                                "302 200 200 200 200 200 200 200 200 200 200"),
    Row("manage:decision_create", "GET", (),                          "302 200 302 302 302 302 302 302 302 302 302"),
    Row("manage:decision", "GET", ("decision",),                      "302 200 200 200 200 404 404 200 404 404 200"),
    Row("manage:decision", "GET", ("foreign",),                       "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:decision_edit", "GET", ("decision",),                 "302 200 302 302 302 404 404 302 404 404 302"),
    Row("manage:decision_edit", "GET", ("foreign",),                  "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:transition", "GET", ("decision", "=withdraw"),        "302 200 200 200 200 404 404 200 404 404 200"),
    Row("manage:transition", "GET", ("decision", "=teleport"),        "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:transition", "GET", ("foreign", "=withdraw"),         "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:transition", "POST", ("decision", "=withdraw"),       "302 400 400 400 400 404 404 400 404 404 400",
        "no reason: refused by the service"),
    Row("manage:confidentiality", "GET", ("decision",),               "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:confidentiality", "POST", ("decision",),              "302 302 302 302 302 404 404 302 404 404 302",
        "refused: nothing claimed"),
    Row("manage:document_upload", "GET", ("decision",),               "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:document_upload", "POST", ("decision",),              "302 302 302 302 302 404 404 302 404 404 302",
        "no file: form error"),
    Row("manage:document_upload", "POST", ("foreign",),               "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:step", "GET", ("step",),                              "302 200 200 200 200 404 404 200 404 404 200"),
    Row("manage:step", "GET", ("foreign_step",),                      "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:step_action", "GET", ("step", "=submit"),             "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:step_action", "POST", ("step", "=submit"),            "302 400 400 400 400 404 404 400 404 404 400",
        "refused: incomplete, or not the role"),
    Row("manage:step_action", "POST", ("foreign_step", "=submit"),    "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:document_download", "GET", ("draft",),                "302 200 200 200 200 404 404 200 404 404 200"),
    Row("manage:document_download", "GET", ("foreign_draft",),        "302 404 404 404 404 404 404 404 404 404 404"),
    # The administrators' pages (三员分立): the system administrator's tools, the security administrator's tools.
    Row("manage:people", "GET", (),                                   "302 403 403 403 403 403 403 403 200 200 403"),
    Row("manage:person_create", "GET", (),                            "302 403 403 403 403 403 403 403 200 403 403"),
    Row("manage:person_create", "POST", (),                           "302 403 403 403 403 403 403 403 400 403 403",
        "no data: form error"),
    Row("manage:person_edit", "GET", ("person",),                     "302 403 403 403 403 403 403 403 200 403 403"),
    Row("manage:person_edit", "GET", ("foreign_person",),             "302 403 403 403 403 403 403 403 404 403 403"),
    Row("manage:person_edit", "POST", ("person",),                    "302 403 403 403 403 403 403 403 400 403 403",
        "no data: form error"),
    Row("manage:person_active", "GET", ("person",),                   "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:person_active", "POST", ("person",),                  "302 403 403 403 403 403 403 403 302 403 403",
        "no data: refused, back to the list"),
    Row("manage:person_password", "GET", ("person",),                 "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:person_password", "POST", ("person",),                "302 403 403 403 403 403 403 403 302 403 403",
        "not confirmed: refused, back to the list"),
    Row("manage:person_password", "POST", ("foreign_person",),        "302 403 403 403 403 403 403 403 404 403 403"),
    Row("manage:person_roles", "GET", ("person",),                    "302 403 403 403 403 403 403 403 403 200 403"),
    Row("manage:person_roles", "GET", ("foreign_person",),            "302 403 403 403 403 403 403 403 403 404 403"),
    Row("manage:person_roles", "POST", ("person",),                   "302 403 403 403 403 403 403 403 403 400 403",
        "no role: form error"),
    Row("manage:organizations", "GET", (),                            "302 403 403 403 403 403 403 403 200 200 403"),
    Row("manage:organization_create", "GET", (),                      "302 403 403 403 403 403 403 403 200 403 403"),
    Row("manage:organization_create", "POST", (),                     "302 403 403 403 403 403 403 403 400 403 403",
        "no data: form error"),
    Row("manage:organization_edit", "GET", ("organization",),         "302 403 403 403 403 403 403 403 200 403 403"),
    Row("manage:organization_edit", "GET", ("foreign_organization",), "302 403 403 403 403 403 403 403 404 403 403"),
    Row("manage:organization_edit", "POST", ("organization",),        "302 403 403 403 403 403 403 403 400 403 403",
        "no data: form error"),
    Row("manage:organization_move", "GET", ("organization",),         "302 403 403 403 403 403 403 403 403 200 403"),
    Row("manage:organization_move", "GET", ("foreign_organization",), "302 403 403 403 403 403 403 403 403 404 403"),
    Row("manage:organization_move", "POST", ("organization",),        "302 403 403 403 403 403 403 403 403 400 403",
        "no parent: form error"),
    Row("manage:rules", "GET", (),                                    "302 200 200 200 200 200 200 200 200 200 200"),
    Row("manage:rule", "GET", ("=1",),                                "302 200 200 200 200 200 200 200 200 200 200"),
    Row("manage:rule", "GET", ("=8",),                                "302 404 404 404 404 404 404 404 404 404 404",
        "no such rule"),

    Row("api:decisions", "GET", (),                                   "403 200 200 200 200 200 200 200 200 200 200"),
    Row("api:decision", "GET", ("decision",),                         "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:decision", "GET", ("foreign",),                          "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:decision_ledger", "GET", ("decision",),                  "403 403 403 403 403 404 404 200 404 404 200"),
    Row("api:decision_ledger", "GET", ("foreign",),                   "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:decision_transitions", "GET", ("decision",),             "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:decision_transitions", "GET", ("foreign",),              "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:decision_transition", "GET", ("decision", "=withdraw"),  "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:decision_transition", "POST", ("decision", "=withdraw"), "403 403 403 409 403 404 404 403 404 404 403",
        "409 for the role that may withdraw: a catalog lists the decision (only its adjustment withdraws it)"),
    Row("api:decision_transition", "POST", ("decision", "=teleport"), "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:decision_transition", "POST", ("foreign", "=withdraw"),  "403 404 404 404 404 404 404 404 404 404 404"),
    # Following by e-mail: a citizen's request, the same for everyone, with no login (POST with no data: 400).
    Row("api:follows", "GET", (),                                     "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:follows", "POST", (),                                    "400 400 400 400 400 400 400 400 400 400 400",
        "no data: bad input"),
    # Suggestions for a catalog: anyone, no login (POST with no data: 400).
    Row("api:catalog_suggestions", "GET", (),                         "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:catalog_suggestions", "POST", (),                        "400 400 400 400 400 400 400 400 400 400 400",
        "no data: bad input"),
    # The OpenAPI schema and its docs: everyone alike, anonymous open-data users too (one schema, no data in it).
    Row("api-schema", "GET", (),                                      "200 200 200 200 200 200 200 200 200 200 200"),
    Row("api-docs", "GET", (),                                        "200 200 200 200 200 200 200 200 200 200 200"),

    Row("portal:home", "GET", (),                                     "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:decision", "GET", ("published",),                     "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:decision", "GET", ("decision",),                      "200 200 200 200 200 200 200 200 200 200 200",
        "in drafting, listed in the published catalog: its progress"),
    Row("portal:decision", "GET", ("foreign",),                       "404 404 404 404 404 404 404 404 404 404 404",
        "proposed: in no published catalog"),
    Row("portal:document", "GET", ("public_document",),               "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:document", "GET", ("draft",),                         "404 404 404 404 404 404 404 404 404 404 404",
        "not public"),
    # Following by e-mail (no account): the forms, and the mails' links (their token is the only credential).
    # The portal's search, feeds, sitemap, language links and open data: everyone alike, published decisions only.
    Row("portal:search", "GET", (),                                   "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:language", "GET", (),                                 "302 302 302 302 302 302 302 302 302 302 302"),
    Row("portal:feed_rss", "GET", (),                                 "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:feed_atom", "GET", (),                                "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:sitemap", "GET", (),                                  "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:open_data_json", "GET", ("=2026",),                   "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:open_data_csv", "GET", ("=2026",),                    "200 200 200 200 200 200 200 200 200 200 200"),
    Row("api:open_decisions", "GET", (),                              "200 200 200 200 200 200 200 200 200 200 200"),
    Row("api:open_decisions", "POST", (),                             "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:open_decision", "GET", ("published",),                   "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:catalogs", "GET", (),                                 "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:catalog", "GET", ("organ", "year"),                   "200 200 200 200 200 200 200 200 200 200 200",
        "published with the decisions the walkthrough brought into it"),
    Row("portal:catalog", "GET", ("organ", "=1999"),                  "404 404 404 404 404 404 404 404 404 404 404",
        "no catalog of that year"),
    Row("portal:catalog_versions", "GET", ("organ", "year"),          "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:catalog_csv", "GET", ("organ", "year"),               "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:catalog_xlsx", "GET", ("organ", "year"),              "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:feed_entries_rss", "GET", (),                         "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:feed_entries_atom", "GET", (),                        "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:suggest", "GET", (),                                  "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:suggest", "POST", (),                                 "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    Row("portal:receipt", "GET", (),                                  "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:receipt", "POST", (),                                 "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    # Public consultations on drafts: everyone alike, no login; the opinion form and API (no data: 400).
    Row("portal:consultations", "GET", (),                            "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:consultation", "GET", ("consultation",),              "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:consultation", "GET", ("=999999",),                   "404 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:consultation", "POST", ("consultation",),             "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    Row("portal:consultation_receipt", "GET", (),                     "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:consultation_receipt", "POST", (),                    "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    Row("api:consultations", "GET", (),                               "200 200 200 200 200 200 200 200 200 200 200"),
    Row("api:consultations", "POST", (),                              "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:consultation", "GET", ("consultation",),                 "200 200 200 200 200 200 200 200 200 200 200"),
    Row("api:consultation", "GET", ("=999999",),                      "404 404 404 404 404 404 404 404 404 404 404"),
    Row("api:consultation_comments", "GET", ("consultation",),        "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:consultation_comments", "POST", ("consultation",),       "400 400 400 400 400 400 400 400 400 400 400",
        "no data: bad input"),
    # ---- the consultation's workspace (participation.views): those who see the decision read it; the unit acts
    Row("participation:consultation", "GET", ("consultation_step",),  "302 200 200 200 200 404 404 200 404 404 200"),
    Row("participation:consultation", "GET", ("step",),               "302 404 404 404 404 404 404 404 404 404 404",
        "not a participation step"),
    Row("participation:consultation", "GET", ("foreign_step",),       "302 404 404 404 404 404 404 404 404 404 404"),
    Row("participation:consultation_set_up", "GET", ("consultation_step",),
                                                                      "302 405 405 405 405 405 405 405 405 405 405"),
    Row("participation:consultation_set_up", "POST", ("consultation_step",),
                                                                      "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("participation:consultation_withdraw", "POST", ("consultation",),
                                                                      "302 302 302 302 302 404 404 302 404 404 302",
        "no reason: refused, back to the workspace"),
    Row("participation:opinion_add", "POST", ("consultation",),       "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("participation:theme_create", "POST", ("consultation",),      "302 302 302 302 302 404 404 302 404 404 302",
        "no title: refused, back to the workspace"),
    Row("participation:theme_assign", "POST", ("consultation",),      "302 302 302 302 302 404 404 302 404 404 302",
        "no opinion: refused"),
    Row("participation:report_generate", "POST", ("consultation",),   "302 302 302 302 302 404 404 302 404 404 302",
        "still open: refused"),
    Row("participation:report_approve", "POST", ("consultation",),    "302 302 302 302 302 404 404 302 404 404 302",
        "no report: refused"),
    Row("participation:opinion_answer", "POST", ("opinion",),         "302 302 302 302 302 404 404 302 404 404 302",
        "no answer: refused"),
    Row("participation:opinion_hide", "POST", ("opinion",),           "302 302 302 302 302 404 404 302 404 404 302",
        "no reason: refused"),
    Row("participation:opinion_reveal", "GET", ("opinion",),          "302 405 405 405 405 405 405 405 405 405 405"),
    Row("participation:opinion_reveal", "POST", ("opinion",),         "302 200 200 403 403 404 404 403 404 404 403",
        "the unit's drafter and head read the contact (recorded)"),
    Row("participation:opinion_attachment", "GET", ("opinion",),      "302 200 200 403 403 404 404 403 404 404 403",
        "the unit opens attachments"),
    Row("participation:theme_answer", "POST", ("theme",),             "302 302 302 302 302 404 404 302 404 404 302",
        "no answer: refused"),
    # ---- end of the consultation's workspace
    # ---- experts (review.experts)
    # The pool: its organ's legal office only.
    Row("review:expert_pool", "GET", (),                              "302 403 403 403 200 403 403 403 403 403 403"),
    Row("review:expert_add", "GET", (),                               "302 403 403 403 200 403 403 403 403 403 403"),
    Row("review:expert_add", "POST", (),                              "302 403 403 403 400 403 403 403 403 403 403",
        "no data: form error"),
    Row("review:expert_import", "GET", (),                            "302 403 403 403 200 403 403 403 403 403 403"),
    Row("review:expert_import", "POST", (),                           "302 403 403 403 400 403 403 403 403 403 403",
        "no file: form error"),
    Row("review:expert_import_template", "GET", (),                   "302 403 403 403 200 403 403 403 403 403 403"),
    Row("review:expert_import_template", "POST", (),                  "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:expert_edit", "GET", ("pool_expert",),                "302 403 403 403 200 403 403 403 403 403 403"),
    Row("review:expert_edit", "POST", ("pool_expert",),               "302 403 403 403 400 403 403 403 403 403 403",
        "no data: form error"),
    Row("review:expert_status", "GET", ("pool_expert",),              "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:expert_status", "POST", ("pool_expert",),             "302 403 403 403 302 403 403 403 403 403 403",
        "no status: refused, back to the pool"),
    # The round's workspace: those who see the decision (its expert, not yet declared, does not); the unit acts.
    Row("review:expert_workspace", "GET", ("expert_step",),           "302 200 200 200 200 404 404 200 404 404 200"),
    Row("review:expert_workspace", "GET", ("step",),                  "302 404 404 404 404 404 404 404 404 404 404",
        "not an expert-review step"),
    Row("review:expert_workspace", "GET", ("foreign_step",),          "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:expert_draw", "GET", ("expert_step",),                "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:expert_draw", "POST", ("expert_step",),               "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:expert_choose", "POST", ("expert_step",),             "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:expert_answer", "POST", ("expert_assignment",),       "302 302 302 302 302 404 404 302 404 404 302",
        "no answer: refused, back to the workspace"),
    # The expert's own pages: their assignments only.
    Row("review:expert_assignments", "GET", (),                       "302 403 403 403 403 200 403 403 403 403 403"),
    Row("review:expert_assignment", "GET", ("expert_assignment",),    "302 403 403 403 403 200 403 403 403 403 403"),
    Row("review:expert_declare", "POST", ("expert_assignment",),      "302 403 403 403 403 400 403 403 403 403 403",
        "no data: form error"),
    Row("review:expert_opinion", "POST", ("expert_assignment",),      "302 403 403 403 403 400 403 403 403 403 403",
        "no data: form error"),
    Row("api:expert_pool", "GET", (),                                 "403 403 403 403 200 403 403 403 403 403 403"),
    Row("api:expert_step_assignments", "GET", ("expert_step",),       "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:expert_step_assignments", "GET", ("foreign_step",),      "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:expert_assignments_mine", "GET", (),                     "403 403 403 403 403 200 403 403 403 403 403"),
    Row("api:expert_declaration", "POST", ("expert_assignment",),     "403 403 403 403 403 409 403 403 403 403 403",
        "no data (a form's missing box: no_conflict false): the round is not open yet, refused"),
    Row("api:expert_opinion", "POST", ("expert_assignment",),         "403 403 403 403 403 400 403 403 403 403 403",
        "no data: bad input"),
    Row("api:expert_usage", "POST", ("expert_assignment",),           "403 400 400 400 400 404 404 400 404 404 400",
        "no data: bad input"),
    # ---- end of experts
    # ---- risk assessment and fair-competition review (review.risk, review.checklist)
    # The workspaces of a step: whoever sees the decision reads them; the unit's drafter acts (POST with no data: a
    # form error, or the service's refusal shown in the form, 400; removing a risk of a closed step: refused, 302).
    Row("review:risk_workspace", "GET", ("risk_step",),               "302 200 200 200 200 404 404 200 404 404 200"),
    Row("review:risk_workspace", "GET", ("step",),                    "302 404 404 404 404 404 404 404 404 404 404",
        "not a risk assessment step"),
    Row("review:risk_workspace", "GET", ("foreign_step",),            "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:risk_method", "GET", ("risk_step",),                  "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:risk_method", "POST", ("risk_step",),                 "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:risk_method", "POST", ("foreign_step",),              "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:risk_item_add", "GET", ("risk_step",),                "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:risk_item_add", "POST", ("risk_step",),               "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:risk_item_edit", "GET", ("risk_item_step", "risk_item"),
                                                                      "302 200 200 200 200 404 404 200 404 404 200"),
    Row("review:risk_item_edit", "GET", ("risk_step", "risk_item"),   "302 404 404 404 404 404 404 404 404 404 404",
        "the risk of another step"),
    Row("review:risk_item_edit", "POST", ("risk_item_step", "risk_item"),
                                                                      "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:risk_item_remove", "GET", ("risk_item_step", "risk_item"),
                                                                      "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:risk_item_remove", "POST", ("risk_item_step", "risk_item"),
                                                                      "302 302 302 302 302 404 404 302 404 404 302",
        "the step is closed: refused, back to the workspace"),
    Row("review:risk_level", "GET", ("risk_step",),                   "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:risk_level", "POST", ("risk_step",),                  "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:fair_competition_workspace", "GET", ("fc_step",),     "302 200 200 200 200 404 404 200 404 404 200"),
    Row("review:fair_competition_workspace", "GET", ("risk_step",),   "302 404 404 404 404 404 404 404 404 404 404",
        "not a fair-competition step"),
    Row("review:fair_competition_workspace", "GET", ("foreign_step",),
                                                                      "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:fair_competition_answers", "GET", ("fc_step",),       "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:fair_competition_answers", "POST", ("fc_step",),      "302 400 400 400 400 404 404 400 404 404 400",
        "no answer: refused"),
    Row("review:fair_competition_restriction", "GET", ("fc_step",),   "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:fair_competition_restriction", "POST", ("fc_step",),  "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:fair_competition_conclusion", "GET", ("fc_step",),    "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:fair_competition_conclusion", "POST", ("fc_step",),   "302 400 400 400 400 404 404 400 404 404 400",
        "no conclusion: refused"),
    # The API: read by whoever sees the decision; POST with no data is bad input (400).
    Row("api:risk_assessment", "GET", ("risk_step",),                 "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:risk_assessment", "GET", ("fc_step",),                   "403 404 404 404 404 404 404 404 404 404 404",
        "not a risk assessment step"),
    Row("api:risk_assessment", "GET", ("foreign_step",),              "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:risk_items", "GET", ("risk_step",),                      "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:risk_items", "POST", ("risk_step",),                     "403 400 400 400 400 404 404 400 404 404 400",
        "no data: bad input"),
    Row("api:risk_items", "POST", ("foreign_step",),                  "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:fair_competition_checklist", "GET", ("fc_step",),        "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:fair_competition_checklist", "GET", ("foreign_step",),   "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:fair_competition_answers", "GET", ("fc_step",),          "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:fair_competition_answers", "POST", ("fc_step",),         "403 400 400 400 400 404 404 400 404 404 400",
        "no data: bad input"),
    # ---- end of risk assessment and fair-competition review
    # ---- co-signing (review.cosigning)
    # The inbox: every member of staff has one (empty unless their organization was asked).
    Row("review:co_signing_inbox", "GET", (),                         "302 200 200 200 200 200 200 200 200 200 200"),
    # The unit's workspace: those who see the decision; the unit's drafter sends (no data: form error).
    Row("review:co_signing_workspace", "GET", ("cosign_step",),       "302 200 200 200 200 404 404 200 404 404 200"),
    Row("review:co_signing_workspace", "GET", ("step",),              "302 404 404 404 404 404 404 404 404 404 404",
        "not a department consultation step"),
    Row("review:co_signing_workspace", "GET", ("foreign_step",),      "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:co_signing_send", "GET", ("cosign_step",),            "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:co_signing_send", "POST", ("cosign_step",),           "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:co_signing_send", "POST", ("foreign_step",),          "302 404 404 404 404 404 404 404 404 404 404"),
    # The answer: the requested organization's drafter or head only (none of these personas): not found for others.
    Row("review:co_signing_answer", "GET", ("cosign_request",),       "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:co_signing_answer", "POST", ("cosign_request",),      "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:co_signing_unit_view", "GET", ("cosign_request",),    "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:co_signing_unit_view", "POST", ("cosign_request",),   "302 302 302 302 302 404 404 302 404 404 302",
        "not a disagreement, or not the unit: refused, back to the workspace"),
    Row("api:co_signing_requests", "GET", (),                         "403 200 200 200 200 200 200 200 200 200 200"),
    Row("api:co_signing_step_requests", "GET", ("cosign_step",),      "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:co_signing_step_requests", "GET", ("foreign_step",),     "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:co_signing_answer", "GET", ("cosign_request",),          "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:co_signing_answer", "POST", ("cosign_request",),         "403 400 400 400 400 404 404 400 404 404 400",
        "no answer: input.invalid"),
    # ---- end of co-signing
    # ---- legality review workspace (review.legality)
    # The workspace of the legality review step: whoever sees the decision reads it; the legal office's reviewer
    # records the advisers' opinions (POST with no data: a form error, 400). The coverage report: the organ's legal
    # office, government office and supervisor (403 for the other roles).
    Row("review:legality_workspace", "GET", ("legality_step",),       "302 200 200 200 200 404 404 200 404 404 200"),
    Row("review:legality_workspace", "GET", ("step",),                "302 404 404 404 404 404 404 404 404 404 404",
        "not a legality review step"),
    Row("review:legality_workspace", "GET", ("foreign_step",),        "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:legality_adviser_add", "GET", ("legality_step",),     "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:legality_adviser_add", "POST", ("legality_step",),    "302 400 400 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("review:legality_adviser_add", "POST", ("foreign_step",),     "302 404 404 404 404 404 404 404 404 404 404"),
    Row("review:legality_changes_list", "GET", ("legality_step",),    "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:legality_changes_list", "POST", ("legality_step",),   "302 302 302 302 302 404 404 302 404 404 302",
        "no opinion awaiting changes: refused, back to the workspace"),
    Row("review:legality_change_note", "GET", ("legality_step", "=999999"),
                                                                      "302 405 405 405 405 405 405 405 405 405 405"),
    Row("review:legality_change_note", "POST", ("legality_step", "=999999"),
                                                                      "302 404 404 404 404 404 404 404 404 404 404",
        "no such required change"),
    Row("review:legality_coverage", "GET", (),                        "302 403 403 200 200 403 403 200 403 403 403"),
    Row("api:legality_workspace", "GET", ("legality_step",),          "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:legality_workspace", "GET", ("step",),                   "403 404 404 404 404 404 404 404 404 404 404",
        "not a legality review step"),
    Row("api:legality_workspace", "GET", ("foreign_step",),           "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:legality_adviser_opinions", "GET", ("legality_step",),   "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:legality_adviser_opinions", "POST", ("legality_step",),  "403 400 400 400 400 404 404 400 404 404 400",
        "no data: bad input"),
    Row("api:legality_adviser_opinions", "POST", ("foreign_step",),   "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:legality_change_note", "GET", ("legality_step", "=999999"),
                                                                      "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:legality_change_note", "POST", ("legality_step", "=999999"),
                                                                      "403 404 404 404 404 404 404 404 404 404 404",
        "no such required change"),
    # ---- end of legality review workspace
    # ---- executive meetings (decisions.session_views): the organ-wide roles read them, the government office acts
    Row("manage:meetings", "GET", (),                                 "302 404 404 200 200 404 404 200 404 404 200"),
    Row("manage:meeting_create", "GET", (),                           "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:meeting_create", "POST", (),                          "302 404 404 400 400 404 404 400 404 404 400",
        "no data: form error"),
    Row("manage:meeting", "GET", ("meeting",),                        "302 404 404 200 200 404 404 200 404 404 200"),
    Row("manage:meeting", "GET", ("=999999",),                        "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:meeting_agenda_add", "POST", ("meeting",),            "302 404 404 302 302 404 404 302 404 404 302",
        "no decision: refused, back to the meeting"),
    Row("manage:meeting_minutes", "GET", ("meeting",),                "302 404 404 200 200 404 404 200 404 404 200"),
    Row("manage:meeting_item_record", "POST", ("=999999",),           "302 404 404 404 404 404 404 404 404 404 404"),
    # ---- end of executive meetings
    # ---- meetings API (decisions.session_api): as the pages, the organ-wide roles read, the government office acts
    Row("api:meetings", "GET", (),                                    "403 404 404 200 200 404 404 200 404 404 200"),
    Row("api:meetings", "POST", (),                                   "403 404 404 400 403 404 404 403 404 404 403",
        "no data: 400 for the government office, 403 for the other readers"),
    Row("api:meeting", "GET", ("meeting",),                           "403 404 404 200 200 404 404 200 404 404 200"),
    Row("api:meeting", "GET", ("=999999",),                           "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:meeting", "POST", ("meeting",),                          "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:meeting_agenda", "GET", ("meeting",),                    "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:meeting_agenda", "POST", ("meeting",),                   "403 404 404 400 403 404 404 403 404 404 403",
        "no decision: 400 for the government office, 403 for the other readers"),
    Row("api:meeting_agenda", "POST", ("=999999",),                   "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:meeting_item_record", "GET", ("meeting", "=1"),          "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:meeting_item_record", "POST", ("meeting", "=1"),         "403 404 404 404 404 404 404 404 404 404 404",
        "nothing on the agenda"),
    # ---- end of meetings API
    # ---- hearings (participation.hearings): the staff workspace, the portal and the API
    # The hearing page of a step: whoever sees the decision reads it (a GET creates nothing); only the unit's drafter
    # announces, the drafter and the head run the rest (POST with no data: 400 for them, 403 for other readers).
    Row("participation:hearing", "GET", ("hearing_step",),            "302 200 200 200 200 404 404 200 404 404 200"),
    Row("participation:hearing", "GET", ("step",),                    "302 404 404 404 404 404 404 404 404 404 404",
        "not a hearing step"),
    Row("participation:hearing", "GET", ("foreign_step",),            "302 404 404 404 404 404 404 404 404 404 404"),
    Row("participation:hearing_announce", "GET", ("hearing_step",),   "302 405 405 405 405 405 405 405 405 405 405"),
    Row("participation:hearing_announce", "POST", ("hearing_step",),  "302 400 403 403 403 404 404 403 404 404 403",
        "no data: form error for the drafter"),
    Row("participation:hearing_select", "POST", ("hearing",),         "302 400 400 403 403 404 404 403 404 404 403",
        "no data: form error"),
    Row("participation:hearing_materials", "POST", ("hearing",),      "302 400 400 403 403 404 404 403 404 404 403",
        "no data: form error"),
    Row("participation:hearing_statement", "POST", ("hearing",),      "302 400 400 403 403 404 404 403 404 404 403",
        "no data: form error"),
    Row("participation:hearing_cancel", "POST", ("hearing",),         "302 400 400 403 403 404 404 403 404 404 403",
        "no reason: form error"),
    Row("participation:hearing_file_record", "POST", ("hearing",),    "302 400 400 403 403 404 404 403 404 404 403",
        "no record confirmed: refused"),
    Row("participation:hearing_confirm", "POST", ("hearing_application",),
        "302 400 400 403 403 404 404 403 404 404 403", "no record taken: refused"),
    Row("participation:hearing_select", "POST", ("=999999",),         "302 404 404 404 404 404 404 404 404 404 404"),
    # The portal and the API: everyone alike, no login; the application form and API (no data: 400).
    Row("portal:hearings", "GET", (),                                 "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:hearing", "GET", ("hearing",),                        "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:hearing", "GET", ("=999999",),                        "404 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:hearing", "POST", ("hearing",),                       "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    Row("portal:hearing_record", "GET", ("hearing",),                 "404 404 404 404 404 404 404 404 404 404 404",
        "not held yet"),
    Row("portal:hearing_receipt", "GET", (),                          "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:hearing_receipt", "POST", (),                         "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    Row("api:hearings", "GET", (),                                    "200 200 200 200 200 200 200 200 200 200 200"),
    Row("api:hearings", "POST", (),                                   "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:hearing", "GET", ("hearing",),                           "200 200 200 200 200 200 200 200 200 200 200"),
    Row("api:hearing", "GET", ("=999999",),                           "404 404 404 404 404 404 404 404 404 404 404"),
    Row("api:hearing_applications", "GET", ("hearing",),              "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:hearing_applications", "POST", ("hearing",),             "400 400 400 400 400 400 400 400 400 400 400",
        "no data: bad input"),
    # ---- end of hearings
    # ---- offline opinions imported (participation.imports)
    # The undertaking unit (drafter, head) imports; others who see the decision 403, those who do not 404.
    Row("participation:import_opinions", "GET", ("consultation",),    "302 200 200 403 403 404 404 403 404 404 403"),
    Row("participation:import_opinions", "GET", ("=999999",),         "302 404 404 404 404 404 404 404 404 404 404"),
    Row("participation:import_opinions", "POST", ("consultation",),   "302 400 400 403 403 404 404 403 404 404 403",
        "no file: form error"),
    Row("participation:import_template", "GET", ("consultation",),    "302 200 200 403 403 404 404 403 404 404 403"),
    Row("participation:import_template", "POST", ("consultation",),   "302 405 405 405 405 405 405 405 405 405 405"),
    # ---- end of offline opinions imported
    Row("api:open_catalogs", "GET", (),                               "200 200 200 200 200 200 200 200 200 200 200"),
    Row("api:open_catalog_entries", "GET", ("=999999",),              "404 404 404 404 404 404 404 404 404 404 404"),
    Row("api:open_decision", "GET", ("decision",),                    "404 404 404 404 404 404 404 404 404 404 404",
        "in drafting: not public"),
    Row("portal:follow_decision", "GET", ("published",),              "405 405 405 405 405 405 405 405 405 405 405"),
    Row("portal:follow_decision", "POST", ("published",),             "400 400 400 400 400 400 400 400 400 400 400",
        "no address: form error"),
    Row("portal:follow_decision", "POST", ("decision",),              "400 400 400 400 400 400 400 400 400 400 400",
        "listed in the published catalog: no address, form error"),
    Row("portal:follow_decision", "POST", ("foreign",),               "404 404 404 404 404 404 404 404 404 404 404",
        "proposed: in no published catalog"),
    Row("portal:follow", "GET", (),                                   "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:follow", "POST", (),                                  "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    Row("portal:follow_confirm", "GET", ("=no-such-token",),          "404 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:follow_confirm", "POST", ("=no-such-token",),         "404 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:follow_unsubscribe", "GET", ("=no-such-token",),      "404 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:follow_unsubscribe", "POST", ("=no-such-token",),     "404 404 404 404 404 404 404 404 404 404 404"),

    # Notices: everyone's own inbox (another's notice is 404); the API alike.
    Row("notices:inbox", "GET", (),                                   "302 200 200 200 200 200 200 200 200 200 200"),
    Row("notices:settings", "GET", (),                                "302 200 200 200 200 200 200 200 200 200 200"),
    Row("notices:settings", "POST", (),                               "302 400 400 400 400 400 400 400 400 400 400",
        "no choice: form error"),
    Row("notices:read_all", "GET", (),                                "302 405 405 405 405 405 405 405 405 405 405"),
    Row("notices:open", "GET", ("=999999",),                          "302 404 404 404 404 404 404 404 404 404 404"),
    Row("notices:read", "POST", ("=999999",),                         "302 404 404 404 404 404 404 404 404 404 404"),
    Row("api:notices", "GET", (),                                     "403 200 200 200 200 200 200 200 200 200 200"),
    Row("api:notices_read_all", "GET", (),                            "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:notice_read", "POST", ("=999999",),                      "403 404 404 404 404 404 404 404 404 404 404"),
    # The holiday calendar: the legal office's (and the system administrator's, as in the admin).
    Row("holidays", "GET", (),                                        "302 403 403 403 200 403 403 403 200 403 403"),
    Row("holiday_add", "POST", (),                                    "302 403 403 403 400 403 403 403 400 403 403",
        "no data: form error"),
    Row("holiday_notice", "POST", (),                                 "302 403 403 403 400 403 403 403 400 403 403",
        "no data: form error"),
    Row("holiday_delete", "POST", ("=999999",),                       "302 403 403 403 404 403 403 403 404 403 403"),

    # The catalogs (/manage/catalogs/): the organ's government office compiles, its legal office reviews, the
    # supervisor and the audit administrator read; the unit roles and the others have no catalog (404, or 403 on lists).
    Row("catalog:list", "GET", (),                                    "302 403 403 200 200 403 403 200 403 403 200"),
    Row("catalog:create", "GET", (),                                  "302 405 405 405 405 405 405 405 405 405 405"),
    Row("catalog:create", "POST", (),                                 "302 403 403 400 403 403 403 403 403 403 403",
        "no data: form error"),
    Row("catalog:detail", "GET", ("catalog",),                        "302 404 404 200 200 404 404 200 404 404 200"),
    Row("catalog:detail", "GET", ("foreign_catalog",),                "302 404 404 404 404 404 404 404 404 404 404"),
    Row("catalog:act", "GET", ("catalog", "=publish"),                "302 405 405 405 405 405 405 405 405 405 405"),
    Row("catalog:act", "POST", ("catalog", "=publish"),               "302 404 404 302 302 404 404 302 404 404 302",
        "refused by the service (not approved, or not the role): back to the catalog"),
    Row("catalog:act", "POST", ("catalog", "=teleport"),              "302 404 404 404 404 404 404 404 404 404 404"),
    Row("catalog:act", "POST", ("foreign_catalog", "=publish"),       "302 404 404 404 404 404 404 404 404 404 404"),
    Row("catalog:approval", "POST", ("catalog",),                     "302 404 404 400 403 404 404 403 404 404 403",
        "no data: form error"),
    Row("catalog:adjust", "POST", ("catalog",),                       "302 404 404 400 403 404 404 403 404 404 403",
        "no reason: form error"),
    Row("catalog:version", "GET", ("catalog", "=1"),                  "302 404 404 404 404 404 404 404 404 404 404",
        "not published"),
    Row("catalog:entry_add", "GET", ("catalog",),                     "302 404 404 200 403 404 404 403 404 404 403"),
    Row("catalog:entry_add", "POST", ("catalog",),                    "302 404 404 400 403 404 404 403 404 404 403",
        "no data: form error"),
    Row("catalog:entry_add", "POST", ("foreign_catalog",),            "302 404 404 404 404 404 404 404 404 404 404"),
    Row("catalog:entry_edit", "GET", ("entry",),                      "302 404 404 200 403 404 404 403 404 404 403"),
    Row("catalog:entry_edit", "POST", ("entry",),                     "302 404 404 400 403 404 404 403 404 404 403",
        "no data: form error"),
    Row("catalog:entry_remove", "GET", ("entry",),                    "302 405 405 405 405 405 405 405 405 405 405"),
    Row("catalog:entry_remove", "POST", ("entry",),                   "302 404 404 302 403 404 404 403 404 404 403",
        "no reason: refused, back to the catalog"),
    Row("catalog:entry_review", "POST", ("entry",),                   "302 404 404 403 400 404 404 403 404 404 403",
        "no verdict: form error"),
    Row("catalog:windows", "GET", (),                                 "302 403 403 200 200 403 403 200 403 403 200"),
    Row("catalog:window_create", "POST", (),                          "302 403 403 400 403 403 403 403 403 403 403",
        "no data: form error"),
    Row("catalog:window", "GET", ("window",),                         "302 404 404 200 200 404 404 200 404 404 200"),
    Row("catalog:suggestion_answer", "POST", ("suggestion",),         "302 404 404 400 403 404 404 403 404 404 403",
        "no answer: form error"),
    Row("catalog:suggestion_hide", "POST", ("suggestion",),           "302 404 404 302 403 404 404 403 404 404 403",
        "no reason: refused, back to the window"),

    # The health probes answer everyone alike (config/health.py); the matrix's world has no worker heartbeat: 503.
    Row("healthz", "GET", (),                                         "200 200 200 200 200 200 200 200 200 200 200"),
    Row("readyz", "GET", (),                                          "503 503 503 503 503 503 503 503 503 503 503",
        "no heartbeat"),

    Row("login", "GET", (),                                           "200 302 302 302 302 302 302 302 302 302 302"),
    Row("logout", "GET", (),                                          "405 405 405 405 405 405 405 405 405 405 405"),
    Row("logout", "POST", (),                                         "302 302 302 302 302 302 302 302 302 302 302"),
    Row("set_language", "POST", (),                                   "302 302 302 302 302 302 302 302 302 302 302"),
    Row("password_change", "GET", (),                                 "302 200 200 200 200 200 200 200 200 200 200"),
    Row("password_change_done", "GET", (),                            "302 200 200 200 200 200 200 200 200 200 200"),
    Row("otp", "GET", (),                                             "302 200 200 200 200 200 200 200 200 200 200",
        "second factor: enrol or give the code"),
    # ---- execution (decisions.execution_views, decisions.execution_api): whoever sees the decision reads its
    # execution; the execution unit reports, it or the government office sets the indicators. The decision is in
    # drafting: the page's POSTs are refused (not executed, or not the role) and go back to the page; the API's are
    # 409 for those who may act once it is executed, 403 for the other readers.
    Row("manage:execution", "GET", ("decision",),                     "302 200 200 200 200 404 404 200 404 404 200"),
    Row("manage:execution", "GET", ("foreign",),                      "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:execution_report_progress", "GET", ("decision",),     "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:execution_report_progress", "POST", ("decision",),    "302 302 302 403 403 404 404 403 404 404 403",
        "the unit: refused, not executed (back to the page); other roles: 403"),
    Row("manage:execution_indicators", "GET", ("decision",),          "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:execution_indicators", "POST", ("decision",),         "302 302 302 302 403 404 404 403 404 404 403",
        "the unit and the government office: refused, not executed (back to the page); other roles: 403"),
    Row("api:decision_execution", "GET", ("decision",),               "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:decision_execution", "GET", ("foreign",),                "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:decision_execution", "POST", ("decision",),              "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:decision_execution_reports", "GET", ("decision",),       "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:decision_execution_reports", "POST", ("decision",),      "403 409 409 403 403 404 404 403 404 404 403",
        "not executed: 409 for the unit, 403 for the other readers"),
    Row("api:decision_execution_indicators", "GET", ("decision",),    "403 405 405 405 405 405 405 405 405 405 405"),
    Row("api:decision_execution_indicators", "POST", ("decision",),   "403 409 409 409 403 404 404 403 404 404 403",
        "not executed: 409 for the unit and the government office, 403 for the other readers"),
    # ---- end of execution
    # ---- problem reports on execution (decisions.problem_report_views, decisions.problem_report_api, portal)
    Row("manage:problem_reports", "GET", ("published",),              "302 200 200 200 200 404 404 200 404 404 200"),
    Row("manage:problem_reports", "GET", ("foreign",),                "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:problem_reports", "POST", ("published",),             "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:problem_report_answer", "GET", ("=999999",),          "302 405 405 405 405 405 405 405 405 405 405"),
    Row("manage:problem_report_answer", "POST", ("=999999",),         "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:problem_report_hide", "POST", ("=999999",),           "302 404 404 404 404 404 404 404 404 404 404"),
    Row("manage:problem_report_contact", "POST", ("=999999",),        "302 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:report_problem", "GET", ("published",),               "405 405 405 405 405 405 405 405 405 405 405"),
    Row("portal:report_problem", "POST", ("published",),              "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    Row("portal:report_problem", "POST", ("foreign",),                "404 404 404 404 404 404 404 404 404 404 404",
        "proposed: not public"),
    Row("portal:problem_report_lookup", "GET", (),                    "200 200 200 200 200 200 200 200 200 200 200"),
    Row("portal:problem_report_lookup", "POST", (),                   "400 400 400 400 400 400 400 400 400 400 400",
        "no data: form error"),
    Row("api:decision_problem_reports", "GET", ("published",),        "403 200 200 200 200 404 404 200 404 404 200"),
    Row("api:decision_problem_reports", "POST", ("published",),       "400 400 400 400 400 400 400 400 400 400 400",
        "anyone, no data: bad input"),
    Row("api:decision_problem_reports", "POST", ("decision",),        "404 404 404 404 404 404 404 404 404 404 404",
        "in drafting: not public"),
    Row("api:problem_report_lookup", "GET", (),                       "405 405 405 405 405 405 405 405 405 405 405",
        "the contact never travels in a URL"),
    Row("api:problem_report_lookup", "POST", (),                      "400 400 400 400 400 400 400 400 400 400 400",
        "no receipt: bad input"),
    Row("api:problem_report_answer", "POST", ("=999999",),            "403 404 404 404 404 404 404 404 404 404 404"),
    # ---- end of problem reports on execution
    # ---- post-decision evaluation (evaluation.views, evaluation.api, portal.evaluation_views)
    # Plans: the organ-wide roles read them, the government office draws them up (POST with no data: form error);
    # no plan exists in this world (999999: not found). The evaluation page: whoever sees the decision; its POSTs
    # with no data are refused by the service inside the form (400). The evaluator's assignments are the evaluator's.
    Row("evaluation:plans", "GET", (),                                "302 403 403 200 200 403 403 200 403 403 200"),
    Row("evaluation:plan_create", "GET", (),                          "302 405 405 405 405 405 405 405 405 405 405"),
    Row("evaluation:plan_create", "POST", (),                         "302 403 403 400 403 403 403 403 403 403 403",
        "no data: form error"),
    Row("evaluation:plan", "GET", ("=999999",),                       "302 404 404 404 404 404 404 404 404 404 404"),
    Row("evaluation:plan_item_add", "POST", ("=999999",),             "302 404 404 404 404 404 404 404 404 404 404"),
    Row("evaluation:plan_item_remove", "POST", ("=999999", "=1"),     "302 404 404 404 404 404 404 404 404 404 404"),
    Row("evaluation:plan_act", "POST", ("=999999", "=approve"),       "302 404 404 404 404 404 404 404 404 404 404"),
    Row("evaluation:mine", "GET", (),                                 "302 403 403 403 403 403 200 403 403 403 403"),
    Row("evaluation:decision", "GET", ("published",),                 "302 200 200 200 200 404 404 200 404 404 200",
        "not evaluated yet"),
    Row("evaluation:decision", "GET", ("foreign",),                   "302 404 404 404 404 404 404 404 404 404 404"),
    Row("evaluation:report", "GET", ("published",),                   "302 405 405 405 405 405 405 405 405 405 405"),
    Row("evaluation:report", "POST", ("published",),                  "302 400 400 400 400 404 404 400 404 404 400",
        "not the evaluator's, or not under evaluation: refused in the form"),
    Row("evaluation:approve", "POST", ("published",),                 "302 400 400 400 400 404 404 400 404 404 400",
        "not the role, or not under evaluation: refused in the form"),
    Row("portal:evaluation_plan", "GET", ("organ", "year"),           "404 404 404 404 404 404 404 404 404 404 404",
        "no published plan"),
    Row("api:evaluation_plans", "GET", (),                            "403 403 403 200 200 403 403 200 403 403 200"),
    Row("api:evaluation_plans", "POST", (),                           "403 403 403 400 403 403 403 403 403 403 403",
        "no data: bad input"),
    Row("api:evaluation_plan_items", "POST", ("=999999",),            "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:evaluation_plan_approve", "POST", ("=999999",),          "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:evaluation_plan_publish", "POST", ("=999999",),          "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:evaluation_mine", "GET", (),                             "403 403 403 403 403 403 200 403 403 403 403"),
    Row("api:evaluation_report", "POST", ("published",),              "403 403 403 403 403 404 404 403 404 404 403",
        "not the evaluation body: refused"),
    Row("api:evaluation_report", "POST", ("foreign",),                "403 404 404 404 404 404 404 404 404 404 404"),
    Row("api:open_evaluation_plans", "GET", (),                       "200 200 200 200 200 200 200 200 200 200 200"),
    # ---- end of post-decision evaluation
    # ---- satisfaction surveys (evaluation.surveys): staff pages, the portal and the API
    # The staff page of an evaluation's survey: whoever sees the decision reads it (no such evaluation here: 404); the
    # link from the decision page finds the running evaluation (none: 404). The portal and the API: anyone, no login.
    Row("surveys:manage", "GET", ("=999999",),                        "302 404 404 404 404 404 404 404 404 404 404"),
    Row("surveys:manage", "POST", ("=999999",),                       "302 404 404 404 404 404 404 404 404 404 404"),
    Row("surveys:for_decision", "GET", ("decision",),                 "302 404 404 404 404 404 404 404 404 404 404",
        "not being evaluated"),
    Row("surveys:for_decision", "GET", ("published",),                "302 404 404 404 404 404 404 404 404 404 404",
        "published, not being evaluated"),
    Row("surveys:for_decision", "POST", ("decision",),                "302 405 405 405 405 405 405 405 405 405 405"),
    Row("portal:survey", "GET", ("=999999",),                         "404 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:survey", "POST", ("=999999",),                        "404 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:survey_results", "GET", ("=999999",),                 "404 404 404 404 404 404 404 404 404 404 404"),
    Row("portal:survey_results", "POST", ("=999999",),                "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:survey", "GET", ("=999999",),                            "404 404 404 404 404 404 404 404 404 404 404"),
    Row("api:survey", "POST", ("=999999",),                           "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:survey_responses", "GET", ("=999999",),                  "405 405 405 405 405 405 405 405 405 405 405"),
    Row("api:survey_responses", "POST", ("=999999",),                 "404 404 404 404 404 404 404 404 404 404 404"),
    Row("api:survey_results", "GET", ("=999999",),                    "404 404 404 404 404 404 404 404 404 404 404"),
    Row("api:survey_results", "POST", ("=999999",),                   "405 405 405 405 405 405 405 405 405 405 405"),
    # ---- end of satisfaction surveys
]
# fmt: on


def url_patterns(patterns=None, prefix="", namespaces=()):
    """(route, namespaced name) of every URL pattern of the project's URLconf, recursively."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from url_patterns(pattern.url_patterns, route, inner)
        else:
            yield route, ":".join((*namespaces, pattern.name)) if pattern.name else None


def test_every_url_pattern_has_a_row():
    routed = {}
    for route, name in url_patterns():
        if any(route.startswith(skipped) for skipped in SKIPPED_ROUTES):
            continue
        assert name, f"the URL pattern {route!r} has no name: name it and give it a row in MATRIX"
        routed[name] = route
    covered = {row.pattern for row in MATRIX}
    missing = sorted(set(routed) - covered)
    assert not missing, f"URL patterns without a row in the authorization matrix: {missing}"
    assert not covered - set(routed), f"rows for URL patterns that no longer exist: {sorted(covered - set(routed))}"
    assert all(len(row.expected) == len(ROLES) for row in MATRIX)


@pytest.fixture(scope="module")
def _matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _media_root(settings, _matrix_media, tmp_path):
    """One MEDIA_ROOT for the whole module (conftest's is per test), where the shared world's documents are."""
    settings.MEDIA_ROOT = _matrix_media
    settings.LEDGER_SEAL_DIR = tmp_path / "seals"


def _catalog_objects(world):
    """The city's catalog with one entry, a suggestion window with one suggestion, and another city's catalog."""
    from datetime import timedelta

    from django.utils import timezone

    from catalog import services as catalogs
    from catalog.models import Catalog
    from decisions.models import Decision

    # next year's: this year's was published with the decisions the walkthrough brought into it
    catalog = catalogs.create_catalog(actor=world.gov, organ=world.city, year=timezone.localdate().year + 1)
    entry = catalogs.add_entry(
        catalog=catalog,
        actor=world.gov,
        title="关于目录事项的决定",
        scope_category=Decision.ScopeCategory.PUBLIC_POLICY,
        undertaking_unit=world.transport,
    )
    today = timezone.localdate()
    window = catalogs.open_suggestion_window(
        actor=world.gov, organ=world.city, year=2026, opens_on=today, closes_on=today + timedelta(days=10)
    )
    suggestion = catalogs.submit_suggestion(
        window, title="建议事项", reason="理由", submitter_name="王五", contact="13812341234"
    )
    foreign_catalog = Catalog.objects.create(organ=world.other_city, year=2026, created_by=world.outsider)
    return catalog, entry, window, suggestion, foreign_catalog


def _consultation(world, decision):
    """A consultation open today on the decision's public participation step."""
    from django.utils import timezone

    from participation import services as participation

    return participation.set_up_consultation(
        step=current_steps(decision)[StepKind.PUBLIC_PARTICIPATION],
        actor=world.drafter,
        title="《示例办法（征求意见稿）》",
        draft_text="第一条 为了示例，制定本办法。\n第二条 本办法自公布之日起施行。",
        explanation="起草说明。",
        questions="",
        channels="市政府门户网站",
        comment_start=timezone.localdate(),
    )


def _opinion_objects(world, consultation):
    """An opinion with an attachment and a theme on the consultation: `opinion`, `theme`, `consultation_step`."""
    from participation import services as participation

    opinion = participation.submit_comment(
        consultation=consultation,
        name="王五",
        contact="13812341234",
        text="建议补充过渡期的规定。",
        client_address="192.0.2.1",
        attachment=pdf_file("意见.pdf"),
    )
    theme = participation.create_theme(consultation=consultation, actor=world.drafter, title="过渡期")
    return {"opinion": opinion, "theme": theme, "consultation_step": consultation.step}


def _experts_objects(world, decision):
    """The expert persona in the city's pool, assigned (not yet declared) to the decision's expert-review step:
    `pool_expert`, `expert_step`, `expert_assignment` (the decision stays out of the expert's sight)."""
    from review.models import Expert, ExpertAssignment

    step = current_steps(decision)[StepKind.EXPERT_REVIEW]
    expert = Expert.objects.create(
        organ=world.city,
        name="钱专家",
        fields="交通规划",
        institution="示例大学",
        contact="13812349999",
        user=world.expert,
    )
    assignment = ExpertAssignment.objects.create(step=step, expert=expert)
    return {"pool_expert": expert, "expert_step": step, "expert_assignment": assignment}


def _cosigning_objects(world, decision):
    """The decision's department consultation step (`cosign_step`) with a request to the environment bureau
    (`cosign_request`), made directly: no persona here belongs to the bureau."""
    from datetime import timedelta

    from django.utils import timezone

    from review.models import CoSigningRequest

    step = current_steps(decision)[StepKind.DEPARTMENT_CONSULTATION]
    request = CoSigningRequest.objects.create(
        step=step, organization=world.environment, due_on=timezone.localdate() + timedelta(days=10)
    )
    return {"cosign_step": step, "cosign_request": request}


def _risk_objects(world, decision):
    """The decision's risk assessment and fair-competition steps (`risk_step`, `fc_step`), and an identified risk
    (`risk_item`) of the published decision's assessment, made directly: its step is closed, so removing it is
    refused for everyone."""
    from decisions.models import Decision
    from review.models import RiskAssessment, RiskItem

    published = Decision.objects.get(title="关于公布的决定")
    assessment, _created = RiskAssessment.objects.get_or_create(
        step=current_steps(published)[StepKind.RISK_ASSESSMENT], defaults={"measures": "预案。"}
    )
    item = RiskItem.objects.create(
        assessment=assessment,
        order=1,
        dimension="legality",
        description="风险",
        likelihood="low",
        impact="low",
        measures="措施",
    )
    return {
        "risk_step": current_steps(decision)[StepKind.RISK_ASSESSMENT],
        "fc_step": current_steps(decision)[StepKind.FAIR_COMPETITION_REVIEW],
        "risk_item_step": assessment.step,
        "risk_item": item,
    }


def _meeting_objects(world):
    """An executive meeting of the city with nothing on its agenda: `meeting`."""
    from django.utils import timezone

    meeting = services.plan_meeting(
        organ=world.city,
        actor=world.gov,
        kind="executive",
        name="市人民政府第1次常务会议",
        held_on=timezone.localdate(),
        members_total=5,
        head_name="陈市长",
        attendance="张副市长\n李副市长\n陈市长",
    )
    return {"meeting": meeting}


def _legality_objects(world, decision):
    """The decision's legality review step (not requested yet: the workspace shows its materials)."""
    return {"legality_step": current_steps(decision)[StepKind.LEGALITY_REVIEW]}


def _hearing(world, decision):
    """A hearing announced on the decision's (optional) hearing step, taking applications, with one application: the
    objects `hearing`, `hearing_step` and `hearing_application`."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from participation import hearings

    today = timezone.localdate()
    hearing = hearings.announce_hearing(
        step=current_steps(decision)[StepKind.HEARING],
        actor=world.drafter,
        matter="示例听证会",
        starts_at=timezone.make_aware(datetime.combine(today + timedelta(days=20), time(14))),
        place="市政府第一会议室",
        how_to_apply="网上报名。",
        applications_close_on=today + timedelta(days=5),
        selection_method="随机抽取。",
        seats=3,
    )
    application = hearings.apply_to_hearing(
        hearing=hearing, name="王五", contact="13812341234", interest="居民", client_address="192.0.2.1"
    )
    return {"hearing": hearing, "hearing_step": hearing.step, "hearing_application": application}


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker, _matrix_media):
    """One world for the module, built once in a transaction rolled back at the end (each test adds a savepoint)."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=_matrix_media), transaction.atomic():
        world = add_remaining_personas(make_world())
        decision = drive_to(make_decision(world), State.DRAFTING, world.cast)
        draft = services.add_document(
            decision=decision, actor=world.drafter, uploaded_file=pdf_file("draft.pdf"), kind="draft", title="草案"
        )
        published = drive_to(make_decision(world, title="关于公布的决定"), State.PUBLISHED, world.cast)
        foreign = make_decision(world, drafter=world.outsider, title="邻市决定")  # proposed in the other city
        foreign_draft = services.add_document(
            decision=foreign, actor=world.outsider, uploaded_file=pdf_file("f.pdf"), kind="draft", title="邻市草案"
        )
        catalog, entry, window, suggestion, foreign_catalog = _catalog_objects(world)
        consultation = _consultation(world, decision)
        world.objects = {
            "catalog": catalog,
            "consultation": consultation,
            **_opinion_objects(world, consultation),
            **_meeting_objects(world),
            **_hearing(world, decision),
            **_experts_objects(world, decision),
            **_cosigning_objects(world, decision),
            **_risk_objects(world, decision),
            **_legality_objects(world, decision),
            "entry": entry,
            "window": window,
            "suggestion": suggestion,
            "foreign_catalog": foreign_catalog,
            "decision": decision,
            "step": current_steps(decision)[StepKind.PARTY_REPORT],
            "draft": draft,
            "published": published,
            "public_document": Document.objects.filter(decision=published, is_public=True).first(),
            "foreign": foreign,
            "foreign_step": current_steps(foreign)[StepKind.PARTY_REPORT],
            "foreign_draft": foreign_draft,
            "person": world.drafter,
            "foreign_person": world.outsider,
            "organization": world.transport,
            "foreign_organization": world.other_dept,
            "organ": world.city,
            "year": decision.year,
        }
        yield world
        transaction.set_rollback(True)


def _url(row: Row, world) -> str:
    args = [
        arg[1:] if arg.startswith("=") else getattr(world.objects[arg], "pk", world.objects[arg]) for arg in row.args
    ]
    return reverse(row.pattern, args=args)


CASES = [pytest.param(row, role, id=f"{row.id} {role}") for row in MATRIX for role in ROLES]


@pytest.mark.parametrize(("row", "role"), CASES)
def test_authorization_matrix(row: Row, role: str, matrix_world, db, client):
    if role != "anonymous":
        client.force_login(getattr(matrix_world, PERSONAS[role]))
    url = _url(row, matrix_world)
    response = client.get(url) if row.method == "GET" else client.post(url)
    expected = row.expected[ROLES.index(role)]
    assert response.status_code == expected, f"{row.method} {url} as {role}: {response.status_code}, not {expected}"
