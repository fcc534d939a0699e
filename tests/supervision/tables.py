"""Helpers for the hand-computed tables of the supervision tests."""


def by_name(values, s):
    """{figure: {department id: value}} → {figure: {"A"/"B": value}} for the departments `s.a` and `s.b`; a value
    for any other department fails the test."""
    names = {s.a.pk: "A", s.b.pk: "B"}
    out = {}
    for key, groups in values.items():
        assert set(groups) <= set(names), (key, groups)
        out[key] = {names[group]: value for group, value in groups.items()}
    return out
