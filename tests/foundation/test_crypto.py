"""EncryptedJSONField: JSON values encrypted at rest, given back as they were written."""

import pytest

from portal.core.crypto import EncryptedJSONField, decrypt

FIELD = EncryptedJSONField()


def stored(value):
    return FIELD.get_prep_value(value)


def read(column):
    return FIELD.from_db_value(column, None, None)


@pytest.mark.parametrize("value", [{"code": "483920", "name": "张三"}, [1, "二", None], "483920", 12.5, True, {}])
def test_a_json_value_reads_back_as_written(value):
    assert read(stored(value)) == value


def test_the_column_holds_no_clear_text():
    column = stored({"code": "483920", "name": "张三"})

    assert "483920" not in column
    assert "张三" not in column
    assert "code" not in column


def test_the_column_is_one_token_of_the_json_text():
    assert decrypt(stored({"b": "二", "a": 1})) == '{"a": 1, "b": "二"}'


def test_the_same_value_is_stored_differently_each_time():
    assert stored({"code": "483920"}) != stored({"code": "483920"})


def test_null_stays_null():
    assert stored(None) is None
    assert read(None) is None


def test_the_column_is_text():
    assert FIELD.get_internal_type() == "TextField"


def test_filtering_on_the_value_is_refused_rather_than_matching_nothing():
    # a fresh ciphertext never equals a stored one, so an exact lookup could only ever find nothing
    assert FIELD.get_lookup("exact") is None
    assert FIELD.get_lookup("contains") is None
    assert FIELD.get_lookup("isnull") is not None
