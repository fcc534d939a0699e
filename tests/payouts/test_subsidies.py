"""奖补汇聚 (宜昌 §37, 常州 §30): subsidies paid outside the platform, submitted by file in the one data standard,
validated whole, stored all or none, idempotent by record id, duplicates across uploads flagged, late
submissions counted on the working-day calendar."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from payouts import subsidies
from payouts.models import SubsidyRecord, SubsidySubmission
from portal import workdays
from tests.backoffice.roundtrip import SMALL_PDF
from tests.factories.enterprises import EnterpriseFactory, uscc_for
from tests.factories.matters import MatterFactory
from tests.factories.org import DepartmentFactory
from tests.payouts.subsidy_files import HEADER, csv_file, row, xlsx

pytestmark = pytest.mark.django_db

# A Monday after the payments of the tests (2026-09-30, a Wednesday before National Day).
MONDAY = timezone.make_aware(dt.datetime(2026, 10, 12, 10, 0))


@pytest.fixture(autouse=True)
def _fresh_calendar():
    workdays.reload()
    yield
    workdays.reload()


@pytest.fixture
def kjj():
    return DepartmentFactory(name="宜昌市科学技术局", code="t-kjj")


@pytest.fixture
def jxj():
    return DepartmentFactory(name="宜昌市经济和信息化局", code="t-jxj")


def upload(f, department, now=MONDAY, user=None):
    return subsidies.submit_file(f, department=department, user=user, now=now)


def messages(outcome):
    return [(e["line"], e["header"], e["message"]) for e in outcome.report.sorted_errors()]


def test_an_excel_file_with_date_cells_number_ids_and_text_codes_is_imported_and_linked(kjj):
    company = EnterpriseFactory(name="宜昌链接科技有限公司")
    matter = MatterFactory(name="高新技术企业认定奖励", department=kjj, policy__lead_department=kjj)
    f = xlsx(
        [
            # 记录编号 typed as a number (Excel keeps it a number cell), 金额 a number cell, 发放日期 a date cell.
            [
                20260001,
                company.uscc,
                company.name,
                matter.policy.title,
                "高新技术企业认定奖励",
                200000,
                dt.date(2026, 9, 30),
                "2026年市级科技创新专项资金",
                "市级",
            ],
            [
                20260002.0,
                uscc_for(4001),
                "宜昌档案外有限公司",
                "某项政策",
                "研发投入补助",
                12345.5,
                dt.datetime(2026, 9, 28),
                "市级资金",
                "",
            ],
        ],
        title="2026年市科技局奖补发放明细",
    )
    outcome = upload(f, kjj)
    assert not outcome.refused, messages(outcome)
    assert (outcome.created, outcome.corrected, outcome.unchanged) == (2, 0, 0)
    first = SubsidyRecord.objects.get(department=kjj, record_id="20260001")
    assert first.enterprise == company and first.matter == matter and first.policy == matter.policy
    assert first.amount == Decimal("200000.00") and first.paid_on == dt.date(2026, 9, 30)
    assert first.funding_level == "city"
    second = SubsidyRecord.objects.get(department=kjj, record_id="20260002")
    # Not in the archive, no matching policy or matter: kept as text.
    assert second.enterprise is None and second.matter is None and second.policy is None
    assert (second.enterprise_name, second.item, second.amount) == (
        "宜昌档案外有限公司",
        "研发投入补助",
        Decimal("12345.50"),
    )
    submission = SubsidySubmission.objects.get()
    assert (submission.department, submission.channel, submission.records) == (kjj, "file", 2)
    assert submission.file_name == "奖补数据.xlsx" and len(submission.sha256) == 64
    assert first.submission == submission and first.submitted_at == MONDAY
    assert first.history.count() == 1 and "文件导入" in first.history.get().history_change_reason


def test_a_gb18030_csv_typed_in_full_width_with_slashed_dates_is_normalised(kjj):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in uscc_for(4002))
    f = csv_file(
        [
            row("ＫＪ－２０２６－００１", full_width, amount="１２,３４５.５０", paid_on="2026/9/8", level="县级"),
            row("kj-2026-002", uscc_for(4003), amount="800", paid_on="2026年9月9日", level=""),
        ]
    )
    outcome = upload(f, kjj)
    assert not outcome.refused, messages(outcome)
    first = SubsidyRecord.objects.get(record_id="KJ-2026-001")
    assert first.uscc == uscc_for(4002)
    assert (first.amount, first.paid_on, first.funding_level) == (Decimal("12345.50"), dt.date(2026, 9, 8), "county")
    second = SubsidyRecord.objects.get(record_id="KJ-2026-002")
    assert (second.amount, second.paid_on, second.funding_level) == (Decimal("800.00"), dt.date(2026, 9, 9), "")


def test_a_utf8_csv_with_a_byte_order_mark_is_read(kjj):
    f = SimpleUploadedFile("a.csv", ("\ufeff" + ",".join(HEADER) + "\n" + ",".join(row("A1", uscc_for(4004)))).encode())
    outcome = upload(f, kjj)
    assert not outcome.refused and SubsidyRecord.objects.get().record_id == "A1"


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(kjj):
    good = uscc_for(4010)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    f = csv_file(
        [
            row("R1", good),  # line 2: good
            row("R2", bad_check),  # 3
            row("R3", good, amount="100.005"),  # 4
            row("R4", good, amount="0"),  # 5
            row("R5", good, amount="-20"),  # 6
            row("R6", good, amount="5000元"),  # 7
            row("R7", good, paid_on="2026-02-30"),  # 8
            row("R8", good, paid_on="9/30/2026"),  # 9
            row("R9", good, paid_on="2026-10-13"),  # 10: after the day of submission
            row("R10", good, name=""),  # 11
            row("R1", good, amount="300"),  # 12: R1 again
            row("", good),  # 13
        ]
    )
    outcome = upload(f, kjj)
    assert outcome.refused
    found = messages(outcome)
    lines = {line for line, *_rest in found}
    assert lines == set(range(3, 14))
    text = {line: f"{header}：{message}" for line, header, message in found}
    assert "校验位" in text[3]
    assert "最多两位小数" in text[4]
    assert "金额须大于0" in text[5] and "金额须大于0" in text[6]
    assert "单位" in text[7]
    assert "不存在" in text[8]
    assert "年份写在最前" in text[9]
    assert "晚于今天" in text[10]
    assert text[11] == "企业名称：不能为空"
    assert text[12] == "记录编号：记录编号与第2行重复"
    assert text[13] == "记录编号：不能为空"
    assert not SubsidyRecord.objects.exists() and not SubsidySubmission.objects.exists()


def test_a_missing_column_refuses_the_file(kjj):
    header = [h for h in HEADER if h != "发放日期"]
    f = csv_file([["R1", uscc_for(4011), "某公司", "政策", "事项", "100", "资金", ""]], header=header)
    outcome = upload(f, kjj)
    assert messages(outcome) == [(1, "发放日期", "缺少必填列“发放日期”")]
    assert not SubsidyRecord.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_what_it_is(kjj):
    with pytest.raises(subsidies.SubsidyFileError, match="PDF"):
        upload(SimpleUploadedFile("奖补.csv", SMALL_PDF), kjj)


def test_the_templates_example_row_is_refused(kjj):
    f = csv_file([row("示例-2026-0001（请删除本行）", uscc_for(4012))])
    assert "示例行" in messages(upload(f, kjj))[0][2]


def test_the_same_file_twice_changes_nothing(kjj):
    rows = [row("R1", uscc_for(4020)), row("R2", uscc_for(4021), amount="300.5")]
    upload(xlsx(rows), kjj)
    before = list(SubsidyRecord.objects.order_by("pk").values())
    second = upload(xlsx(rows), kjj, now=MONDAY + dt.timedelta(days=1))
    assert not second.refused
    assert (second.created, second.corrected, second.unchanged, second.submission) == (0, 0, 2, None)
    assert list(SubsidyRecord.objects.order_by("pk").values()) == before
    assert SubsidySubmission.objects.count() == 1
    assert SubsidyRecord.history.count() == 2


def test_a_known_record_id_with_other_content_is_refused_unless_marked_as_a_correction(kjj):
    upload(csv_file([row("R1", uscc_for(4030)), row("R2", uscc_for(4031))]), kjj)
    changed = [row("R1", uscc_for(4030), amount="210000"), row("R2", uscc_for(4031))]
    refused = upload(csv_file(changed), kjj)
    assert messages(refused) == [
        (
            2,
            "记录编号",
            "记录编号“R1”已于2026-10-12报送，本次内容不同（金额（元）：原“200000.00”，现“210000.00”）；"
            "如确为更正，请在“是否更正”列填“是”后重新报送",
        )
    ]
    assert SubsidyRecord.objects.get(record_id="R1").amount == Decimal("200000.00")

    later = MONDAY + dt.timedelta(days=3)
    corrected = upload(csv_file([[*changed[0], "是"], [*changed[1], ""]], header=[*HEADER, "是否更正"]), kjj, now=later)
    assert (corrected.created, corrected.corrected, corrected.unchanged) == (0, 1, 1)
    record = SubsidyRecord.objects.get(record_id="R1")
    assert record.amount == Decimal("210000.00")
    assert record.submitted_at == MONDAY, "the first submission's time (and lateness) is kept"
    assert record.submission == corrected.submission and corrected.submission.records == 1
    versions = list(record.history.order_by("history_date").values_list("amount", "history_change_reason"))
    assert versions[0][0] == Decimal("200000.00") and versions[1][0] == Decimal("210000.00")
    assert versions[1][1].startswith("更正")


def test_the_same_payment_from_another_department_or_upload_is_flagged_not_refused(kjj, jxj):
    uscc = uscc_for(4040)
    upload(csv_file([row("K1", uscc, item="高新技术企业认定奖励")]), kjj)
    # Another department reports the same payment; the item typed with full-width letters and a space.
    outcome = upload(csv_file([row("J-9", uscc, item="高新技术企业 认定奖励"), row("J-10", uscc, amount="1")]), jxj)
    assert not outcome.refused
    original = SubsidyRecord.objects.get(record_id="K1")
    copy = SubsidyRecord.objects.get(record_id="J-9")
    assert copy.duplicate_of == original and original.duplicate_of is None
    assert SubsidyRecord.objects.get(record_id="J-10").duplicate_of is None
    assert outcome.submission.duplicates == 1
    assert [(d["record_id"], d["duplicate_of"]) for d in outcome.duplicates] == [("J-9", original)]


def test_two_rows_of_one_file_for_the_same_payment_are_flagged(kjj):
    uscc = uscc_for(4041)
    outcome = upload(csv_file([row("A", uscc), row("B", uscc)]), kjj)
    a, b = SubsidyRecord.objects.get(record_id="A"), SubsidyRecord.objects.get(record_id="B")
    assert (a.duplicate_of, b.duplicate_of) == (None, a)
    assert outcome.submission.duplicates == 1


def test_a_correction_that_no_longer_matches_clears_the_flag_on_the_copy(kjj, jxj):
    uscc = uscc_for(4042)
    upload(csv_file([row("K1", uscc)]), kjj)
    upload(csv_file([row("J1", uscc)]), jxj)
    assert SubsidyRecord.objects.get(record_id="J1").duplicate_of is not None
    fixed = [*row("K1", uscc, amount="100000"), "是"]
    upload(csv_file([fixed], header=[*HEADER, "是否更正"]), kjj)
    assert SubsidyRecord.objects.get(record_id="J1").duplicate_of is None


@pytest.mark.parametrize(
    ("submitted", "late"),
    [
        # Paid Wed 2026-09-30. Working days after it: Thu 10-08, Fri 10-09, Sat 10-10 (调休上班), Mon 10-12 → 4.
        # Monday–Friday arithmetic would count 8 (10-01 … 10-09 and 10-12) and call it late.
        (dt.date(2026, 10, 12), False),
        (dt.date(2026, 10, 13), False),  # 5: the last day in time
        (dt.date(2026, 10, 14), True),  # 6
    ],
)
def test_lateness_counts_working_days_on_the_calendar_across_national_day(kjj, submitted, late):
    now = timezone.make_aware(dt.datetime.combine(submitted, dt.time(16, 0)))
    outcome = upload(csv_file([row("N1", uscc_for(4050), paid_on="2026-09-30")]), kjj, now=now)
    assert SubsidyRecord.objects.get().late is late
    assert outcome.submission.late == int(late)
    assert [r["record_id"] for r in outcome.late] == (["N1"] if late else [])


def test_a_platform_payout_for_the_same_enterprise_matter_and_amount_flags_the_record(kjj):
    from applications.models import Application, Status
    from payouts.models import FundingSource, Payout

    company = EnterpriseFactory()
    matter = MatterFactory(name="首台套奖励", department=kjj, policy__lead_department=kjj)
    finance = DepartmentFactory(code="t-czj", kind="finance", region=kjj.region)
    source = FundingSource.objects.create(name="市级资金", level="city", region=kjj.region, department=finance)
    application = Application.objects.create(
        number="SB20260001", enterprise=company, matter=matter, period="2026", status=Status.TO_PAYOUT
    )
    Payout.objects.create(
        number="DF20260001",
        application=application,
        enterprise=company,
        matter=matter,
        funding_source=source,
        amount=Decimal("500000.00"),
        approved_on=dt.date(2026, 9, 1),
    )
    outcome = upload(
        csv_file(
            [row("P1", company.uscc, item="首台套奖励", amount="500000"), row("P2", company.uscc, item="首台套奖励")]
        ),
        kjj,
    )
    flagged = {r["record_id"]: r["duplicate_payout"] for r in outcome.rows}
    assert flagged == {"P1": "DF20260001", "P2": None}
    assert outcome.submission.duplicates == 1
    shown = subsidies.with_flags(SubsidyRecord.objects.all())
    assert {r.record_id: r.payout_duplicate for r in shown} == {"P1": True, "P2": False}


@pytest.mark.parametrize(
    ("wording", "level"),
    [
        ("中央", "central"),
        ("中央级", "central"),
        ("国家级", "central"),
        ("省", "province"),
        ("省级", "province"),
        ("市", "city"),
        ("市级", "city"),
        ("县", "county"),
        ("区", "county"),
        ("县级", "county"),
        ("区级", "county"),
        ("县区级", "county"),
        ("县（区）级", "county"),
        ("县级（区级）", "county"),
        ("县级(区级)", "county"),
        ("central", "central"),
    ],
)
def test_every_documented_funding_level_wording_is_accepted(kjj, wording, level):
    outcome = upload(csv_file([row("L1", uscc_for(4090), level=wording)]), kjj)
    assert not outcome.refused, messages(outcome)
    record = SubsidyRecord.objects.get(record_id="L1")
    assert record.funding_level == level
    assert record.get_funding_level_display() in ("中央", "省级", "市级", "县级（区级）")


def test_an_unknown_funding_level_names_the_four_levels(kjj):
    outcome = upload(csv_file([row("L1", uscc_for(4091), level="乡镇级")]), kjj)
    assert messages(outcome) == [(2, "资金层级", "“乡镇级”不是有效选项，可选：中央、省级、市级、县级（区级）")]
    assert not SubsidyRecord.objects.exists()


def test_a_correction_of_the_funding_level_names_the_levels_in_words(kjj):
    upload(csv_file([row("L1", uscc_for(4092), level="市级")]), kjj)
    outcome = upload(csv_file([row("L1", uscc_for(4092), level="中央")]), kjj)
    assert "资金层级：原“市级”，现“中央”" in messages(outcome)[0][2]


@pytest.mark.parametrize("name", ["奖补数据.txt", "奖补数据", "奖补数据.xls", "奖补数据.json", "奖补数据.csv.txt"])
def test_a_file_not_named_xlsx_or_csv_is_refused_even_when_it_holds_csv_text(kjj, name):
    text = csv_file([row("T1", uscc_for(4093))], encoding="utf-8").read()
    with pytest.raises(subsidies.SubsidyFileError) as refused:
        upload(SimpleUploadedFile(name, text), kjj)
    assert str(refused.value) == "文件类型不支持：请上传.xlsx或.csv"
    assert not SubsidyRecord.objects.exists() and not SubsidySubmission.objects.exists()


def test_a_csv_name_on_a_workbook_is_refused_by_its_content_and_upper_case_names_are_read(kjj):
    workbook = xlsx([row("T1", uscc_for(4094))]).read()
    with pytest.raises(subsidies.SubsidyFileError, match=r"^文件类型不支持：请上传\.xlsx或\.csv（该文件名为\.csv"):
        upload(SimpleUploadedFile("奖补数据.csv", workbook), kjj)
    assert not SubsidyRecord.objects.exists()
    outcome = upload(SimpleUploadedFile("奖补数据.XLSX", workbook), kjj)
    assert not outcome.refused and SubsidyRecord.objects.get().record_id == "T1"


def test_excel_date_cells_are_named_as_dates_in_messages_never_with_a_time(kjj):
    f = xlsx(
        [
            row("D1", uscc_for(4095), paid_on=dt.datetime(2026, 12, 15)),  # 2: a future date cell
            row("D2", uscc_for(4096), amount=dt.datetime(2026, 9, 30), level=dt.datetime(2026, 9, 30, 8, 30)),  # 3
        ]
    )
    outcome = upload(f, kjj)
    errors = outcome.report.sorted_errors()
    assert [(e["line"], e["header"], e["value"], e["message"]) for e in errors] == [
        (2, "发放日期", "2026-12-15", "日期2026-12-15晚于今天"),
        (3, "金额（元）", "2026-09-30", "“2026-09-30”不是有效金额；请填写数字，如1234.5或1,234.50（逗号只作千位分隔）"),
        (3, "资金层级", "2026-09-30 08:30", "“2026-09-30 08:30”不是有效选项，可选：中央、省级、市级、县级（区级）"),
    ]
    assert all("00:00:00" not in e["value"] + e["message"] for e in errors)
    assert not SubsidyRecord.objects.exists()


def test_a_name_other_than_the_archives_is_imported_as_written_and_flagged(kjj):
    company = EnterpriseFactory(name="宜昌链接科技有限公司")
    folded = EnterpriseFactory(name="宜昌ABC（集团）有限公司")
    outcome = upload(
        csv_file(
            [
                row("N1", company.uscc, name="宜昌另一家有限公司"),
                # Full-width letters, half-width brackets and a space: the same name.
                row("N2", folded.uscc, name="宜昌ＡＢＣ (集团)有限公司"),
                row("N3", uscc_for(4097), name="档案外有限公司"),
            ]
        ),
        kjj,
    )
    assert not outcome.refused, messages(outcome)
    assert [(r["record_id"], r["name_mismatch"]) for r in outcome.rows] == [
        ("N1", "宜昌链接科技有限公司"),
        ("N2", None),
        ("N3", None),
    ]
    assert [r["record_id"] for r in outcome.name_mismatches] == ["N1"]
    record = SubsidyRecord.objects.get(record_id="N1")
    assert record.enterprise == company and record.enterprise_name == "宜昌另一家有限公司"
    flagged = subsidies.with_flags(SubsidyRecord.objects.order_by("record_id"))
    assert [(r.record_id, r.name_mismatch, r.archive_name) for r in flagged] == [
        ("N1", True, "宜昌链接科技有限公司"),
        ("N2", False, "宜昌ABC（集团）有限公司"),
        ("N3", False, None),
    ]
    # The archive enterprise renamed to the department's name: no longer flagged (computed when shown).
    company.name = "宜昌另一家有限公司"
    company.save(update_fields=["name"])
    assert not subsidies.with_flags(SubsidyRecord.objects.all()).filter(name_mismatch=True).exists()
