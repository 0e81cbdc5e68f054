"""English and French (issue 17): nothing a person reads escapes the catalog, and the catalog is whole.

The rules live in scripts/i18n.py (also `python scripts/i18n.py check` / `unmarked` by hand):
- every template's text and the attributes people read or hear are inside {% translate %} or
  {% blocktranslate %}; labels, help texts, choices, messages and the errors people see go through gettext;
- the catalog holds exactly the strings the sources mark (extracted afresh into a copy of the project);
- every entry has a French text that is not fuzzy and keeps the placeholders and HTML tags.
"""

import importlib.util
import shutil
from pathlib import Path

import pytest
from django.conf import settings

_spec = importlib.util.spec_from_file_location("i18n_tool", Path(settings.BASE_DIR) / "scripts" / "i18n.py")
i18n = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n)

TEMPLATE_FOLDERS = sorted({p.relative_to(i18n.ROOT / "templates").parts[0] for p in i18n.template_files()})


@pytest.mark.parametrize("folder", TEMPLATE_FOLDERS)
def test_templates_have_no_unmarked_text(folder):
    root = i18n.ROOT / "templates"
    found = [
        f"{path.relative_to(root)}: {text}"
        for path in i18n.template_files()
        if path.relative_to(root).parts[0] == folder
        for text in i18n.unmarked_template_text(path.read_text())
    ]
    assert not found, "Mark these for translation:\n" + "\n".join(found)


@pytest.mark.parametrize("app", i18n.APPS)
def test_python_has_no_unmarked_text(app):
    errors = i18n.error_classes([p for a in i18n.APPS for p in i18n.python_files(a)])
    found = [
        f"{path.relative_to(i18n.ROOT)}:{line}: {why}"
        for path in i18n.python_files(app)
        for line, why in i18n.unmarked_python_text(path.read_text(), errors, i18n.is_models_module(path))
    ]
    assert not found, "Wrap these in gettext / gettext_lazy:\n" + "\n".join(found)


def test_the_scanners_find_unmarked_text():
    """The checks above can fail: text outside translate tags, and a literal label, are found."""
    assert i18n.unmarked_template_text('<p title="Shown">Hello {{ name }}</p>') == ['title="Shown"', "Hello"]
    assert i18n.unmarked_template_text("{% load i18n %}<p>{% translate 'Hello' %} {{ name }}</p>") == []
    assert i18n.unmarked_template_text("{% blocktranslate %}Hi {{ x }}{% endblocktranslate %} AP 1311") == []
    source = 'from django.utils.translation import gettext_lazy as _\nA = f(label="Name")\nB = f(label=_("Name"))\n'
    assert [line for line, _why in i18n.unmarked_python_text(source, set())] == [2]
    source = "class Status(TextChoices):\n    OPEN = 'open', 'Open'\n    SHUT = 'shut', _('Shut')\n"
    assert [line for line, _why in i18n.unmarked_python_text(source, set())] == [2]
    source = "class F:\n    class Meta:\n        labels = {'a': 'Your school', 'b': _('Yours')}\n"
    assert [line for line, _why in i18n.unmarked_python_text(source, set())] == [3]
    source = "def f():\n    raise RegistryError('No such account.')\n"
    assert [line for line, _why in i18n.unmarked_python_text(source, {"RegistryError"})] == [2]
    # A model field with no verbose name shows its attribute name, in English: flagged in models modules.
    source = (
        "class Entry(models.Model):\n"
        "    status = models.CharField(max_length=20)\n"
        "    owner = models.ForeignKey(User, on_delete=models.PROTECT)\n"
        "    units = models.ManyToManyField(to='accounts.OrgUnit')\n"
        "    name = models.CharField(_('name'), max_length=20)\n"
        "    plain = models.CharField('plain', max_length=20)\n"
        "    unit = models.ForeignKey(OrgUnit, verbose_name=_('unit'), on_delete=models.PROTECT)\n"
        "    note = models.TextField(verbose_name=_('note'))\n"
        "    class Meta:\n"
        "        ordering = models.F('name')\n"
    )
    found = i18n.unmarked_python_text(source, set(), models=True)
    assert [line for line, _why in found] == [2, 3, 4, 6]
    assert "status without a verbose name" in found[0][1]
    assert [line for line, _why in i18n.unmarked_python_text(source, set())] == [6]  # not a models module
    assert i18n.is_models_module(Path("registry/models.py")) and i18n.is_models_module(Path("x/models/entry.py"))
    assert not i18n.is_models_module(Path("registry/forms.py"))


def test_catalogs_are_complete():
    problems = i18n.catalog_problems()
    assert not problems, "\n".join(problems[:200])


def test_catalogs_hold_exactly_what_the_sources_mark():
    gettext_installed = shutil.which("xgettext") and shutil.which("msgmerge")
    assert gettext_installed, "Install GNU gettext (Debian: apt-get install gettext)"
    problems = i18n.source_problems()
    assert not problems, "Run `python scripts/i18n.py extract`, then translate:\n" + "\n".join(problems[:200])
