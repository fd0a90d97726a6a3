"""The authorization matrix: every URL pattern and API operation, for every role and signed out,
with an object inside and one outside the caller's jurisdiction.

Each route is declared below with what guards it: public, any signed-in user, or a permission
(decided by the apps' rules.py) on an object of a kind. The test asks the rules what each role
should get and holds every response to it, so a view that forgets its check, or scopes the wrong
object, fails; and a new route that is not declared here fails CI until someone says what guards
it. Routes guarded by ownership rather than a permission (an import belongs to its uploader, a
progress report to its unit) name the test file that covers them, and are still checked to refuse
the signed-out visitor and every role that may not use them at all."""

import datetime
import json
from dataclasses import dataclass, field

import pytest
from django.core import signing
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tongyou.accounts.models import Unit
from tongyou.accounts.roles import Role
from tongyou.core.scoping import can
from tongyou.regions.models import Region
from tongyou.tests.factories import PNG_BYTES, ChildFactory, EvidenceFactory, UserFactory, active_case

pytestmark = pytest.mark.django_db

INSIDE, OUTSIDE = "150104001001", "150104002001"  # two communities of two streets
INSIDE_GRID, OUTSIDE_GRID = "150104001001001", "150104002001001"

# Each role at the narrowest jurisdiction it is given, so that "outside" means something for all.
ROLES = {
    Role.ADMIN: ("150104000000", "dsj"),
    Role.SECURITY_ADMIN: ("150104000000", "dsj"),
    Role.AUDIT_ADMIN: ("150104000000", "dsj"),
    Role.COORDINATOR: ("150104000000", "fegw"),
    Role.UNIT_OFFICER: ("150104001000", "jyj"),
    Role.CASEWORKER: ("150104001000", "mzj"),
    Role.STREET_OFFICER: ("150104001000", "office-150104001"),
    Role.CHILD_DIRECTOR: (INSIDE, "office-150104001"),
    Role.POLICE: ("150104001000", "gafj"),
    Role.RESEARCHER: ("150104001000", "dsj"),
    Role.VENUE_STAFF: (INSIDE, None),
}


@dataclass
class Guard:
    """`who`: "public", "signed_in", or a permission name; `obj`: the kind of object in the URL
    (built inside and outside the jurisdiction); `method`: what the route answers;
    `owned_by`: for ownership-guarded routes, the test file that covers the owner check."""

    who: str
    obj: str | None = None
    method: str = "GET"
    owned_by: str = ""
    data: dict = field(default_factory=dict)


PUBLIC = Guard("public")
SIGNED_IN = Guard("signed_in")
NOBODY = Guard("nobody")  # a URL the framework adds that answers nothing to anyone


def public(obj=None, method="GET"):
    return Guard("public", obj, method)


def perm(name, obj=None, method="GET"):
    return Guard(name, obj, method)


def owned(name, obj, test, method="GET"):
    return Guard(name, obj, method, owned_by=test)


ROUTES = {
    # The shell and accounts
    "site:home": PUBLIC,
    "site:healthz": PUBLIC,
    "site:readyz": PUBLIC,
    "site:metrics": PUBLIC,  # to the host itself (the test client) or a token: site/tests/test_operations.py
    "core:notifications": SIGNED_IN,
    "accounts:login": PUBLIC,
    "accounts:logout": public(method="POST"),
    "accounts:otp_setup": SIGNED_IN,
    "accounts:otp_verify": SIGNED_IN,
    "accounts:password_change": SIGNED_IN,
    "set_language": public(method="POST"),
    "javascript-catalog": PUBLIC,
    "audit:log": perm("audit.view_auditentry"),
    # Data hub
    "datahub:child_list": perm("datahub.view_child"),
    "datahub:child_export": perm("datahub.export_child", method="POST"),
    "datahub:child_detail": perm("datahub.view_child", "child"),
    "datahub:child_reveal": Guard("datahub.reveal_child", "child", "POST", data={"field": "id_number"}),
    "datahub:statistics": perm("datahub.aggregate_child"),
    "datahub:statistics_export": perm("datahub.aggregate_child"),
    "datahub:review_list": perm("datahub.view_linkreview"),
    "datahub:review_detail": perm("datahub.view_linkreview", "linkreview"),
    "datahub:review_merge": perm("datahub.review_linkreview", "linkreview", "POST"),
    "datahub:review_keep_apart": perm("datahub.review_linkreview", "linkreview", "POST"),
    "datahub:review_undo": perm("datahub.review_linkreview", "linkreview", "POST"),
    "datahub:import_home": perm("datahub.import_source"),
    "datahub:import_template": perm("datahub.import_source", "source"),
    "datahub:import_detail": owned("datahub.import_source", "batch", "datahub/tests/test_imports.py"),
    "datahub:import_commit": owned("datahub.import_source", "batch", "datahub/tests/test_imports.py", "POST"),
    "datahub:import_progress": owned("datahub.import_source", "batch", "datahub/tests/test_imports.py"),
    "datahub:import_report": owned("datahub.import_source", "batch", "datahub/tests/test_imports.py"),
    # Monitoring
    "monitoring:plan": PUBLIC,
    "monitoring:task_edit": perm("monitoring.change_plantask", "task"),
    "monitoring:plan_revise": perm("monitoring.change_plan", method="POST"),
    "monitoring:my_reports": perm("monitoring.report_for_unit|monitoring.review_progressreport"),
    "monitoring:round_open": perm("monitoring.review_progressreport", method="POST"),
    "monitoring:report_open": owned(
        "monitoring.report_for_unit", "round_task", "monitoring/tests/test_reports.py", "POST"
    ),
    "monitoring:report_detail": owned(
        "monitoring.view_progressreport", "report", "monitoring/tests/test_reports.py"
    ),
    "monitoring:report_evidence": owned(
        "monitoring.report_for_unit", "report", "monitoring/tests/test_reports.py", "POST"
    ),
    "monitoring:report_value": owned(
        "monitoring.report_for_unit", "report", "monitoring/tests/test_reports.py", "POST"
    ),
    "monitoring:values_template": owned(
        "monitoring.view_progressreport", "report", "monitoring/tests/test_reports.py"
    ),
    "monitoring:values_import": owned(
        "monitoring.report_for_unit", "report", "monitoring/tests/test_reports.py", "POST"
    ),
    "monitoring:report_review": perm("monitoring.review_progressreport", "report", "POST"),
    "monitoring:evidence_file": owned(
        "monitoring.view_progressreport", "report_evidence", "monitoring/tests/test_reports.py"
    ),
    "monitoring:dashboard": perm("monitoring.view_indicatorvalue"),
    "monitoring:indicator": perm("monitoring.view_indicatorvalue", "indicator"),
    "monitoring:compute": perm("monitoring.compute_indicatorvalue", method="POST"),
    "monitoring:export_dhis2": perm("monitoring.view_indicatorvalue"),
    "monitoring:export_dhis2_metadata": perm("monitoring.view_indicatorvalue"),
    "monitoring:plan_adopt": perm("monitoring.change_plan", method="POST"),
    "monitoring:round_summary": perm("monitoring.review_progressreport", "reportinground", "POST"),
    "monitoring:export_table": perm("monitoring.view_indicatorvalue", "table_format"),
    "monitoring:annual": perm("monitoring.review_progressreport", "annual"),
    "monitoring:public_column": PUBLIC,
    "monitoring:news_detail": public("news"),
    "monitoring:news_new": perm("monitoring.add_newsitem"),
    # Regions
    "regions:map": PUBLIC,
    "regions:boundaries": PUBLIC,
    "regions:locate": PUBLIC,
    # Welfare
    "welfare:application_list": perm("welfare.view_allowanceapplication"),
    "welfare:application_new": perm("welfare.add_allowanceapplication", "child_pk"),
    "welfare:application_detail": perm("welfare.view_allowanceapplication", "application"),
    "welfare:application_act": perm("welfare.act_allowanceapplication", "application", "POST"),
    "welfare:application_details": perm("welfare.act_allowanceapplication", "application", "POST"),
    "welfare:payee_change_decide": perm("welfare.change_payee", "payee_change", "POST"),
    "welfare:public_notice": PUBLIC,
    "welfare:evidence_upload": perm("welfare.act_allowanceapplication", "application", "POST"),
    "welfare:evidence_file": perm("welfare.view_evidence", "evidence"),
    "welfare:visit_schedule": perm("welfare.view_visit"),
    "welfare:visit_new": perm("welfare.add_visit", "child_pk"),
    "welfare:ledger": perm("welfare.view_visit"),
    "welfare:ledger_xlsx": perm("welfare.view_visit"),
    "welfare:ledger_quarter_xlsx": perm("welfare.view_visit"),
    "welfare:report_list": perm("welfare.view_harmreport"),
    "welfare:report_staff_new": perm("welfare.file_harmreport"),
    "welfare:report_detail": perm("welfare.view_harmreport", "harmreport"),
    "welfare:report_step": perm("welfare.view_harmreport", "harmreport", "POST"),
    "welfare:report_link": perm("welfare.view_harmreport", "harmreport", "POST"),
    "welfare:runs": perm("welfare.pay_disbursementrun"),
    "welfare:run_detail": perm("welfare.pay_disbursementrun", "run"),
    "welfare:run_approve": perm("welfare.approve_disbursementrun", "run", "POST"),
    "welfare:run_pay": perm("welfare.pay_disbursementrun", "run", "POST"),
    "welfare:run_file": perm("welfare.pay_disbursementrun", "run"),
    "welfare:bank_file": perm("welfare.pay_disbursementrun", "run"),
    "welfare:run_returns": perm("welfare.pay_disbursementrun", "run", "POST"),
    "welfare:spot_check_draw": perm("welfare.pay_disbursementrun", "run", "POST"),
    "welfare:spot_check_detail": perm("welfare.pay_disbursementrun", "spot_check"),
    "welfare:spot_check_items": perm("welfare.view_spotcheckitem"),
    "welfare:spot_check_item": perm("welfare.view_spotcheckitem", "spot_check_item", "POST"),
    "public_report": PUBLIC,
    # Alerts
    "alerts:public_list": PUBLIC,
    "alerts:public_detail": public("case_reference"),
    "alerts:public_photo": public("case_reference"),
    "alerts:opt_in": PUBLIC,
    "alerts:app": PUBLIC,
    "alerts:app_manifest": PUBLIC,
    "alerts:opt_out": public("opt_out_token"),
    "alerts:service_worker": PUBLIC,
    "alerts:cap_feed": PUBLIC,
    "alerts:cap_message": public("cap_identifier"),
    "alerts:case_list": perm("alerts.view_missingchildcase"),
    "alerts:case_new": perm("alerts.publish_missingchildcase"),
    "alerts:case_detail": perm("alerts.view_missingchildcase", "case"),
    "alerts:case_act": perm("alerts.publish_missingchildcase", "case", "POST"),
    "alerts:sighting_review": perm("alerts.view_sighting", "sighting", "POST"),
    "alerts:sighting_photo": perm("alerts.view_sighting", "sighting"),
    "alerts:partners": perm("alerts.approve_recipient"),
    "alerts:partner_decide": perm("alerts.approve_recipient", "recipient", "POST"),
    "alerts:venues": perm("alerts.trigger_codeadam"),
    "alerts:code_adam_trigger": perm("alerts.trigger_codeadam", "venue", "POST"),
    "alerts:code_adam": perm("alerts.view_codeadam", "code_adam"),
    # Child-friendly spaces
    "spaces:map": PUBLIC,
    "spaces:facilities": PUBLIC,
    "spaces:coverage": perm("spaces.aggregate_facility"),
    "spaces:sites": perm("spaces.aggregate_facility"),
    "spaces:density": perm("spaces.aggregate_facility"),
    "spaces:facilities_list": perm("spaces.view_facility"),
    "spaces:facility": public("facility"),
    "spaces:photo": public("facility_photo"),
    "spaces:rectifications": perm("spaces.view_finding"),
    "spaces:population": perm("spaces.import_population"),
    "spaces:population_template": perm("spaces.import_population"),
    "spaces:population_import": perm("spaces.import_population", method="POST"),
    # The API (django-ninja operations)
    "api:openapi-json": SIGNED_IN,
    # Children's participation
    "participation:processes": perm("participation.view_process"),
    "participation:process": perm("participation.view_process", "participation_process"),
    "participation:process_stage": perm("participation.manage_process", "participation_process", "POST"),
    "participation:process_switches": perm("participation.manage_process", "participation_process", "POST"),
    "participation:process_close": perm("participation.manage_process", "participation_process", "POST"),
    "participation:issue_code": perm("participation.add_participant", "participation_process", "POST"),
    "participation:group_proposal": perm("participation.manage_process", "participation_process", "POST"),
    "participation:result_new": perm("participation.add_result", "participation_process", "POST"),
    "participation:result_update": perm("participation.add_resultupdate", "participation_result", "POST"),
    "participation:moderation": perm("participation.moderate_proposal"),
    "participation:reach": perm("participation.view_reach"),
    "participation:comment_moderate": perm(
        "participation.moderate_proposal", "participation_comment", "POST"
    ),
    "participation:replies": perm("participation.view_proposal"),
    "participation:proposal": perm("participation.view_proposal", "participation_proposal"),
    "participation:proposal_step": perm("participation.act_proposal", "participation_proposal", "POST"),
    "participation:proposal_photo": perm("participation.view_proposal", "participation_photo"),
    "participation:councils": perm("participation.view_council|participation.add_participant"),
    "participation:council": perm("participation.view_council", "participation_council"),
    "participation:council_appoint": perm("participation.view_council", "participation_council", "POST"),
    "participation:council_end_seat": perm("participation.manage_process", "participation_council", "POST"),
    "participation:council_session": perm("participation.manage_process", "participation_council", "POST"),
    "participation:council_training": perm("participation.manage_process", "participation_council", "POST"),
    "participation:council_letter": perm("participation.add_participant", "participation_member"),
    "participation:survey_new": perm("participation.manage_process", "participation_process", "POST"),
    "participation:survey": perm("participation.view_survey", "participation_survey"),
    "participation:survey_answer": public("participation_survey"),
    "participation:survey_public": public("participation_survey"),
    # the children's pages open with a code, not an account (participation/tests/test_children.py)
    "participation:join": PUBLIC,
    "participation:mine": PUBLIC,
    "participation:file": public(method="POST"),
    "participation:withdraw": public("participation_proposal", "POST"),
    "participation:support": public("participation_proposal", "POST"),
    "participation:leave": public(method="POST"),
    "participation:comment": public("participation_proposal", "POST"),
    # Counsellors, volunteers and activities
    "community:people": perm("community.view_person"),
    "community:person_new": perm("community.manage_person", method="POST"),
    "community:person": perm("community.view_person", "community_person"),
    "community:person_action": perm("community.view_person", "community_person", "POST"),
    "community:certificate": perm("community.view_person", "community_person"),
    "community:overview": perm("community.view_person"),
    "community:volunteers_export": perm("community.manage_person"),
    "community:activities": perm("community.view_activity"),
    "community:activity_new": perm("community.manage_activity", method="POST"),
    "community:activity": perm("community.view_activity", "community_activity"),
    "community:activity_action": perm("community.view_activity", "community_activity", "POST"),
    "community:organisations": perm("community.view_organisation"),
    "community:organisation_new": perm("community.manage_organisation", method="POST"),
    # 萌阅 early reading
    "reading:coverage": perm("reading.view_coverage"),
    "reading:unreached": perm("reading.view_entitlement"),
    "reading:find": perm("reading.deliver_entitlement"),
    "reading:deliver": perm("reading.deliver_entitlement", "reading_entitlement", "POST"),
    "reading:not_delivered": perm("reading.add_attempt", "reading_entitlement", "POST"),
    "reading:left_district": perm("reading.view_entitlement", "reading_entitlement", "POST"),
    "reading:came_back": perm("reading.view_departure", "reading_departure", "POST"),
    "reading:points": perm("reading.view_pickuppoint"),
    "reading:point_new": perm("reading.manage_pickuppoint", method="POST"),
    "reading:receive": perm("reading.add_stockreceipt", "reading_point", "POST"),
    "reading:loans": perm("reading.view_pickuppoint", "reading_point"),
    "reading:lend": perm("reading.add_stockreceipt", "reading_point", "POST"),
    "reading:loan_return": perm("reading.view_loan", "reading_loan", "POST"),
    "reading:surveys": perm("reading.view_delivery"),
    "reading:survey": perm("reading.view_delivery", "reading_delivery", "POST"),
    "reading:milestones": perm("reading.manage_milestone"),
    "reading:milestone_new": perm("reading.manage_milestone", method="POST"),
    "rehabilitation:register": perm("rehabilitation.view_registration"),
    "rehabilitation:registration": perm("rehabilitation.view_registration", "rehab_registration"),
    "rehabilitation:assess": perm("rehabilitation.assess_registration", "rehab_registration", "POST"),
    "rehabilitation:apply": perm("rehabilitation.add_application", "rehab_registration", "POST"),
    "rehabilitation:refer": perm("rehabilitation.refer_child"),
    "rehabilitation:applications": perm("rehabilitation.view_application"),
    "rehabilitation:application": perm("rehabilitation.view_application", "rehab_application"),
    "rehabilitation:act": perm("rehabilitation.act_on_application", "rehab_application", "POST"),
    "rehabilitation:month_new": perm("rehabilitation.settle_servicemonth", "rehab_application", "POST"),
    "rehabilitation:settle": perm("rehabilitation.settle_servicemonth", "rehab_month", "POST"),
    "rehabilitation:institutions": perm("rehabilitation.view_institution"),
    "rehabilitation:institution_save": perm("rehabilitation.change_institution", method="POST"),
    "rehabilitation:standard_save": perm("rehabilitation.change_standard", method="POST"),
    "rehabilitation:coverage": perm("rehabilitation.view_coverage"),
    "intervention:cases": perm("intervention.view_case"),
    "intervention:open": perm("intervention.add_case"),
    "intervention:case": perm("intervention.view_case", "intervention_case"),
    "intervention:measure": perm("intervention.add_measure", "intervention_case", "POST"),
    "intervention:refer": perm("intervention.add_referral", "intervention_case", "POST"),
    "intervention:referral": perm("intervention.add_referral", "intervention_referral", "POST"),
    "intervention:review": perm("intervention.add_review", "intervention_case", "POST"),
    # Posted empty: refused before anything is written, so the shared case stays open.
    "intervention:close": perm("intervention.close_case", "intervention_case", "POST"),
    "intervention:sealed": perm("intervention.query_sealed"),
    "intervention:summary": perm("intervention.view_summary"),
    "readiness:overview": perm("readiness.view_overview"),
    "readiness:screenings": perm("readiness.view_screening"),
    "readiness:child": perm("readiness.view_screening", "readiness_child"),
    "readiness:screen": perm("readiness.add_screening", "readiness_child", "POST"),
    "readiness:follow_up": perm("readiness.add_screening", "readiness_followup", "POST"),
    "readiness:places": perm("readiness.view_emergencyplan"),
    "readiness:plan": perm("readiness.change_emergencyplan", "readiness_place", "POST"),
    "readiness:drill": perm("readiness.change_emergencyplan", "readiness_place", "POST"),
    "readiness:supplies": perm("readiness.view_supplystock"),
    "readiness:supply_move": perm("readiness.change_supplystock", method="POST"),
    "readiness:norm": perm("readiness.change_supplynorm", method="POST"),
    "guidance:overview": perm("guidance.view_reach"),
    "guidance:visits": perm("guidance.view_visit"),
    "guidance:family": perm("guidance.view_visit", "guidance_family"),
    "guidance:visit": perm("guidance.add_visit", "guidance_family", "POST"),
    "guidance:survey": perm("guidance.add_visit", "guidance_family", "POST"),
    "guidance:follow_up_done": perm("guidance.add_visit", "guidance_visit", "POST"),
    "guidance:points": perm("guidance.view_guidancepoint"),
    "guidance:point_new": perm("guidance.change_guidancepoint", method="POST"),
    "guidance:point_close": perm("guidance.change_guidancepoint", "guidance_point", "POST"),
    "participation:withdraw_comment": public("participation_comment", "POST"),
    "participation:public": PUBLIC,
    "participation:proposals_geojson": PUBLIC,
    "participation:public_process": public("participation_process"),
    "participation:public_photo": public("participation_photo"),
    "api:openapi-view": SIGNED_IN,
    "api:api-root": NOBODY,
    "api:list_children": perm("datahub.view_child"),
    "api:search_children_api": perm("datahub.view_child", method="POST"),
    "api:get_child": perm("datahub.view_child", "api_child"),
    "api:get_child_facts": perm("datahub.view_child", "api_child"),
    "api:child_statistics": perm("datahub.aggregate_child"),
    "api:active_alerts": PUBLIC,  # the active alerts, public as the alert pages are
}


def all_routes(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # the admin site: its own permission checks, tested in accounts/tests
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from all_routes(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}"


def test_every_route_is_declared():
    routes = set(all_routes())
    undeclared = sorted(routes - set(ROUTES))
    assert undeclared == [], f"declare what guards these routes in ROUTES: {undeclared}"
    assert sorted(set(ROUTES) - routes) == []


# Objects, one per kind, built in a community (inside or outside).


class World:
    def __init__(self):
        self.users = {}
        for role, (code, unit) in ROLES.items():
            self.users[role] = UserFactory(
                role=role,
                jurisdiction=Region.objects.get(code=code),
                unit=Unit.objects.get(code=unit) if unit else None,
                username=f"m-{role}",
            )
        self.objects = {}

    def build(self, kind, where):
        where = where if kind in REGIONAL else "inside"
        key = (kind, where)
        if key not in self.objects:
            self.objects[key] = getattr(self, f"_{kind}")(where)
        return self.objects[key]

    def grid(self, where):
        return Region.objects.get(code=INSIDE_GRID if where == "inside" else OUTSIDE_GRID)

    def community(self, where):
        return Region.objects.get(code=INSIDE if where == "inside" else OUTSIDE)

    # kind builders: (URL kwargs, the object the permission is asked about)
    def _child(self, where):
        child = ChildFactory(residence_region=self.grid(where))
        return {"pk": child.pk}, child

    def _api_child(self, where):
        _kwargs, child = self.build("child", where)
        return {"child_id": child.pk}, child

    def _child_pk(self, where):
        _kwargs, child = self.build("child", where)
        return {"child_pk": child.pk}, child

    def _application(self, where):
        from tongyou.welfare.models import AllowanceApplication

        _kwargs, child = self.build("child", where)
        application = AllowanceApplication.objects.create(
            child=child, category="orphan", applicant_name="外祖母", filed_by=self.users[Role.CHILD_DIRECTOR]
        )
        return {"pk": application.pk}, application

    def _evidence(self, where):
        _kwargs, application = self.build("application", where)
        evidence = EvidenceFactory(application=application, uploaded_by=self.users[Role.CHILD_DIRECTOR])
        return {"pk": evidence.pk}, evidence

    def _payee_change(self, where):
        from tongyou.welfare.models import PayeeChange

        _kwargs, application = self.build("application", where)
        change = PayeeChange.objects.create(application=application, requested_by=self.users[Role.CASEWORKER])
        return {"pk": change.pk}, change

    def _harmreport(self, where):
        from tongyou.welfare import harm
        from tongyou.welfare.models import HarmSituation

        report = harm.receive(
            situation=HarmSituation.values[0],
            description="孩子长期无人照看",
            region=self.community(where),
            place="",
            child_name="",
            reporter_name="",
            reporter_phone="",
            child=None,
            from_public=True,
        )
        return {"pk": report.pk}, report

    def _linkreview(self, where):
        from tongyou.datahub.models import ImportBatch, LinkReview, Source

        _kwargs, child = self.build("child", where)
        record = json.dumps(
            {
                "name": "王小明",
                "sex": "1",
                "birth_date": "2020-01-01",
                "guardian": "",
                "residence": self.grid(where).code,
            }
        )
        batch = ImportBatch.objects.create(
            source=Source.objects.first(),
            uploaded_by=self.users[Role.CASEWORKER],
            filename="x.xlsx",
            sha256="0",
        )
        review = LinkReview.objects.create(
            batch=batch,
            row_number=2,
            region=self.grid(where),
            record=record,
            candidate=child,
            match_probability=0.8,
        )
        return {"pk": review.pk}, review

    def _batch(self, where):
        from tongyou.datahub.models import ImportBatch, Source

        batch = ImportBatch.objects.create(
            source=Source.objects.first(),
            uploaded_by=self.users[Role.CASEWORKER],
            filename="y.xlsx",
            sha256="1",
        )
        return {"pk": batch.pk}, None

    def _source(self, where):
        from tongyou.datahub.models import Source

        source = Source.objects.get(code="births")
        return {"code": source.code}, source

    def _run(self, where):
        from tongyou.welfare.models import DisbursementRun

        run = DisbursementRun.objects.create(
            month=datetime.date(2026, 11, 1), created_by=self.users[Role.CASEWORKER]
        )
        return {"pk": run.pk}, run

    def _spot_check(self, where):
        from tongyou.welfare.models import SpotCheck

        _kwargs, run = self.build("run", "inside")
        check = SpotCheck.objects.create(run=run, rate="0.1", seed=1, created_by=self.users[Role.CASEWORKER])
        return {"pk": check.pk}, check

    def _spot_check_item(self, where):
        from tongyou.welfare.models import AllowanceStandard, Payment, SpotCheckItem

        _kwargs, check = self.build("spot_check", "inside")
        _kwargs, application = self.build("application", where)
        payment = Payment.objects.create(
            run=check.run,
            application=application,
            child=application.child,
            amount="1000.00",
            standard=AllowanceStandard.objects.first() or _standard(),
        )
        item = SpotCheckItem.objects.create(
            spot_check=check, payment=payment, street=self.grid(where).parent.parent
        )
        return {"pk": item.pk}, item

    def _task(self, where):
        from tongyou.monitoring.models import PlanTask

        task = PlanTask.objects.order_by("pk").first()
        return {"pk": task.pk}, task

    def _indicator(self, where):
        from tongyou.monitoring.models import Indicator

        return {"code": Indicator.objects.order_by("code").first().code}, None

    def _table_format(self, where):
        return {"fmt": "xlsx"}, None

    def _round(self):
        from tongyou.monitoring.models import Plan, ReportingRound

        found = ReportingRound.objects.first()
        return found or ReportingRound.objects.create(
            year=2026, deadline=datetime.date(2026, 12, 31), plan=Plan.objects.first()
        )

    def _annual(self, where):
        return {"pk": self._round().pk, "fmt": "docx"}, None

    def _reportinground(self, where):
        return {"pk": self._round().pk}, None

    def _round_task(self, where):
        _kwargs, task = self.build("task", "inside")
        return {"round_pk": self._round().pk, "task_pk": task.pk}, None

    def _report(self, where):
        from tongyou.monitoring.models import ProgressReport

        _kwargs, task = self.build("task", "inside")
        report = ProgressReport.objects.create(
            round=self._round(), unit=Unit.objects.get(code="jyj"), task=task
        )
        return {"pk": report.pk}, report

    def _report_evidence(self, where):
        from tongyou.monitoring.models import ReportEvidence

        _kwargs, report = self.build("report", "inside")
        evidence = ReportEvidence.objects.create(
            report=report,
            caption="照片",
            uploaded_by=self.users[Role.UNIT_OFFICER],
            url="https://example.org/",
        )
        return {"pk": evidence.pk}, evidence

    def _news(self, where):
        from tongyou.monitoring.models import NewsItem

        item = NewsItem.objects.create(
            title="进展", body="内容", author=self.users[Role.COORDINATOR], published_at=timezone.now()
        )
        return {"pk": item.pk}, item

    def _case(self, where):
        case = active_case(
            self.users[Role.POLICE], region=self.community(where), photo=PNG_BYTES, photo_type="image/png"
        )
        return {"pk": case.pk}, case

    def _case_reference(self, where):
        _kwargs, case = self.build("case", where)
        return {"reference": case.reference}, case

    def _cap_identifier(self, where):
        from tongyou.alerts.models import AlertMessage

        _kwargs, case = self.build("case", where)
        message = AlertMessage.objects.create(
            case=case,
            version=1,
            msg_type="Alert",
            identifier=f"id-{case.pk}",
            sent=timezone.now(),
            radius_km=100,
            cap_xml="<alert/>",
        )
        return {"identifier": message.identifier}, message

    def _sighting(self, where):
        from tongyou.alerts.models import Sighting

        _kwargs, case = self.build("case", where)
        sighting = Sighting.objects.create(
            case=case,
            seen_at=timezone.now(),
            latitude=40.78,
            longitude=111.66,
            description="红衣服",
            photo=PNG_BYTES,
            photo_type="image/png",
        )
        return {"pk": sighting.pk}, sighting

    def _recipient(self, where):
        from tongyou.alerts.services import publishing

        recipient = publishing.register_recipient(
            name="合作方",
            kind="partner",
            channel="webhook",
            address="https://partner.example.com/hook",
            secret="s" * 20,
            latitude=40.78,
            longitude=111.66,
        )
        return {"pk": recipient.pk}, recipient

    def _opt_out_token(self, where):
        from tongyou.alerts.optin_views import SALT

        _kwargs, recipient = self.build("recipient", "inside")
        return {"token": signing.dumps(recipient.pk, salt=SALT)}, recipient

    def _venue(self, where):
        from tongyou.alerts.models import Venue

        venue = Venue.objects.create(
            name=f"商场{where}", kind="mall", region=self.community(where), latitude=40.78, longitude=111.66
        )
        venue.staff.add(self.users[Role.VENUE_STAFF]) if where == "inside" else None
        return {"pk": venue.pk}, venue

    def _code_adam(self, where):
        from tongyou.alerts.models import CodeAdam

        _kwargs, venue = self.build("venue", where)
        code_adam = CodeAdam.objects.create(
            venue=venue,
            description="5岁女孩，红色外套",
            triggered_by=self.users[Role.VENUE_STAFF],
            started_at=timezone.now(),
        )
        return {"pk": code_adam.pk}, code_adam

    def _facility(self, where):
        from tongyou.spaces.models import Facility

        facility = Facility.objects.create(
            name=f"幼儿园{where}",
            kind="kindergarten",
            region=self.community(where),
            latitude=40.78,
            longitude=111.66,
        )
        return {"pk": facility.pk}, facility

    def _facility_photo(self, where):
        from tongyou.spaces.models import FacilityPhoto

        _kwargs, facility = self.build("facility", where)
        photo = FacilityPhoto.objects.create(
            facility=facility,
            image=PNG_BYTES,
            content_type="image/png",
            uploaded_by=self.users[Role.UNIT_OFFICER],
        )
        return {"pk": facility.pk, "photo_pk": photo.pk}, photo

    def _community_person(self, where):
        from tongyou.community.models import Person
        from tongyou.privacy.idnumbers import make_id_number

        person = Person.objects.create(
            kind="volunteer",
            name="张志愿",
            id_number=make_id_number("110101", datetime.date(1990, 1, 1), 12 if where == "inside" else 14),
            id_number_index=f"bench-{where}",
            birth_date=datetime.date(1990, 1, 1),
            region=self.community(where),
            status="active",
        )
        return {"pk": person.pk}, person

    def _community_activity(self, where):
        from tongyou.community.models import Activity

        start = timezone.now() + datetime.timedelta(days=2)
        activity = Activity.objects.create(
            title="亲子共读",
            kind="reading",
            region=self.community(where),
            place="社区图书室",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            capacity=10,
            created_by=self.users[Role.COORDINATOR],
        )
        return {"pk": activity.pk}, activity

    def _reading_entitlement(self, where):
        from tongyou.reading.models import Entitlement, Milestone

        milestone, _created = Milestone.objects.get_or_create(
            name="出生礼包", defaults={"age_from_months": 0, "age_to_months": 12}
        )
        child = ChildFactory(residence_region=self.grid(where), birth_date=timezone.localdate())
        entitlement = Entitlement.objects.create(
            child=child, milestone=milestone, created_on=timezone.localdate()
        )
        return {"pk": entitlement.pk}, entitlement

    def _reading_departure(self, where):
        from tongyou.reading.models import Departure

        departure = Departure.objects.create(
            child=ChildFactory(residence_region=self.grid(where)),
            left_on=timezone.localdate(),
            recorded_by=self.users[Role.COORDINATOR],
        )
        return {"pk": departure.pk}, departure

    def _reading_loan(self, where):
        from tongyou.reading.models import Loan

        _kwargs, point = self.build("reading_point", where)
        loan = Loan.objects.create(
            point=point,
            copy="萌阅包-001",
            child=ChildFactory(residence_region=self.grid(where)),
            loaned_on=timezone.localdate(),
            due_on=timezone.localdate(),
            recorded_by=self.users[Role.COORDINATOR],
        )
        return {"pk": loan.pk}, loan

    def _reading_delivery(self, where):
        from tongyou.reading.models import Delivery

        _kwargs, entitlement = self.build("reading_entitlement", where)
        _kwargs, point = self.build("reading_point", where)
        delivery = Delivery.objects.create(
            entitlement=entitlement,
            point=point,
            variant="standard",
            channel="pickup",
            given_on=timezone.localdate(),
            given_by=self.users[Role.COORDINATOR],
            guardian_confirmed=True,
        )
        return {"pk": delivery.pk}, delivery

    def _guidance_family(self, where):
        from tongyou.datahub.models import Household

        household = Household.objects.create(region=self.grid(where), address="某街1号")
        ChildFactory(residence_region=self.grid(where), household=household)
        return {"pk": household.pk}, household

    def _guidance_visit(self, where):
        from tongyou.guidance.models import Visit

        _kwargs, household = self._guidance_family(where)
        visit = Visit.objects.create(
            household=household,
            visited_on=timezone.localdate(),
            visitor=self.users[Role.CHILD_DIRECTOR],
            purpose="routine",
            follow_up="回访",
            follow_up_due=timezone.localdate(),
        )
        return {"pk": visit.pk}, visit

    def _guidance_point(self, where):
        from tongyou.guidance.models import GuidancePoint

        point = GuidancePoint.objects.create(
            name="家长学校",
            kind="parent_school",
            host="community",
            region=self.community(where),
            opened_on=timezone.localdate() - datetime.timedelta(days=10),
        )
        return {"pk": point.pk}, point

    def _readiness_child(self, where):
        from tongyou.datahub.models import StatusPeriod

        child = ChildFactory(residence_region=self.grid(where))
        StatusPeriod.objects.create(
            child=child, unit=Unit.objects.get(code="mzj"), status="orphan", valid_from=child.birth_date
        )
        return {"pk": child.pk}, child

    def _readiness_followup(self, where):
        from tongyou.readiness.models import FollowUp, Screening

        _kwargs, child = self._readiness_child(where)
        screening = Screening.objects.create(
            child=child,
            screened_on=timezone.localdate(),
            screened_by=self.users[Role.CHILD_DIRECTOR],
            risks=["housing"],
            next_due=timezone.localdate(),
        )
        item = FollowUp.objects.create(screening=screening, item="housing", due=timezone.localdate())
        return {"pk": item.pk}, item

    def _readiness_place(self, where):
        from tongyou.spaces.models import Facility

        place = Facility.objects.create(
            name="示范小学", kind="primary", region=self.community(where), latitude=40.8, longitude=111.6
        )
        return {"pk": place.pk}, place

    def _intervention_case(self, where):
        from tongyou.intervention.models import Case

        today = timezone.localdate()
        case = Case.objects.create(
            child=ChildFactory(
                residence_region=self.grid(where), birth_date=today.replace(year=today.year - 14)
            ),
            grade="serious",
            behaviours=["affray"],
            opened_by=self.users[Role.POLICE],
            opened_on=today,
            next_review=today,
        )
        return {"pk": case.pk}, case

    def _intervention_referral(self, where):
        from tongyou.intervention.models import Referral

        _kwargs, case = self._intervention_case(where)
        referral = Referral.objects.create(
            case=case,
            to="12355",
            referred_on=case.opened_on,
            updated_on=case.opened_on,
            recorded_by=self.users[Role.POLICE],
        )
        return {"pk": referral.pk}, referral

    def _rehab_registration(self, where):
        from tongyou.rehabilitation.models import Registration

        registration = Registration.objects.create(
            child=ChildFactory(residence_region=self.grid(where)),
            category="physical",
            source="disability",
            registered_on=timezone.localdate(),
        )
        return {"pk": registration.pk}, registration

    def _rehab_application(self, where):
        from tongyou.rehabilitation.models import Application

        _kwargs, registration = self._rehab_registration(where)
        application = Application.objects.create(
            registration=registration,
            child=registration.child,
            aid_kind="training",
            guardian_name="王监护",
            filed_by=self.users[Role.CHILD_DIRECTOR],
            filed_on=timezone.localdate(),
            status="approved",
            approved_on=timezone.localdate(),
        )
        return {"pk": application.pk}, application

    def _rehab_month(self, where):
        from tongyou.rehabilitation.models import ServiceMonth

        _kwargs, application = self._rehab_application(where)
        month = ServiceMonth.objects.create(
            application=application,
            month=timezone.localdate().replace(day=1),
            sessions=4,
            billed="100.00",
            recorded_by=self.users[Role.COORDINATOR],
        )
        return {"pk": month.pk}, month

    def _reading_point(self, where):
        from tongyou.reading.models import PickupPoint

        point = PickupPoint.objects.create(name="社区服务站", kind="community", region=self.community(where))
        return {"pk": point.pk}, point

    def _participation_process(self, where):
        from tongyou.participation.models import Process

        process = Process.objects.create(
            title="游乐场改造",
            summary="说说你的想法",
            kind=Process.Kind.PUBLIC_SPACE,
            region=self.community(where),
            status=Process.Status.OPEN,
            created_by=self.users[Role.COORDINATOR],
        )
        return {"pk": process.pk}, process

    def _participation_proposal(self, where):
        from tongyou.participation.models import Proposal

        _kwargs, process = self.build("participation_process", where)
        proposal = Proposal.objects.create(
            process=process,
            stage="needs",
            title="秋千坏了",
            problem="链子断了",
            region=self.community(where),
            status=Proposal.Status.ASSIGNED,
            unit=Unit.objects.get(code="jyj"),
            reply_due=timezone.localdate(),
        )
        return {"pk": proposal.pk}, proposal

    def _participation_photo(self, where):
        import base64

        from tongyou.participation.models import ProposalPhoto

        _kwargs, proposal = self.build("participation_proposal", where)
        photo = ProposalPhoto.objects.create(
            proposal=proposal, content_type="image/png", content=base64.b64encode(PNG_BYTES).decode()
        )
        return {"pk": proposal.pk, "photo_pk": photo.pk}, proposal

    def _participation_comment(self, where):
        from tongyou.participation.models import Comment, Participant

        _kwargs, proposal = self.build("participation_proposal", where)
        _kwargs, child = self.build("child", where)
        participant = Participant.objects.create(
            process=proposal.process,
            child=child,
            code_index=f"matrix-{where}",
            display_name="小雨",
            issued_by=self.users[Role.CHILD_DIRECTOR],
        )
        made = Comment.objects.create(proposal=proposal, participant=participant, text="我也觉得")
        return {"pk": made.pk}, made

    def _participation_result(self, where):
        from tongyou.participation.models import Result

        _kwargs, process = self.build("participation_process", where)
        result = Result.objects.create(
            process=process,
            title="换新秋千",
            unit=Unit.objects.get(code="jyj"),
            updated_on=timezone.localdate(),
        )
        return {"pk": result.pk}, result

    def _participation_survey(self, where):
        from tongyou.participation.surveys import create_survey

        _kwargs, process = self.build("participation_process", where)
        survey = create_survey(
            self.users[Role.COORDINATOR], process, title="上学路", intro="", questions="安全吗？ | 笑脸"
        )
        return {"pk": survey.pk}, survey

    def _participation_council(self, where):
        from tongyou.participation.models import Council

        council = Council.objects.create(
            name="社区儿童议事会", region=self.community(where), founded_on="2026-01-01"
        )
        return {"pk": council.pk}, council

    def _participation_member(self, where):
        from tongyou.participation.models import CouncilMember

        _kwargs, council = self.build("participation_council", where)
        _kwargs, child = self.build("child", where)
        member = CouncilMember.objects.create(
            council=council,
            child=child,
            display_name="小雨",
            chosen_by="school",
            term_start="2026-01-01",
            term_end="2028-12-31",
            letter_number=f"m-{where}",
            appointed_by=self.users[Role.CHILD_DIRECTOR],
        )
        return {"pk": member.pk}, member


def _standard():
    from tongyou.welfare.models import AllowanceStandard

    return AllowanceStandard.objects.create(
        category="orphan", monthly_amount="1000.00", effective_from="2026-01-01"
    )


# Kinds that belong to a region: built inside and outside. The rest are district-wide.
REGIONAL = {
    "child",
    "api_child",
    "child_pk",
    "application",
    "evidence",
    "payee_change",
    "harmreport",
    "linkreview",
    "spot_check_item",
    "case",
    "case_reference",
    "cap_identifier",
    "sighting",
    "venue",
    "code_adam",
    "facility",
    "facility_photo",
    "participation_process",
    "participation_proposal",
    "participation_result",
    "participation_council",
    "participation_member",
    "participation_survey",
    "participation_photo",
    "participation_comment",
    "reading_entitlement",
    "reading_point",
    "reading_loan",
    "reading_departure",
    "reading_delivery",
    "community_person",
    "community_activity",
    "rehab_registration",
    "rehab_application",
    "rehab_month",
    "intervention_case",
    "intervention_referral",
    "readiness_child",
    "readiness_followup",
    "readiness_place",
    "guidance_family",
    "guidance_visit",
    "guidance_point",
}


def request(client, guard, url):
    if guard.method == "POST" and url.startswith("/api/"):
        return client.post(url, guard.data or {}, content_type="application/json")
    if guard.method == "POST":
        return client.post(url, guard.data)
    return client.get(url)


def refused(response):
    if response.status_code in (401, 403, 404):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/admin/login/" in location)


def expected(user, guard, obj):
    if guard.who == "public":
        return True
    if guard.who == "nobody":
        return False
    if user is None:
        return False
    if guard.who == "signed_in":
        return True
    names = guard.who.split("|")
    if guard.owned_by:
        return any(can(user, name) for name in names)  # the owner check is the named test's
    return any(can(user, name, obj) if obj is not None else can(user, name) for name in names)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_each_route_answers_each_role_as_its_rules_say(route):
    guard = ROUTES[route]
    world = World()
    places = ("inside", "outside") if guard.obj in REGIONAL else ("inside",)
    problems = []
    for where in places:
        kwargs, obj = world.build(guard.obj, where) if guard.obj else ({}, None)
        url = reverse(route, kwargs=kwargs)
        for role, user in [(None, None), *world.users.items()]:
            client = Client()
            if user is not None:
                client.force_login(user)
            response = request(client, guard, url)
            if response.status_code >= 500:
                problems.append(f"{role or 'signed out'} {where}: server error {response.status_code}")
                continue
            should = expected(user, guard, obj)
            if guard.owned_by and should:
                continue  # may or may not be theirs: decided in guard.owned_by
            if should and refused(response):
                problems.append(
                    f"{role or 'signed out'} {where}: refused ({response.status_code}) but allowed"
                )
            if not should and not refused(response):
                problems.append(
                    f"{role or 'signed out'} {where}: answered {response.status_code} but not allowed"
                )
    assert problems == [], f"{route} ({guard.method} {url}): " + "; ".join(problems)
