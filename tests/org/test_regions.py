"""Regions (行政区划): the code agrees with the level and starts with the parent's code."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from portal.org.models import Region
from tests.factories.org import CityFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_a_district_under_its_city_is_valid():
    Region(code="420506", name="夷陵区", level=Region.Level.COUNTY, parent=CityFactory()).full_clean()


def test_a_district_code_outside_its_city_is_refused_in_chinese():
    region = Region(code="420106", name="武昌区", level=Region.Level.COUNTY, parent=CityFactory())
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert error.value.message_dict["code"] == ["区划代码应以上级区划代码的前4位开头"]


def test_a_city_code_must_end_in_00():
    region = Region(code="420501", name="错误", level=Region.Level.CITY, parent=ProvinceFactory())
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert error.value.message_dict["code"] == ["区划代码与层级不符"]


def test_a_city_needs_a_province_above_it():
    region = Region(code="420600", name="襄阳市", level=Region.Level.CITY, parent=CityFactory())
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert "上级区划的层级应为“省”" in error.value.message_dict["parent"]


def test_the_database_refuses_a_province_with_a_parent():
    with pytest.raises(IntegrityError):
        Region.objects.create(code="430000", name="湖南省", level=Region.Level.PROVINCE, parent=ProvinceFactory())


def test_the_database_refuses_a_county_code_ending_in_00():
    with pytest.raises(IntegrityError):
        Region.objects.create(code="420600", name="错误", level=Region.Level.COUNTY, parent=CityFactory())


def test_a_code_typed_in_full_width_is_stored_as_ascii_digits():
    region = Region(code="４２０５０６", name="夷陵区", level=Region.Level.COUNTY, parent=CityFactory())
    region.full_clean()
    region.save()
    assert Region.objects.get(name="夷陵区").code == "420506"
