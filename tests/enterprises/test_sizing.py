"""企业规模 by 工信部联企业〔2011〕300号: every group, every class boundary."""

from decimal import Decimal

import pytest

from enterprises.sizing import assess_size, classify_size, size_group, size_reason

E, R, A = "employees", "revenue_wan", "assets_wan"

# The standard's table, written out again here as the specification:
# group name, example codes, figures used, lower bounds of large, medium, small.
STANDARD = [
    ("农、林、牧、渔业", ["A0111", "A05"], (R,), (20000,), (500,), (50,)),
    ("工业", ["C3911", "B0610", "D4411"], (E, R), (1000, 40000), (300, 2000), (20, 300)),
    ("建筑业", ["E4710"], (R, A), (80000, 80000), (6000, 5000), (300, 300)),
    ("批发业", ["F5110"], (E, R), (200, 40000), (20, 5000), (5, 1000)),
    ("零售业", ["F5211"], (E, R), (300, 20000), (50, 500), (10, 100)),
    ("交通运输业", ["G5411", "G5910", "G58"], (E, R), (1000, 30000), (300, 3000), (20, 200)),
    ("仓储业", ["G5920", "G595"], (E, R), (200, 30000), (100, 1000), (20, 100)),
    ("邮政业", ["G6010"], (E, R), (1000, 30000), (300, 2000), (20, 100)),
    ("住宿业", ["H6110"], (E, R), (300, 10000), (100, 2000), (10, 100)),
    ("餐饮业", ["H6210"], (E, R), (300, 10000), (100, 2000), (10, 100)),
    ("信息传输业", ["I6311", "I6410"], (E, R), (2000, 100000), (100, 1000), (10, 100)),
    ("软件和信息技术服务业", ["I6513"], (E, R), (300, 10000), (100, 1000), (10, 50)),
    ("房地产开发经营", ["K7010"], (R, A), (200000, 10000), (1000, 5000), (100, 2000)),
    ("物业管理", ["K7020"], (E, R), (1000, 5000), (300, 1000), (100, 500)),
    ("租赁和商务服务业", ["L7111", "L72"], (E, A), (300, 120000), (100, 8000), (10, 100)),
    ("其他未列明行业", ["M7310", "K7030", "G5311", "P83"], (E,), (300,), (100,), (10,)),
]
CLASSES = ("large", "medium", "small", "micro")


def _figures(figures, values):
    given = {E: None, R: None, A: None}
    given.update(zip(figures, values, strict=True))
    return given[E], given[R], given[A]


def _cases():
    for name, codes, figures, *bounds in STANDARD:
        for code in codes:
            for level, cls in enumerate(CLASSES[:3]):
                at = bounds[level]
                yield pytest.param(code, _figures(figures, at), cls, id=f"{name}-{code}-{cls}-at-bounds")
                for i, figure in enumerate(figures):
                    below = tuple(v - 1 if j == i else v for j, v in enumerate(at))
                    yield pytest.param(
                        code, _figures(figures, below), CLASSES[level + 1], id=f"{name}-{code}-{cls}-{figure}-below"
                    )


@pytest.mark.parametrize(("code", "figures", "expected"), list(_cases()))
def test_class_boundaries_of_every_group(code, figures, expected):
    employees, revenue, assets = figures
    revenue = None if revenue is None else Decimal(revenue)
    assets = None if assets is None else Decimal(assets)
    assert classify_size(code, employees, revenue, assets) == expected


@pytest.mark.parametrize(("name", "codes"), [(row[0], row[1]) for row in STANDARD])
def test_codes_map_to_the_standards_groups(name, codes):
    assert {size_group(code).name for code in codes} == {name}


def test_the_issue_example_an_industrial_firm_needs_both_bounds_to_be_large():
    assert classify_size("C3911", 1200, Decimal(25000), None) == "medium"


def test_micro_needs_only_one_figure_below_small():
    assert classify_size("C3911", 5, None, None) == "micro"


def test_a_missing_figure_the_decision_needs_gives_unknown_with_a_reason():
    result = assess_size("C3911", 1200, None, None)
    assert result.size == "unknown"
    assert result.reason == "缺少营业收入，无法按工业标准划型"


def test_figures_the_group_does_not_use_may_be_missing():
    assert classify_size("A0111", None, Decimal(600), None) == "medium"


def test_financial_enterprises_are_left_to_their_own_standard():
    assert classify_size("J6621", 50, Decimal(100), Decimal(100)) == "unknown"
    assert "金融业企业划型标准规定" in size_reason("J6621", 50, Decimal(100), Decimal(100))


@pytest.mark.parametrize("code", ["G", "K70", "G59", "I", "", "C98", "X"])
def test_a_code_too_coarse_or_invalid_cannot_be_classified(code):
    assert classify_size(code, 50, Decimal(100), Decimal(100)) == "unknown"


def test_a_negative_figure_cannot_be_classified():
    assert classify_size("C3911", -1, Decimal(100), None) == "unknown"


def test_the_reason_of_a_class_quotes_the_bounds():
    assert (
        size_reason("C3911", 1200, Decimal(25000), None)
        == "工业：从业人员300人及以上且营业收入2000万元及以上，为中型企业"
    )
    assert size_reason("C3911", 5, None, None) == "工业：从业人员20人以下或营业收入300万元以下，为微型企业"


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "figures", "expected"), list(_cases()))
def test_the_sql_compilation_agrees_with_python(code, figures, expected):
    employees, revenue, assets = figures
    size, reason = _sql_size_and_reason(code, employees, revenue, assets)
    revenue = None if revenue is None else Decimal(revenue)
    assets = None if assets is None else Decimal(assets)
    assert (size, reason) == (expected, size_reason(code, employees, revenue, assets))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "employees", "revenue"),
    [
        ("C3911", 1200, None),
        ("C3911", None, None),
        ("J6621", 5, 5),
        ("K70", 5, 5),
        ("C3911", -1, 5),
        ("G5920", 5, None),
    ],
)
def test_the_sql_compilation_agrees_on_unknowns(code, employees, revenue):
    from django.db import connection

    from enterprises.sizing import size_case_sql

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT {}, {} FROM (SELECT %s::text AS c, %s::int AS e, %s::numeric AS r, NULL::numeric AS a) t".format(
                size_case_sql("c", "e", "r", "a"), size_case_sql("c", "e", "r", "a", output="reason")
            ),
            [code, employees, revenue],
        )
        assert cursor.fetchone() == (
            classify_size(code, employees, revenue, None),
            size_reason(code, employees, revenue, None),
        )


def _sql_size_and_reason(code, employees, revenue, assets):
    from django.db import connection

    from enterprises.sizing import size_case_sql

    # Parameters in brackets: psycopg2 writes -2147483648 literally, and `-2147483648::int` parses as
    # -(2147483648::int), which is out of range before the minus applies.
    row = "SELECT (%s)::text AS c, (%s)::int AS e, (%s)::numeric AS r, (%s)::numeric AS a"
    size, reason = size_case_sql("c", "e", "r", "a"), size_case_sql("c", "e", "r", "a", output="reason")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {size}, {reason} FROM ({row}) t", [code, employees, revenue, assets])
        return cursor.fetchone()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["C99", "c99", "C3999", "Z01", "C13\n", "C13١", None])
def test_the_sql_compilation_cannot_classify_an_invalid_code_either(code):
    """Issue 9: SQL called C99 微型 where Python said 无法划型."""
    assert _sql_size_and_reason(code, 5, Decimal(10), Decimal(10)) == (
        "unknown",
        size_reason(code, 5, Decimal(10), Decimal(10)),
    )


def _industry_codes():
    from hypothesis import strategies as st

    from enterprises.industries import industries

    listed = [industry.code for industry in industries()]
    odd = ["", " ", "J", "j6621", " c3911 ", "C3911 ", "\tC3911", "C3911\n", "C99", "C398", "C3990", "K70", "G59", "ı"]
    odd += ["ß", "Ｃ３９１１", "C13١", "C1310", "C131", "C13", "U", "T9700", "A0", "%", "'", "C39'"]
    text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=6)
    return st.one_of(
        st.sampled_from(listed),
        st.sampled_from(odd),
        st.from_regex(r"[A-Za-z ][0-9]{0,5} ?", fullmatch=True),
        text,
        st.none(),
    )


def _figures():
    from hypothesis import strategies as st

    special = [Decimal(0), Decimal("-0"), Decimal("-0.01"), Decimal("1E-30"), Decimal("1E+25"), Decimal("299.999")]
    number = st.decimals(min_value=Decimal("-1e20"), max_value=Decimal("1e20"), allow_nan=False, allow_infinity=False)
    return st.one_of(st.none(), st.sampled_from(special), st.integers(-5, 250000).map(Decimal), number)


@pytest.mark.django_db
def test_the_two_compilers_agree_on_every_input_invalid_ones_included():
    """Property (issue 9): for any industry code and figures, SQL gives Python's size and reason."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    employees = st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1), st.integers(-5, 2500))

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(code=_industry_codes(), employees=employees, revenue=_figures(), assets=_figures())
    def agree(code, employees, revenue, assets):
        expected = assess_size(code, employees, revenue, assets)
        assert _sql_size_and_reason(code, employees, revenue, assets) == (expected.size, expected.reason)

    agree()
