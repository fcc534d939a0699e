"""An operations centre (城运中心（12345）), departments with handlers, and appeals submitted to them."""

from portal.org.models import Department, Role
from tests.factories.applications import enterprise_with_user
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import member


def centre_of(region=None) -> Department:
    """The operations centre of `region` (宜昌市 by default), created once."""
    region = region or CityFactory()
    centre = Department.objects.filter(region=region, kind=Department.Kind.OPERATIONS).first()
    return centre or DepartmentFactory(
        region=region, kind=Department.Kind.OPERATIONS, name=f"{region.name}城市运行管理中心"
    )


def operator_of(centre) -> object:
    return member(centre, Role.OPERATOR)


def department(name: str, region=None) -> Department:
    return DepartmentFactory(name=name, region=region or CityFactory())


def handler_of(department, role=Role.REVIEWER):
    return member(department, role)


def portal_appeal(enterprise=None, *, kind="complaint", at=None, **fields):
    """A complaint submitted in the portal by an enterprise's user (a new enterprise unless given)."""
    from appeals import services

    enterprise = enterprise or enterprise_with_user()
    centre_of(enterprise.region.parent if enterprise.region.parent_id else enterprise.region)
    new = services.NewAppeal(
        kind=kind,
        title=fields.pop("title", "申报系统无法上传材料"),
        content=fields.pop("content", "我公司申报高新技术企业奖励时，系统反复提示上传失败，请协助解决。"),
        enterprise=enterprise,
        submitted_by=enterprise.user,
        **fields,
    )
    appeal = services.submit(new, at=at)
    appeal.enterprise.user = enterprise.user
    return appeal
