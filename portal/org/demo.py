"""Demo organisations and accounts: 湖北省 › 宜昌市 and three districts, departments of every kind,
one account per role, and one enterprise user.

Idempotent in the strict sense: a second run writes nothing — no row, no
history record, no new password hash — because a row is saved only when one
of its values differs (`update_or_create` would save, and so add history, every time).
"""

from django.contrib.auth import get_user_model

from portal.accounts import services as account_services
from portal.core import crypto

from .models import Department, Membership, Region, Role

DEMO_PASSWORD = "Demo@2026"  # noqa: S105 - printed for the demo; never used in production

REGIONS = [
    # code, name, level, parent code
    ("420000", "湖北省", Region.Level.PROVINCE, None),
    ("420500", "宜昌市", Region.Level.CITY, "420000"),
    ("420502", "西陵区", Region.Level.COUNTY, "420500"),
    ("420503", "伍家岗区", Region.Level.COUNTY, "420500"),
    ("420506", "夷陵区", Region.Level.COUNTY, "420500"),
]

DEPARTMENTS = [
    # code, name, short name, region code, kind, phone
    ("yc-kjj", "宜昌市科学技术局", "市科技局", "420500", Department.Kind.POLICY, "0717-6222000"),
    ("yc-jxj", "宜昌市经济和信息化局", "市经信局", "420500", Department.Kind.POLICY, "0717-6222001"),
    ("yc-rsj", "宜昌市人力资源和社会保障局", "市人社局", "420500", Department.Kind.POLICY, "0717-6222002"),
    ("yc-swj", "宜昌市商务局", "市商务局", "420500", Department.Kind.POLICY, "0717-6222003"),
    ("yc-czj", "宜昌市财政局", "市财政局", "420500", Department.Kind.FINANCE, "0717-6222004"),
    ("yc-sjj", "宜昌市政务服务和数据管理局", "市数据局", "420500", Department.Kind.DATA_BUREAU, "0717-6222005"),
    ("yc-cyzx", "宜昌市城市运行管理中心", "市城运中心", "420500", Department.Kind.OPERATIONS, "12345"),
    ("yc-zwfw", "宜昌市政务服务中心", "市政务服务中心", "420500", Department.Kind.SERVICE_HALL, "0717-6222006"),
    ("xl-zwfw", "西陵区政务服务中心", "西陵区政务服务中心", "420502", Department.Kind.SERVICE_HALL, ""),
    ("wjg-czj", "伍家岗区财政局", "伍家岗区财政局", "420503", Department.Kind.FINANCE, ""),
    ("yl-kjj", "夷陵区科学技术和经济信息化局", "夷陵区科经局", "420506", Department.Kind.POLICY, ""),
]

STAFF = [
    # login, name, department code, role
    ("kjj_editor", "市科技局录入员", "yc-kjj", Role.EDITOR),
    ("kjj_reviewer", "市科技局审核员", "yc-kjj", Role.REVIEWER),
    ("kjj_approver", "市科技局负责人", "yc-kjj", Role.APPROVER),
    ("czj_finance", "市财政局财政人员", "yc-czj", Role.FINANCE),
    # 四眼原则: a payout batch made by czj_finance is checked by another officer of the bureau.
    ("czj_checker", "市财政局复核人员", "yc-czj", Role.FINANCE),
    ("zwfw_clerk", "市政务服务中心窗口人员", "yc-zwfw", Role.CLERK),
    ("cyzx_operator", "市城运中心12345话务员", "yc-cyzx", Role.OPERATOR),
    # 市数据局审核人: the data bureau's approver verifies early offline requests (提前下线, 宜昌 §18).
    ("sjj_approver", "市数据局审核人", "yc-sjj", Role.APPROVER),
    ("sjj_supervisor", "市数据局督查人员", "yc-sjj", Role.SUPERVISOR),
    ("platform_admin", "平台管理员（超级用户）", "yc-sjj", Role.ADMIN),
]
SUPERUSERS = {"platform_admin"}

ENTERPRISE_PHONE = "13800138000"
ENTERPRISE_NAME = "演示企业经办人"

DEMO_ACCOUNTS: list[tuple[str, str]] = [
    *((name, login) for login, name, _department, _role in STAFF),
    ("企业用户（手机号登录）", ENTERPRISE_PHONE),
]


def _upsert(model, lookup: dict, values: dict):
    """`update_or_create` that saves only when a value differs, so an unchanged row gets no history record."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
    return obj


def _ensure_password(user) -> None:
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


def _staff_user(login: str, name: str):
    user_model = get_user_model()
    user = user_model.objects.filter(username=login).first()
    if user is None:
        user = account_services.create_staff_user(login, DEMO_PASSWORD, name)
    superuser = login in SUPERUSERS
    user = _upsert(
        user_model,
        {"username": login},
        {"name": name, "kind": user_model.Kind.STAFF, "is_staff": True, "is_superuser": superuser, "is_active": True},
    )
    _ensure_password(user)
    return user


def _enterprise_user():
    user_model = get_user_model()
    user = user_model.objects.filter(phone_digest=crypto.digest(ENTERPRISE_PHONE)).first()
    if user is None:
        user = account_services.create_enterprise_user(ENTERPRISE_PHONE, DEMO_PASSWORD, ENTERPRISE_NAME)
    _ensure_password(user)
    return user


def load():
    regions = {}
    for code, name, level, parent in REGIONS:
        regions[code] = _upsert(Region, {"code": code}, {"name": name, "level": level, "parent": regions.get(parent)})

    departments = {}
    for code, name, short_name, region, kind, phone in DEPARTMENTS:
        departments[code] = _upsert(
            Department,
            {"code": code},
            {"name": name, "short_name": short_name, "region": regions[region], "kind": kind, "phone": phone},
        )

    for login, name, department, role in STAFF:
        user = _staff_user(login, name)
        _upsert(Membership, {"user": user, "department": departments[department], "role": role}, {})

    _enterprise_user()
