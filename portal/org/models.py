from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

DEPARTMENT_GROUP_PREFIX = "dept:"


class Region(models.Model):
    """An administrative division (行政区划): 省 → 市 → 县/区, by its 6-digit code (GB/T 2260).

    The code says the level: a province ends in 0000, a city in 00, a county or
    district in neither; a child's code starts with its parent's significant digits.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县/区")

    code = models.CharField(
        _("区划代码"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$", _("区划代码应为6位数字"))]
    )
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="province", code__endswith="0000", parent__isnull=True)
                    | models.Q(level="city", code__endswith="00", parent__isnull=False)
                    | models.Q(models.Q(level="county", parent__isnull=False) & ~models.Q(code__endswith="00"))
                )
                & models.Q(code__regex=r"^[0-9]{6}$"),
                name="region_code_matches_level",
            ),
        ]

    def __str__(self):
        return self.name

    # How many leading digits of the code identify the division at each level.
    _SIGNIFICANT_DIGITS = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6}
    _PARENT_LEVEL = {Level.CITY: Level.PROVINCE, Level.COUNTY: Level.CITY}

    def clean(self):
        from portal.core.normalize import identifier

        # Folded by the kernel: "４２０５０２" typed in full-width mode passes the field's \d check and would
        # otherwise reach the database's ASCII-only constraint as an IntegrityError.
        self.code = identifier(self.code)
        if not self.code or not self.level:
            return
        digits = self._SIGNIFICANT_DIGITS[self.level]
        if self.code[digits:].strip("0") or (self.level == self.Level.COUNTY and self.code.endswith("00")):
            raise ValidationError({"code": _("区划代码与层级不符")})
        expected_parent = self._PARENT_LEVEL.get(self.level)
        if expected_parent is None:
            if self.parent_id:
                raise ValidationError({"parent": _("省级区划不能有上级区划")})
            return
        if self.parent is None or self.parent.level != expected_parent:
            raise ValidationError({"parent": _("上级区划的层级应为“%(level)s”") % {"level": expected_parent.label}})
        prefix = self.parent.code[: self._SIGNIFICANT_DIGITS[expected_parent]]
        if not self.code.startswith(prefix):
            raise ValidationError({"code": _("区划代码应以上级区划代码的前%(n)d位开头") % {"n": len(prefix)}})

    @property
    def depth(self) -> int:
        return list(self.Level.values).index(self.level)

    def subtree_ids(self) -> set[int]:
        """The ids of this region and of every region below it (walking `parent`, one query per level)."""
        ids, frontier = {self.pk}, [self.pk]
        while frontier:
            frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.update(frontier)
        return ids


class Department(models.Model):
    """A government department (部门) that owns policies, matters, steps or appeals.

    Each department has its own group (`dept:<code>`) holding all its staff;
    a department owns an object when its group holds object permissions on it.
    """

    class Kind(models.TextChoices):
        POLICY = "policy", _("政策部门")
        FINANCE = "finance", _("财政部门")
        DATA_BUREAU = "data_bureau", _("政务服务和数据管理部门")
        OPERATIONS = "operations", _("城运中心（12345）")
        SERVICE_HALL = "service_hall", _("政务服务大厅")

    name = models.CharField(_("部门名称"), max_length=128)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    code = models.SlugField(_("部门编码"), max_length=32, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.POLICY)
    phone = models.CharField(_("咨询电话"), max_length=32, blank=True)
    group = models.OneToOneField(
        Group,
        verbose_name=_("部门用户组"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        help_text=_("部门全体工作人员所在的组；部门对对象的所有权授予此组。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__code", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Creates the department's group with it, and renames the group when the code changes."""
        with transaction.atomic():
            if self.group_id is None:
                self.group, _created = Group.objects.get_or_create(name=self.group_name)
            elif self.group.name != self.group_name:
                self.group.name = self.group_name
                self.group.save(update_fields=["name"])
            super().save(*args, **kwargs)

    @property
    def group_name(self) -> str:
        return f"{DEPARTMENT_GROUP_PREFIX}{self.code}"


class Role(models.TextChoices):
    """Staff roles (岗位); each is a Django group of the same name with exact permissions (see roles.py)."""

    EDITOR = "editor", _("录入员")
    REVIEWER = "reviewer", _("审核员")
    APPROVER = "approver", _("审批人（负责人）")
    FINANCE = "finance", _("财政人员")
    CLERK = "clerk", _("窗口人员")
    OPERATOR = "operator", _("12345话务员")
    SUPERVISOR = "supervisor", _("督查人员")
    ADMIN = "admin", _("平台管理员")


class Membership(models.Model):
    """A member of staff's place in a department, with one role (部门成员).

    Saving or deleting a membership puts the user into, or takes them out of,
    the department's group and the role's group (see signals.py).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门成员")
        verbose_name_plural = _("部门成员")
        constraints = [models.UniqueConstraint(fields=["user", "department", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.department} · {self.get_role_display()} · {self.user}"

    def clean(self):
        if self.user_id and not (self.user.is_staff and self.user.kind == self.user.Kind.STAFF):
            raise ValidationError({"user": _("只有工作人员账号（后台用户）才能成为部门成员")})
