"""The matter back office as department staff use it: add and change forms, guide rows, transitions, permissions.

Every form is posted as the admin page posts it (inline management forms included) by a member of staff whose
role comes from roles.py; refusals are read back as the Chinese message shown on the field.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matters import services
from matters.models import Matter, SupportKind, WindowKind
from policies.models import Policy
from portal import workdays
from portal.core.workflow import perform
from portal.org.permissions import can
from portal.org.roles import Role
from portal.workcalendar import clocks
from portal.workcalendar.models import Clock
from tests.backoffice.roundtrip import SMALL_PDF
from tests.factories.matters import MatterFactory, complete_matter
from tests.factories.org import DepartmentFactory
from tests.factories.policies import PolicyFactory, member

pytestmark = pytest.mark.django_db

INLINES = ["tiers", "materials", "steps", "faqs"]


@pytest.fixture
def department():
    return DepartmentFactory(name="宜昌市科学技术局")


@pytest.fixture
def policy(department):
    policy = PolicyFactory(lead_department=department, region=department.region)
    Policy.objects.filter(pk=policy.pk).update(status=Policy.Status.PUBLISHED)
    policy.refresh_from_db()
    return policy


@pytest.fixture
def editor(department):
    return member(department, Role.EDITOR)


@pytest.fixture
def approver(department):
    return member(department, Role.APPROVER)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def owned(matter):
    services.assign_matter_ownership(matter, matter.department)
    for rule_set in matter.rule_sets.all():
        services.assign_ownership(rule_set, matter.department)
    return matter


def management(rows: dict[str, list[dict]] | None = None, initial: dict[str, int] | None = None) -> dict:
    """The four inline formsets' management forms and rows, as the page posts them."""
    data = {}
    rows = rows or {}
    for prefix in INLINES:
        prefix_rows = rows.get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(prefix_rows))
        data[f"{prefix}-INITIAL_FORMS"] = str((initial or {}).get(prefix, 0))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(prefix_rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = value
    return data


def matter_data(policy, department, **fields) -> dict:
    data = {
        "code": "yc-kj-2026-101",
        "name": "宜昌市高新技术企业首次认定奖励",
        "policy": policy.pk,
        "clause": "第十二条",
        "department": department.pk,
        "region": department.region.pk,
        "target": "在本市注册登记、首次认定为高新技术企业的企业",
        "delivery_kind": "reviewed",
        "window_kind": "year_round",
        "time_limit_days": "15",
        "publicity_days": "5",
        "confirm_days": "10",
        "support_kind": "fixed",
        "support_amount": "200000",
        "support_text": "对首次认定的高新技术企业给予一次性奖励20万元。",
        "consult_phone": "0717-6451234",
        "supervise_phone": "0717-12345",
        "_save": "保存",
    }
    data.update(fields)
    return data


def form_errors(response) -> dict:
    form = response.context["adminform"].form
    return {name: " ".join(errors) for name, errors in form.errors.items()}


def formset_errors(response) -> str:
    parts = []
    for formset in response.context["inline_admin_formsets"]:
        parts += list(formset.formset.non_form_errors())
        for errors in formset.formset.errors:
            parts += [" ".join(v) for v in errors.values()]
    return " ".join(parts)


# --- adding a matter ---


def test_editor_adds_a_matter_with_its_guide(editor, policy, department):
    rows = {
        "materials": [
            {
                "position": "1",
                "name": "高新技术企业证书",
                "form": "electronic",
                "required": "on",
                "source": "申请人自备",
                "template": SimpleUploadedFile("证书范本.docx", SMALL_PDF),
            },
            {"position": "2", "name": "营业执照", "form": "copy", "shared": "on", "source": "市场监管部门"},
        ],
        "steps": [
            {
                "position": "1",
                "name": "科技局初审",
                "department": department.pk,
                "days": "5",
                "role": "reviewer",
                "kind": "review",
            }
        ],
        "faqs": [{"position": "1", "question": "去年认定的还能申报吗？", "answer": "不能，限首次认定当年。"}],
    }
    data = {**matter_data(policy, department), **management(rows)}
    response = client_for(editor).post(reverse("admin:matters_matter_add"), data)
    assert response.status_code == 302, form_errors(response) if response.status_code == 200 else response
    matter = Matter.objects.get()
    assert matter.code == "YC-KJ-2026-101"  # typed in lower case, stored as the catalogue writes it
    assert matter.created_by == editor and matter.status == Matter.Status.DRAFT
    template = matter.materials.get(position=1).template
    assert template.name.endswith(".pdf")  # stored as what it is, not as it was called
    assert matter.materials.get(position=2).shared
    assert matter.steps.get().days == 5 and matter.faqs.count() == 1
    assert can(editor, "matters.change_matter", matter)
    assert matter.history.first().history_user == editor
    assert LogEntry.objects.filter(user=editor, object_id=str(matter.pk), action_flag=ADDITION).exists()


def test_invalid_matter_is_shown_again_in_chinese_and_nothing_is_saved(editor, policy, department):
    data = {
        **matter_data(policy, department, code="坏编码", support_cap="100000"),
        **management(),
    }
    response = client_for(editor).post(reverse("admin:matters_matter_add"), data)
    assert response.status_code == 200
    errors = form_errors(response)
    assert "大写字母" in errors["code"]
    assert "上限10万元低于定额20万元" in errors["support_cap"]
    assert not Matter.objects.exists()


def test_window_opening_in_three_working_days_is_refused_on_the_field(editor, policy, department):
    opens = workdays.add_workdays(timezone.localdate(), 3)
    data = {
        **matter_data(
            policy,
            department,
            window_kind="fixed",
            window_opens=opens.isoformat(),
            window_closes=(opens + dt.timedelta(days=30)).isoformat(),
        ),
        **management(),
    }
    response = client_for(editor).post(reverse("admin:matters_matter_add"), data)
    assert response.status_code == 200
    assert "申报起始日前5个工作日" in form_errors(response)["window_opens"]
    assert "最早可设为" in response.content.decode()
    assert not Matter.objects.exists()


def test_a_disguised_web_page_is_refused_as_a_template(editor, policy, department):
    page = SimpleUploadedFile("范本.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    rows = {"materials": [{"position": "1", "name": "申请表", "form": "electronic", "template": page}]}
    response = client_for(editor).post(
        reverse("admin:matters_matter_add"), {**matter_data(policy, department), **management(rows)}
    )
    assert response.status_code == 200
    assert "文件内容不是允许的类型" in formset_errors(response)
    assert not Matter.objects.exists()


# --- tiers (分档奖补) ---


def tiered(policy, department, tiers):
    data = matter_data(policy, department, support_kind="tiers", support_base_fact="revenue", support_amount="")
    return {**data, **management({"tiers": tiers})}


def test_tiers_are_saved_with_the_matter(editor, policy, department):
    tiers = [
        {"position": "1", "lower": "2000", "upper": "5000", "amount": "100000"},
        {"position": "2", "lower": "5000", "upper": "", "amount": "300000"},
    ]
    response = client_for(editor).post(reverse("admin:matters_matter_add"), tiered(policy, department, tiers))
    assert response.status_code == 302, formset_errors(response)
    assert [t.amount for t in Matter.objects.get().tiers.all()] == [Decimal("100000"), Decimal("300000")]


def test_overlapping_tiers_are_refused_with_the_reason(editor, policy, department):
    tiers = [
        {"position": "1", "lower": "2000", "upper": "6000", "amount": "100000"},
        {"position": "2", "lower": "5000", "upper": "", "amount": "300000"},
    ]
    response = client_for(editor).post(reverse("admin:matters_matter_add"), tiered(policy, department, tiers))
    assert response.status_code == 200
    assert "档次重叠" in formset_errors(response)
    assert not Matter.objects.exists()


def test_tiered_support_without_a_tier_is_refused(editor, policy, department):
    response = client_for(editor).post(reverse("admin:matters_matter_add"), tiered(policy, department, []))
    assert response.status_code == 200
    assert "至少设置一个档次" in formset_errors(response)


def test_a_tier_the_criteria_make_unreachable_is_refused(editor, policy, department):
    matter = owned(complete_matter(policy=policy, support_kind=SupportKind.FIXED))  # criterion: 营业收入 ≥ 2000万元
    data = {
        **matter_data(
            policy,
            department,
            code=matter.code,
            name=matter.name,
            support_kind="tiers",
            support_base_fact="revenue",
            support_amount="",
        ),
        **management_initial(matter, {"tiers": [{"position": "1", "lower": "0", "upper": "1000", "amount": "50000"}]}),
    }
    response = client_for(editor).post(reverse("admin:matters_matter_change", args=[matter.pk]), data)
    assert response.status_code == 200
    assert "不可达" in formset_errors(response)


def management_initial(matter, rows):
    """The management forms of a saved matter's page: its existing rows kept as they are, plus `rows`."""
    existing = {
        "tiers": [],
        "materials": [
            {"id": m.pk, "position": m.position, "name": m.name, "form": m.form, "source": m.source, "required": "on"}
            for m in matter.materials.all()
        ],
        "steps": [
            {
                "id": s.pk,
                "position": s.position,
                "name": s.name,
                "department": s.department_id,
                "days": s.days,
                "role": s.role,
                "kind": s.kind,
            }
            for s in matter.steps.all()
        ],
        "faqs": [],
    }
    combined = {prefix: existing[prefix] + rows.get(prefix, []) for prefix in INLINES}
    for prefix in ("materials", "steps"):
        for row in combined[prefix]:
            if "id" in row:
                row["matter"] = matter.pk
    return management(combined, {prefix: len(existing[prefix]) for prefix in INLINES})


# --- one matter, one name ---


def test_name_key_folds_traditional_characters_width_and_punctuation():
    assert services.name_key("宜昌市 高新技术企业（首次认定）奖励") == services.name_key(
        "宜昌市高新技術企業(首次認定)獎勵"
    )


def test_a_near_duplicate_name_needs_the_editors_confirmation(editor, policy, department):
    existing = MatterFactory(name="宜昌市高新技术企业首次认定奖励", policy=policy)
    data = {**matter_data(policy, department, name="宜昌市高新技術企業首次認定的獎勵"), **management()}
    client = client_for(editor)
    response = client.post(reverse("admin:matters_matter_add"), data)
    assert response.status_code == 200
    message = form_errors(response)["name"]
    assert existing.code in message and "确认不是同一事项" in message
    assert Matter.objects.count() == 1

    response = client.post(reverse("admin:matters_matter_add"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Matter.objects.count() == 2


def test_the_same_content_in_another_region_is_not_a_duplicate(policy):
    MatterFactory(name="宜昌市高新技术企业首次认定奖励", policy=policy)
    assert services.near_duplicates("西陵区高新技术企业首次认定奖励") == []
    assert [d.matter.name for d in services.near_duplicates("宜昌市高新技术企业首次认定的奖励")] == [
        "宜昌市高新技术企业首次认定奖励"
    ]


# --- read-only once submitted; transitions from the buttons ---


def test_the_lifecycle_through_the_admin_buttons(editor, approver, policy):
    matter = owned(complete_matter(policy=policy))
    change = reverse("admin:matters_matter_change", args=[matter.pk])

    page = client_for(editor).get(change).content.decode()
    assert 'data-transition="submit"' in page and 'data-transition="publish"' not in page
    submit = reverse("admin:matters_matter_transition", args=[matter.pk, "submit"])
    assert client_for(editor).get(submit).status_code == 200  # the confirmation page
    assert client_for(editor).post(submit, {"confirm": "1"}).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Matter.Status.SUBMITTED

    page = client_for(approver).get(change).content.decode()
    assert 'data-transition="publish"' in page and 'data-transition="reject"' in page
    reject = reverse("admin:matters_matter_transition", args=[matter.pk, "reject"])
    response = client_for(approver).post(reject, {"confirm": "1", "reason": ""})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    matter.refresh_from_db()
    assert matter.status == Matter.Status.SUBMITTED
    publish = reverse("admin:matters_matter_transition", args=[matter.pk, "publish"])
    assert client_for(approver).post(publish, {"confirm": "1"}).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Matter.Status.PUBLISHED and matter.rule_sets.get().is_published


def test_a_returned_draft_says_why(editor, approver, policy):
    matter = owned(complete_matter(policy=policy))
    perform(matter, "submit", by=editor)
    perform(matter, "reject", by=approver, reason="扶持标准表述与政策原文不一致")
    page = client_for(editor).get(reverse("admin:matters_matter_change", args=[matter.pk])).content.decode()
    assert "扶持标准表述与政策原文不一致" in page


def test_a_published_matter_is_read_only(editor, approver, policy, department):
    matter = owned(complete_matter(policy=policy))
    perform(matter, "submit", by=editor)
    perform(matter, "publish", by=approver)
    change = reverse("admin:matters_matter_change", args=[matter.pk])
    page = client_for(editor).get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client_for(editor).post(change, {**matter_data(policy, department, name="改名"), **management()})
    assert response.status_code == 403
    matter.refresh_from_db()
    assert matter.name != "改名"


def test_an_approver_cannot_edit_a_draft(approver, policy, department):
    matter = owned(complete_matter(policy=policy))
    change = reverse("admin:matters_matter_change", args=[matter.pk])
    assert 'name="_save"' not in client_for(approver).get(change).content.decode()
    assert client_for(approver).get(reverse("admin:matters_matter_add")).status_code == 403


def test_another_departments_matter_is_not_visible(policy):
    matter = owned(complete_matter(policy=policy))
    stranger = member(DepartmentFactory(name="宜昌市商务局"), Role.EDITOR)
    client = client_for(stranger)
    listing = client.get(reverse("admin:matters_matter_changelist"))
    assert listing.status_code == 200 and matter.code not in listing.content.decode()
    assert client.get(reverse("admin:matters_matter_change", args=[matter.pk])).status_code == 404
    transition = reverse("admin:matters_matter_transition", args=[matter.pk, "submit"])
    assert client.post(transition, {"confirm": "1"}).status_code == 404
    matter.refresh_from_db()
    assert matter.status == Matter.Status.DRAFT


def test_a_reviewer_reads_and_changes_nothing(policy, department):
    matter = owned(complete_matter(policy=policy))
    reviewer = member(department, Role.REVIEWER)
    page = client_for(reviewer).get(reverse("admin:matters_matter_change", args=[matter.pk])).content.decode()
    assert matter.name in page and 'name="_save"' not in page and "data-transition" not in page


# --- the catalogue in Excel ---


def test_the_catalogue_exports_to_excel(editor, approver, policy):
    from io import BytesIO

    from openpyxl import load_workbook

    listed = owned(complete_matter(policy=policy, name="宜昌市科技型中小企业研发投入补助"))
    perform(listed, "submit", by=editor)
    perform(listed, "publish", by=approver)
    other = owned(complete_matter(name="宜昌市外贸企业出口信用保险补贴"))  # another department's
    response = client_for(editor).get(reverse("admin:matters_matter_catalogue"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("事项编码", "事项名称", "政策依据（文号）")
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["事项编码"] == listed.code and row["事项名称"] == listed.name
    assert policy.document_number in row["政策依据（文号）"]
    assert row["兑现方式"] == "申报审批" and row["申报时间"] == "常年申报"
    assert "定额20万元" in row["扶持标准"] and row["承诺办理时限（工作日）"] == 15
    assert row["状态"] == "已上架" and isinstance(row["上架时间"], dt.datetime)
    assert row["指南逾期公开"] == "否"
    assert other.code not in {r[0] for r in rows}


def test_the_catalogue_follows_the_list_filters(editor, policy):
    owned(complete_matter(policy=policy, name="宜昌市首台套装备奖励"))
    response = client_for(editor).get(reverse("admin:matters_matter_catalogue") + "?status__exact=published")
    from io import BytesIO

    from openpyxl import load_workbook

    assert len(list(load_workbook(BytesIO(response.content)).active.iter_rows())) == 1  # the heading only


# --- 期限待定 (无锡 §11) ---


def tbd_matter(policy, **fields):
    return owned(complete_matter(policy=policy, window_kind=WindowKind.TBD, **fields))


def window_clock(matter):
    return clocks.of(matter, services.WINDOW_CLOCK).last()


def test_deciding_a_draft_tbd_window_starts_the_clock_and_publishing_stops_it(editor, approver, policy, department):
    matter = tbd_matter(policy)
    decided = workdays.add_workdays(timezone.localdate(), -1)
    opens = workdays.add_workdays(timezone.localdate(), 10)
    data = {
        **matter_data(
            policy,
            department,
            code=matter.code,
            name=matter.name,
            window_kind="tbd",
            window_decided_on=decided.isoformat(),
            window_opens=opens.isoformat(),
        ),
        **management_initial(matter, {}),
    }
    response = client_for(editor).post(reverse("admin:matters_matter_change", args=[matter.pk]), data)
    assert response.status_code == 302, form_errors(response)
    clock = window_clock(matter)
    assert clock.started_on == decided and clock.limit_days == 3 and clock.state == Clock.State.RUNNING
    perform(matter, "submit", by=editor)
    perform(matter, "publish", by=approver)
    clock.refresh_from_db()
    assert clock.state == Clock.State.STOPPED and not clock.stopped_late


def test_a_decision_day_needs_a_tbd_window_and_an_opening_day(editor, policy, department):
    matter = owned(complete_matter(policy=policy))
    data = {
        **matter_data(
            policy, department, code=matter.code, name=matter.name, window_decided_on=timezone.localdate().isoformat()
        ),
        **management_initial(matter, {}),
    }
    response = client_for(editor).post(reverse("admin:matters_matter_change", args=[matter.pk]), data)
    assert "只有“期限待定”的事项" in form_errors(response)["window_decided_on"]
    data.update(window_kind="tbd")
    response = client_for(editor).post(reverse("admin:matters_matter_change", args=[matter.pk]), data)
    assert "请填写申报起始日" in form_errors(response)["window_opens"]
    assert not clocks.of(matter, services.WINDOW_CLOCK).exists()


def test_a_published_tbd_window_is_decided_by_the_editor_and_announced_by_the_approver(editor, approver, policy):
    matter = tbd_matter(policy)
    perform(matter, "submit", by=editor)
    perform(matter, "publish", by=approver)
    change = reverse("admin:matters_matter_change", args=[matter.pk])
    client = client_for(editor)
    page = client.get(change)
    assert 'name="window_decided_on"' in page.content.decode() and 'name="name"' not in page.content.decode()

    decided = timezone.localdate()
    opens = workdays.add_workdays(decided, 8)
    closes = opens + dt.timedelta(days=30)
    form = {
        "window_decided_on": decided.isoformat(),
        "window_opens": opens.isoformat(),
        "window_closes": closes.isoformat(),
        "_save": "保存",
        **management(),
    }
    response = client.post(change, form)
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.window_opens == opens and matter.status == Matter.Status.PUBLISHED
    assert window_clock(matter).due_on == workdays.add_workdays(decided, 3)

    page = client_for(approver).get(change).content.decode()
    assert 'data-transition="announce_window"' in page
    announce = reverse("admin:matters_matter_transition", args=[matter.pk, "announce_window"])
    assert client_for(approver).post(announce, {"confirm": "1"}).status_code == 302
    matter.refresh_from_db()
    assert matter.status == Matter.Status.PUBLISHED
    assert window_clock(matter).state == Clock.State.STOPPED
    assert matter.history.first().history_change_reason.startswith("公布申报期限")
    assert 'name="_save"' not in client.get(change).content.decode()  # announced: read-only again


def test_a_published_window_opening_too_soon_is_refused(editor, approver, policy):
    matter = tbd_matter(policy)
    perform(matter, "submit", by=editor)
    perform(matter, "publish", by=approver)
    opens = workdays.add_workdays(timezone.localdate(), 2)
    form = {
        "window_decided_on": timezone.localdate().isoformat(),
        "window_opens": opens.isoformat(),
        "window_closes": "",
        "_save": "保存",
        **management(),
    }
    response = client_for(editor).post(reverse("admin:matters_matter_change", args=[matter.pk]), form)
    assert response.status_code == 200
    assert "5个工作日" in form_errors(response)["window_opens"]
    assert not clocks.of(matter, services.WINDOW_CLOCK).exists()


def test_announce_window_is_not_offered_without_a_decided_window(editor, approver, policy):
    matter = tbd_matter(policy)
    perform(matter, "submit", by=editor)
    perform(matter, "publish", by=approver)
    page = client_for(approver).get(reverse("admin:matters_matter_change", args=[matter.pk])).content.decode()
    assert 'data-transition="announce_window"' not in page
    announce = reverse("admin:matters_matter_transition", args=[matter.pk, "announce_window"])
    client_for(approver).post(announce, {"confirm": "1"})
    assert not clocks.of(matter, services.WINDOW_CLOCK).exists()


def test_the_list_filters_windows_awaiting_announcement(editor, policy):
    waiting = tbd_matter(policy, name="宜昌市科技成果转化奖励")
    waiting.window_decided_on, waiting.window_opens = (
        timezone.localdate(),
        workdays.add_workdays(timezone.localdate(), 10),
    )
    waiting.save()
    services.record_window_decision(waiting, by=editor)
    undecided = tbd_matter(policy, name="宜昌市技术合同登记奖励")
    client = client_for(editor)
    listing = client.get(reverse("admin:matters_matter_changelist") + "?window=pending").content.decode()
    assert waiting.code in listing and undecided.code not in listing
    listing = client.get(reverse("admin:matters_matter_changelist") + "?q=技术合同").content.decode()
    assert undecided.code in listing and waiting.code not in listing
