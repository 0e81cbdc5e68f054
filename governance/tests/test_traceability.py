"""docs/traceability.md stays true: every clause of AP 1311 is in the matrix, every control has a test,
every test it names exists, and every test that names a clause is listed under that clause.

A test names a clause at the end of its name (`..._1_4_3`, `..._per_2`), right after `test_`
(`test_1_4_3_...`), or in its docstring (`§1.4.3`). When one of these tests fails, its message says
which lines to add to the file.
"""

import ast
import os
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "traceability.md"
# The procedure's text is kept beside the repository, not in it (README: ../shared/policy/AP1311.txt).
POLICY = Path(os.environ.get("AP1311_POLICY", ROOT.parent / "shared" / "policy" / "AP1311.txt"))

KINDS = {"Refuse", "Record", "Remind"}
ALONE = {"Inform", "Heading"}
ROW = re.compile(
    r"^\| §(?P<clause>\d+(?:\.\d+)*) \| (?P<asks>[^|]+) \| (?P<does>[^|]+) \| (?P<control>[^|]*) \|$", re.M
)
SECTION = re.compile(r"^### §(\d+(?:\.\d+)*)\b", re.M)
LISTED = re.compile(r"^- `([^`]+::[^`]+)`", re.M)
# Clause numbers carried by a test's name: at its end (..._1_4_3, ..._per_2) or right after "test_"
# (test_1_4_3_...). Numbers inside a name are not clauses (test_oneroster_1_1_users_..., ..._3_hours_...).
AT_END = re.compile(r"_(\d+(?:_\d+)+)$")
AT_START = re.compile(r"^test_(\d+(?:_\d+)+)_")
PER_SECTION = re.compile(r"_per_(\d+)$")
IN_DOCSTRING = re.compile(r"§(\d+(?:\.\d+)*)")


def _order(clause: str) -> list[int]:
    return [int(part) for part in clause.split(".")]


def policy_clauses(text: str) -> list[str]:
    """The numbered clauses of the procedure, in its order ("1", "1.1", "1.1.1", ...)."""
    return re.findall(r"^\s*(?:-\s*)?(\d+(?:\.\d+)*)\.\s+\S", text, re.M)


def clauses_named(name: str, docstring: str) -> set[str]:
    found = {m.replace("_", ".") for m in AT_END.findall(name) + AT_START.findall(name)}
    found |= set(PER_SECTION.findall(name))
    return found | set(IN_DOCSTRING.findall(docstring))


@cache
def collected_tests() -> dict[str, set[str]]:
    """{"path::[Class::]test_name": clauses it names} for every test function of the project."""
    found = {}
    for path in sorted(ROOT.rglob("test_*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in (".venv", "node_modules"):
            continue

        def visit(nodes, prefix):
            for node in nodes:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                    found[f"{relative}::{prefix}{node.name}"] = clauses_named(node.name, ast.get_docstring(node) or "")
                elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                    visit(node.body, f"{prefix}{node.name}::")

        visit(ast.parse(path.read_text()).body, "")
    return found


@cache
def matrix() -> tuple[dict[str, dict], dict[str, list[str]]]:
    """The file's table rows ({clause: row}) and its test lists ({clause: [test ids]})."""
    text = DOC.read_text()
    rows = {m["clause"]: {k: v.strip() for k, v in m.groupdict().items()} for m in ROW.finditer(text)}
    sections: dict[str, list[str]] = {}
    parts = SECTION.split(text)
    for clause, body in zip(parts[1::2], parts[2::2], strict=True):
        sections[clause] = LISTED.findall(body)
    return rows, sections


def test_the_matrix_has_one_row_per_clause_in_the_procedures_order():
    rows, _ = matrix()
    clauses = list(rows)
    assert clauses == sorted(clauses, key=_order), "rows out of the procedure's order"
    if not POLICY.exists():
        if os.environ.get("CI"):
            pytest.fail(f"The procedure's text is missing at {POLICY} (set AP1311_POLICY).")
        pytest.skip(f"The procedure's text is not at {POLICY}: cannot compare the clauses (set AP1311_POLICY).")
    expected = policy_clauses(POLICY.read_text())
    missing = [c for c in expected if c not in rows]
    assert not missing, f"docs/traceability.md has no row for §{', §'.join(missing)}"
    assert clauses == expected


def test_each_row_says_what_the_portal_does_and_each_control_has_a_test():
    rows, sections = matrix()
    for clause, row in rows.items():
        does = {word.strip() for word in row["does"].split(",")}
        assert does <= KINDS or (len(does) == 1 and does <= ALONE), f"§{clause}: unknown kind {row['does']!r}"
        if does <= KINDS:
            assert sections.get(clause), f"§{clause} is a control ({row['does']}) but lists no test"
        if does == {"Inform"}:
            assert len(row["control"]) > 40, f"§{clause}: say why the portal can only inform"
    assert set(sections) <= set(rows), f"sections for clauses not in the table: {set(sections) - set(rows)}"


def test_every_test_the_matrix_names_exists():
    _, sections = matrix()
    known = collected_tests()
    unknown = sorted({t for listed in sections.values() for t in listed if t not in known})
    assert not unknown, "docs/traceability.md names tests that do not exist:\n" + "\n".join(unknown)


def test_every_test_that_names_a_clause_is_listed_under_it():
    rows, sections = matrix()
    missing: dict[str, list[str]] = defaultdict(list)
    strangers = []
    for test, clauses in collected_tests().items():
        for clause in clauses:
            if clause not in rows:
                strangers.append(f"{test} names §{clause}, which is not a clause of AP 1311")
            elif test not in sections.get(clause, []):
                missing[clause].append(test)
    assert not strangers, "\n".join(strangers)
    advice = "".join(
        f"\nunder ### §{clause}:\n" + "".join(f"- `{t}`\n" for t in tests)
        for clause, tests in sorted(missing.items(), key=lambda item: _order(item[0]))
    )
    assert not missing, "Add to docs/traceability.md" + advice


def test_the_clause_finder_reads_names_and_docstrings():
    assert clauses_named("test_x_is_refused_1_4_3", "") == {"1.4.3"}
    assert clauses_named("test_1_2_1_3_overdue_review_fails", "") == {"1.2.1.3"}
    assert clauses_named("test_asked_every_year_per_2", "") == {"2"}
    assert clauses_named("test_reminded_3_hours_before_per_3_1", "") == {"3.1"}
    assert clauses_named("test_the_rate_shows_100_only", "Counts §1.5.1 and §4.2.") == {"1.5.1", "4.2"}
    assert clauses_named("test_oneroster_1_1_users_are_read", "") == set()
    assert policy_clauses("1. Title\n- 1.1.1. Text\n1.2.1.1. More\nNot 2. a clause") == ["1", "1.1.1", "1.2.1.1"]
