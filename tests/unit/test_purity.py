"""The pure modules import only the standard library (style.md rule 15).

Each check runs in a fresh interpreter: in this one, other tests have long since imported Flask.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "fieldlog.periods",
    "fieldlog.obligations",
    "fieldlog.vocab",
    "fieldlog.catalogue",
    "fieldlog.grading",
    "fieldlog.textcheck",
]

# Prints the modules that importing the given ones added, other than stdlib and fieldlog's own.
PROBE = """
import importlib, json, sys
before = set(sys.modules)
for name in sys.argv[1:]:
    importlib.import_module(name)
added = set(sys.modules) - before
tops = {m: m.split(".")[0] for m in added}
foreign = sorted(m for m, top in tops.items() if top not in sys.stdlib_module_names | {"fieldlog"})
own = sorted(m for m, top in tops.items() if top == "fieldlog")
print(json.dumps({"foreign": foreign, "fieldlog": own}))
"""


def _imports(*modules: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_neither_flask_nor_sqlalchemy(module):
    added = _imports(module)
    tops = {m.split(".")[0] for m in added["foreign"]}
    assert "flask" not in tops
    assert "sqlalchemy" not in tops
    assert added["foreign"] == [], "only the standard library may be imported"


def test_all_pure_modules_together_stay_pure():
    added = _imports(*PURE)
    assert added["foreign"] == []
    # Nothing beyond the package root, its config and the pure modules themselves.
    assert set(added["fieldlog"]) <= {"fieldlog", "fieldlog.config", *PURE}


def test_the_probe_does_see_flask_when_it_is_imported():
    """Guards the check above: a module that does use Flask must show up as impure."""
    added = _imports("fieldlog.extensions")
    tops = {m.split(".")[0] for m in added["foreign"]}
    assert {"flask", "sqlalchemy"} <= tops
