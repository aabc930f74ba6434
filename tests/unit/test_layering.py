"""The layers stay apart (see ARCHITECTURE.md): read from the source, so a change that crosses a
line fails here before it spreads."""
import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
BLUEPRINTS = ROOT / "blueprints"
DOMAIN = ROOT / "domain"
ROUTE_DECORATORS = {"get", "post", "put", "patch", "delete", "route"}
# Where a transaction may end by hand: the rule itself, the outbox's job runner (its lease needs a
# commit between claiming a message and sending it), and the two places the domain undoes its
# own failed writes (placing an order, a lost race for a return's token).
TRANSACTION_ENDS = {"domain/transaction.py": {"commit", "rollback"},
                    "domain/mailer.py": {"commit", "rollback"},
                    "domain/orders.py": {"rollback"},
                    "domain/returns/lifecycle.py": {"rollback"}}


def _modules(folder):
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path):
    """The absolute names of the modules `path` imports (from x import y gives x and x.y)."""
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    return _imports_in(path.read_text(), package)


def _imports_in(source, package):
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _defines_routes(path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "add_url_rule" or (
                    node.func.attr in ROUTE_DECORATORS and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "bp"):
                return True
    return False


def _blueprint_of(module):
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[0] == "blueprints" else None


VIEW_MODULES = {_name(p) for p in _modules(BLUEPRINTS) if _defines_routes(p)}


def test_the_view_modules_are_found():
    """The rule below has something to guard: the storefront's and back office's views."""
    assert {"blueprints.products.routes", "blueprints.cart.routes",
            "blueprints.checkout.oneclick", "blueprints.admin.returns"} <= VIEW_MODULES


def test_a_crossing_import_is_seen_however_it_is_written():
    """Relative, absolute and deferred imports of another blueprint's views all count."""
    source = ("from ..products.routes import product_context\n"
              "def f():\n    from blueprints.checkout import oneclick\n")
    assert {"blueprints.products.routes",
            "blueprints.checkout.oneclick"} <= _imports_in(source, "blueprints.cart")


def test_no_blueprint_imports_another_blueprints_views():
    """Page context several blueprints need lives in a context module, not in views."""
    crossings = {_name(path): sorted(m for m in _imports(path) if m in VIEW_MODULES
                                     and _blueprint_of(m) != _blueprint_of(_name(path)))
                 for path in _modules(BLUEPRINTS)}
    assert {module: found for module, found in crossings.items() if found} == {}


def test_only_entry_points_import_the_app_factory():
    """shop.py builds the app; everything else gets what it needs from below it."""
    paths = _modules(BLUEPRINTS) + _modules(DOMAIN) + [ROOT / "cli.py", ROOT / "worker.py"]
    assert [_name(p) for p in paths
            if any(m == "shop" or m.startswith("shop.") for m in _imports(p))] == []


def test_the_domain_never_imports_the_web_layer():
    """Rules stay usable from a CLI command or a worker job, which have no request."""
    web = {_name(path): sorted(m for m in _imports(path)
                               if m.split(".")[0] in ("blueprints", "shop")
                               or m in ("flask.request", "flask.session", "flask.g",
                                        "flask_login.current_user"))
           for path in _modules(DOMAIN)}
    assert {module: found for module, found in web.items() if found} == {}


def test_jobs_and_commands_need_no_page_code():
    """The worker and the command line run without a request: what they share with the pages
    (the photos' address, say) lives in the domain; from the web layer they take the email
    renderer only."""
    entry_points = [ROOT / "worker.py", ROOT / "cli.py", ROOT / "cli_backup.py"]
    assert {_name(p): sorted(m for m in _imports(p) if m.split(".")[0] == "blueprints"
                             and m.split(".")[:2] != ["blueprints", "mail"])
            for p in entry_points} == {_name(p): [] for p in entry_points}


def _transaction_ends(path):
    tree = ast.parse(path.read_text(), str(path))
    return {node.func.attr for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")}


def test_transactions_end_only_where_the_rule_says():
    """Views never commit or roll back: the request does (blueprints/transaction.py)."""
    ends = {path.relative_to(ROOT).as_posix(): _transaction_ends(path)
            for path in _modules(BLUEPRINTS) + _modules(DOMAIN)}
    assert {name: sorted(found - TRANSACTION_ENDS.get(name, set()))
            for name, found in ends.items() if found - TRANSACTION_ENDS.get(name, set())} == {}


REGISTRATION = re.compile(r"app_template_(filter|global)|add_app_template|jinja_env\.(filters|globals)"
                          r"|context_processor")


def test_template_helpers_are_registered_in_one_module():
    """Filters, globals and page-wide values come from blueprints/templating.py only."""
    registering = [_name(p) for p in _modules(BLUEPRINTS) if REGISTRATION.search(p.read_text())]
    assert registering == ["blueprints.templating"]
