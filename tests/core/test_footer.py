"""The footer shows what a Chinese government site must: host department, contact and filing numbers.

Each line comes from an environment variable read in settings and is hidden
while that variable is empty.
"""

import os
import subprocess
import sys

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(settings):
    settings.PORTAL_HOST_DEPARTMENT = "宜昌市政务服务和数据管理局"
    settings.PORTAL_HOST_DEPARTMENT_EN = "Yichang Administration of Government Services and Data"
    settings.PORTAL_CONTACT_PHONE = "0717-12345"
    settings.PORTAL_CONTACT_EMAIL = "service@example.gov.cn"
    settings.PORTAL_ICP = "鄂ICP备00000000号-1"
    settings.PORTAL_PSB = "鄂公网安备42050202000123号"
    settings.PORTAL_SITE_CODE = "4205000001"
    return settings


@pytest.fixture
def unconfigured(settings):
    for name in (
        "PORTAL_HOST_DEPARTMENT",
        "PORTAL_HOST_DEPARTMENT_EN",
        "PORTAL_CONTACT_PHONE",
        "PORTAL_CONTACT_EMAIL",
        "PORTAL_ICP",
        "PORTAL_PSB",
        "PORTAL_SITE_CODE",
    ):
        setattr(settings, name, "")
    return settings


def footer(client: Client, path: str = "/") -> str:
    body = client.get(path).content.decode()
    return body[body.index('<footer class="site-footer">') :]


def test_the_host_departments_full_name_is_shown(client, configured):
    assert "主办单位：宜昌市政务服务和数据管理局" in footer(client)


def test_the_contact_line_shows_telephone_and_email(client, configured):
    text = footer(client)
    assert "咨询电话：0717-12345" in text
    assert "电子邮箱：service@example.gov.cn" in text


def test_the_icp_number_links_to_the_miit_register(client, configured):
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">鄂ICP备00000000号-1</a>' in footer(client)


def test_the_public_security_number_links_to_its_record_by_its_digits(client, configured):
    expected = '<a href="https://beian.mps.gov.cn/#/query/webSearch?code=42050202000123" rel="noopener">'
    assert expected + "鄂公网安备42050202000123号</a>" in footer(client)


def test_the_site_code_is_shown(client, configured):
    assert "网站标识码：4205000001" in footer(client)


def test_the_error_report_link_names_the_site_and_the_page_being_read(client, configured):
    text = footer(client, "/help/")
    assert (
        '<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4205000001'
        '&amp;url=http%3A%2F%2Ftestserver%2Fhelp%2F" rel="noopener">政府网站找错</a>'
    ) in text


def test_in_english_the_labels_are_english_and_the_numbers_verbatim(client, configured):
    client.cookies["django_language"] = "en"
    text = footer(client)
    assert "Hosted by: Yichang Administration of Government Services and Data" in text
    assert "Enquiries: 0717-12345" in text
    assert "Website identification code: 4205000001" in text
    assert "鄂ICP备00000000号-1" in text


@pytest.mark.parametrize(
    "absent",
    ["主办单位", "咨询电话", "电子邮箱", "beian.miit.gov.cn", "beian.mps.gov.cn", "网站标识码", "政府网站找错"],
)
def test_a_line_not_configured_is_not_shown(client, unconfigured, absent):
    assert absent not in footer(client)


def test_the_settings_read_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; print(s.PORTAL_ICP, s.PORTAL_SITE_CODE)"
    )
    env = {**os.environ, "PORTAL_ICP": "京ICP备1号", "PORTAL_SITE_CODE": "bm01000001"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["京ICP备1号", "bm01000001"]
