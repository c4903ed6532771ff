"""What changed between two API versions, for people who must decide whether to ship.

Usage: python -m scripts.spec_diff OLD_SPEC NEW_SPEC [--old-package DIR --new-package DIR]

Two parts: the HTTP API (operations, parameters, schema properties, enum
values) from the two OpenAPI documents, and the Python API (the clients' typed
methods, endpoint modules, model classes and attributes) from two generated package trees, read with
``ast`` so nothing is imported. Each entry is breaking or compatible by the
rules in the README ("API changelog rules").
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts._spec import Spec, iter_operations, load_spec, resolve_ref

__all__ = ["Change", "diff_http", "diff_python", "render_markdown"]


@dataclass(frozen=True, order=True)
class Change:
    section: str  # "HTTP" or "Python"
    breaking: bool
    kind: str
    location: str
    detail: str = ""

    def line(self) -> str:
        mark = "**breaking**" if self.breaking else "compatible"
        text = f"- {mark} {self.kind}: `{self.location}`"
        return f"{text} ({self.detail})" if self.detail else text


# ---------------------------------------------------------------- HTTP API


def _deref(spec: Spec, node: Any, seen: frozenset[str] = frozenset()) -> tuple[Any, frozenset[str]]:
    while isinstance(node, dict) and "$ref" in node:
        if node["$ref"] in seen:
            return {}, seen
        seen = seen | {node["$ref"]}
        node = resolve_ref(spec, node["$ref"])
    return node, seen


def _type_of(spec: Spec, node: Any) -> str:
    node, _ = _deref(spec, node)
    if not isinstance(node, dict):
        return "?"
    if "allOf" in node or "oneOf" in node or "anyOf" in node:
        return "composed"
    kind = node.get("type", "object" if "properties" in node else "any")
    if kind == "array":
        return f"array of {_type_of(spec, node.get('items', {}))}"
    return str(kind)


def _flatten(
    spec: Spec,
    node: Any,
    where: str,
    seen: frozenset[str] = frozenset(),
    depth: int = 0,
    inline_only: bool = False,
) -> Iterator[tuple[str, Any]]:
    """(location, schema) of every property below ``node``, following $refs once.

    ``inline_only`` stops at references below the top: component schemas are
    compared once, by name, instead of again under every operation using them.
    """
    if inline_only and depth > 0 and isinstance(node, dict) and "$ref" in node:
        return
    node, seen = _deref(spec, node, seen)
    if not isinstance(node, dict) or depth > 8:
        return
    for part in node.get("allOf", []):
        yield from _flatten(spec, part, where, seen, depth + 1, inline_only)
    if node.get("type") == "array" and "items" in node:
        yield from _flatten(spec, node["items"], f"{where}[]", seen, depth + 1, inline_only)
    for name, prop in (node.get("properties") or {}).items():
        location = f"{where}.{name}"
        yield location, prop
        yield from _flatten(spec, prop, location, seen, depth + 1, inline_only)


def _enum_values(spec: Spec, node: Any) -> list[Any] | None:
    node, _ = _deref(spec, node)
    return node.get("enum") if isinstance(node, dict) else None


def _required(spec: Spec, node: Any) -> set[str]:
    node, _ = _deref(spec, node)
    if not isinstance(node, dict):
        return set()
    required = set(node.get("required", []))
    for part in node.get("allOf", []):
        required |= _required(spec, part)
    return required


def _looks_renamed(removed: str, added: str) -> bool:
    """``purchase_property_records`` -> ``property_records``: one name ends or starts the other."""
    a, b = removed.split(".")[-1], added.split(".")[-1]
    if a == b:
        return False
    shorter, longer = sorted((a, b), key=len)
    return longer.endswith("_" + shorter) or longer.startswith(shorter + "_")


def _diff_properties(
    old: Spec, new: Spec, where: str, old_node: Any, new_node: Any, inline_only: bool = False
) -> list[Change]:
    before = dict(_flatten(old, old_node, where, inline_only=inline_only))
    after = dict(_flatten(new, new_node, where, inline_only=inline_only))
    changes: list[Change] = []
    removed = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))
    renamed: set[tuple[str, str]] = set()
    for gone in removed:
        for new_name in added:
            same_parent = gone.rsplit(".", 1)[0] == new_name.rsplit(".", 1)[0]
            same_type = _type_of(old, before[gone]) == _type_of(new, after[new_name])
            if same_parent and same_type and _looks_renamed(gone, new_name):
                renamed.add((gone, new_name))
    renamed_from = {a for a, _ in renamed}
    renamed_to = {b for _, b in renamed}
    for gone, new_name in sorted(renamed):
        changes.append(
            Change(
                "HTTP",
                True,
                "property renamed (looks like)",
                gone,
                f"now `{new_name.rsplit('.', 1)[1]}`",
            )
        )
    # Report only the top of a removed/added subtree.
    for gone in removed:
        if gone not in renamed_from and not any(
            gone.startswith(r + ".") or gone.startswith(r + "[]") for r in removed if r != gone
        ):
            changes.append(Change("HTTP", True, "property removed", gone))
    for new_name in added:
        if new_name in renamed_to or any(
            new_name.startswith(a + ".") or new_name.startswith(a + "[]")
            for a in added
            if a != new_name
        ):
            continue
        parent = new_name.rsplit(".", 1)[0]
        newly_required = new_name.rsplit(".", 1)[1] in _required(
            new, _parent_schema(new, new_node, where, parent)
        )
        changes.append(
            Change(
                "HTTP",
                newly_required,
                "required property added" if newly_required else "property added",
                new_name,
            )
        )
    for location in sorted(set(before) & set(after)):
        old_type, new_type = _type_of(old, before[location]), _type_of(new, after[location])
        if old_type != new_type:
            changes.append(
                Change("HTTP", True, "property type changed", location, f"{old_type} -> {new_type}")
            )
        changes.extend(_diff_enum(old, new, location, before[location], after[location]))
    return changes


def _parent_schema(spec: Spec, root: Any, where: str, parent: str) -> Any:
    if parent == where:
        return root
    for location, schema in _flatten(spec, root, where):
        if location == parent:
            node, _ = _deref(spec, schema)
            if isinstance(node, dict) and node.get("type") == "array":
                return node.get("items", {})
            return schema
    return {}


def _diff_enum(old: Spec, new: Spec, location: str, old_node: Any, new_node: Any) -> list[Change]:
    before, after = _enum_values(old, old_node), _enum_values(new, new_node)
    if before is None or after is None:
        return []
    changes = [
        Change("HTTP", True, "enum value removed", location, repr(v))
        for v in before
        if v not in after
    ]
    changes += [
        Change("HTTP", False, "enum value added", location, repr(v))
        for v in after
        if v not in before
    ]
    return changes


def _params(spec: Spec, operation: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for raw in operation.get("parameters", []):
        param, _ = _deref(spec, raw)
        found[(param.get("in", "?"), param.get("name", "?"))] = param
    return found


def _body_schema(operation: dict[str, Any], kind: str) -> Any:
    if kind == "request":
        return (
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema")
        )
    for code, response in operation.get("responses", {}).items():
        if str(code).startswith("2"):
            return (response.get("content") or {}).get("application/json", {}).get("schema")
    return None


def diff_http(old: Spec, new: Spec) -> list[Change]:
    """Operations, parameters, schema properties and enum values that changed."""
    changes: list[Change] = []
    old_ops = {(m.upper(), p): op for p, m, op in iter_operations(old)}
    new_ops = {(m.upper(), p): op for p, m, op in iter_operations(new)}
    for key in sorted(set(old_ops) - set(new_ops)):
        changes.append(Change("HTTP", True, "operation removed", f"{key[0]} {key[1]}"))
    for key in sorted(set(new_ops) - set(old_ops)):
        changes.append(Change("HTTP", False, "operation added", f"{key[0]} {key[1]}"))
    for key in sorted(set(old_ops) & set(new_ops)):
        label = f"{key[0]} {key[1]}"
        before, after = _params(old, old_ops[key]), _params(new, new_ops[key])
        for where, name in sorted(set(before) - set(after)):
            changes.append(Change("HTTP", True, "parameter removed", f"{label} {where} {name}"))
        for where, name in sorted(set(after) - set(before)):
            required = bool(after[(where, name)].get("required"))
            changes.append(
                Change(
                    "HTTP",
                    required,
                    "required parameter added" if required else "parameter added",
                    f"{label} {where} {name}",
                )
            )
        for ident in sorted(set(before) & set(after)):
            was, now = bool(before[ident].get("required")), bool(after[ident].get("required"))
            if was != now:
                changes.append(
                    Change(
                        "HTTP",
                        now,
                        "parameter now required" if now else "parameter now optional",
                        f"{label} {ident[0]} {ident[1]}",
                    )
                )
            changes.extend(
                _diff_enum(
                    old,
                    new,
                    f"{label} {ident[0]} {ident[1]}",
                    before[ident].get("schema", {}),
                    after[ident].get("schema", {}),
                )
            )
        for kind in ("request", "response"):
            old_body, new_body = _body_schema(old_ops[key], kind), _body_schema(new_ops[key], kind)
            if old_body is None or new_body is None:
                continue
            if "$ref" in old_body and old_body == new_body:
                continue  # a shared component: compared once below, by name
            changes.extend(
                _diff_properties(old, new, f"{label} {kind}", old_body, new_body, inline_only=True)
            )
    old_schemas = old.get("components", {}).get("schemas", {})
    new_schemas = new.get("components", {}).get("schemas", {})
    for name in sorted(set(old_schemas) - set(new_schemas)):
        changes.append(Change("HTTP", True, "schema removed", name))
    for name in sorted(set(new_schemas) - set(old_schemas)):
        changes.append(Change("HTTP", False, "schema added", name))
    for name in sorted(set(old_schemas) & set(new_schemas)):
        changes.extend(
            _diff_properties(old, new, name, old_schemas[name], new_schemas[name], inline_only=True)
        )
        changes.extend(_diff_enum(old, new, name, old_schemas[name], new_schemas[name]))
    return sorted(set(changes), key=lambda c: (not c.breaking, c.kind, c.location))


# -------------------------------------------------------------- Python API


def _signature(function: ast.AsyncFunctionDef | ast.FunctionDef) -> dict[str, tuple[str, bool]]:
    """parameter -> (annotation source, required)."""
    args = function.args
    params: dict[str, tuple[str, bool]] = {}
    positional = args.posonlyargs + args.args
    first_default = len(positional) - len(args.defaults)
    for index, arg in enumerate(positional):
        params[arg.arg] = (
            ast.unparse(arg.annotation) if arg.annotation else "",
            index < first_default,
        )
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params[arg.arg] = (ast.unparse(arg.annotation) if arg.annotation else "", default is None)
    return params


def _endpoints(package: Path) -> dict[str, dict[str, tuple[str, bool]]]:
    found = {}
    for path in sorted((package / "api").glob("*/*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == "_get_kwargs":
                found[f"api.{path.parent.name}.{path.stem}"] = _signature(node)
    return found


_CLIENT_OF_API = {"enterprise": "EnterpriseClient", "customer": "CustomerClient"}


def _typed_methods(package: Path) -> dict[str, dict[str, tuple[str, bool]]]:
    """``EnterpriseClient.<namespace>.<method>`` -> its parameters, from ``typed/``."""
    found = {}
    for path in sorted((package / "typed").glob("*/*.py")):
        client = _CLIENT_OF_API.get(path.parent.name)
        if client is None or path.name.startswith("_"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.ClassDef):
                continue
            for method in node.body:
                if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef) and not (
                    method.name.startswith("_")
                ):
                    params = _signature(method)
                    params.pop("self", None)
                    found[f"{client}.{path.stem}.{method.name}"] = params
    return found


def _models(package: Path) -> dict[str, dict[str, tuple[str, bool]]]:
    """class -> attribute -> (annotation, required); enum members have annotation 'member'."""
    found = {}
    for path in sorted((package / "models").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            attributes: dict[str, tuple[str, bool]] = {}
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    attributes[statement.target.id] = (
                        ast.unparse(statement.annotation),
                        statement.value is None,
                    )
                elif isinstance(statement, ast.Assign):
                    for target in statement.targets:
                        if isinstance(target, ast.Name):
                            attributes[target.id] = ("member", False)
            found[node.name] = attributes
    return found


def _diff_members(
    kind: str, owner: str, before: dict[str, tuple[str, bool]], after: dict[str, tuple[str, bool]]
) -> list[Change]:
    changes = []
    for name in sorted(set(before) - set(after)):
        changes.append(Change("Python", True, f"{kind} removed", f"{owner}.{name}"))
    for name in sorted(set(after) - set(before)):
        required = after[name][1]
        changes.append(
            Change(
                "Python",
                required,
                f"required {kind} added" if required else f"{kind} added",
                f"{owner}.{name}",
            )
        )
    for name in sorted(set(before) & set(after)):
        (old_type, old_required), (new_type, new_required) = before[name], after[name]
        if old_type != new_type:
            changes.append(
                Change(
                    "Python",
                    True,
                    f"{kind} type changed",
                    f"{owner}.{name}",
                    f"{old_type} -> {new_type}",
                )
            )
        elif new_required and not old_required:
            changes.append(Change("Python", True, f"{kind} now required", f"{owner}.{name}"))
    return changes


def diff_python(
    old_package: Path, new_package: Path, package_name: str = "carecloud_openapi"
) -> list[Change]:
    """Endpoint functions and model classes/attributes that changed between two trees."""
    changes: list[Change] = []
    old_eps, new_eps = _endpoints(old_package), _endpoints(new_package)
    for name in sorted(set(old_eps) - set(new_eps)):
        changes.append(
            Change(
                "Python",
                True,
                "endpoint function removed",
                f"{package_name}.{name}",
            )
        )
    for name in sorted(set(new_eps) - set(old_eps)):
        changes.append(
            Change(
                "Python",
                False,
                "endpoint function added",
                f"{package_name}.{name}",
            )
        )
    for name in sorted(set(old_eps) & set(new_eps)):
        changes.extend(
            _diff_members("parameter", f"{package_name}.{name}", old_eps[name], new_eps[name])
        )
    old_typed, new_typed = _typed_methods(old_package), _typed_methods(new_package)
    for name in sorted(set(old_typed) - set(new_typed)):
        changes.append(Change("Python", True, "client method removed", name))
    for name in sorted(set(new_typed) - set(old_typed)):
        changes.append(Change("Python", False, "client method added", name))
    for name in sorted(set(old_typed) & set(new_typed)):
        changes.extend(_diff_members("parameter", name, old_typed[name], new_typed[name]))
    old_models, new_models = _models(old_package), _models(new_package)
    for name in sorted(set(old_models) - set(new_models)):
        changes.append(Change("Python", True, "model removed", f"{package_name}.models.{name}"))
    for name in sorted(set(new_models) - set(old_models)):
        changes.append(Change("Python", False, "model added", f"{package_name}.models.{name}"))
    for name in sorted(set(old_models) & set(new_models)):
        changes.extend(_diff_members("attribute", name, old_models[name], new_models[name]))
    return sorted(changes, key=lambda c: (not c.breaking, c.kind, c.location))


# ----------------------------------------------------------------- output


def render_markdown(title: str, http: list[Change], python: list[Change] | None) -> str:
    lines = [f"### API changes: {title}", ""]
    for heading, changes in (("HTTP API", http), ("Python API", python)):
        if changes is None:
            continue
        breaking = sum(c.breaking for c in changes)
        lines += [f"#### {heading} ({breaking} breaking, {len(changes) - breaking} compatible)", ""]
        lines += [c.line() for c in changes] or ["- no changes"]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--old-package", type=Path)
    parser.add_argument("--new-package", type=Path)
    args = parser.parse_args(argv)
    http = diff_http(load_spec(args.old), load_spec(args.new))
    python = (
        diff_python(args.old_package, args.new_package)
        if args.old_package and args.new_package
        else None
    )
    print(render_markdown(f"{args.old.name} -> {args.new.name}", http, python))
    return 0


if __name__ == "__main__":
    sys.exit(main())
