"""Generate the typed operation namespaces (``carecloud_openapi.typed``) from the spec.

Runs inside ``make generate`` after openapi-python-client: it reads the
normalized spec (tags, APIs, summaries, parameter descriptions, list fields)
and the freshly generated endpoint and model modules (Python types of every
parameter and of each answer's ``data``), and writes, per API and tag, one
module with a class whose methods forward to the client's dynamic path
(``carecloud_openapi.namespaces``, copied from ``openapi/runtime/``). Generated
code imports nothing from ``carecloud_async`` at run time; the annotations name
its public ``Page``. Names follow ``carecloud_async._naming``. Nothing here is written per
operation by hand: a new spec regenerates everything.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carecloud_async._naming import (
    method_name,
    namespace_name,
    pages_name,
    paginate_name,
    reference_url,
    snake_case,
)
from scripts._fixes import API_EXTENSION, DATETIME_EXTENSION, LIST_FIELD_EXTENSION
from scripts._spec import Spec, iter_operations, resolve_ref

PACKAGE = "carecloud_openapi"
TYPED = "typed"
API_TITLES = {"enterprise": "Enterprise API", "customer": "Customer API"}
API_CLASSES = {"enterprise": "EnterpriseNamespaces", "customer": "CustomerNamespaces"}
BUILTIN_NAMES = frozenset({"str", "int", "float", "bool", "list", "dict", "Any", "None"})
PAGE_OPTIONS = ("count", "offset")
OPTION_PARAMS = """
        accept_language: str | None = None,
        timeout: httpx.Timeout | float | None = None,
        deadline: float | None = None,
        headers: Mapping[str, str] | None = None,
        retry_unsafe: bool = False,"""
OPTION_ARGS = (
    "accept_language=accept_language, timeout=timeout, deadline=deadline, "
    "headers=headers, retry_unsafe=retry_unsafe"
)
PAGE_PARAMS = """
        page_size: int = 100,
        max_items: int | None = None,
        start_offset: int = 0,
        concurrency: int = 1,"""
PAGE_ARGS = (
    "page_size=page_size, max_items=max_items, start_offset=start_offset, concurrency=concurrency"
)
OPTIONS_DOC = (
    "Per-call options: ``accept_language``, ``timeout`` (per attempt), ``deadline`` "
    "(all attempts), ``headers``, ``retry_unsafe``."
)
PAGE_DOC = (
    "Paging: ``page_size`` (1..1000), ``max_items``, ``start_offset``, ``concurrency`` "
    "(pages in flight); close the iterator when stopping early "
    "(``contextlib.aclosing``). An item that does not match the schema is kept as read, "
    "skipped, given as its plain dict or raised, as ``on_invalid_item`` says "
    "(``keep``/``skip``/``raw``/``raise``); ``raw=True`` gives plain dicts throughout, "
    '``raw="bytes"`` each item\'s JSON text as the server sent it.'
)
STATS_DOC = "``stats`` (a ``WalkStats``) is filled in as pages arrive."
RAW_ITEM = "dict[str, Any]"
"""What ``raw=True`` (or an invalid item under ``on_invalid_item="raw"``) gives."""
TEXT_ITEM = "bytes"
"""What ``raw="bytes"`` gives: each item's JSON text."""
WALK_VARIANTS = (
    # (on_invalid_item, raw, item type rendered from the model's item type "{item}")
    ('Literal["keep", "skip", "raise"] | None = None', "Literal[False] = False", "{item}"),
    ("InvalidItemPolicy | None = None", "Literal[True]", RAW_ITEM),
    ("InvalidItemPolicy | None = None", 'Literal["bytes"]', TEXT_ITEM),
    ("InvalidItemPolicy | None = None", "bool = False", "{item} | " + RAW_ITEM),
)
"""The overloads of ``paginate_*`` / ``pages_*``: typed items unless raw ones may come."""
WALK_IMPLEMENTATION = (
    "InvalidItemPolicy | None = None",
    'bool | Literal["bytes"] = False',
    "{item} | " + RAW_ITEM + " | " + TEXT_ITEM,
)
"""The implementation's signature: every variant's arguments and items."""


_KEEP = "\x00"


class TypedSurfaceError(RuntimeError):
    """The generated code has a shape this step does not understand."""


@dataclass
class ModelIndex:
    """Class name -> (module, field annotations, enum values) over ``models/``."""

    modules: dict[str, str] = field(default_factory=dict)
    fields: dict[str, dict[str, ast.expr]] = field(default_factory=dict)
    enum_values: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, models_dir: Path) -> ModelIndex:
        index = cls()
        for path in sorted(models_dir.glob("*.py")):
            if path.name == "__init__.py":
                continue
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if not isinstance(node, ast.ClassDef):
                    continue
                index.modules[node.name] = path.stem
                index.fields[node.name] = {
                    stmt.target.id: stmt.annotation
                    for stmt in node.body
                    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                }
                if any(ast.unparse(base).endswith("Enum") for base in node.bases):
                    index.enum_values[node.name] = [
                        stmt.value.value
                        for stmt in node.body
                        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
                    ]
        return index


def _union_parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_parts(node.left) + _union_parts(node.right)
    return [node]


def _without_unset(node: ast.expr) -> list[ast.expr]:
    return [p for p in _union_parts(node) if not (isinstance(p, ast.Name) and p.id == "Unset")]


def _names(nodes: list[ast.expr]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _accepted(part: ast.expr, index: ModelIndex) -> list[str]:
    """What a call may pass where the endpoint declares ``part``: the same as the client's
    input checks take. An enum also takes its plain values (a ``Literal``), a list any
    sequence (a tuple, or one plain value, which a ``str`` item type already covers)."""
    if (
        isinstance(part, ast.Subscript)
        and isinstance(part.value, ast.Name)
        and part.value.id == "list"
    ):
        return [f"Sequence[{' | '.join(_accepted(part.slice, index))}]"]
    rendered = [ast.unparse(part)]
    values = list(dict.fromkeys(index.enum_values.get(rendered[0], [])))
    if values and all(isinstance(v, str) for v in values):
        rendered.append(f"Literal[{', '.join(repr(v) for v in values)}]")
    elif values and all(type(v) is int for v in values):
        rendered.append(f"Literal[{', '.join(str(v) for v in values)}]")
    return rendered


DATETIME_TYPES = {"datetime": "datetime", "date": "date"}
"""``x-carecloud-datetime`` kind -> the Python type a query parameter takes besides ``str``."""


@dataclass
class Param:
    name: str
    kind: str  # "path", "query", "header" or "body"
    required: bool
    parts: list[ast.expr]
    description: str
    datetime_kind: str | None = None
    """``datetime`` or ``date`` for a query parameter the spec marks ``x-carecloud-datetime``."""

    def annotation(self, index: ModelIndex) -> str:
        rendered = [text for part in self.parts for text in _accepted(part, index)]
        if self.kind == "body":
            rendered.append("Mapping[str, Any]")
        if self.datetime_kind is not None:
            rendered.append(DATETIME_TYPES[self.datetime_kind])
        text = " | ".join(rendered)
        return text if self.required else f"{text} | None"


@dataclass
class Op:
    operation_id: str
    method: str
    path: str
    tag: str
    apis: tuple[str, ...]
    list_field: str | None
    summary: str
    module: str  # dotted endpoint module
    params: list[Param]
    returns: list[ast.expr] | None  # None: no content
    item: ast.expr | None
    listed: tuple[str, str, ast.expr] | None = None
    """A list answer's data class, its list attribute and that list's type."""

    @property
    def name(self) -> str:
        return method_name(self.operation_id)

    @property
    def listed_name(self) -> str:
        """The class type checkers see for a list answer's ``data`` (``typed.lists``)."""
        return "".join(word.capitalize() for word in snake_case(self.operation_id).split("_"))

    def returns_text(self) -> str:
        if self.returns is None:
            return "None"
        if self.listed is not None:
            return self.listed_name + "Data"
        return " | ".join(ast.unparse(r) for r in self.returns)


def _clean(text: str) -> str:
    """Spec prose made safe and compact for a docstring."""
    text = " ".join(str(text).split())
    return text.replace("\\", "\\\\").replace('"""', "'''")


def _spec_params(spec: Spec, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for raw in operation.get("parameters", []):
        param = resolve_ref(spec, raw["$ref"]) if "$ref" in raw else raw
        found[snake_case(param["name"])] = param
    return found


def _body_doc(spec: Spec, body: Any) -> str:
    """The request body's description and its required top-level fields."""
    if not isinstance(body, dict):
        return ""
    if "$ref" in body:
        body = resolve_ref(spec, body["$ref"])
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = resolve_ref(spec, schema["$ref"])
    parts = [_clean(body.get("description", ""))]
    required = [str(name) for name in schema.get("required", [])]
    if required:
        parts.append(f"Required fields: {', '.join(required)}.")
    return " ".join(part for part in parts if part)


def _kwargs_params(
    tree: ast.Module, spec_params: dict[str, dict[str, Any]], body_doc: str
) -> list[Param]:
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_get_kwargs")
    args = func.args
    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = list(zip(positional, defaults, strict=True))
    pairs += list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
    params = []
    for arg, default in pairs:
        if arg.annotation is None:
            raise TypedSurfaceError(f"untyped parameter {arg.arg}")
        datetime_kind = None
        if arg.arg == "body":
            kind, description = "body", body_doc
        else:
            spec_param = spec_params.get(arg.arg, {})
            kind = spec_param.get("in", "query")
            description = _clean(spec_param.get("description", ""))
            if kind == "query":
                datetime_kind = spec_param.get(DATETIME_EXTENSION)
        parts = _without_unset(arg.annotation)
        params.append(Param(arg.arg, kind, default is None, parts, description, datetime_kind))
    return params


def _success_model(tree: ast.Module) -> str | None:
    func = next(
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_parse_response"
    )
    for stmt in func.body:
        if not isinstance(stmt, ast.If):
            continue
        test = stmt.test
        if not (
            isinstance(test, ast.Compare)
            and isinstance(test.comparators[0], ast.Constant)
            and isinstance(test.comparators[0].value, int)
            and 200 <= test.comparators[0].value < 300
        ):
            continue
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "from_dict"
                and isinstance(node.func.value, ast.Name)
            ):
                return node.func.value.id
        return None
    raise TypedSurfaceError("no 2xx answer")


def _endpoint_modules(package_dir: Path) -> dict[tuple[str, str], str]:
    found = {}
    for init in sorted((package_dir / "api").glob("*/__init__.py")):
        for node in ast.parse(init.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "ENDPOINTS":
                assert node.value is not None
                for module, key in ast.literal_eval(node.value).items():
                    found[tuple(key)] = f"{PACKAGE}.api.{init.parent.name}.{module}"
    return found


def read_operations(spec: Spec, package_dir: Path, index: ModelIndex) -> list[Op]:
    modules = _endpoint_modules(package_dir)
    ops = []
    for path, method, operation in iter_operations(spec):
        module = modules[(method.upper(), path)]
        source = package_dir / Path(*module.split(".")[1:]).with_suffix(".py")
        tree = ast.parse(source.read_text(encoding="utf-8"))
        body_doc = _body_doc(spec, operation.get("requestBody"))
        params = _kwargs_params(tree, _spec_params(spec, operation), body_doc)
        model = _success_model(tree)
        returns: list[ast.expr] | None = None
        item = None
        listed = None
        list_field = operation.get(LIST_FIELD_EXTENSION)
        if model is not None:
            data = index.fields.get(model, {}).get("data")
            returns = _without_unset(data) if data is not None else [ast.Name("Any")]
            if list_field:
                if data is None:
                    raise TypedSurfaceError(f"{operation['operationId']}: a list without data")
                (data_class,) = _without_unset(data)
                data_fields = index.fields[ast.unparse(data_class)]
                attribute = list_field if list_field in data_fields else f"{list_field}_"
                (list_type,) = _without_unset(data_fields[attribute])
                assert isinstance(list_type, ast.Subscript)
                item = list_type.slice
                listed = (ast.unparse(data_class), attribute, list_type)
        tags = operation.get("tags") or ["default"]
        ops.append(
            Op(
                operation_id=operation["operationId"],
                method=method.upper(),
                path=path,
                tag=tags[0],
                apis=tuple(operation[API_EXTENSION]),
                list_field=list_field,
                summary=_clean(operation.get("summary", "")),
                module=module,
                params=params,
                returns=returns,
                item=item,
                listed=listed,
            )
        )
    return ops


def _wrap(text: str, indent: str, hanging: str = "") -> list[str]:
    """Wrapped lines; ``METHOD /path`` (joined by a no-break marker) stays on one line."""
    lines = textwrap.wrap(
        text,
        width=96,
        initial_indent=indent,
        subsequent_indent=indent + hanging,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return [line.replace(_KEEP, " ") for line in lines]


def _docstring(op: Op, intro: str, returns: str, extra: str, skip: tuple[str, ...] = ()) -> str:
    ind = " " * 8
    lines = _wrap(intro, ind)
    lines.append("")
    served = " and the ".join(API_TITLES[api] for api in op.apis)
    lines += _wrap(f"Served by the {served}. Operation ``{op.operation_id}``.", ind)
    lines.append(f"{ind}Reference: {reference_url(op.operation_id)}")
    shown = [p for p in op.params if p.name != "accept_language" and p.name not in skip]
    if shown:
        lines += ["", f"{ind}Args:"]
        for p in shown:
            need = "required" if p.required else "optional"
            where = "request body, a model or a plain dict" if p.kind == "body" else p.kind
            desc = f" {p.description}" if p.description else ""
            lines += _wrap(f"{p.name}: ({need}, {where}).{desc}", ind + "    ", "    ")
    lines += ["", *_wrap(extra, ind), "", f"{ind}Returns:", *_wrap(returns, ind + "    ", "    ")]
    return '"""' + "\n".join(lines).lstrip() + f"\n{ind}" + '"""'


def _dicts(params: list[Param], skip: tuple[str, ...] = ()) -> str:
    required = ", ".join(f"{p.name!r}: {p.name}" for p in params if p.required)
    optional = ", ".join(
        f"{p.name!r}: {p.name}" for p in params if not p.required and p.name not in skip
    )
    return f"{{{required}}}, {{{optional}}}"


def _signature(params: list[Param], index: ModelIndex, skip: tuple[str, ...] = ()) -> str:
    ordered = [p for p in params if p.required] + [p for p in params if not p.required]
    lines = []
    for p in ordered:
        if p.name in skip or p.name == "accept_language":
            continue
        default = "" if p.required else " = None"
        lines.append(f"\n        {p.name}: {p.annotation(index)}{default},")
    return "".join(lines)


def _walk_methods(op: Op, index: ModelIndex, params: list[Param]) -> str:
    """``paginate_*`` and ``pages_*``: overloads by ``raw`` / ``on_invalid_item``, then
    the implementation, which forwards to the client's ``paginate`` / ``pages``."""
    assert op.item is not None
    item = ast.unparse(op.item)
    filters = _signature(params, index, PAGE_OPTIONS)
    args = _dicts(params, PAGE_OPTIONS)
    where = f"``{op.method}{_KEEP}{op.path}``"
    walks = (
        (
            paginate_name(op.operation_id),
            "{}",
            f"Every item of {where} ({op.summary}), page after page.",
            f"{PAGE_DOC} {STATS_DOC} {OPTIONS_DOC}",
            "_paginate",
            "on_invalid_item=on_invalid_item, raw=raw, stats=stats",
        ),
        (
            pages_name(op.operation_id),
            "Page[{}]",
            f"Whole pages of {where} ({op.summary}), with offset and total_items.",
            f"{PAGE_DOC} {OPTIONS_DOC}",
            "_pages",
            "on_invalid_item=on_invalid_item, raw=raw",
        ),
    )
    out = []
    for walk, wraps, intro, extra, forward, walk_args in walks:
        stats = "\n        stats: WalkStats | None = None," if "stats" in walk_args else ""
        signatures = []
        for policy, raw, item_type in (*WALK_VARIANTS, WALK_IMPLEMENTATION):
            signatures.append(
                f"""
    def {walk}(
        self,
        *,{filters}{PAGE_PARAMS}
        on_invalid_item: {policy},
        raw: {raw},{stats}{OPTION_PARAMS}
    ) -> AsyncGenerator[{wraps.format(item_type.format(item=item))}, None]:"""
            )
        out += [f"\n    @overload{signature} ...\n" for signature in signatures[:-1]]
        returns = (
            f"An async generator of ``{wraps.format(item)}`` "
            f"(``raw=True``: ``{wraps.format(RAW_ITEM)}``; "
            f'``raw="bytes"``: ``{wraps.format(TEXT_ITEM)}``).'
        )
        out.append(
            f"""{signatures[-1]}
        {_docstring(op, intro, returns, extra, PAGE_OPTIONS)}
        return self.{forward}(
            {op.module!r}, {args}, {PAGE_ARGS}, {walk_args}, {OPTION_ARGS}
        )
"""
        )
    return "".join(out)


def _methods(op: Op, index: ModelIndex) -> list[str]:
    returns = op.returns_text()
    returns_doc = (
        "None (the answer has no content)."
        if op.returns is None
        else f"The answer's ``data`` (``{returns}``)."
    )
    if op.listed is not None:
        returns_doc += f" Its ``{op.listed[1]}`` list is always there: an answer without it is a ``ResponseParseError``."
    params = [p for p in op.params if p.name != "accept_language"]
    out = [
        f"""
    async def {op.name}(
        self,
        *,{_signature(params, index)}{OPTION_PARAMS}
    ) -> {returns}:
        {_docstring(op, f"``{op.method}{_KEEP}{op.path}``: {op.summary}", returns_doc, OPTIONS_DOC)}
        return await self._call(
            {op.module!r}, {_dicts(params)}, {OPTION_ARGS}
        )
"""
    ]
    if op.list_field and op.item is not None:
        out.append(_walk_methods(op, index, params))
    return out


def _class_name(tag_attr: str) -> str:
    return "".join(part.capitalize() for part in tag_attr.strip("_").split("_"))


def _imports(ops: list[Op], index: ModelIndex) -> list[str]:
    names: set[str] = set()
    listed: set[str] = set()
    for op in ops:
        for p in op.params:
            names |= _names(p.parts)
        if op.listed is not None:
            listed.add(op.returns_text())
        elif op.returns:
            names |= _names(op.returns)
        if op.item is not None:
            names |= _names([op.item])
    lines = []
    for name in sorted(names - BUILTIN_NAMES):
        if name not in index.modules:
            raise TypedSurfaceError(f"cannot locate type {name}")
        lines.append(f"    from {PACKAGE}.models.{index.modules[name]} import {name}")
    lines += [f"    from {PACKAGE}.{TYPED}.lists import {name}" for name in sorted(listed)]
    return lines


def tag_module_source(api: str, tag: str, ops: list[Op], index: ModelIndex) -> str:
    attr = namespace_name(tag)
    body = [m for op in ops for m in _methods(op, index)]
    header = f'''"""``client.{attr}``: operations tagged "{_clean(tag)}" served by the {API_TITLES[api]}."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from {PACKAGE}.namespaces import Namespace

if TYPE_CHECKING:
    from datetime import date, datetime

    import httpx
    from carecloud_async import InvalidItemPolicy, Page, WalkStats
{chr(10).join(_imports(ops, index))}

__all__ = ["{_class_name(attr)}"]


class {_class_name(attr)}(Namespace):
    """Operations tagged "{_clean(tag)}" ({API_TITLES[api]})."""

    __slots__ = ()
'''
    return header + "".join(body)


def api_package_source(api: str, tags: dict[str, list[Op]]) -> str:
    attrs = sorted((namespace_name(tag), tag, len(ops)) for tag, ops in tags.items())
    imports = "\n".join(f"    from . import {attr} as _{attr}" for attr, _, _ in attrs)
    props = "".join(
        f'''
    @property
    def {attr}(self) -> _{attr}.{_class_name(attr)}:
        """Operations tagged "{_clean(tag)}" ({count})."""
        return self._namespace(
            "{PACKAGE}.{TYPED}.{api}.{attr}", "{_class_name(attr)}"
        )
'''
        for attr, tag, count in attrs
    )
    return f'''"""Typed namespaces of the {API_TITLES[api]}, one per tag, each loaded on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from {PACKAGE}.namespaces import NamespaceHost

if TYPE_CHECKING:
{imports}

__all__ = ["{API_CLASSES[api]}"]


class {API_CLASSES[api]}(NamespaceHost):
    """One attribute per tag of the {API_TITLES[api]}."""
{props}'''


def index_source(ops: list[Op]) -> str:
    lines = [
        '"""Python names of every operation, for ``carecloud_async.find_operation``."""',
        "",
        "# operationId -> (namespace attribute, method, endpoint module)",
        "NAMES: dict[str, tuple[str, str, str]] = {",
    ]
    for op in ops:
        lines.append(
            f"    {op.operation_id!r}: ({namespace_name(op.tag)!r}, {op.name!r}, {op.module!r}),"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def lists_source(ops: list[Op], index: ModelIndex) -> str:
    """``typed.lists``: the ``data`` of each list answer as type checkers see it.

    The client refuses a 2xx list answer without its list (``ResponseParseError``), so
    what a typed method or ``client.call`` returns always has it, though the model,
    which also reads other people's JSON, declares it optional. Each class here is, for
    type checkers, a subclass that declares the list present; at run time the name is
    the model class itself, so ``isinstance`` and construction work as for the model.
    """
    listed = sorted((op.returns_text(), op) for op in ops if op.listed is not None)
    names: set[str] = set()
    for _, op in listed:
        assert op.listed is not None
        assert op.item is not None
        names |= {op.listed[0]} | _names([op.item])
    imports = [
        f"    from {PACKAGE}.models.{index.modules[name]} import {name}"
        for name in sorted(names - BUILTIN_NAMES)
    ]
    classes = []
    table = []
    for name, op in listed:
        assert op.listed is not None
        data_class, attribute, list_type = op.listed
        classes.append(
            f"""
    class {name}({data_class}):
        \"\"\"``data`` of a ``{op.operation_id}`` answer, its ``{attribute}`` always there.\"\"\"

        {attribute}: {ast.unparse(list_type)}
"""
        )
        table.append(f"        {name!r}: ({index.modules[data_class]!r}, {data_class!r}),")
    all_names = "".join(f"\n    {name!r}," for name, _ in listed)
    return f'''"""The ``data`` of list answers, with their list always there (see ``lists_source``
in ``scripts/typed_surface.py``): for type checkers a subclass of the model, at run time the
model class itself."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__all__ = [{all_names}
]

if TYPE_CHECKING:
{chr(10).join(imports) or "    pass  # no list operations"}
{"".join(classes)}
else:
    _MODELS = {{
{chr(10).join(table)}
    }}

    def __getattr__(name: str) -> type:
        try:
            module, class_name = _MODELS[name]
        except KeyError:
            raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}") from None
        model: type = getattr(import_module(f"{PACKAGE}.models.{{module}}"), class_name)
        return model
'''


def typed_marker_source(op: Op, index: ModelIndex) -> str:
    """Appended to an endpoint module: its result types, for type checkers only.

    ``client.call(module)`` / ``client.paginate(module)`` read these through a
    protocol, so the dynamic path is typed as well; nothing exists at run time.
    """
    used = [] if op.listed is not None else list(op.returns or [])
    used += [op.item] if op.item is not None else []
    imports = [
        f"    from ...models.{index.modules[name]} import {name}"
        for name in sorted(_names(used) - BUILTIN_NAMES)
    ]
    returns = op.returns_text()
    if op.listed is not None:
        imports.append(f"    from ...{TYPED}.lists import {returns}")
    lines = ["", "", "if TYPE_CHECKING:", *imports, ""]
    lines += [
        f"    def _typed_data(parsed: object, /) -> {returns}:",
        '        """What ``client.call`` returns for this operation (for type checkers)."""',
    ]
    if op.item is not None:
        lines += [
            "",
            f"    def _typed_item(parsed: object, /) -> {ast.unparse(op.item)}:",
            '        """What ``client.paginate`` yields for this operation (for type checkers)."""',
        ]
    return "\n".join(lines) + "\n"


# The module's first ``from typing import`` line; TYPE_CHECKING goes beside it (ruff
# merges the two when it formats the package).
_TYPING_IMPORT = re.compile(r"^from typing import [^\n(]+$", re.MULTILINE)


def write_typed_surface(spec: Spec, package_dir: Path) -> None:
    """Write ``<package_dir>/typed`` and format it like the rest of the package."""
    index = ModelIndex.read(package_dir / "models")
    ops = read_operations(spec, package_dir, index)
    for op in ops:
        module_path = package_dir / Path(*op.module.split(".")[1:]).with_suffix(".py")
        source = module_path.read_text(encoding="utf-8")
        if "TYPE_CHECKING" not in source:
            source = _TYPING_IMPORT.sub(r"\g<0>\nfrom typing import TYPE_CHECKING", source, count=1)
        module_path.write_text(source + typed_marker_source(op, index), encoding="utf-8")
    root = package_dir / TYPED
    root.mkdir()
    (root / "__init__.py").write_text(
        '"""Typed operation namespaces, generated from the spec (see carecloud_async._naming)."""\n',
        encoding="utf-8",
    )
    (root / "_index.py").write_text(index_source(ops), encoding="utf-8")
    (root / "lists.py").write_text(lists_source(ops, index), encoding="utf-8")
    for api in API_TITLES:
        tags: dict[str, list[Op]] = {}
        for op in ops:
            if api in op.apis:
                tags.setdefault(op.tag, []).append(op)
        api_dir = root / api
        api_dir.mkdir()
        (api_dir / "__init__.py").write_text(api_package_source(api, tags), encoding="utf-8")
        for tag, tag_ops in tags.items():
            source = tag_module_source(api, tag, tag_ops, index)
            (api_dir / f"{namespace_name(tag)}.py").write_text(source, encoding="utf-8")
    ruff = [sys.executable, "-m", "ruff"]
    settings = ["--isolated", "--no-cache", "--quiet", "--line-length", "100"]
    targets = [str(root), str(package_dir / "api")]
    subprocess.run(
        [*ruff, "check", *targets, *settings, "--fix-only", "--extend-select=I"], check=True
    )
    subprocess.run([*ruff, "format", *targets, *settings], check=True)
