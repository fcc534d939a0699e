"""One existing object of every model the admin shows, made the way the portal makes it.

`SAMPLES["app_label.model"](staff)` returns the object; `staff` is the demo staff by login.
Policies are owned by 市科技局 (the demo editor's department) through the service that grants ownership.
"""

import datetime as dt
import itertools

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

_numbers = itertools.count(1)


def _n() -> int:
    """A fresh number, so a sample made once per role never collides with the previous one."""
    return next(_numbers)


def _enterprise():
    from tests.factories.enterprises import EnterpriseFactory

    return EnterpriseFactory()


def _policy(staff):
    from policies import services
    from portal.org.models import Department
    from tests.factories.policies import InterpretationFactory, PolicyFactory

    kjj = Department.objects.get(code="yc-kjj")
    policy = PolicyFactory(lead_department=kjj, region=kjj.region)
    services.assign_ownership(policy)
    InterpretationFactory(policy=policy)
    return policy


def _axes(model, **extra):
    def make(staff):
        return model.objects.create(
            user_agent="Mozilla/5.0",
            ip_address="10.0.0.8",
            username="kjj_editor",
            http_accept="*/*",
            path_info="/",
            **extra,
        )

    return make


def _totp(staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=staff["kjj_editor"], name="办公手机", confirmed=True)


def _verification_code(staff):
    from portal.accounts.models import VerificationCode

    now = timezone.now()
    return VerificationCode.objects.create(
        phone_digest="d" * 64,
        purpose=VerificationCode.Purpose.values[0],
        code_hash="h" * 64,
        nonce=f"sample-nonce-{_n()}",
        created_at=now,
        expires_at=now + dt.timedelta(minutes=5),
    )


def _region(staff):
    from portal.org.models import Region

    return Region.objects.get(code="420502")


def _department(staff):
    from portal.org.models import Department

    return Department.objects.get(code="yc-swj")


def _membership(staff):
    from portal.org.models import Department, Membership, Role
    from tests.factories.policies import StaffFactory

    return Membership.objects.create(
        user=StaffFactory(), department=Department.objects.get(code="yc-swj"), role=Role.REVIEWER
    )


def _calendar_year(staff):
    from portal.workcalendar.models import CalendarYear

    return CalendarYear.objects.order_by("year").last()


def _calendar_day(staff):
    from portal.workcalendar.models import CalendarDay

    return CalendarDay.objects.order_by("date").last()


def _sms_template(staff):
    from tests.factories.notify import SmsTemplateFactory

    return SmsTemplateFactory(code=f"sample-template-{_n()}", text="您的申报已受理。")


def _outbox(staff):
    from tests.factories.notify import OutboxMessageFactory

    return OutboxMessageFactory(status="failed")


def _site_message(staff):
    from tests.factories.notify import SiteMessageFactory

    return SiteMessageFactory()


def _access_log(staff):
    from portal.audit.models import SensitiveAccessLog

    enterprise = _enterprise()
    return SensitiveAccessLog.objects.create(
        user=staff["zwfw_clerk"],
        content_type=ContentType.objects.get_for_model(enterprise),
        object_id=str(enterprise.pk),
        object_repr=str(enterprise),
        fields=["contact_phone"],
        purpose="电话回访",
    )


def _synonym(staff):
    from portal.search.models import Synonym

    return Synonym.objects.create(word=f"科创{_n()}", canonical="科技创新")


def _search_document(staff):
    from portal.search.models import SearchDocument

    policy = _policy(staff)
    return SearchDocument.objects.create(
        content_type=ContentType.objects.get_for_model(policy),
        object_id=policy.pk,
        kind=SearchDocument.Kind.values[0],
        title=policy.title,
        url="/policies/",
    )


def _service_link(staff):
    from engagement.models import ServiceLink
    from portal.org.models import Region

    return ServiceLink.objects.create(
        region=Region.objects.get(code="420500"),
        category="finance",
        title=f"企业融资服务{_n()}",
        url=f"https://rz{_n()}.example.gov.cn/",
    )


def _policy_category(staff):
    from policies.models import PolicyCategory

    return PolicyCategory.objects.order_by("order").first()


def _offline_request(staff):
    from policies.models import PolicyOfflineRequest

    return PolicyOfflineRequest.objects.create(
        policy=_policy(staff), reason="政策已被新文件替代。", requested_by=staff["kjj_editor"]
    )


def _subscription(staff):
    from policies.models import PolicySubscription
    from tests.factories.policies import EnterpriseUserFactory

    return PolicySubscription.objects.create(user=EnterpriseUserFactory())


def _correction(staff):
    from enterprises.models import CorrectionRequest
    from tests.factories.policies import EnterpriseUserFactory

    return CorrectionRequest.objects.create(
        enterprise=_enterprise(),
        user=EnterpriseUserFactory(),
        field="address",
        current_value="湖北省宜昌市西陵区东山大道1号",
        proposed_value="湖北省宜昌市西陵区东山大道2号",
        reason="已搬迁，附租赁合同。",
    )


def _qualification_type(staff):
    from tests.factories.enterprises import QualificationTypeFactory

    return QualificationTypeFactory(code=f"sample-q-{_n()}", name=f"示例资质{_n()}")


def _tag_category(staff):
    from enterprises.models import TagCategory

    return TagCategory.objects.create(code=f"sample-cat-{_n()}", name=f"示例类别{_n()}")


def _tag(staff):
    from enterprises.models import Tag

    return Tag.objects.create(category=_tag_category(staff), code=f"sample-tag-{_n()}", name="示例标签")


def _change_event(staff):
    from enterprises.models import ChangeEvent

    return ChangeEvent.objects.create(enterprise=_enterprise(), kind=ChangeEvent.Kind.values[0])


def _member(staff):
    from tests.factories.enterprises import EnterpriseMemberFactory

    return EnterpriseMemberFactory()


def _import_job(staff):
    from enterprises.importing.models import ImportJob

    return ImportJob.objects.create(
        kind=ImportJob._meta.get_field("kind").choices[0][0],
        file=ContentFile(b"uscc,name\n", name="enterprises.csv"),
        original_name="enterprises.csv",
        file_format="csv",
        source=ImportJob._meta.get_field("source").choices[0][0],
        source_updated_at=timezone.now(),
        uploaded_by=staff["platform_admin"],
    )


def _group(staff):
    return Group.objects.create(name=f"示例用户组{_n()}")


def _user(staff):
    from tests.factories.policies import StaffFactory

    return StaffFactory(name="示例工作人员")


def _rule_set(staff):
    """A draft of 市科技局's 申报条件 with one criterion on a registered fact, made through the matters services."""
    from matters import services
    from portal.org.models import Department

    return services.create_rule_set(
        code=f"sample-rule-{_n()}",
        name="高新技术企业培育奖励申报条件",
        department=Department.objects.get(code="yc-kjj"),
        criteria=[
            {
                "fact": "revenue",
                "operator": "gte",
                "value": 2000,
                "message": "上一年度营业收入不低于2000万元",
                "legal_reference": "宜政发〔2024〕5号 第十二条",
            }
        ],
    )


def _matter(staff):
    """A draft matter of 市科技局 under its published policy, with a guide and a rule version, owned as the admin
    grants it (the 实施部门)."""
    from matters import services
    from portal.org.models import Department
    from tests.factories.matters import complete_matter

    kjj = Department.objects.get(code="yc-kjj")
    policy = _policy(staff)
    matter = complete_matter(
        code=f"YC-KJ-SAMPLE-{_n():03d}", name=f"宜昌市科技型中小企业研发投入补助（样例{_n()}）", policy=policy
    )
    matter.department, matter.region = kjj, kjj.region
    matter.save()
    services.assign_matter_ownership(matter, kjj)
    services.assign_ownership(matter.rule_sets.get(), kjj)
    return matter


def _matched_matter(staff, **fields):
    """A published matter of 市科技局 matched against one eligible enterprise, as publishing matches it."""
    from matters import matching, services
    from portal.org.models import Department
    from tests.factories.enterprises import AnnualFigureFactory
    from tests.factories.matters import complete_matter
    from tests.factories.policies import PolicyFactory

    kjj = Department.objects.get(code="yc-kjj")
    matter = complete_matter(policy=PolicyFactory(lead_department=kjj, region=kjj.region), department=kjj, **fields)
    services.assign_matter_ownership(matter, kjj)
    services.publish_rule_set(matter.rule_sets.get(), valid_from=timezone.localdate())
    type(matter).objects.filter(pk=matter.pk).update(status="published", published_at=timezone.now())
    AnnualFigureFactory(enterprise=_enterprise(), year=timezone.localdate().year - 1, revenue_wan=5000)
    matching.match_matter(matter)
    return matter


def _match_result(staff):
    return _matched_matter(staff).matches.filter(status="eligible").first()


def _push_record(staff):
    from matters import matching

    matter = _matched_matter(staff)
    matching.push_matched(matter)
    return matter.pushes.first()


def _confirmation_list(staff):
    """A 免申即享 list (draft) of 市科技局's automatic matter, built by its reviewer from the match results."""
    from applications import confirmations

    matter = _matched_matter(staff, delivery_kind="automatic")
    matter.refresh_from_db()
    return confirmations.build_list(matter, by=staff["kjj_reviewer"])


def _confirmation(staff):
    """One enterprise's 免申即享确认 on a list accepted by 市科技局's approver and pushed to the enterprises."""
    from applications import confirmations

    confirmation_list = _confirmation_list(staff)
    confirmations.accept(confirmation_list, by=staff["kjj_approver"])
    confirmations.notify_list(confirmation_list.pk)
    return confirmation_list.confirmations.first()


def _impact_preview(staff):
    """The impact preview of a draft of 市科技局's rule set, computed by its editor."""
    from matters.impact import compute_preview

    return compute_preview(_rule_set(staff), by=staff["kjj_editor"])


def _clock(staff):
    """政策发布时限 running on a policy of 市科技局, started as the workflow starts it."""
    from policies.workflow import PUBLISH_CLOCK
    from portal.workcalendar import clocks

    return clocks.start(_policy(staff), PUBLISH_CLOCK, on=timezone.localdate(), by=staff["kjj_editor"])


def _webhook_endpoint(staff):
    from portal.notify.models import WebhookEndpoint

    return WebhookEndpoint.objects.create(
        code=f"sample-hook-{_n()}",
        name="12345热线工单系统",
        url="https://12345.yichang.gov.cn/hooks/portal",
        secret="sample-signing-secret-0001",
    )


def _fan_out(staff):
    """A finished 群发 that told one enterprise user, run as the notify services run it."""
    from portal.notify.services import run_fanout
    from tests.factories.notify import RecipientFactory, SiteMessageFactory

    recipient = RecipientFactory()
    fanout, _told = run_fanout(
        f"sample-fanout-{_n()}",
        lambda cursor, size: [] if cursor else [(recipient.pk, recipient)],
        lambda recipients: [SiteMessageFactory(user=user) for user in recipients],
    )
    return fanout


def _issued_document(staff):
    """A 受理回执 of 市科技局, issued and signed as the documents service issues it."""
    from portal.documents.registry import document_kinds, register_kind
    from portal.documents.services import issue
    from portal.org.models import Department

    if "sample_receipt" not in document_kinds:
        register_kind("sample_receipt", "受理回执")
    kjj = Department.objects.get(code="yc-kjj")
    return issue(
        "sample_receipt",
        "documents/base.html",
        {},
        title="受理回执（样例）",
        department=kjj,
        obj=kjj,
        issued_by=staff["kjj_editor"],
    )


def _kjj_matter():
    """A published one-step matter of 市科技局 (the demo reviewer's and approver's department)."""
    from portal.org.models import Department
    from tests.factories.applications import published_matter
    from tests.factories.policies import PolicyFactory

    kjj = Department.objects.get(code="yc-kjj")
    return published_matter(policy=PolicyFactory(lead_department=kjj, region=kjj.region))


def _objection(staff):
    """公示异议 on a 市科技局 case in publicity, raised through the public form's service."""
    from applications.publicity import raise_objection
    from tests.factories.followup import in_publicity

    return raise_objection(
        in_publicity(_kjj_matter()), name="王五", phone="13900001111", content="该企业上年度营业收入未达到申报条件。"
    )


def _rating(staff):
    """好差评 of a concluded 市科技局 case."""
    from applications.models import RatingLevel
    from tests.factories.followup import concluded, rated

    return rated(concluded(_kjj_matter()), level=RatingLevel.SATISFIED, comment="办理及时。")


def _rectification(staff):
    """差评整改 owed by 市科技局 after a bad rating."""
    from tests.factories.followup import concluded, rated, rectification

    return rectification(rated(concluded(_kjj_matter())))


def _application(staff):
    """A case submitted online for a published matter of 市科技局 (one step, one upload, one shared material), as
    an enterprise submits it through the services."""
    from applications import services
    from portal.org.models import Department
    from tests.factories import files
    from tests.factories.applications import enterprise_with_user, published_matter
    from tests.factories.policies import PolicyFactory

    kjj = Department.objects.get(code="yc-kjj")
    matter = published_matter(policy=PolicyFactory(lead_department=kjj, region=kjj.region), shared=1)
    enterprise = enterprise_with_user()
    user = enterprise.user
    application = services.start(enterprise, matter, by=user)
    services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
    for material in matter.materials.filter(shared=False):
        services.attach(application, material, files.upload("申报书.pdf", files.pdf()), by=user)
    return services.submit(application, by=user)


def _review_step(staff):
    """The active step of a case 市科技局's reviewer has accepted (受理)."""
    from applications.workflow import perform

    application = perform(_application(staff), "accept", by=staff["kjj_reviewer"])
    return application.current_step


def _api_client(staff):
    """市科技局's system key, issued as the admin issues it."""
    from applications.api_auth import issue_client
    from portal.org.models import Department

    client, _secret = issue_client(Department.objects.get(code="yc-kjj"), by=staff["platform_admin"])
    return client


def _subsidy_record(staff):
    """A subsidy 市科技局 reported (the demo editor's department), by the API as a department's system would."""
    from payouts import subsidies
    from payouts.models import SubsidyRecord
    from portal.org.models import Department
    from tests.factories.enterprises import uscc_for

    n = _n()
    record = {
        "record_id": f"SAMPLE-{n}",
        "uscc": uscc_for(80_000 + n),
        "enterprise_name": "宜昌样例科技有限公司",
        "policy": "宜昌市促进科技创新若干政策",
        "item": "高新技术企业认定奖励",
        "amount": "200000.00",
        "paid_on": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "funding_source": "市级科技创新专项资金",
    }
    outcome = subsidies.submit_records(Department.objects.get(code="yc-kjj"), [record])
    assert not outcome.refused, outcome.report.errors
    return SubsidyRecord.objects.get(record_id=record["record_id"])


def _funding_source(staff):
    """市财政局's source for a published matter of 市科技局, as its finance officer keeps it."""
    from payouts.models import FundingSource
    from portal.org.models import Department

    czj = Department.objects.get(code="yc-czj")
    source = FundingSource.objects.create(
        payer_name="宜昌市财政局国库存款",
        payer_account="42050110000000000001",
        payer_bank="中国人民银行宜昌市中心支库",
        name=f"2026年市级科技创新专项资金{_n()}",
        level=czj.region.level,
        region=czj.region,
        department=czj,
        budget_line="2060499",
    )
    source.matters.add(_kjj_matter())
    return source


def _payout(staff):
    """A payout opened by the sweep for a 市科技局 case in 待兑付 (paid by 市财政局), the account copied."""
    from decimal import Decimal

    from applications.models import Application, Status
    from payouts import services
    from tests.factories.applications import enterprise_with_user

    enterprise = enterprise_with_user()
    services.save_account(
        enterprise,
        {"payee_name": enterprise.name, "bank_name": "中国工商银行宜昌分行", "account_number": f"1207{_n():015d}"},
        by=None,
    )
    application = Application.objects.create(
        number=f"SB-SAMPLE-{_n()}",
        enterprise=enterprise,
        matter=_kjj_matter(),
        period=str(timezone.localdate().year),
        status=Status.TO_PAYOUT,
        approved_amount=Decimal("200000.00"),
        decided_at=timezone.now(),
    )
    services.open_payouts()
    return application.payout


def _payout_batch(staff):
    """A draft batch of 市财政局 made by its finance officer (制单), waiting for another officer's 复核."""
    from payouts import services

    payout = _payout(staff)
    return services.create_batch(
        by=staff["czj_finance"], funding_source=payout.funding_source, payout_ids=[payout.pk], note="样例批次"
    )


def _bank_result_import(staff):
    """The bank's result file of a 市财政局 batch checked by a second officer, exported and paid."""
    from payouts import bankfiles, services
    from portal.org.models import Department, Role
    from tests.factories.policies import member

    batch = _payout_batch(staff)
    checker = member(Department.objects.get(code="yc-czj"), Role.FINANCE, username=f"czj-checker-{_n()}")
    batch = services.approve_batch(batch, by=checker)
    from payouts.models import FundingSource
    from tests.factories.payouts import PAYER

    FundingSource.objects.filter(pk=batch.funding_source_id).update(**PAYER)  # the treasury account it pays from
    services.export_batch(batch, by=checker, fmt="csv")
    batch.refresh_from_db()
    report = services.import_results(
        batch, bankfiles.results_template(batch, fmt="csv"), file_name="回单.csv", by=checker
    )
    return report.imported


def _appeal(staff):
    """A complaint from an enterprise of 宜昌, accepted by the 12345 operator and dispatched to 市科技局."""
    from appeals.workflow import APPEAL
    from portal.org.models import Department
    from tests.factories.appeals import portal_appeal

    appeal = portal_appeal(contact_phone="13912345678")
    APPEAL.perform(appeal, "accept", by=staff["cyzx_operator"])
    APPEAL.perform(appeal, "dispatch", by=staff["cyzx_operator"], department=Department.objects.get(code="yc-kjj"))
    appeal.refresh_from_db()
    return appeal


def _extension_request(staff):
    """市科技局's reviewer signs the sample appeal and asks for 5 more working days (待审核)."""
    from appeals import services
    from appeals.workflow import APPEAL

    appeal = _appeal(staff)
    APPEAL.perform(appeal, "sign", by=staff["kjj_reviewer"])
    return services.request_extension(appeal, days=5, reason="需会同财政核实拨付记录", by=staff["kjj_reviewer"])


def _appeal_time_limit(staff):
    """The 投诉 办理答复 limit, as seeded with the documented defaults."""
    from appeals.models import AppealTimeLimit

    return AppealTimeLimit.objects.get(kind="complaint", stage="handle")


def _axes_models():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    return {
        "axes.accessattempt": _axes(AccessAttempt, failures_since_start=1, get_data="", post_data=""),
        "axes.accesslog": _axes(AccessLog),
        "axes.accessfailurelog": _axes(AccessFailureLog),
    }


def _question(staff):
    """A question about the 市科技局 policy waiting for moderation, with a phone number hidden in its public text."""
    from appeals import interaction
    from tests.factories.applications import enterprise_with_user

    policy = _policy(staff)
    from policies.models import Policy

    Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.PUBLISHED)
    policy.refresh_from_db()
    return interaction.ask(
        asker=enterprise_with_user().user,
        title=f"高新技术企业认定奖励何时发放（{_n()}）",
        content="我公司去年首次认定为高新技术企业，请问奖励何时发放？请回电13800138000。",
        policy=policy,
    )


def _report(staff):
    """An archived monthly 督查报告; its file stands in for the rendered PDF (rendering takes seconds, per role)."""
    import hashlib

    from portal.supervision.models import Report

    n = _n()
    content = b"%PDF-1.7\n% sample supervision report\n"
    report = Report(
        kind=Report.Kind.MONTHLY,
        period_start=dt.date(2000 + n // 12, n % 12 + 1, 1),
        period_end=dt.date(2000 + n // 12, n % 12 + 1, 28),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    report.file.save(f"monthly-sample-{n}.pdf", ContentFile(content), save=False)
    report.save()
    return report


def _article(staff):
    """A draft 专题文章 of 市科技局 on its published policy, written by its editor."""
    from engagement import articles
    from policies.models import Policy

    policy = _policy(staff)
    Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.PUBLISHED)
    return articles.write(
        by=staff["kjj_editor"],
        department=policy.lead_department,
        title=f"高新技术企业认定条件解读（{_n()}）",
        summary="一文读懂高新技术企业认定的三项硬指标。",
        body="<p>企业申请认定时须注册成立一年以上。</p>",
        policies=[policy],
    )


def _consultation(staff):
    """A draft of 科技局 with one question, owned by the department (征求意见)."""
    from engagement import consultations
    from engagement.models import Consultation, ConsultationQuestion

    kjj = staff["kjj_editor"].memberships.get().department
    consultation = Consultation.objects.create(
        title=f"宜昌市科技创新券管理办法（征求意见稿{_n()}）", department=kjj, draft_text="<p>第一条</p>"
    )
    consultations.assign_ownership(consultation)
    ConsultationQuestion.objects.create(consultation=consultation, position=1, text="额度是否合适？")
    return consultation


def _consultation_session(staff, status="draft"):
    """A 市科技局 online consultation session on one of its policies, three days ahead."""
    from engagement.models import ConsultationSession
    from engagement.sessions import assign_ownership

    policy = _policy(staff)
    starts = timezone.now() + dt.timedelta(days=3)
    session = ConsultationSession.objects.create(
        department=policy.lead_department,
        policy=policy,
        topic=f"高企认定政策线上咨询会（{_n()}）",
        host="市科技局政策法规科",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=30,
        booking_deadline=starts - dt.timedelta(days=1),
        conference_url="https://meeting.yichang.gov.cn/room/1",
        status=status,
    )
    assign_ownership(session)
    return session


def _session_question(staff):
    """A question an enterprise submitted to a 市科技局 session that has since been held."""
    from engagement.models import SessionQuestion
    from tests.factories.applications import enterprise_with_user

    enterprise = enterprise_with_user()
    session = _consultation_session(staff, status="held")
    return SessionQuestion.objects.create(
        session=session, enterprise=enterprise, asker=enterprise.user, content="高企认定奖励何时兑付？"
    )


SAMPLES = {
    "auth.group": _group,
    **_axes_models(),
    "otp_totp.totpdevice": _totp,
    "accounts.user": _user,
    "accounts.verificationcode": _verification_code,
    "org.region": _region,
    "org.department": _department,
    "org.membership": _membership,
    "workcalendar.calendaryear": _calendar_year,
    "workcalendar.calendarday": _calendar_day,
    "workcalendar.clock": _clock,
    "notify.smstemplate": _sms_template,
    "notify.outboxmessage": _outbox,
    "notify.sitemessage": _site_message,
    "notify.webhookendpoint": _webhook_endpoint,
    "notify.fanout": _fan_out,
    "audit.sensitiveaccesslog": _access_log,
    "documents.issueddocument": _issued_document,
    "search.synonym": _synonym,
    "search.searchdocument": _search_document,
    "policies.policycategory": _policy_category,
    "policies.policy": _policy,
    "policies.policyofflinerequest": _offline_request,
    "policies.policysubscription": _subscription,
    "enterprises.enterprise": lambda staff: _enterprise(),
    "enterprises.correctionrequest": _correction,
    "enterprises.qualificationtype": _qualification_type,
    "enterprises.tagcategory": _tag_category,
    "enterprises.tag": _tag,
    "enterprises.changeevent": _change_event,
    "enterprises.enterprisemember": _member,
    "enterprise_imports.importjob": _import_job,
    "matters.ruleset": _rule_set,
    "matters.matter": _matter,
    "matters.matchresult": _match_result,
    "matters.pushrecord": _push_record,
    "matters.impactpreview": _impact_preview,
    "applications.objection": _objection,
    "applications.rating": _rating,
    "applications.rectification": _rectification,
    "applications.application": _application,
    "applications.reviewstep": _review_step,
    "applications.apiclient": _api_client,
    "applications.confirmationlist": _confirmation_list,
    "applications.confirmation": _confirmation,
    "payouts.subsidysubmission": lambda staff: _subsidy_record(staff).submission,
    "payouts.subsidyrecord": _subsidy_record,
    "payouts.fundingsource": _funding_source,
    "payouts.payout": _payout,
    "payouts.payoutbatch": _payout_batch,
    "payouts.bankresultimport": _bank_result_import,
    "appeals.question": _question,
    "appeals.appeal": _appeal,
    "appeals.extensionrequest": _extension_request,
    "appeals.appealtimelimit": _appeal_time_limit,
    "supervision.report": _report,
    "engagement.servicelink": _service_link,
    "engagement.article": _article,
    "engagement.consultation": _consultation,
    "engagement.consultationsession": _consultation_session,
    "engagement.sessionquestion": _session_question,
}
