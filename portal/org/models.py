from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """An administrative division (行政区划): 省 → 市 → 县/区, by its 6-digit code."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县/区"

    code = models.CharField(
        "区划代码", max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$", "区划代码应为6位数字")]
    )
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A government department (部门) that owns policies, matters, steps or appeals."""

    class Kind(models.TextChoices):
        POLICY = "policy", "政策部门"
        FINANCE = "finance", "财政部门"
        DATA_BUREAU = "data_bureau", "政务服务和数据管理部门"
        OPERATIONS = "operations", "城运中心（12345）"
        SERVICE_HALL = "service_hall", "政务服务大厅"

    name = models.CharField("部门名称", max_length=128)
    short_name = models.CharField("简称", max_length=32, blank=True)
    code = models.SlugField("部门编码", max_length=32, unique=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.POLICY)
    phone = models.CharField("咨询电话", max_length=32, blank=True)
    group = models.OneToOneField(
        Group,
        verbose_name="部门用户组",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        help_text="部门全体工作人员所在的组；部门对对象的所有权授予此组。",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["region__code", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """Staff roles; each is a Django group of the same name with exact permissions."""

    EDITOR = "editor", "录入员"
    REVIEWER = "reviewer", "审核员"
    APPROVER = "approver", "审批人（负责人）"
    FINANCE = "finance", "财政人员"
    CLERK = "clerk", "窗口人员"
    OPERATOR = "operator", "12345话务员"
    SUPERVISOR = "supervisor", "督查人员"
    ADMIN = "admin", "平台管理员"


class Membership(models.Model):
    """A member of staff's place in a department, with one role (岗位)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, verbose_name="部门", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "部门成员"
        verbose_name_plural = "部门成员"
        constraints = [models.UniqueConstraint(fields=["user", "department", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.department} · {self.get_role_display()} · {self.user}"
