#!/usr/bin/env python3
"""The portal's translation catalogs (issue 17): locale/<lang>/LC_MESSAGES/{django,djangojs}.po.

python scripts/i18n.py compile   .po -> .mo with polib (no GNU gettext needed; make run/test do it)
python scripts/i18n.py extract   refresh the .po files from the sources (Django's makemessages, which
                                 needs GNU gettext's xgettext and msgmerge)
python scripts/i18n.py check     exit 1, with the reasons, if a catalog is not complete: an entry
                                 untranslated or fuzzy, a placeholder or tag lost in translation,
                                 or the sources holding a string the catalog lacks (or the reverse)
python scripts/i18n.py unmarked [PREFIX...]
                                 list the text people read that is not marked for translation
                                 (templates, labels, help texts, choices, messages, errors)
python scripts/i18n.py merge OTHER.po...
                                 fill the catalog's untranslated entries from other catalogs (after
                                 merging branches that each translated their part)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ["fr"]
# What makemessages must not read: tools, tests, vendored and generated files.
IGNORE = [
    "node_modules",
    "var",
    "staticfiles",
    "static/vendor",
    "benchmarks",
    "docs",
    "scripts",
    "tests",
    "*/tests/*",
    "*/migrations/*",
    "test-results",
]
COPY_IGNORE = [".git", ".venv", "node_modules", "var", "__pycache__", "*.mo", "test-results"]
DOMAINS = {"django": [], "djangojs": ["static/js"]}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")


def catalogs(root: Path = ROOT):
    for language in LANGUAGES:
        for domain in DOMAINS:
            path = root / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
            if path.exists():
                yield path


def compile_catalogs(root: Path = ROOT) -> int:
    for path in catalogs(root):
        mo = path.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < path.stat().st_mtime:
            polib.pofile(str(path)).save_as_mofile(str(mo))
            print(f"compiled {mo.relative_to(root)}")
    return 0


def extract(root: Path = ROOT) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "governance.settings", "DJANGO_READ_DOT_ENV": "false"}
    env.setdefault("SECRET_KEY", "makemessages-only")
    env.setdefault("DJANGO_DEBUG", "true")
    for language in LANGUAGES:
        (root / "locale" / language / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    for domain in DOMAINS:
        command = [sys.executable, "manage.py", "makemessages", "--domain", domain, "--no-obsolete", "--no-wrap"]
        command += ["--add-location=file"] + [f"--ignore={pattern}" for pattern in IGNORE]
        command += [f"--locale={language}" for language in LANGUAGES]
        subprocess.run(command, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (our own argv)


def _entry_problems(entry: polib.POEntry) -> list[str]:
    label = f"msgid {entry.msgid!r}" + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")
    if entry.obsolete:
        return [f"{label}: obsolete (run `python scripts/i18n.py extract`)"]
    if "fuzzy" in entry.flags:
        return [f"{label}: fuzzy"]
    translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    if not all(t.strip() for t in translations):
        return [f"{label}: not translated"]
    problems = []
    sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
    wanted = set(PLACEHOLDER.findall(" ".join(sources)))
    for translation in translations:
        if not set(PLACEHOLDER.findall(translation)) <= wanted or (
            not entry.msgid_plural and set(PLACEHOLDER.findall(translation)) != wanted
        ):
            problems.append(f"{label}: placeholders differ in {translation!r}")
        if Counter(TAG.findall(translation)) != Counter(TAG.findall(entry.msgid)):
            problems.append(f"{label}: HTML tags differ in {translation!r}")
    return problems


def catalog_problems(root: Path = ROOT) -> list[str]:
    """What is wrong with the committed catalogs themselves."""
    problems = []
    found = list(catalogs(root))
    if len(found) < len(LANGUAGES):
        problems.append("no catalog under locale/")
    for path in found:
        for entry in polib.pofile(str(path)):
            problems += [f"{path.relative_to(root)}: {p}" for p in _entry_problems(entry)]
    return problems


def _keys(path: Path) -> set[tuple[str, str, str]]:
    if not path.exists():
        return set()
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in polib.pofile(str(path)) if not e.obsolete}


def source_problems(root: Path = ROOT) -> list[str]:
    """Strings the sources mark that the catalog lacks, or the catalog holds that no source marks:
    extract into a copy of the project and compare with the committed catalog."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "project"
        shutil.copytree(
            root,
            copy,
            ignore=shutil.ignore_patterns(*COPY_IGNORE),
            symlinks=True,
        )
        extract(copy)
        for language in LANGUAGES:
            for domain in DOMAINS:
                relative = Path("locale") / language / "LC_MESSAGES" / f"{domain}.po"
                extracted, committed = _keys(copy / relative), _keys(root / relative)
                for ctxt, msgid, _plural in sorted(extracted - committed):
                    problems.append(f"{relative}: missing {msgid!r}" + (f" (context {ctxt!r})" if ctxt else ""))
                for _ctxt, msgid, _plural in sorted(committed - extracted):
                    problems.append(f"{relative}: no source marks {msgid!r} any more")
    return problems


# --- Unmarked text: what a person reads that no translation can reach --------------------------------
# Words that stay as they are in every language (names of standards and products, the policy's number).
KEEP = {"AP", "CSV", "SCIM", "API", "OpenAPI", "OneRoster", "JSON", "Swagger", "Redoc", "Entra", "Okta", "Django"}
HUMAN_ATTRIBUTES = r"aria-label|aria-description|aria-roledescription|aria-valuetext|title|alt|placeholder|data-confirm"
WORD = re.compile(r"[^\W\d_]{2,}")


def _words(text: str) -> list[str]:
    text = re.sub(r"&#?\w+;", " ", text)
    return [w for w in WORD.findall(text) if w not in KEEP]


def unmarked_template_text(source: str) -> list[str]:
    """Text of a template outside {% translate %} / {% blocktranslate %}: page text, and the
    attributes a person reads or hears (aria-label, title, alt, placeholder)."""
    from django.template.base import Lexer, TokenType

    pieces, skipping = [], None
    ends = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
    for token in Lexer(source).tokenize():
        name = token.contents.split()[0] if token.token_type == TokenType.BLOCK and token.contents else ""
        if skipping:
            if name == skipping:
                skipping = None
            continue
        if name in ends:
            skipping = ends[name]
            pieces.append("\x01")
        elif token.token_type == TokenType.TEXT:
            pieces.append(token.contents)
        elif token.token_type in (TokenType.VAR, TokenType.BLOCK):
            pieces.append("\x01")
    residue = "".join(pieces)
    residue = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", residue, flags=re.S | re.I)
    residue = re.sub(r"<!--.*?-->", " ", residue, flags=re.S)
    found = []
    for attribute, value in re.findall(rf'\b({HUMAN_ATTRIBUTES})\s*=\s*"([^"]*)"', residue):
        if _words(value):
            found.append(f'{attribute}="{value.strip()}"')
    for line in re.sub(r"<[^>]*>", " ", residue).replace("\x01", " ").splitlines():
        if _words(line):
            found.append(line.strip())
    return found


MARKERS = {
    "_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy", "gettext_noop", "format_lazy",
}  # fmt: skip
TEXT_KEYWORDS = {
    "verbose_name", "verbose_name_plural", "help_text", "label", "empty_label", "description",
    "empty_value_display", "short_description",
}  # fmt: skip
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def is_models_module(path: Path) -> bool:
    """models.py, or a module of a models/ package: where a field without a verbose name shows its
    attribute name (English) in the admin, ModelForms and filters."""
    return path.name == "models.py" or "models" in path.parts[:-1]


def _unnamed_field(call) -> bool:
    """A model field declared without a verbose name: neither a first positional string or gettext call
    (ordinary fields; a relation's first argument is its model) nor verbose_name=."""
    import ast

    func = _name(call.func)
    if not (func.endswith("Field") or func in RELATION_FIELDS):
        return False
    if any(keyword.arg == "verbose_name" for keyword in call.keywords):
        return False
    if func in RELATION_FIELDS or not call.args:
        return True
    first = call.args[0]
    named = isinstance(first, ast.Constant) and isinstance(first.value, str)
    return not (named or (isinstance(first, ast.Call) and _name(first.func) in MARKERS))


def _literal_text(node) -> bool:
    """A string literal (or f-string, or a literal joined with + or %) with words in it."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_words(re.sub(r"<[^>]*>|\{[^}]*\}|%\(\w+\)\w", " ", node.value)))
    if isinstance(node, ast.JoinedStr):
        return any(_literal_text(v) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _literal_text(node.left) or (isinstance(node.op, ast.Add) and _literal_text(node.right))
    return False


def _name(node) -> str:
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def error_classes(files: list[Path]) -> set[str]:
    """ValidationError, and every class that extends core.errors.DomainError, by name."""
    import ast

    known, classes = {"ValidationError", "DomainError"}, []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                classes.append((node.name, {_name(b) for b in node.bases}))
    grew = True
    while grew:
        grew = False
        for name, bases in classes:
            if name not in known and bases & known:
                known.add(name)
                grew = True
    return known


def unmarked_python_text(source: str, errors: set[str], models: bool = False) -> list[tuple[int, str]]:
    """String literals that reach people without gettext: field and form labels, help texts,
    admin descriptions, choices, messages, and the errors a person is shown; in a models module
    (`models`), the fields with no verbose name at all (Django would show the attribute's name)."""
    import ast

    found = []
    tree = ast.parse(source)

    def flag(node, why):
        found.append((node.lineno, f"{why}: {ast.get_source_segment(source, node)[:80]}"))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = _name(node.func)
            if func in MARKERS:
                continue
            for keyword in node.keywords:
                if keyword.arg in TEXT_KEYWORDS and _literal_text(keyword.value):
                    flag(keyword.value, keyword.arg)
                if keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    for choice in keyword.value.elts:
                        if isinstance(choice, ast.Tuple) and choice.elts and _literal_text(choice.elts[-1]):
                            flag(choice.elts[-1], "choice label")
            if func.endswith("Field") and node.args and _literal_text(node.args[0]):
                flag(node.args[0], "verbose name")
            is_messages = isinstance(node.func, ast.Attribute) and _name(node.func.value) == "messages"
            levels = {"success", "info", "warning", "error", "debug"}
            if is_messages and func in levels and len(node.args) > 1 and _literal_text(node.args[1]):
                flag(node.args[1], "message")
            if is_messages and func == "add_message" and len(node.args) > 2 and _literal_text(node.args[2]):
                flag(node.args[2], "message")
            if func == "add_error" and len(node.args) > 1 and _literal_text(node.args[1]):
                flag(node.args[1], "form error")
            if func in errors and node.args:
                first = node.args[0]
                values = first.values if isinstance(first, ast.Dict) else [first]
                for value in values:
                    if _literal_text(value):
                        flag(value, func)
            if func == "format_html" and node.args and _literal_text(node.args[0]):
                flag(node.args[0], "format_html")
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                human = isinstance(key, ast.Constant) and key.value in {"placeholder", "aria-label", "title"}
                if human and _literal_text(value):
                    flag(value, key.value)
        elif isinstance(node, ast.ClassDef):
            choices = {_name(b) for b in node.bases} & CHOICES_BASES
            for statement in node.body:
                if not isinstance(statement, ast.Assign) or not isinstance(statement.targets[0], ast.Name):
                    continue
                target, value = statement.targets[0].id, statement.value
                if node.name == "Meta" and target in {"verbose_name", "verbose_name_plural"} and _literal_text(value):
                    flag(value, target)
                # A form's Meta.labels / help_texts / error_messages: {"field": "text"}.
                if node.name == "Meta" and target in {"labels", "help_texts"} and isinstance(value, ast.Dict):
                    for text in value.values:
                        if _literal_text(text):
                            flag(text, f"Meta.{target}")
                if models and node.name != "Meta" and isinstance(value, ast.Call) and _unnamed_field(value):
                    flag(value, f"field {target} without a verbose name")
                if choices and not target.startswith("_"):
                    if isinstance(value, ast.Tuple) and value.elts and _literal_text(value.elts[-1]):
                        flag(value.elts[-1], "choice label")
                    elif isinstance(value, ast.Constant):
                        flag(value, "choice without a translated label")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                described = isinstance(target, ast.Attribute) and target.attr == "short_description"
                if described and _literal_text(node.value):
                    flag(node.value, "short_description")
    return found


APPS = [
    "accounts", "api", "approvals", "audit", "catalogue", "consent", "core", "directory", "governance",
    "moderation", "notifications", "offboarding", "outreach", "oversight", "registry",
]  # fmt: skip
SKIP_PARTS = {"tests", "migrations", "management"}


def python_files(app: str, root: Path = ROOT) -> list[Path]:
    return sorted(
        p
        for p in (root / app).rglob("*.py")
        if not SKIP_PARTS & set(p.relative_to(root).parts) and p.name not in {"factories.py", "settings.py"}
    )


def template_files(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / "templates").rglob("*") if p.suffix in {".html", ".txt"})


def unmarked(root: Path = ROOT) -> list[str]:
    """Every unmarked string, as `path:line: why` (templates: `path: text`)."""
    problems = []
    for path in template_files(root):
        problems += [f"{path.relative_to(root)}: {t}" for t in unmarked_template_text(path.read_text())]
    every = [p for app in APPS for p in python_files(app, root)]
    errors = error_classes(every)
    for path in every:
        for line, why in unmarked_python_text(path.read_text(), errors, is_models_module(path)):
            problems.append(f"{path.relative_to(root)}:{line}: {why}")
    return problems


def merge(others: list[str], root: Path = ROOT) -> int:
    """Fill untranslated entries of each committed catalog from the same entries of other catalogs."""
    known = {}
    for other in others:
        for entry in polib.pofile(other):
            if entry.translated() and "fuzzy" not in entry.flags:
                known[(entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")] = entry
    for path in catalogs(root):
        catalog, filled = polib.pofile(str(path)), 0
        for entry in catalog:
            source = known.get((entry.msgctxt or "", entry.msgid, entry.msgid_plural or ""))
            if source is not None and not entry.translated():
                entry.msgstr, entry.msgstr_plural = source.msgstr, dict(source.msgstr_plural)
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                filled += 1
        catalog.wrapwidth = 0
        catalog.save()
        print(f"{path.relative_to(root)}: {filled} entries filled")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"compile", "extract", "check", "merge", "unmarked"}:
        print(__doc__)
        return 2
    if argv[0] == "compile":
        return compile_catalogs()
    if argv[0] == "extract":
        extract()
        return 0
    if argv[0] == "merge":
        return merge(argv[1:])
    if argv[0] == "unmarked":
        # Reads Django's template lexer only: no settings needed.
        sys.path.insert(0, str(ROOT))
        problems = [p for p in unmarked() if not argv[1:] or any(p.startswith(a) for a in argv[1:])]
        print("\n".join(problems))
        print(f"{len(problems)} unmarked string(s)")
        return 1 if problems else 0
    problems = catalog_problems() + source_problems()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "The catalogs are complete.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
