"""STYLE.md's dependency directions, enforced by reading the imports of every module."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "clearinghouse"
DOMAINS = ["issues", "processes", "feedback"]  # each may look only to the ones before it
REQUEST_GLOBALS = {"request", "g", "session", "abort", "render_template", "jsonify"}
PURE = ["processes/principles.py", "processes/power.py", "processes/phrases.py", "vocabulary.py",
        "charts.py", "chain.py"]


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Absolute names of the modules `path` imports, relative imports resolved."""
    package = ["clearinghouse", *path.relative_to(PACKAGE).parent.parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def flask_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and node.module == "flask" for alias in node.names}


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize("path", [p for p in modules() if p.name == "service.py"], ids=rel)
def test_services_never_touch_request_globals_or_views(path):
    assert not flask_names(path) & REQUEST_GLOBALS
    assert not {name for name in imported(path) if name.endswith((".views", ".api"))}


@pytest.mark.parametrize("path", [p for p in modules() if p.parts[-2] in DOMAINS
                                  and p.name not in ("views.py", "api.py")], ids=rel)
def test_domains_look_only_down_to_the_domains_before_them(path):
    """Views may ask any domain's service for what their page shows; the rest looks down."""
    own = DOMAINS.index(path.parts[-2])
    higher = {f"clearinghouse.{domain}" for domain in DOMAINS[own + 1:]}
    offending = {name for name in imported(path) if name.rsplit(".", 1)[0] in higher
                 or name in higher or any(name.startswith(h + ".") for h in higher)}
    assert not offending


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_no_framework_and_nothing_of_the_app(name):
    path = PACKAGE / name
    if not path.exists():
        pytest.skip(f"{name} does not exist yet")
    pure = tuple("clearinghouse." + module.removesuffix(".py").replace("/", ".")
                 for module in PURE)
    for module in imported(path):
        assert not module.startswith(("flask", "sqlalchemy")), f"{name} imports {module}"
        if module.startswith("clearinghouse"):
            assert module.startswith(pure), f"{name} imports {module}"


def test_only_search_imports_whoosh_and_only_feeds_imports_feedgen():
    for path in modules():
        names = imported(path)
        if rel(path) != "search.py":
            assert not any(n.startswith("whoosh") for n in names), rel(path)
        if rel(path) != "feeds.py":
            assert not any(n.startswith("feedgen") for n in names), rel(path)


def test_importing_the_package_creates_no_app():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    top_level_calls = [node for node in tree.body if isinstance(node, ast.Expr)
                       and isinstance(node.value, ast.Call)]
    assignments = [node for node in tree.body if isinstance(node, ast.Assign)
                   and isinstance(node.value, ast.Call)
                   and getattr(node.value.func, "id", "") == "create_app"]
    assert not top_level_calls
    assert not assignments
