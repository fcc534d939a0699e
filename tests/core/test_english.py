"""An English reader sees English everywhere; only Chinese proper names and documents' own text stay Chinese.

The pages are rendered in English and every piece of visible text (and the
attributes read aloud: alt, title, placeholder, aria-label) is checked: once the
names that come from data (policy titles, document numbers, issuing
authorities, departments, regions, the filing numbers) and the policy texts
themselves are taken out, no Chinese character or full-width punctuation may be
left.
"""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils.html import strip_tags

from enterprises import services as enterprise_services
from enterprises.industries import industry_name
from enterprises.models import Enterprise, EnterpriseMember, Qualification
from policies.models import Interpretation, Policy, PolicyCategory
from portal.org.models import Department, Region
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.enterprises import (
    AnnualFigureFactory,
    EnterpriseFactory,
    EnterpriseMemberFactory,
    QualificationFactory,
)
from tests.factories.policies import category
from tests.factories.search import public_policy

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
READ_ALOUD = ("alt", "title", "placeholder", "aria-label")
QUERY = "稳岗"
# Search examples stay Chinese in English pages: the policies, and so the search, are in Chinese.
SEARCH_EXAMPLES = {"高企", "专精特新", "稳岗返还", "高新技术企业"}
# The documents' own text is made of characters no interface text uses (天干地支), so that a
# fragment of it (a search snippet cut by highlighting) is recognised as such and an
# untranslated interface word can never pass as one.
BODY = "<p>甲乙丙丁戊己庚辛壬癸。</p>"
SUMMARY = "子丑寅卯辰巳。"
INTERPRETATION = {"body": "<p>午未申酉戌亥。</p>", "key_points": ["甲子乙丑", "丙寅丁卯"]}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pieces, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        self.pieces += [attrs[name] for name in READ_ALOUD if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.pieces.append(data.strip())


def visible_text(body: str) -> list[str]:
    parser = VisibleText()
    parser.feed(body)
    return parser.pieces


def names_from_data(settings) -> list[str]:
    """Proper names the pages take from data, longest first."""
    # The language switch names each language in itself (简体中文), as every bilingual site does.
    names = {"简体中文", QUERY, settings.PORTAL_ICP, settings.PORTAL_PSB, *SEARCH_EXAMPLES}
    names |= set(get_user_model().objects.values_list("name", flat=True))
    for policy in Policy.objects.all():
        names |= {policy.title, policy.document_number, policy.issuing_authority}
    for interpretation in Interpretation.objects.all():
        names.add(interpretation.title)
    names |= set(Department.objects.values_list("name", flat=True))
    names |= set(Region.objects.values_list("name", flat=True))
    for enterprise in Enterprise.objects.all():
        names |= {enterprise.name, enterprise.legal_rep_name, enterprise.address, enterprise.contact_name}
    names |= set(Qualification.objects.values_list("issuer", flat=True))
    names |= {
        name for code in Enterprise.objects.values_list("industry_code", flat=True) if (name := industry_name(code))
    }
    return sorted(filter(None, names), key=len, reverse=True)


def texts_from_data() -> list[str]:
    """The documents' own text (title, number, summary, original text, interpretations), never translated."""
    texts = []
    for policy in Policy.objects.all():
        texts += [policy.title, policy.document_number, policy.summary, strip_tags(policy.original_text)]
    for interpretation in Interpretation.objects.all():
        texts += [interpretation.title, strip_tags(interpretation.body), *interpretation.key_points]
    return texts


def untranslated(body: str, settings) -> list[str]:
    names, texts = names_from_data(settings), texts_from_data()
    left = []
    for piece in visible_text(body):
        if not CJK.search(piece):
            continue
        fragments = piece.strip("…. ").split()
        if all(fragment in names or any(fragment in text for text in texts) for fragment in fragments):
            continue
        for name in names:
            piece = piece.replace(name, "")
        if CJK.search(piece):
            left.append(piece)
    return left


@pytest.fixture
def english_site(settings):
    settings.PORTAL_HOST_DEPARTMENT = "宜昌市政务服务和数据管理局"
    settings.PORTAL_HOST_DEPARTMENT_EN = "Yichang Administration of Government Services and Data"
    settings.PORTAL_CONTACT_PHONE = "0717-12345"
    settings.PORTAL_CONTACT_EMAIL = "service@example.gov.cn"
    settings.PORTAL_ICP = "鄂ICP备00000000号-1"
    settings.PORTAL_PSB = "鄂公网安备42050000000000号"
    settings.PORTAL_SITE_CODE = "4205000000"


@pytest.fixture
def policy():
    cache.clear()
    texts = {"original_text": BODY, "summary": SUMMARY, "interpretation": INTERPRETATION}
    first = public_policy(title="宜昌市稳岗返还实施细则", categories=[category("keji"), category("rencai")], **texts)
    public_policy(title="宜昌市外贸企业开拓国际市场奖励办法", **texts)
    yield first
    cache.clear()


def english_client(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/policies/",
        f"/policies/search/?q={QUERY}",
        "/help/",
        "/sitemap/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/register/",
        "/no-such-page/",
    ],
)
def test_a_public_page_in_english_has_no_chinese_beyond_proper_names(english_site, policy, settings, url):
    response = english_client().get(url)
    assert response.status_code in (200, 404)
    assert untranslated(response.content.decode(), settings) == []


def test_a_policy_page_in_english_has_no_chinese_beyond_proper_names_and_its_text(english_site, policy, settings):
    body = english_client().get(policy.get_absolute_url()).content.decode()
    assert untranslated(body, settings) == []


@pytest.mark.parametrize("url", ["/enterprise/", "/enterprise/claim/", "/messages/", "/policies/subscriptions/"])
def test_an_enterprise_users_page_in_english_has_no_chinese_beyond_proper_names(english_site, policy, settings, url):
    response = english_client(EnterpriseUserFactory()).get(url)
    assert response.status_code == 200
    assert untranslated(response.content.decode(), settings) == []


def test_dates_of_issue_and_publication_have_different_english_names(english_site, policy):
    body = english_client().get(policy.get_absolute_url()).content.decode()
    assert "<dt>Date issued</dt>" in body
    assert "<dt>Date published</dt>" in body


def test_the_list_says_published_not_publish_before_the_date(english_site, policy):
    body = english_client().get("/policies/").content.decode()
    assert re.search(r"<span>Published <time", body)
    assert "Publish <time" not in body


def test_the_chinese_list_still_says_fabu_before_the_date(policy):
    assert re.search(r"<span>发布 <time", Client().get("/policies/").content.decode())


def test_category_names_are_shown_in_english(english_site, policy):
    body = english_client().get(policy.get_absolute_url()).content.decode()
    assert '<span class="tag">Science and technology innovation</span>' in body


def test_a_category_without_an_english_name_shows_its_chinese_name(english_site, policy):
    PolicyCategory.objects.filter(code="keji").update(name_en="")
    body = english_client().get(policy.get_absolute_url()).content.decode()
    assert '<span class="tag">科技创新</span>' in body


def test_the_portal_name_and_host_department_are_english(english_site, policy):
    body = english_client().get("/").content.decode()
    assert '<span class="brand-name">Enterprise Support Portal</span>' in body
    assert "Hosted by: Yichang Administration of Government Services and Data" in body


def test_colons_follow_the_language(english_site, policy):
    english = english_client().get("/").content.decode()
    chinese = Client().get("/").content.decode()
    assert "Popular searches:" in english
    assert "：" not in "".join(visible_text(english))
    assert "常用搜索：" in chinese


def test_the_cached_home_page_shows_an_english_reader_english(english_site, policy, settings):
    Client().get("/")  # a Chinese reader fills the home page's cache first
    assert untranslated(english_client().get("/").content.decode(), settings) == []


@pytest.fixture
def filled_enterprise_space():
    """An enterprise user's enterprise with annual figures, a qualification and its rule tags, as the
    tester saw it: size, industry, qualification and age tags, and a size explanation."""
    enterprise = EnterpriseFactory(registration_date=dt.date(2012, 5, 1))
    AnnualFigureFactory(enterprise=enterprise, year=2025, employees=120, revenue_wan=Decimal("5000.00"))
    QualificationFactory(enterprise=enterprise)
    enterprise_services.ensure_rule_tags()
    enterprise_services.recompute_size(enterprise)
    enterprise_services.refresh_rule_tags([enterprise.pk])
    user = EnterpriseUserFactory()
    EnterpriseMemberFactory(enterprise=enterprise, user=user, role=EnterpriseMember.Role.LEGAL_REP)
    return user, enterprise


def test_a_filled_enterprise_space_in_english_has_no_chinese_beyond_proper_names(
    english_site, policy, settings, filled_enterprise_space
):
    user, enterprise = filled_enterprise_space

    body = english_client(user).get(f"/enterprise/{enterprise.uscc}/").content.decode()

    assert "High-tech enterprise" in body
    assert "Small enterprise" in body or "Medium enterprise" in body
    assert "In operation" in body
    assert untranslated(body, settings) == []
