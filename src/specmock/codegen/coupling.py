"""Spec coupling: do the handwritten generators still fit the spec as it is now?

The generators are read twice. Statically, every use of a generated enum member, model class or
model field is checked against models freshly generated from the spec, wherever it sits in the
code. Then the generators are imported against those fresh models, which catches what only runs
(registrations by operationId, `exhaustive` declarations, module-level uses).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import traceback
import types
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from pydantic import BaseModel

from specmock import coverage
from specmock.codegen.writer import Generated
from specmock.config import Config
from specmock.registry import load_generators
from specmock.spec.index import Operation, SpecIndex
from specmock.spec.media import is_json
from specmock.spec.paths import placeholders

_ENUM_ATTRS = frozenset(dir(Enum)) | {"value", "name", "_value_", "_name_"}


@dataclass(frozen=True)
class Problem:
    """One break between generators and spec, worded for the person who must fix it."""

    where: str  # file:line, relative to the project where possible
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def fresh_models(config: Config, generated: Generated) -> types.ModuleType:
    """Execute the freshly rendered models.py as `<package>.<api>.models` (not installed)."""
    name = f"{config.package}.{generated.api.name}.models"
    module = types.ModuleType(name)
    module.__file__ = str(config.output_dir / generated.api.name / "models.py")
    sys.modules[name] = module  # pydantic resolves postponed annotations through sys.modules
    try:
        exec(compile(generated.files["models.py"], module.__file__, "exec"), module.__dict__)  # noqa: S102
    finally:
        del sys.modules[name]
    return module


@contextmanager
def _project_imports(config: Config, *packages: str) -> Iterator[None]:
    """Import from the project's folders, with the named top-level packages unloaded meanwhile.

    The check may run from another checkout (a CI copy, a test's temporary project) than the one
    whose `mocks` or `generated` this process already imported.
    """
    tops = {p.split(".")[0] for p in packages}
    saved = {k: v for k, v in sys.modules.items() if k.split(".")[0] in tops}
    for key in saved:
        del sys.modules[key]
    old_path = list(sys.path)
    sys.path[:0] = config.import_paths
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.path[:] = old_path
        for key in [k for k in sys.modules if k.split(".")[0] in tops]:
            del sys.modules[key]
        sys.modules.update(saved)


def _install_models(config: Config, api: str, models: types.ModuleType) -> None:
    """Make `<package>.<api>.models` import as the fresh module."""
    package, sub = config.package, f"{config.package}.{api}"
    parent = types.ModuleType(package)
    parent.__path__ = [str(config.output_dir)]
    child = types.ModuleType(sub)
    child.__path__ = [str(config.output_dir / api)]
    child.models = models  # type: ignore[attr-defined]
    parent.__dict__[api] = child
    sys.modules.update({package: parent, sub: child, models.__name__: models})


def _relative(config: Config, file: str) -> str:
    path = Path(file)
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return file


def _module_files(config: Config, module: str) -> list[Path]:
    """The source files of a generators module or package, without importing it."""
    with _project_imports(config, module):
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
    if spec is None or spec.origin is None:
        return []
    if spec.submodule_search_locations:
        return sorted(p for loc in spec.submodule_search_locations for p in Path(loc).rglob("*.py"))
    return [Path(spec.origin)]


@dataclass(frozen=True)
class _Operations:
    """What the spec says of its operations, and the package of its handlers, for the reads."""

    parameters: dict[str, set[str]]  # operationId -> the spec names of its parameters
    fields: dict[str, tuple[str, set[str]]]  # operationId -> (success status, the fields its JSON body declares)
    callers: dict[str, set[str]]  # helper name -> the operations whose handlers reach it
    every_parameter: set[str]  # any operation's, and the path placeholders of the package's extra routes


class _Scanner(ast.NodeVisitor):
    """Finds uses of generated names in one file and checks them against the fresh models."""

    def __init__(
        self,
        models: types.ModuleType,
        models_module: str,
        who: str,
        where: str,
        source: str,
        operations: _Operations | None = None,
    ):
        self.models = models
        self.operations = operations or _Operations({}, {}, {}, set())
        self.who = who
        self.models_module = models_module
        self.api_module = models_module.rsplit(".", 1)[0]
        self.where = where
        self.source = source
        self.classes: dict[str, str] = {}  # local name -> generated class name
        self.modules: set[str] = set()  # local names bound to the models module
        self.problems: list[Problem] = []

    def report(self, node: ast.AST, message: str) -> None:
        self.problems.append(Problem(f"{self.where}:{getattr(node, 'lineno', 0)}", message))

    def missing_class(self, node: ast.AST, name: str) -> None:
        self.report(node, f"{self.who} uses {name}, which {self.source} no longer defines (schema removed or renamed)")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == self.models_module:
            for alias in node.names:
                if not hasattr(self.models, alias.name):
                    self.missing_class(node, alias.name)
                self.classes[alias.asname or alias.name] = alias.name
        elif node.module == self.api_module:
            self.modules.update(a.asname or a.name for a in node.names if a.name == "models")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == self.models_module and alias.asname:
                self.modules.add(alias.asname)

    def _class_of(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name) and node.id in self.classes:
            return self.classes[node.id]
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.modules:
            return node.attr
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name) and node.value.id in self.modules:
            if not hasattr(self.models, node.attr):
                self.missing_class(node, f"models.{node.attr}")
        cls_name = self._class_of(node.value)
        cls = getattr(self.models, cls_name, None) if cls_name else None
        if isinstance(cls, type) and issubclass(cls, Enum) and node.attr not in _ENUM_ATTRS:
            if node.attr not in cls.__members__:
                self.report(node, f"{self.who} uses {cls_name}.{node.attr}, which {self.source} no longer defines")
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Parameters read by name: of the operation a handler claims, or of some operation for a helper."""
        claimed, extra = _claims(node)
        if claimed in self.operations.fields:
            status, known = self.operations.fields[claimed]
            for returned in _returned_keys(node):
                for key_node, key in returned:
                    if key not in known:
                        self.report(
                            key_node,
                            f"{self.who} returns field `{key}` for {claimed}, which its {status} response "
                            f"in {self.source} no longer has",
                        )
        if not extra and self.operations.parameters:
            # a handler reads its own operation's parameters; a helper those of every handler that calls it
            ops = [claimed] if claimed is not None else sorted(self.operations.callers.get(node.name, ()))
            ops = [op for op in ops if op in self.operations.parameters]
            for line, name in _parameter_reads(node):
                lacking = [op for op in ops if name not in self.operations.parameters[op]]
                if lacking:
                    self.report(
                        line,
                        f"{self.who} reads parameter `{name}` of {', '.join(lacking)}, "
                        f"which {self.source} no longer defines",
                    )
                elif not ops and name not in self.operations.every_parameter:
                    self.report(
                        line, f"{self.who} reads parameter `{name}`, which no operation of {self.source} defines"
                    )
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        cls_name = self._class_of(node.func)
        cls = getattr(self.models, cls_name, None) if cls_name else None
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            known = set(cls.model_fields) | {f.alias for f in cls.model_fields.values() if f.alias}
            for keyword in node.keywords:
                if keyword.arg is not None and keyword.arg not in known:
                    self.report(
                        node,
                        f"{self.who} builds {cls_name}({keyword.arg}=...), but {cls_name} has no field "
                        f"{keyword.arg!r} in {self.source}",
                    )
        self.generic_visit(node)


def _claims(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str | None, bool]:
    """The operationId a function's `@<generators>.operation("...")` claims, and whether it is an
    extra route (`.route` or `.websocket`), whose parameters are not the spec's."""
    claimed, extra = None, False
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
            if decorator.func.attr == "operation" and decorator.args and isinstance(decorator.args[0], ast.Constant):
                claimed = str(decorator.args[0].value)
            elif decorator.func.attr in ("route", "websocket"):
                extra = True
    return claimed, extra


def _callers(trees: Sequence[ast.Module]) -> dict[str, set[str]]:
    """Which operations reach each function of the package, through calls by name from their handlers.

    Functions are known by name alone (a call `x.f(...)` or `f(...)` reaches every `def f`): an
    over-approximation that only widens the operations a helper's reads are checked against.
    """
    calls: dict[str, set[str]] = {}
    roots: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                called = calls.setdefault(node.name, set())
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name | ast.Attribute):
                        called.add(inner.func.id if isinstance(inner.func, ast.Name) else inner.func.attr)
                claimed, _ = _claims(node)
                if claimed is not None:
                    roots.setdefault(node.name, set()).add(claimed)
    reached: dict[str, set[str]] = {}
    for root, ops in roots.items():
        seen, todo = {root}, [root]
        while todo:
            for callee in calls.get(todo.pop(), ()):
                if callee in calls and callee not in seen:
                    seen.add(callee)
                    todo.append(callee)
        for name in seen - {root}:
            reached.setdefault(name, set()).update(ops)
    return reached


def _returned_keys(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[list[tuple[ast.AST, str]]]:
    """The string keys of every dict literal a function returns as it is (nested functions left out)."""
    out = []
    for node in (n for stmt in function.body for n in _walk_own(stmt)):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            keys: list[tuple[ast.AST, str]] = [
                (k, k.value) for k in node.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
            ]
            out.append(keys)
    return out


def _body_fields(index: SpecIndex, op: Operation) -> tuple[str, set[str]] | None:
    """The success status of an operation and the properties of its JSON body, where it names them."""
    for status in sorted(op.responses):
        if not status.startswith("2"):
            continue
        content = (index.resolve(op.responses[status]) or {}).get("content") or {}
        media = next((m for m in content if is_json(m)), None)
        schema = index.resolve((content.get(media) or {}).get("schema")) if media else None
        if not isinstance(schema, dict):
            return None
        parts = [schema, *(index.resolve(s) for s in schema.get("allOf") or [])]
        properties = {name for part in parts if isinstance(part, dict) for name in part.get("properties") or {}}
        return (status, properties) if properties else None
    return None


def _extra_placeholders(tree: ast.Module) -> list[str]:
    """The path placeholders of the extra routes a module declares (`@<generators>.route("/x/{key}")`)."""
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr in ("route", "websocket")
                    and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                ):
                    out += placeholders(str(decorator.args[0].value))
    return out


def _parameter_reads(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[ast.AST, str]]:
    """`x.params["name"]`, `x.params.get("name")` and the same through `p = x.params`, in a function
    (nested functions are read as their own)."""
    aliases: set[str] = set()
    body = [n for stmt in function.body for n in _walk_own(stmt)]
    for n in body:
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Attribute) and n.value.attr == "params":
            aliases.update(t.id for t in n.targets if isinstance(t, ast.Name))

    def is_params(expr: ast.expr) -> bool:
        return (isinstance(expr, ast.Attribute) and expr.attr == "params") or (
            isinstance(expr, ast.Name) and expr.id in aliases
        )

    reads: list[tuple[ast.AST, str]] = []
    for n in body:
        if isinstance(n, ast.Subscript) and is_params(n.value) and isinstance(n.slice, ast.Constant):
            reads.append((n, str(n.slice.value)))
        elif (
            isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in ("get", "pop")
            and is_params(n.func.value)
            and n.args
            and isinstance(n.args[0], ast.Constant)
        ):
            reads.append((n, str(n.args[0].value)))
    return reads


def _walk_own(node: ast.AST) -> list[ast.AST]:
    """Every node under `node`, nested function bodies left out."""
    out = [node]
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            out += _walk_own(child)
    return out


def static_problems(config: Config, generated: Generated, models: types.ModuleType) -> list[Problem]:
    """Uses of enum members, classes and fields that the fresh models do not have."""
    module = generated.api.generators
    if module is None:
        return []
    models_module = f"{config.package}.{generated.api.name}.models"
    parameters = {op.operation_id: {p.name for p in op.parameters} for op in generated.spec.index.operations}
    problems = []
    trees: list[tuple[str, ast.Module]] = []
    for file in _module_files(config, module):
        where = _relative(config, str(file))
        try:
            trees.append((where, ast.parse(file.read_text(encoding="utf-8"), filename=str(file))))
        except SyntaxError as exc:
            problems.append(Problem(f"{where}:{exc.lineno}", f"syntax error: {exc.msg}"))
    index = generated.spec.index
    # a helper may serve the package's extra routes too: their path placeholders are its own names
    extra = {name for _, tree in trees for name in _extra_placeholders(tree)}
    operations = _Operations(
        parameters,
        {op.operation_id: found for op in index.operations if (found := _body_fields(index, op)) is not None},
        _callers([tree for _, tree in trees]),
        set().union(*parameters.values(), extra),
    )
    source = generated.api.spec.as_posix()
    for where, tree in trees:
        scanner = _Scanner(models, models_module, module, where, source, operations)
        scanner.visit(tree)
        problems.extend(scanner.problems)
    return problems


def _import_failure(config: Config, module: str, exc: BaseException, files: list[Path]) -> Problem:
    """Name the generators' own line that failed, not a line inside the enum module or importlib."""
    mine = {str(f.resolve()) for f in files}
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if str(Path(f.filename).resolve()) in mine]
    frame = frames[-1] if frames else None
    where = f"{_relative(config, frame.filename)}:{frame.lineno}" if frame else ""
    return Problem(where, f"importing {module} against the spec as it is now fails: {type(exc).__name__}: {exc}")


def runtime_problems(config: Config, generated: Generated, models: types.ModuleType) -> list[Problem]:
    """Import the generators against the fresh models; check registrations and declared coverage."""
    module_name = generated.api.generators
    if module_name is None:
        return []
    source = generated.api.spec.as_posix()
    coverage.forget()
    problems: list[Problem] = []
    with _project_imports(config, module_name, config.package):
        _install_models(config, generated.api.name, models)
        try:
            registry = load_generators(module_name)
        except Exception as exc:  # noqa: BLE001 - any failure here is the generators' to report
            return [_import_failure(config, module_name, exc, _module_files(config, module_name))]
    operation_ids = {op.operation_id for op in generated.spec.index.operations}
    sites = registry.sites.items() if registry is not None else ()
    for op_id, (file, line) in sites:
        if op_id not in operation_ids:
            problems.append(
                Problem(
                    f"{_relative(config, file)}:{line}",
                    f"{module_name} has a generator for operation {op_id!r}, which {source} no longer has",
                )
            )
    for declared in coverage.declarations():
        enum = getattr(models, declared.enum, None)
        where = f"{_relative(config, declared.file)}:{declared.line}"
        if not (isinstance(enum, type) and issubclass(enum, Enum)):
            problems.append(
                Problem(where, f"{module_name} covers enum {declared.enum}, which {source} no longer defines")
            )
            continue
        spec_values = [str(m.value) for m in enum]
        for value in spec_values:
            if value not in declared.values:
                problems.append(
                    Problem(
                        where,
                        f"{source} adds {declared.enum}.{value}, which {module_name}'s "
                        "exhaustive mapping here does not cover",
                    )
                )
        for value in declared.values:
            if value not in spec_values:
                problems.append(
                    Problem(where, f"{module_name} covers {declared.enum}.{value}, which {source} no longer defines")
                )
    coverage.forget()
    return problems


def coupling_problems(config: Config, generated: Generated) -> list[Problem]:
    """Every spec-coupling break of one API's generators, each place named once."""
    if generated.api.generators is None:
        return []
    models = fresh_models(config, generated)
    found = static_problems(config, generated, models)
    places = {p.where for p in found}
    for problem in runtime_problems(config, generated, models):
        # an import that fails on a line already explained by the reading adds nothing
        if problem not in found and not (problem.message.startswith("importing ") and problem.where in places):
            found.append(problem)
    return found
