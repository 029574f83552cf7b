"""The admin's roll-up page, through the client: numbers, ranking, access, chart, queries."""

from __future__ import annotations

from datetime import date, timedelta

import html5lib
import pytest

from fieldlog.periods import Cadence, periods_of_year
from tests.fixtures.clock import pinned_today
from tests.web.test_html import _check

# A quarter of last year: its quarter, half-year and year have all ended, whatever the day.
pytestmark = pytest.mark.dated
Y = pinned_today().year - 1
YY = f"{Y % 100:02d}"


def _q(n: int, year: int = Y) -> str:
    """The chart table's label of quarter n in the Chinese UI: 26年二季."""
    return f"{year % 100:02d}年{'一二三四'[n - 1]}季"


Q2 = f"{Y}Q2"
DUTIES = ["contact", "talk", "survey", "proposal", "help", "volunteer", "record_book"]


def _url(org, quarter: str | None = Q2) -> str:
    return f"/tracker/rollup/{org.id}" + (f"?quarter={quarter}" if quarter else "")


def _doc(response):
    assert response.status_code == 200, response.status_code
    return html5lib.parse(response.get_data(as_text=True), namespaceHTMLElements=False)


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _cells(tr) -> dict[str, dict[str, str]]:
    """``{duty: {"pct": "67%", "count": "2/3", "cue": "✗ 1"}}`` for one table row."""
    result = {}
    for td in tr.iter("td"):
        parts = {"pct": "", "count": "", "cue": ""}
        for span in td.iter("span"):
            kind = span.get("class", "")
            if kind == "rate-pct":
                parts["pct"] = _text(span)
            elif kind == "rate-count":
                parts["count"] = _text(span)
            elif kind == "cue":
                parts["cue"] = _text(span.find("span"))
        result[td.get("data-duty")] = parts
    return result


def _rows(doc) -> list[tuple[str, dict]]:
    return [(tr.get("data-org"), _cells(tr)) for tr in doc.iter("tr") if tr.get("data-org")]


def _totals(doc) -> dict:
    return _cells(next(tr for tr in doc.iter("tr") if tr.get("class") == "rollup-total"))


@pytest.fixture
def q2_logs(world, make_log):
    """Logs for last year's Q2 view of township_a (quarter Q2, half H1, the year)."""
    member, other, a2 = world["member"], world["other_member"], world["member_a2"]
    for who, duty, day in [
        (member, "contact", date(Y, 4, 2)),
        (member, "talk", date(Y, 5, 3)),
        (member, "survey", date(Y, 2, 1)),
        (member, "help", date(Y, 6, 1)),
        (other, "contact", date(Y, 6, 30)),
        (a2, "contact", date(Y, 4, 10)),
        (a2, "talk", date(Y, 4, 11)),
        (a2, "proposal", date(Y, 3, 1)),
        (other, "contact", date(Y, 7, 1)),  # Q3: outside the view
        (a2, "talk", date(Y, 3, 31)),  # Q1: outside the view
    ]:
        make_log(who, duty, day)
    return world


def test_numbers_per_village_and_duty(client, auth, q2_logs):
    world = q2_logs
    auth.login("admin")
    rows = dict(_rows(_doc(client.get(_url(world["township_a"])))))
    assert set(rows) == {str(world["village_a"].id), str(world["village_a2"].id)}
    village = rows[str(world["village_a"].id)]
    assert village["contact"] == {"pct": "67%", "count": "2/3", "cue": "✗ 1"}
    assert village["talk"] == {"pct": "33%", "count": "1/3", "cue": "✗ 2"}
    assert village["survey"] == {"pct": "33%", "count": "1/3", "cue": "✗ 2"}
    assert village["proposal"] == {"pct": "0%", "count": "0/3", "cue": "✗ 3"}
    assert village["help"] == {"pct": "33%", "count": "1/3", "cue": "✗ 2"}  # yearly
    assert village["record_book"] == {"pct": "0%", "count": "0/3", "cue": "✗ 3"}
    assert village["all"] == {"pct": "24%", "count": "5/21", "cue": "✗ 16"}
    a2 = rows[str(world["village_a2"].id)]
    assert a2["contact"] == {"pct": "100%", "count": "1/1", "cue": "✓"}
    assert a2["survey"] == {"pct": "0%", "count": "0/1", "cue": "✗ 1"}
    assert a2["all"] == {"pct": "43%", "count": "3/7", "cue": "✗ 4"}


def test_current_quarter_shows_duties_under_way(client, auth, world, make_log, today):
    make_log(world["member"], "contact", today)
    make_log(world["member_a2"], "contact", today)
    auth.login("admin")
    rows = dict(_rows(_doc(client.get(_url(world["township_a"], None)))))
    village, a2 = rows[str(world["village_a"].id)], rows[str(world["village_a2"].id)]
    assert village["contact"] == {"pct": "33%", "count": "1/3", "cue": "○"}  # not missed yet
    assert a2["contact"] == {"pct": "100%", "count": "1/1", "cue": "✓"}
    assert village["help"]["cue"] == "○"


def test_totals_row_sums_the_subtree(client, auth, q2_logs):
    auth.login("admin")
    doc = _doc(client.get(_url(q2_logs["township_a"])))
    totals = _totals(doc)
    assert totals["contact"] == {"pct": "75%", "count": "3/4", "cue": "✗ 1"}
    assert totals["proposal"] == {"pct": "25%", "count": "1/4", "cue": "✗ 3"}
    assert totals["all"] == {"pct": "29%", "count": "8/28", "cue": "✗ 20"}
    total_row = next(tr for tr in doc.iter("tr") if tr.get("class") == "rollup-total")
    assert "甲镇" in _text(total_row.find("th"))


def test_ranked_by_overdue_not_by_name(client, auth, q2_logs):
    world = q2_logs
    auth.login("admin")
    order = [org for org, _cells in _rows(_doc(client.get(_url(world["township_a"]))))]
    # 甲二村 sorts before 甲村 by name, but 甲村 has 16 missed against 4.
    assert order == [str(world["village_a"].id), str(world["village_a2"].id)]


def test_township_committee_with_members_gets_its_own_row(client, auth, world, make_member):
    make_member(world["township_a"], username="town_member")
    auth.login("admin")
    rows = dict(_rows(_doc(client.get(_url(world["township_a"])))))
    assert str(world["township_a"].id) in rows
    assert rows[str(world["township_a"].id)]["contact"]["count"] == "0/1"


def test_rows_link_to_the_committee_grid_for_the_same_quarter(client, auth, world):
    auth.login("admin")
    html = client.get(_url(world["township_a"])).get_data(as_text=True)
    for key in ("village_a", "village_a2"):
        assert f'href="/tracker/committee/{world[key].id}?quarter={Q2}"' in html
    drill_down = client.get(f"/tracker/committee/{world['village_a'].id}?quarter={Q2}")
    assert drill_down.status_code == 200  # the admin may open the grid she is sent to


@pytest.mark.parametrize(
    ("who", "org", "status"),
    [
        ("admin", "township_a", 200),
        ("admin", "village_a", 200),  # inside her subtree
        ("admin", "district", 403),  # above her
        ("admin", "township_b", 403),
        ("admin", "village_b", 403),
        ("other_admin", "township_a", 403),
        ("other_admin", "township_b", 200),
        ("chair", "township_a", 403),
        ("chair", "village_a", 403),  # a chair is not an admin, even of her own village
        ("member", "village_a", 403),
    ],
)
def test_access(client, auth, world, who, org, status):
    auth.login(world[who].username)
    assert client.get(_url(world[org])).status_code == status


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(_url(world["township_a"]))
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_unknown_organisation_is_404(client, auth, world):
    auth.login("admin")
    assert client.get("/tracker/rollup/999999").status_code == 404


def test_default_is_her_first_admin_organisation(client, auth, world):
    auth.login("admin")
    response = client.get("/tracker/rollup")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tracker/rollup/{world['township_a'].id}"
    response = client.get(f"/tracker/rollup?quarter={Q2}")
    assert response.headers["Location"] == f"/tracker/rollup/{world['township_a'].id}?quarter={Q2}"


@pytest.mark.parametrize("who", ["member", "chair"])
def test_default_is_for_admins_only(client, auth, world, who):
    auth.login(who)
    assert client.get("/tracker/rollup").status_code == 403


def test_admin_index_links_to_the_rollup(client, auth, world):
    auth.login("admin")
    assert 'href="/tracker/rollup"' in client.get("/admin/").get_data(as_text=True)


def _options(doc) -> list[tuple[str, bool]]:
    select = next(s for s in doc.iter("select") if s.get("name") == "quarter")
    return [(o.get("value"), o.get("selected") is not None) for o in select.iter("option")]


def test_quarter_selector_lists_this_and_last_years_quarters(client, auth, world, today):
    expected = [
        p.code
        for year in (today.year, today.year - 1)
        for p in reversed(periods_of_year(year, Cadence.QUARTER))
        if p.start <= today
    ]
    auth.login("admin")
    options = _options(_doc(client.get(_url(world["township_a"]))))
    assert [code for code, _sel in options] == expected
    assert [code for code, sel in options if sel] == [Q2]
    options = _options(_doc(client.get(_url(world["township_a"], None))))
    assert [code for code, sel in options if sel] == [expected[0]]  # current by default


@pytest.mark.parametrize("asked", ["2999Q1", "nonsense", "2026H1", "2026Q9"])
def test_a_bad_quarter_shows_the_current_one_with_a_notice(client, auth, world, asked):
    auth.login("admin")
    doc = _doc(client.get(_url(world["township_a"], asked)))
    assert [code for code, sel in _options(doc) if sel] == [expected_current()]
    assert any(p.get("class") == "notice" for p in doc.iter("p"))


def expected_current() -> str:
    today = pinned_today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def test_an_older_quarter_is_kept_selected(client, auth, world):
    auth.login("admin")
    options = _options(_doc(client.get(_url(world["township_a"], "2023Q2"))))
    assert options[0] == ("2023Q2", True)


def _history(doc) -> dict[str, str]:
    table = next(t for t in doc.iter("table") if t.get("class") == "chart-table")
    heads, values = list(table.iter("tr"))
    return dict(
        zip(
            [_text(th) for th in heads.iter("th")][1:],
            [_text(td) for td in values.iter("td")],
            strict=True,
        )
    )


def test_chart_has_eight_quarters_and_a_table_with_the_same_numbers(client, auth, q2_logs):
    auth.login("admin")
    response = client.get(_url(q2_logs["township_a"]))
    doc = _doc(response)
    svg = next(e for e in doc.iter() if isinstance(e.tag, str) and e.tag.endswith("svg"))
    assert svg.get("role") == "img" and svg.get("aria-label")
    slots = [g for g in svg.iter() if g.get("class") == "bar-slot"]
    assert len(slots) == 8
    # The axis reads in Chinese: 一季 … 四季, each year under its first quarter (and the first bar).
    axis = [t.text for g in slots for t in g.iter() if str(t.tag).endswith("text")]
    assert {"一季", "二季", "三季", "四季", f"{YY}年"} <= set(axis)
    assert not any("Q" in (text or "") for text in axis)
    history = _history(doc)
    assert len(history) == 8
    # Falling due in Q2: contact and talk for Q2, survey and proposal for H1;
    # 4 members owe 16, of which 7 are done.
    assert history[_q(2)] == "44%"
    assert history[_q(1)] == "13%"  # 1 of 8: a talk on 31 March
    assert history[_q(3)] == "13%"  # 1 of 8: a contact on 1 July
    assert history[_q(4)] == "4%"  # 1 of 28 (Q4, H2 and the year): the help in June
    assert f"{Y}年第2季度: 44%" in response.get_data(as_text=True)  # the bar's tooltip


def _rects(element) -> list:
    return [e for e in element.iter() if isinstance(e.tag, str) and e.tag.endswith("rect")]


def test_quarters_nobody_owed_are_gaps(client, auth, make_org, make_member, make_account, world):
    township = make_org("丙镇", "township", world["district"])
    village = make_org("丙村", "village", township)
    make_member(village, joined_on=date(Y, 5, 1), username="new_member")
    make_account(township, username="admin_c", roles=("admin",))
    auth.login("admin_c")
    doc = _doc(client.get(_url(township)))
    history = _history(doc)
    labels = list(history)  # oldest first
    before = labels[: labels.index(_q(2))]  # she owed nothing yet
    assert before and all(history[label] == "—" for label in before)
    assert history[_q(2)] == "0%"
    gaps = [g for g in doc.iter() if g.get("class") == "bar-slot" and not _rects(g)]
    assert len(gaps) == len(before)


def test_page_is_valid_html_without_inline_styles(client, auth, q2_logs):
    auth.login("admin")
    html = client.get(_url(q2_logs["township_a"])).get_data(as_text=True)
    _check(html)
    assert "style=" not in html and "<script" not in html


def test_empty_subtree_says_so(client, auth, make_org, make_account, world):
    township = make_org("丁镇", "township", world["district"])
    make_account(township, username="admin_d", roles=("admin",))
    auth.login("admin_d")
    response = client.get(_url(township))
    doc = _doc(response)
    assert not _rows(doc)
    assert len(_history(doc)) == 8 and set(_history(doc).values()) == {"—"}


def test_queries_do_not_grow_with_villages_and_members(
    app, client, auth, world, make_org, make_member, make_log, count_queries, today
):
    auth.login("admin")
    url = _url(world["township_a"])
    client.get(url)  # warm up
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for v in range(3):
        village = make_org(f"新村{v}", "village", world["township_a"])
        for m in range(4):
            member = make_member(village, username=f"new{v}_{m}")
            make_log(member, "contact", date(Y, 5, 1))
            make_log(member, "talk", today - timedelta(days=m))
    with count_queries() as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(_rows(_doc(response))) == 5
    assert many.count == few.count, (few.count, many.count)
