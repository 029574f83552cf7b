"""axe-core (vendored from npm, tests/vendor/axe-core) on every page each role reaches, at 390x844,
in Chinese and in English: WCAG 2.1 A/AA and axe's best practices, no violation allowed.

Each role logs in once and walks its pages by following the links it is shown (breadth first
from 首页), so a page added later is checked without listing it here. Pages of one shape
(``/logs/12`` and ``/logs/13``) are checked once per role; downloads and photos are not pages.
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import login, new_phone

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    });
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 120),
                                   why: (n.failureSummary || '').replace(/\\s+/g, ' ')})),
    }));
}"""
# Not pages: files, photos, the service worker, the API, and the links that open a mail or phone.
SKIP = re.compile(
    r"\.(pdf|xlsx|zip|ics|png|jpg|svg|js|webmanifest)$|^/(photos|static|api)/|^/sw\.js$"
)
# The four roles of the issue: a member, a village chair, a township chair and the admin.
ROLES = {
    "member": ("执委", None),
    "village_chair": ("主席", "村"),
    "township_chair": ("主席", "镇"),
    "admin": ("管理员", None),
}
MAX_PAGES = 60


def _username(live_demo, role: str) -> str:
    label, org_ends = ROLES[role]
    return next(
        username
        for row_role, username, _name, org in live_demo.logins
        if row_role == label and (org_ends is None or org.endswith(org_ends))
    )


def _shape(url: str) -> str:
    """A page's shape: its path with numbers blanked (a filter or page number in the query
    shows the same template with other rows)."""
    return re.sub(r"\d+", "#", urlsplit(url).path)


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or SKIP.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


# (language, shape) of the pages axe has checked in this module: a shape another role already
# had checked is still walked for its links but not checked again (the run stays near a minute).
# 首页 differs most by role and is checked for each.
CHECKED: set[tuple[str, str]] = set()


def _check(page, url: str, lang: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state()
    shape = _shape(page.url)
    if shape != "/" and (lang, shape) in CHECKED:
        return []
    CHECKED.add((lang, shape))
    problems = []
    for v in page.evaluate(RUN_AXE, TAGS):
        nodes = "\n".join(f"      {n['target']}: {n['why']}  {n['html']}" for n in v["nodes"][:8])
        more = f"\n      ... and {len(v['nodes']) - 8} more" if len(v["nodes"]) > 8 else ""
        problems.append(
            f"{urlsplit(url).path} [{lang}] {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): "
            f"{v['help']}\n{nodes}{more}"
        )
    return problems


def _walk(page, base: str, lang: str) -> tuple[list[str], list[str]]:
    """Every page reachable from 首页 by links, checked once per shape."""
    queue: deque[str] = deque(["/"])
    seen: set[str] = set()
    visited: list[str] = []
    problems: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        shape = _shape(path)
        if shape in seen:
            continue
        seen.add(shape)
        problems += _check(page, base + path, lang)
        visited.append(urlsplit(page.url).path)
        queue.extend(link for link in _links(page, base) if _shape(link) not in seen)
    return visited, problems


def _phone(browser):
    """A phone context with axe loaded into every page before the page's own scripts (an init
    script, so the pages' Content-Security-Policy stays as it is)."""
    context = new_phone(browser)
    context.add_init_script(path=str(AXE))
    return context


def _switch_language(page, base: str) -> None:
    page.goto(base + "/")
    page.click(".lang-switch button")
    page.wait_for_load_state()


def _report(problems: list[str]) -> str:
    return f"{len(problems)} axe violations:\n" + "\n".join(problems)


def test_login_page_has_no_axe_violations(browser, live_demo):
    context = _phone(browser)
    page = context.new_page()
    try:
        problems = _check(page, live_demo.url + "/auth/login", "zh")
        page.click(".lang-switch button")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        problems += _check(page, live_demo.url + "/auth/login", "en")
    finally:
        context.close()
    assert not problems, _report(problems)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_has_no_axe_violations(browser, live_demo, role):
    context = _phone(browser)
    page = context.new_page()
    try:
        login(page, live_demo.url, _username(live_demo, role))
        zh_pages, problems = _walk(page, live_demo.url, "zh")
        _switch_language(page, live_demo.url)
        assert page.locator("html").get_attribute("lang") == "en"
        en_pages, en_problems = _walk(page, live_demo.url, "en")
        problems += en_problems
        _switch_language(page, live_demo.url)  # the account's language back to Chinese
    finally:
        context.close()
    # The walk reached the pages of the role (the nav, its forms and lists), in both languages.
    assert len(zh_pages) == len(en_pages) >= 5, (zh_pages, en_pages)
    assert not problems, _report(problems)
