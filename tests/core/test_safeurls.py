"""URLs as a browser resolves them (portal.core.safeurls)."""

import pytest

from portal.core import safeurls


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/media/%2e%2e/accounts/logout/", "/accounts/logout/"),
        ("/media/..%2f..%2fadmin/", "/admin/"),
        ("/media/a/%2E%2E/%2E%2E/x", "/x"),
        ("/media/a/b/../../../../etc/passwd", "/etc/passwd"),
        ("/media/a/./b", "/media/a/b"),
        ("/media/a\\..\\..\\x", "/x"),
    ],
)
def test_dot_segments_are_removed_after_decoding(url, path):
    assert safeurls.resolve(url).path == path


@pytest.mark.parametrize("url", ["\\\\evil.com/x.png", "//evil.com/x", "/\\evil.com", "\n//evil.com", "\\/evil.com"])
def test_backslashes_and_leading_whitespace_make_a_scheme_relative_url(url):
    assert safeurls.resolve(url).host == "evil.com"


def test_tabs_and_newlines_inside_are_dropped_as_browsers_do():
    assert safeurls.resolve("/me\tdia/\nx.png").path == "/media/x.png"


def test_a_path_under_a_prefix_must_stay_there_once_resolved():
    assert safeurls.is_under("/media/policies/a.png", "/media/")
    assert not safeurls.is_under("/media/../media/policies/a.png", "/media/")
    assert not safeurls.is_under("/mediax/a.png", "/media/")
    assert not safeurls.is_under("https://portal.example/media/a.png", "/media/")
