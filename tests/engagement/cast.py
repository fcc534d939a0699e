"""Everyone the workflow matrices of 政企互动 ask: the department that owns the record (市科技局: editor, reviewer,
approver), another department (市商务局) with the same roles, staff of every other kind, an enterprise user and
the platform itself (None, as beat acts)."""

from portal.org.models import Department, Role
from tests.factories.applications import enterprise_with_user
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import member


def cast() -> dict:
    city = CityFactory()
    own = DepartmentFactory(name="宜昌市科学技术局", code="kjj", region=city)
    other = DepartmentFactory(name="宜昌市商务局", code="swj", region=city)
    bureau = DepartmentFactory(
        name="宜昌市政务服务和数据管理局", code="sjj", kind=Department.Kind.DATA_BUREAU, region=city
    )
    finance = DepartmentFactory(name="宜昌市财政局", code="czj", kind=Department.Kind.FINANCE, region=city)
    hall = DepartmentFactory(name="宜昌市政务服务中心", code="zwzx", kind=Department.Kind.SERVICE_HALL, region=city)
    ops = DepartmentFactory(name="宜昌市城运中心", code="cyzx", kind=Department.Kind.OPERATIONS, region=city)
    return {
        "own": own,
        "other": other,
        "editor": member(own, Role.EDITOR, username="kjj_editor"),
        "reviewer": member(own, Role.REVIEWER, username="kjj_reviewer"),
        "approver": member(own, Role.APPROVER, username="kjj_approver"),
        "other_editor": member(other, Role.EDITOR, username="swj_editor"),
        "other_reviewer": member(other, Role.REVIEWER, username="swj_reviewer"),
        "other_approver": member(other, Role.APPROVER, username="swj_approver"),
        "clerk": member(hall, Role.CLERK),
        "finance": member(finance, Role.FINANCE),
        "operator": member(ops, Role.OPERATOR),
        "supervisor": member(bureau, Role.SUPERVISOR),
        "platform_admin": member(bureau, Role.ADMIN),
        "enterprise_user": enterprise_with_user().user,
        "platform": None,
    }
