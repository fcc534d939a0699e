"""Reading admin pages as a browser does: the values a form would submit, its CSRF token, its inline prefixes.

Parsed with tinyhtml5 (an HTML5 parser, already installed for WeasyPrint), so the
data posted back is what the page really offers, not what a test author assumed.
"""

import re

import tinyhtml5

NS = "{http://www.w3.org/1999/xhtml}"
CJK = re.compile(r"[\u4e00-\u9fff]")


def csrf_cookie(client) -> str:
    """The client's CSRF cookie, set first if no page has set it yet: its value is also a valid form token."""
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    cookie = client.cookies.get(settings.CSRF_COOKIE_NAME)
    if cookie is None or not cookie.value:
        client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
        cookie = client.cookies[settings.CSRF_COOKIE_NAME]
    return cookie.value


def parse(html: str | bytes):
    return tinyhtml5.parse(html.decode() if isinstance(html, bytes) else html)


def find_form(tree, form_id: str | None = None):
    """The form with id `form_id`, or the page's first POST form."""
    for form in tree.iter(f"{NS}form"):
        if form_id is None and (form.get("method") or "").lower() == "post":
            return form
        if form_id is not None and form.get("id") == form_id:
            return form
    raise AssertionError(f"no form {form_id or '(POST)'} on the page")


def form_values(form) -> dict[str, list[str]]:
    """What the browser would submit for `form` untouched (files excepted): name → values."""
    data: dict[str, list[str]] = {}
    in_cell = {child for cell in form.iter(f"{NS}td") for child in cell.iter(f"{NS}textarea")}
    for element in form.iter():
        tag = element.tag.removeprefix(NS)
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"} and element.get("checked") is None:
                continue
            data.setdefault(name, []).append(element.get("value", "on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "textarea":
            text = element.text or ""
            if element in in_cell:
                # A browser drops the newline right after <textarea> (HTML §13.2.6.4.7); tinyhtml5 does
                # so everywhere but in a table cell, where a tabular inline's text boxes are.
                text = text.removeprefix("\n")
            data.setdefault(name, []).append(text)
        elif tag == "select":
            options = list(element.iter(f"{NS}option"))
            chosen = [o for o in options if o.get("selected") is not None]
            if not chosen and options and element.get("multiple") is None:
                chosen = options[:1]
            data[name] = [o.get("value", o.text or "") for o in chosen]
    return data


def select_options(form, name: str) -> list[str]:
    """The non-empty option values of the select called `name`."""
    for select in form.iter(f"{NS}select"):
        if select.get("name") == name:
            return [o.get("value") for o in select.iter(f"{NS}option") if o.get("value")]
    return []


def csrf_token(tree) -> str:
    for element in tree.iter(f"{NS}input"):
        if element.get("name") == "csrfmiddlewaretoken":
            return element.get("value")
    raise AssertionError("no CSRF token on the page")


def inline_prefixes(data: dict) -> list[str]:
    """The prefixes of the inline formsets in a form's data, in page order."""
    return [name.removesuffix("-TOTAL_FORMS") for name in data if name.endswith("-TOTAL_FORMS")]


def text(tree, css_class: str) -> str:
    """The text of every element carrying `css_class`, joined."""
    parts = []
    for element in tree.iter():
        if css_class in (element.get("class") or "").split():
            parts.append("".join(element.itertext()))
    return " ".join(parts)


def links(tree) -> list[str]:
    return [a.get("href") for a in tree.iter(f"{NS}a") if a.get("href")]


def has_chinese(value: str) -> bool:
    return bool(CJK.search(value))


def form_errors(response) -> str:
    """The error notes and field errors of a re-shown form, for assertion messages."""
    tree = parse(response.content)
    return " | ".join(filter(None, [text(tree, "errornote"), text(tree, "errorlist")]))


def context_errors(response) -> str:
    """The admin form's and inline formsets' errors from the response context, for assertion messages."""
    context = getattr(response, "context", None) or {}
    found = []
    if "adminform" in context:
        found.append(str(context["adminform"].form.errors.as_data()))
    for inline in context.get("inline_admin_formsets", []):
        found.append(f"{inline.formset.prefix}: {inline.formset.errors} {inline.formset.non_form_errors()}")
    return " ".join(found)
