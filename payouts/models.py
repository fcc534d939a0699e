"""Disbursement (兑付): payouts, payout batches (拨付批次), bank result files, payee accounts, funding sources,
and subsidies paid outside the platform (奖补汇聚).

A `Payout` is the money owed for exactly one approved application or one confirmed 免申即享 entry — two
one-to-one columns and a check that exactly one is set, so the database itself refuses a second payout for
the same case. Its amount is `Decimal` 元 with two places, above zero. Its lifecycle (`payouts.workflow`):

    pending 待拨付 → batched 已编批 → approved 批次已复核 → sent 已报送银行 → paid 已支付
                                                                        ↘ failed 支付失败 → corrected 已更正 → batched …
    pending / corrected ↔ held 暂缓 (with reason);  pending / held / failed → cancelled 已取消 (with reason)

A `PayoutBatch` is made by one finance officer (制单) and approved by another (复核, 四眼原则: a check
constraint refuses approved_by = created_by). An approved batch exports the payment file (Excel and CSV,
`payouts.bankfiles`) with a checksum; the bank's result file (`BankResultImport`) settles its payouts.

`SubsidyRecord` is one subsidy a department paid outside the platform, submitted in the one data standard
(宜昌 §37, 常州 §30) by file or API; a record submitted more than 5 working days after payment is late.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.core.crypto import EncryptedCharField, mask_bank_account
from portal.org.models import Region

MONEY = {"max_digits": 16, "decimal_places": 2}
ONE_FEN = "0.01"


class FundingLevel(models.TextChoices):
    """资金层级: whose budget the money comes from (中央 money passed on by a province or city included)."""

    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级（区级）")


class FundingSource(models.Model):
    """资金来源: the budget a matter's payouts are drawn from — its level (省级/市级/县级), its budget line
    (预算科目) and the finance department that pays it (宜昌 §10: 市财政局 for city funds, the county's
    finance bureau for county funds). `pay_within_days` is the working-day limit from approval to payment
    after which a waiting payout is flagged (宜昌 §38)."""

    name = models.CharField(_("资金名称"), max_length=128, help_text=_("如：2026年市级科技创新专项资金"))
    level = models.CharField(_("资金层级"), max_length=16, choices=FundingLevel.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("拨付财政部门"),
        on_delete=models.PROTECT,
        related_name="funding_sources",
        limit_choices_to={"kind": "finance"},
    )
    budget_line = models.CharField(
        _("预算科目"), max_length=64, blank=True, help_text=_("如：2060499 其他技术研究与开发支出")
    )
    matters = models.ManyToManyField(
        "matters.Matter",
        verbose_name=_("适用事项"),
        blank=True,
        related_name="funding_sources",
        help_text=_("从本资金兑付的事项；未指定资金来源的事项由事项所属区划的财政部门以本级资金兑付"),
    )
    payer_name = models.CharField(
        _("付款户名"), max_length=200, blank=True, help_text=_("国库或财政专户的户名，印在支付文件上")
    )
    payer_account = models.CharField(_("付款账号"), max_length=40, blank=True)
    payer_bank = models.CharField(_("付款银行"), max_length=100, blank=True)
    pay_within_days = models.PositiveSmallIntegerField(
        _("兑付时限（工作日）"),
        default=15,
        validators=[MinValueValidator(1)],
        help_text=_("自核准（或确认）之日起的工作日数；超过仍未支付的记录提示财政部门和督查人员"),
    )
    active = models.BooleanField(_("启用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
        ordering = ["region__code", "name"]

    def __str__(self):
        return self.name


class PayeeAccount(models.Model):
    """收款账户: the enterprise's account for subsidies (对公账户), kept by the enterprise in its space. A payout
    copies it when created, so a later change never alters a payout already in a batch; a failed payment's
    correction (更正) copies the corrected account."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="payee_account"
    )
    account_name = models.CharField(_("户名"), max_length=200)
    bank_name = models.CharField(_("开户银行"), max_length=100)
    branch = models.CharField(_("开户网点"), max_length=100, blank=True)
    account_number = EncryptedCharField(_("银行账号"))
    account_tail = models.CharField(_("账号尾号"), max_length=4, blank=True, help_text=_("账号后四位，留痕与核对用"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["account_number"])

    class Meta:
        verbose_name = _("收款账户")
        verbose_name_plural = _("收款账户")

    def __str__(self):
        return f"{self.account_name} · {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return mask_bank_account(self.account_number)


class PayoutState(models.TextChoices):
    """兑付状态 (transitions in `payouts.workflow`)."""

    PENDING = "pending", _("待拨付")
    BATCHED = "batched", _("已编批")
    APPROVED = "approved", _("批次已复核")
    SENT = "sent", _("已报送银行")
    PAID = "paid", _("已支付")
    FAILED = "failed", _("支付失败")
    CORRECTED = "corrected", _("已更正待重拨")
    HELD = "held", _("暂缓拨付")
    CANCELLED = "cancelled", _("已取消")


class Payout(models.Model):
    """兑付记录: the money owed for one approved application or one confirmed 免申即享 entry.

    `approved_on` (the case's 核准 or the enterprise's confirmation) starts the payment clock;
    `workdays_to_pay` is stored when paid, so timeliness is summed in SQL. The account is a copy of the
    enterprise's `PayeeAccount` (or of the account confirmed for 免申即享), encrypted, masked on screen.
    """

    number = models.CharField(_("兑付编号"), max_length=20, unique=True, editable=False)
    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("申报件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout",
    )
    confirmation = models.OneToOneField(
        "applications.Confirmation",
        verbose_name=_("免申即享确认"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="payouts"
    )
    matter = models.ForeignKey(
        "matters.Matter", verbose_name=_("事项"), on_delete=models.PROTECT, related_name="payouts"
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="payouts"
    )
    amount = models.DecimalField(_("拨付金额（元）"), **MONEY, validators=[MinValueValidator(ONE_FEN)])
    state = models.CharField(
        _("兑付状态"), max_length=12, choices=PayoutState.choices, default=PayoutState.PENDING, db_index=True
    )
    batch = models.ForeignKey(
        "PayoutBatch",
        verbose_name=_("所在批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    payee_name = models.CharField(_("收款户名"), max_length=200, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    branch = models.CharField(_("开户网点"), max_length=100, blank=True)
    account_number = EncryptedCharField(_("收款账号"), blank=True, default="")
    account_tail = models.CharField(_("账号尾号"), max_length=4, blank=True, help_text=_("账号后四位，留痕与核对用"))
    approved_on = models.DateField(_("核准日期"), help_text=_("兑付时限自此日起算"))
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    paid_at = models.DateTimeField(_("支付确认时间"), null=True, blank=True)
    bank_reference = models.CharField(_("银行流水号"), max_length=64, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=255, blank=True)
    hold_reason = models.CharField(_("暂缓原因"), max_length=255, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=255, blank=True)
    workdays_to_pay = models.PositiveIntegerField(_("兑付用时（工作日）"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("超时提示时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("拨付次数"), default=0)
    history = HistoricalRecords(excluded_fields=["account_number"])

    State = PayoutState

    class Meta:
        verbose_name = _("兑付记录")
        verbose_name_plural = _("兑付记录")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("batch_payout", _("编制拨付批次")),
            ("approve_payoutbatch", _("复核拨付批次")),
            ("import_bankresult", _("导入银行回单")),
            ("hold_payout", _("暂缓、取消或更正兑付")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(confirmation__isnull=True))
                | (Q(application__isnull=True) & Q(confirmation__isnull=False)),
                name="payout_exactly_one_case",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state__in=["batched", "approved", "sent"]) | Q(batch__isnull=False),
                name="payout_in_batch_has_batch",
            ),
            models.CheckConstraint(
                condition=~Q(state="paid") | (Q(paid_on__isnull=False) & ~Q(bank_reference="")),
                name="payout_paid_has_date_and_reference",
            ),
        ]
        indexes = [models.Index(fields=["state", "funding_source"], name="payout_state_source")]

    def __str__(self):
        return _("%(number)s · %(amount)s元") % {"number": self.number, "amount": f"{self.amount:,.2f}"}

    @property
    def masked_account(self) -> str:
        return mask_bank_account(self.account_number)


class BatchState(models.TextChoices):
    """拨付批次状态."""

    DRAFT = "draft", _("待复核")
    APPROVED = "approved", _("已复核")
    SENT = "sent", _("已报送银行")
    SETTLED = "settled", _("已全部回单")
    CANCELLED = "cancelled", _("已撤销")


class PayoutBatch(models.Model):
    """拨付批次: payouts of one funding source's finance department sent to the bank together.

    The maker (制单, `created_by`) and the checker (复核, `approved_by`) are different people — a check
    constraint as well as the workflow. `total`/`count` are fixed when the batch is made; `checksum` is the
    SHA-256 of the exported payment file's canonical lines (`payouts.bankfiles`), printed in the file.
    """

    number = models.CharField(_("批次号"), max_length=20, unique=True, editable=False)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("财政部门"), on_delete=models.PROTECT, related_name="payout_batches"
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="batches"
    )
    state = models.CharField(_("批次状态"), max_length=12, choices=BatchState.choices, default=BatchState.DRAFT)
    count = models.PositiveIntegerField(_("笔数"), default=0)
    total = models.DecimalField(_("合计金额（元）"), **MONEY, default=0)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("制单时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("制单人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checksum = models.CharField(_("批次校验码"), max_length=64, blank=True)
    settled_at = models.DateTimeField(_("回单完成时间"), null=True, blank=True)
    history = HistoricalRecords()

    State = BatchState

    class Meta:
        verbose_name = _("拨付批次")
        verbose_name_plural = _("拨付批次")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                name="payout_batch_four_eyes",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="payout_batch_total_not_negative"),
        ]

    def __str__(self):
        return self.number


class LineOutcome(models.TextChoices):
    """拨付明细的结果."""

    PENDING = "pending", _("待银行回单")
    PAID = "paid", _("支付成功")
    FAILED = "failed", _("支付失败")
    WITHDRAWN = "withdrawn", _("批次撤销")


class BatchLine(models.Model):
    """拨付明细: one payout as it went into one batch — the amount and payee account as sent, and what the bank
    answered. A batch's payment file and checksum are read from its lines, so they never change after the
    batch is made, whatever later happens to the payouts (更正, 取消, a new batch). A payout has at most one live
    line (waiting for the bank or paid) at any time — a partial unique index: it is never in two batches at once
    and never paid twice."""

    batch = models.ForeignKey(PayoutBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="lines")
    payout = models.ForeignKey(Payout, verbose_name=_("兑付记录"), on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField(_("序号"))
    amount = models.DecimalField(_("金额（元）"), **MONEY, validators=[MinValueValidator(ONE_FEN)])
    payee_name = models.CharField(_("收款户名"), max_length=200)
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    branch = models.CharField(_("开户网点"), max_length=100, blank=True)
    account_number = EncryptedCharField(_("收款账号"))
    account_tail = models.CharField(_("账号尾号"), max_length=4, blank=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=LineOutcome.choices, default=LineOutcome.PENDING)
    bank_reference = models.CharField(_("银行流水号"), max_length=64, blank=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=255, blank=True)
    history = HistoricalRecords(excluded_fields=["account_number"])

    Outcome = LineOutcome

    class Meta:
        verbose_name = _("拨付明细")
        verbose_name_plural = _("拨付明细")
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "payout"], name="batch_line_once_per_batch"),
            models.UniqueConstraint(
                fields=["payout"], condition=Q(outcome__in=["pending", "paid"]), name="batch_line_one_live_per_payout"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="batch_line_amount_positive"),
        ]

    def __str__(self):
        return f"{self.batch.number} · {self.position}"

    @property
    def masked_account(self) -> str:
        return mask_bank_account(self.account_number)


class BankResultImport(models.Model):
    """银行回单导入: one result file the bank returned for a batch. The same file (by SHA-256) imported again
    is recognised and changes nothing; a file with any bad line is refused whole, nothing stored but the
    refusal's report."""

    batch = models.ForeignKey(PayoutBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件校验码"), max_length=64)
    lines = models.PositiveIntegerField(_("行数"), default=0)
    paid = models.PositiveIntegerField(_("支付成功"), default=0)
    failed = models.PositiveIntegerField(_("支付失败"), default=0)
    unchanged = models.PositiveIntegerField(_("此前已处理"), default=0)
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("银行回单")
        verbose_name_plural = _("银行回单")
        ordering = ["-imported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["batch", "sha256"], name="bank_result_file_once")]

    def __str__(self):
        return f"{self.batch} · {self.file_name}"


class SubsidySubmission(models.Model):
    """奖补数据报送: one upload (Excel/CSV) or one API call by a department; its records are all or none."""

    class Channel(models.TextChoices):
        FILE = "file", _("文件导入")
        API = "api", _("接口报送")

    department = models.ForeignKey(
        "org.Department", verbose_name=_("报送部门"), on_delete=models.PROTECT, related_name="subsidy_submissions"
    )
    channel = models.CharField(_("报送方式"), max_length=8, choices=Channel.choices)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("文件校验码"), max_length=64, blank=True)
    records = models.PositiveIntegerField(_("记录数"), default=0)
    duplicates = models.PositiveIntegerField(_("疑似重复"), default=0)
    late = models.PositiveIntegerField(_("逾期报送"), default=0)
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("奖补数据报送")
        verbose_name_plural = _("奖补数据报送")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.department} · {timezone.localtime(self.submitted_at):%Y-%m-%d %H:%M}"


class SubsidyRecord(models.Model):
    """奖补记录: one subsidy paid outside the platform, in the one data standard (统一数据标准, 宜昌 §37):
    USCC, enterprise name, policy, matter or item, amount (元), payment date, funding source, department.

    `record_id` is the department's own id of the record: the key that makes a resubmission idempotent.
    `duplicate_of` marks a record that repeats another department's or upload's record (same enterprise,
    item, amount and payment date). `late` is set when it arrived more than 5 working days after payment
    (常州 §30).
    """

    submission = models.ForeignKey(
        SubsidySubmission, verbose_name=_("报送批次"), on_delete=models.PROTECT, related_name="subsidy_records"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("发放部门"), on_delete=models.PROTECT, related_name="subsidy_records"
    )
    record_id = models.CharField(_("记录编号"), max_length=64)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    enterprise_name = models.CharField(_("企业名称"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("档案企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidy_records",
    )
    policy = models.ForeignKey(
        "policies.Policy", verbose_name=_("政策"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy_title = models.CharField(_("政策名称"), max_length=300)
    matter = models.ForeignKey(
        "matters.Matter",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidy_records",
    )
    item = models.CharField(_("事项或项目名称"), max_length=300)
    amount = models.DecimalField(_("金额（元）"), **MONEY, validators=[MinValueValidator(ONE_FEN)])
    paid_on = models.DateField(_("发放日期"))
    funding_source = models.CharField(_("资金来源"), max_length=128)
    funding_level = models.CharField(_("资金层级"), max_length=16, choices=FundingLevel.choices, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), default=timezone.now)
    late = models.BooleanField(_("逾期报送"), default=False, help_text=_("发放后超过5个工作日才报送（常州 §30）"))
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("疑似重复于"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("奖补记录")
        verbose_name_plural = _("奖补记录")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "record_id"], name="subsidy_record_once_per_department"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_amount_positive"),
        ]
        indexes = [models.Index(fields=["uscc", "paid_on", "amount"], name="subsidy_duplicate_key")]

    def __str__(self):
        return _("%(name)s · %(item)s · %(amount)s元") % {
            "name": self.enterprise_name,
            "item": self.item,
            "amount": f"{self.amount:,.2f}",
        }
