"""The map stays true: the layer contract holds, and the docs and the README name every app."""

import configparser
import re
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def _contract():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def _apps() -> set[str]:
    """Every app of ours: a top-level package with an apps.py, plus the project package."""
    return {p.parent.name for p in ROOT.glob("*/apps.py")} | {"governance"}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip() and not line.strip().startswith(";")]


def test_no_app_imports_one_above_it_and_no_module_circles(tmp_path):
    # Exit code 0 only when every contract in .importlinter is kept (function-local imports included).
    assert lint_imports(config_filename=str(ROOT / ".importlinter"), cache_dir=str(tmp_path), no_logo=True) == 0


def test_every_app_is_in_the_contract_and_in_a_layer():
    config = _contract()
    roots = set(_lines(config["importlinter"]["root_packages"]))
    layered = {
        app.strip() for line in _lines(config["importlinter:contract:layers"]["layers"]) for app in line.split("|")
    }
    assert roots == _apps()
    assert layered == _apps()


def test_the_architecture_doc_shows_the_contracts_layers():
    doc = (ROOT / "docs" / "architecture.md").read_text()
    block = re.search(r"<!-- layers.*?-->\s*```\n(.*?)```", doc, re.S).group(1)
    assert _lines(block) == _lines(_contract()["importlinter:contract:layers"]["layers"])
    for app in _apps():
        assert f"| `{app}/` |" in doc, f"docs/architecture.md does not describe {app}/"


def test_the_readme_code_map_names_every_app():
    readme = (ROOT / "README.md").read_text()
    code_map = readme.split("## Map of the code", 1)[1]
    for app in _apps():
        assert re.search(rf"^{app}/\s", code_map, re.M), f"README's code map does not name {app}/"
