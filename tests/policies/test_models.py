"""Policy invariants: document numbers, dates, sanitised text, stable URL keys, relations."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from policies.models import Policy, PolicyCategory, PolicyRelation, validate_document_number
from tests.factories.policies import InterpretationFactory, PolicyFactory

pytestmark = pytest.mark.django_db


def test_the_nine_categories_exist_as_data():
    assert set(PolicyCategory.objects.values_list("name", flat=True)) >= {
        "创业扶持", "财政金融", "市场监督", "投资信贷", "减税降费", "人才培养", "外资外贸", "产业发展", "科技创新",
    }  # fmt: skip


@pytest.mark.parametrize(
    "number", ["宜职转和数规发〔2025〕1号", "鄂政办发[2022]52号", "财政部 税务总局公告2023年第7号"]
)
def test_real_document_numbers_are_accepted(number):
    validate_document_number(number)


@pytest.mark.parametrize("number", ["2025年1号文", "宜府发〔25〕1号", "随便写"])
def test_malformed_document_numbers_are_refused_in_chinese(number):
    with pytest.raises(ValidationError, match="文号格式"):
        validate_document_number(number)


def test_a_document_number_is_unique():
    PolicyFactory(document_number="宜府规〔2026〕9号")
    with pytest.raises(IntegrityError):
        PolicyFactory(document_number="宜府规〔2026〕9号")


def test_a_provincial_policy_needs_its_outside_publication_date():
    with pytest.raises(IntegrityError):
        PolicyFactory(level=Policy.Level.PROVINCIAL, outside_publication_date=None)


def test_clean_explains_the_missing_outside_publication_date():
    policy = PolicyFactory.build(level=Policy.Level.NATIONAL, outside_publication_date=None)
    with pytest.raises(ValidationError) as caught:
        policy.clean()
    assert "上级对外发布日期" in str(caught.value.message_dict["outside_publication_date"])


def test_expiry_before_effective_date_is_refused():
    with pytest.raises(IntegrityError):
        PolicyFactory(effective_date=dt.date(2026, 3, 1), expiry_date=dt.date(2026, 2, 1))


def test_script_and_event_handlers_are_stripped_from_the_original_text():
    policy = PolicyFactory(
        original_text='<p onclick="steal()">第一条<script>alert(1)</script></p><img src="x" onerror="alert(1)">'
    )
    assert "script" not in policy.original_text
    assert "onclick" not in policy.original_text
    assert "onerror" not in policy.original_text
    assert "第一条" in policy.original_text


def test_javascript_links_lose_their_href():
    policy = PolicyFactory(original_text='<p><a href="javascript:alert(1)">点我</a></p>')
    assert "javascript" not in policy.original_text


def test_safe_links_are_kept_with_noopener():
    policy = PolicyFactory(original_text='<p><a href="https://www.gov.cn/zhengce/">国务院政策</a></p>')
    assert 'href="https://www.gov.cn/zhengce/"' in policy.original_text
    assert 'rel="noopener"' in policy.original_text


def test_images_only_from_the_portals_own_media():
    policy = PolicyFactory(
        original_text='<p><img src="/media/policies/a.png" alt="流程图"><img src="https://evil.example/t.gif"></p>'
    )
    assert 'src="/media/policies/a.png"' in policy.original_text
    assert "evil.example" not in policy.original_text


def test_iframes_and_styles_are_removed_with_their_content():
    policy = PolicyFactory(original_text="<iframe src='https://x.cn'>内嵌</iframe><style>p{}</style><p>正文</p>")
    assert policy.original_text == "<p>正文</p>"


def test_tables_survive_sanitising():
    html = "<table><thead><tr><th>类别</th></tr></thead><tbody><tr><td>20万元</td></tr></tbody></table>"
    assert PolicyFactory(original_text=html).original_text == html


def test_interpretation_body_is_sanitised_too():
    interpretation = InterpretationFactory(body="<p>要点<script>x()</script></p>")
    assert interpretation.body == "<p>要点</p>"


def test_the_url_key_is_stable_across_edits():
    policy = PolicyFactory()
    slug = policy.slug
    policy.title = "修改后的标题"
    policy.save()
    assert policy.slug == slug and slug.startswith("2026-")


def test_a_policy_cannot_relate_to_itself():
    policy = PolicyFactory()
    with pytest.raises(IntegrityError):
        PolicyRelation.objects.create(policy=policy, target=policy, kind=PolicyRelation.Kind.AMENDS)


def test_the_reverse_of_a_replacement_reads_replaced():
    old, new = PolicyFactory(), PolicyFactory()
    relation = PolicyRelation.objects.create(policy=new, target=old, kind=PolicyRelation.Kind.REPLACES)
    assert (old.reverse_relations.get(), str(relation.reverse_label)) == (relation, "被替代")


def test_a_video_interpretation_needs_a_media_file():
    interpretation = InterpretationFactory.build(kind="video", body="")
    with pytest.raises(ValidationError) as caught:
        interpretation.clean()
    assert "音视频文件" in str(caught.value)


def test_key_points_are_a_list_of_sentences():
    interpretation = InterpretationFactory(key_points=["  奖励20万元 ", "", "免申即享"])
    assert interpretation.key_points == ["奖励20万元", "免申即享"]
