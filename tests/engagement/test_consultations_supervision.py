"""What supervisors see of 征求意见, stored and live, in October 2026 (hand-built):

- A (科技局) opened 2026-09-28 (5 working days → ends 10-10), two enterprise comments on 10-08, both replied on
  10-12, summary published 10-15, final policy published 10-15 (the same day: on time);
- B (科技局) opened 2026-10-08, one public comment on 10-09, replied on 10-20; its summary was published
  10-21 and the policy had been published 10-20 (late);
- C (财政局) opened 2026-10-09 and still open, no comment.

October, 科技局: consulted 1 (A opened in September), comments 3, replied 3, on time 1 of 2 = 50.0 %;
财政局: consulted 1. Platform: consulted 2.
"""

import datetime as dt
from decimal import Decimal

import pytest

from engagement import consultations as service
from engagement.models import Consultation, ConsultationComment
from policies.models import Policy
from portal.core.workflow import perform
from portal.org.models import Role
from portal.supervision import compute
from portal.supervision.measures import figures
from portal.supervision.periods import Period
from tests.engagement.test_consultations import at, enterprise_user, make_consultation
from tests.factories.org import CityFactory, DepartmentFactory
from tests.factories.policies import PolicyFactory, member

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(2026, 10)
KEYS = [
    "engagement.consulted",
    "engagement.comments",
    "engagement.comments_replied",
    "engagement.summary_on_time_rate",
]


def _set(model, pk, **values):
    model.objects.filter(pk=pk).update(**values)


@pytest.fixture
def world():
    city = CityFactory()
    kjj = DepartmentFactory(name="宜昌市科学技术局", code="kjj-s", region=city)
    czj = DepartmentFactory(name="宜昌市财政局", code="czj-s", region=city)
    editor, reviewer = member(kjj, Role.EDITOR), member(kjj, Role.REVIEWER)

    a = perform(make_consultation(kjj, title="A"), "open", by=editor, at=at(dt.date(2026, 9, 28)))
    questions = list(a.questions.all())
    for question, name in zip(questions, ["甲公司", "乙公司"], strict=True):
        comment = service.comment_as_enterprise(
            a, question, by=enterprise_user(name), content="建议提高标准。", today=dt.date(2026, 10, 8)
        )
        _set(ConsultationComment, comment.pk, created_at=at(dt.date(2026, 10, 8)))
    service.close_due(today=dt.date(2026, 10, 11))
    for comment in a.comments.all():
        service.reply(comment, by=reviewer, outcome="adopted", text="采纳。")
    ConsultationComment.objects.filter(consultation=a).update(replied_at=at(dt.date(2026, 10, 12)))
    _set(Consultation, a.pk, summary="共2条。")
    a = perform(a, "publish_summary", by=editor, at=at(dt.date(2026, 10, 15), hour=9))
    policy_a = PolicyFactory(lead_department=kjj, region=city, issue_date=dt.date(2026, 10, 14))
    service.link_policy(a, policy_a, by=editor)
    _set(Policy, policy_a.pk, status="published", published_at=at(dt.date(2026, 10, 15), hour=16))

    b = perform(make_consultation(kjj, title="B"), "open", by=editor, at=at(dt.date(2026, 10, 8)))
    comment = service.comment_as_public(
        b, b.questions.first(), content="建议简化材料。", contact="13900138000", today=dt.date(2026, 10, 9)
    )
    _set(ConsultationComment, comment.pk, created_at=at(dt.date(2026, 10, 9)))
    perform(b, "close", by=None)
    service.reply(b.comments.get(), by=reviewer, outcome="not_adopted", text="不采纳。")
    ConsultationComment.objects.filter(consultation=b).update(replied_at=at(dt.date(2026, 10, 20)))
    _set(Consultation, b.pk, summary="共1条。")
    b = perform(b, "publish_summary", by=editor, at=at(dt.date(2026, 10, 21)))
    policy_b = PolicyFactory(lead_department=kjj, region=city, issue_date=dt.date(2026, 10, 19))
    service.link_policy(b, policy_b, by=editor)
    _set(Policy, policy_b.pk, status="published", published_at=at(dt.date(2026, 10, 20)))

    perform(make_consultation(czj, title="C"), "open", by=member(czj, Role.EDITOR), at=at(dt.date(2026, 10, 9)))
    return kjj, czj


@pytest.mark.parametrize("live", [False, True], ids=["stored", "live"])
def test_the_figures_per_department_in_october(world, live):
    kjj, czj = world
    compute.refresh()
    values = compute.figure_values([figures.get(k) for k in KEYS], OCTOBER, by="department", live=live)
    assert values["engagement.consulted"] == {kjj.pk: 1, czj.pk: 1}
    assert values["engagement.comments"] == {kjj.pk: 3}
    assert values["engagement.comments_replied"] == {kjj.pk: 3}
    assert values["engagement.summary_on_time_rate"] == {kjj.pk: Decimal("50.0")}
