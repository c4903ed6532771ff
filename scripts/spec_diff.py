"""What changed between two API versions, for people who must decide whether to ship.

Usage: python -m scripts.spec_diff OLD_SPEC NEW_SPEC [--old-package DIR --new-package DIR]

Two parts: the HTTP API from the two OpenAPI documents, walked from every
operation so each change is classified by the side it is reached from (request,
response or both; API scope and list field included), and the Python API (the
clients' typed methods, endpoint modules, model classes and attributes) from two
generated package trees, read with
``ast`` so nothing is imported. Each entry is breaking or compatible by the
rules in the README ("API changelog rules").
"""

from __future__ import annotations

import argparse
import ast
import copy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scripts._fixes import API_EXTENSION, LIST_FIELD_EXTENSION, mark_api_scope, mark_paginated_lists
from scripts._spec import Spec, SpecError, iter_operations, load_spec, resolve_ref

__all__ = ["Change", "diff_http", "diff_python", "render_markdown"]


@dataclass(frozen=True, order=True)
class Change:
    section: str  # "HTTP" or "Python"
    breaking: bool
    kind: str
    location: str
    detail: str = ""
    side: str = ""  # "request", "response", "both" or "" (the operation itself)

    def line(self) -> str:
        mark = "**breaking**" if self.breaking else "compatible"
        side = f" ({self.side})" if self.side else ""
        text = f"- {mark}{side} {self.kind}: `{self.location}`"
        return f"{text} ({self.detail})" if self.detail else text


# ---------------------------------------------------------------- HTTP API

REQUEST, RESPONSE = "request", "response"
_SCHEMA_PREFIX = "#/components/schemas/"
_UPPER_BOUNDS = ("maxItems", "maxLength", "maximum", "maxProperties", "exclusiveMaximum")
_LOWER_BOUNDS = ("minItems", "minLength", "minimum", "minProperties", "exclusiveMinimum")
_OTHER_CONSTRAINTS = ("pattern", "multipleOf", "uniqueItems")
_NARROWER_TYPES = {("number", "integer")}
"""(old, new) type pairs where every new value is also an old value."""


def _resolve(spec: Spec, node: Any) -> tuple[Any, str | None]:
    """The node behind a chain of $refs, and the component schema name reached (if any)."""
    name = None
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node and node["$ref"] not in seen:
        seen.add(node["$ref"])
        if node["$ref"].startswith(_SCHEMA_PREFIX):
            name = node["$ref"].removeprefix(_SCHEMA_PREFIX)
        node = resolve_ref(spec, node["$ref"])
    return (node if isinstance(node, dict) else {}), name


def _ref_name(node: Any) -> str | None:
    if isinstance(node, dict) and str(node.get("$ref", "")).startswith(_SCHEMA_PREFIX):
        return str(node["$ref"]).removeprefix(_SCHEMA_PREFIX)
    return None


def _looks_renamed(removed: str, added: str) -> bool:
    """``purchase_property_records`` -> ``property_records``: one name ends or starts the other."""
    if removed == added:
        return False
    shorter, longer = sorted((removed, added), key=len)
    return longer.endswith("_" + shorter) or longer.startswith(shorter + "_")


@dataclass(frozen=True)
class _Finding:
    kind: str
    location: str
    detail: str
    side: str
    breaking: bool


class _HttpDiff:
    """Walks old and new side by side from every operation, noting where each change is reached."""

    def __init__(self, old: Spec, new: Spec) -> None:
        self.old, self.new = old, new
        self.findings: list[_Finding] = []
        self.visited: set[tuple[str, str]] = set()

    def note(self, kind: str, location: str, side: str, breaking: bool, detail: str = "") -> None:
        self.findings.append(_Finding(kind, location, detail, side, breaking))

    # -- schemas

    def schema(self, old: Any, new: Any, location: str, side: str, depth: int = 0) -> None:
        if depth > 30 or old is None or new is None:
            return
        old_name, new_name = _ref_name(old), _ref_name(new)
        if old_name and new_name and old_name != new_name:
            self.note("$ref target changed", location, side, True, f"{old_name} -> {new_name}")
        old_node, old_reached = _resolve(self.old, old)
        new_node, new_reached = _resolve(self.new, new)
        if new_reached and new_reached == old_reached:
            if (new_reached, side) in self.visited:
                return
            self.visited.add((new_reached, side))
            location = new_reached
        self._node(old_node, new_node, location, side)
        self._composition(old_node, new_node, location, side, depth)
        self._properties(old_node, new_node, location, side, depth)
        if "items" in old_node or "items" in new_node:
            old_items, new_items = old_node.get("items", {}), new_node.get("items", {})
            self.schema(old_items, new_items, f"{location}[]", side, depth + 1)
        old_extra, new_extra = (
            old_node.get("additionalProperties"),
            new_node.get("additionalProperties"),
        )
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.schema(old_extra, new_extra, f"{location}{{}}", side, depth + 1)

    def _merged(self, spec: Spec, node: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
        """Properties and required names of a schema including its allOf parts."""
        properties = dict(node.get("properties") or {})
        required = set(node.get("required") or [])
        for part in node.get("allOf") or []:
            resolved, _ = _resolve(spec, part)
            more, more_required = self._merged(spec, resolved)
            properties = {**more, **properties}
            required |= more_required
        return properties, required

    def _types(self, spec: Spec, node: dict[str, Any]) -> str:
        kind = node.get("type")
        if kind is None:
            if node.get("allOf"):
                kinds = {self._types(spec, _resolve(spec, p)[0]) for p in node["allOf"]}
                kinds.discard("any")
                return kinds.pop() if len(kinds) == 1 else "composed"
            return "object" if "properties" in node else "any"
        return str(kind)

    def _node(self, old: dict[str, Any], new: dict[str, Any], location: str, side: str) -> None:
        request = side == REQUEST
        old_type, new_type = self._types(self.old, old), self._types(self.new, new)
        if old_type != new_type:
            narrower = (old_type, new_type) in _NARROWER_TYPES or old_type == "any"
            wider = (new_type, old_type) in _NARROWER_TYPES or new_type == "any"
            if narrower:
                kind, breaking = "type narrowed", request
            elif wider:
                kind, breaking = "type widened", not request
            else:
                kind, breaking = "type changed", True
            self.note(kind, location, side, breaking, f"{old_type} -> {new_type}")
        if old.get("format") != new.get("format"):
            detail = f"{old.get('format') or 'none'} -> {new.get('format') or 'none'}"
            self.note("format changed", location, side, True, detail)
        was_nullable, now_nullable = bool(old.get("nullable")), bool(new.get("nullable"))
        if was_nullable != now_nullable:
            # a response that may now be null breaks readers; a request that may not, writers
            kind = "now nullable" if now_nullable else "no longer nullable"
            self.note(kind, location, side, now_nullable != request)
        self._enum(old.get("enum"), new.get("enum"), location, side)
        for key in (*_UPPER_BOUNDS, *_LOWER_BOUNDS, *_OTHER_CONSTRAINTS):
            before, after = old.get(key), new.get(key)
            if before == after or (key == "uniqueItems" and not before and not after):
                continue
            if before is None or after is None:
                tighter = after is not None and (key != "uniqueItems" or bool(after))
                kind = f"{key} added" if after is not None else f"{key} removed"
            elif key in _UPPER_BOUNDS:
                tighter, kind = after < before, f"{key} changed"
            elif key in _LOWER_BOUNDS:
                tighter, kind = after > before, f"{key} changed"
            else:
                tighter, kind = True, f"{key} changed"
            # the SDK never checks constraints on what it receives: only requests can break
            self.note(kind, location, side, request and tighter, f"{before!r} -> {after!r}")
        if old.get("default") != new.get("default"):
            detail = f"{old.get('default')!r} -> {new.get('default')!r}"
            self.note("default changed", location, side, request, detail)
        if bool(old.get("deprecated")) != bool(new.get("deprecated")):
            kind = "deprecated" if new.get("deprecated") else "no longer deprecated"
            self.note(kind, location, side, False)

    def _enum(self, before: Any, after: Any, location: str, side: str) -> None:
        request = side == REQUEST
        if before is None and after is None:
            return
        if before is None or after is None:
            kind = "enum added" if after is not None else "enum removed"
            # an enum appearing narrows what is accepted; one disappearing widens what is sent
            self.note(kind, location, side, request == (after is not None))
            return
        for value in before:
            if value not in after:
                self.note("enum value removed", location, side, request, repr(value))
        for value in after:
            if value not in before:
                # generated enums are open: this SDK reads a new response value as
                # UNKNOWN_<value>, so an added value breaks no deployed reader or sender
                self.note("enum value added", location, side, False, repr(value))

    def _signature(self, spec: Spec, branch: Any, full: bool = True) -> str:
        name = _ref_name(branch)
        if name:
            return name
        node, _ = _resolve(spec, branch)
        text = self._types(spec, node)
        if node.get("format"):
            text += f" ({node['format']})"
        if text == "array" and full:
            items = node.get("items")
            text += f" of {self._signature(spec, items) if items is not None else 'any'}"
        return text

    def _composition(
        self, old: dict[str, Any], new: dict[str, Any], location: str, side: str, depth: int
    ) -> None:
        request = side == REQUEST
        for key in ("oneOf", "anyOf"):
            if not old.get(key) and not new.get(key):
                continue
            # pair branches by type alone when that is unambiguous, so that a branch whose
            # items change is compared rather than reported as removed and added
            old_branches: dict[str, Any] = {}
            new_branches: dict[str, Any] = {}
            for full in (False, True):
                old_branches = {self._signature(self.old, b, full): b for b in old.get(key) or []}
                new_branches = {self._signature(self.new, b, full): b for b in new.get(key) or []}
                if len(old_branches) == len(old.get(key) or []) and len(new_branches) == len(
                    new.get(key) or []
                ):
                    break
            for signature in old_branches.keys() - new_branches.keys():
                self.note(f"{key} branch removed", location, side, request, signature)
            for signature in new_branches.keys() - old_branches.keys():
                self.note(f"{key} branch added", location, side, not request, signature)
            for signature in sorted(old_branches.keys() & new_branches.keys()):
                self.schema(
                    old_branches[signature],
                    new_branches[signature],
                    f"{location}<{signature}>",
                    side,
                    depth + 1,
                )

    def _properties(
        self, old: dict[str, Any], new: dict[str, Any], location: str, side: str, depth: int
    ) -> None:
        request = side == REQUEST
        hidden = "readOnly" if request else "writeOnly"  # not part of this direction
        before, was_required = self._merged(self.old, old)
        after, now_required = self._merged(self.new, new)
        before = {k: v for k, v in before.items() if not _resolve(self.old, v)[0].get(hidden)}
        after = {k: v for k, v in after.items() if not _resolve(self.new, v)[0].get(hidden)}
        removed = sorted(before.keys() - after.keys())
        added = sorted(after.keys() - before.keys())
        renamed = {
            gone: new_name
            for gone in removed
            for new_name in added
            if _looks_renamed(gone, new_name)
            and self._signature(self.old, before[gone])
            == self._signature(self.new, after[new_name])
        }
        for gone in removed:
            if gone in renamed:
                detail = f"now `{renamed[gone]}`"
                self.note("property renamed (looks like)", f"{location}.{gone}", side, True, detail)
            else:
                self.note("property removed", f"{location}.{gone}", side, True)
        for name in added:
            if name in renamed.values():
                continue
            required = name in now_required
            kind = "required property added" if required else "property added"
            self.note(kind, f"{location}.{name}", side, request and required)
        for name in sorted(before.keys() & after.keys()):
            where = f"{location}.{name}"
            if (name in was_required) != (name in now_required):
                now = name in now_required
                kind = "property now required" if now else "property now optional"
                # requests must now send it / responses may now omit it
                self.note(kind, where, side, now == request)
            self.schema(before[name], after[name], where, side, depth + 1)

    # -- operations

    def _parameters(self, spec: Spec, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
        found = {}
        for raw in operation.get("parameters", []):
            param, _ = _resolve(spec, raw)
            found[f"{param.get('in', '?')} {param.get('name', '?')}"] = param
        return found

    def parameters(self, label: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before, after = self._parameters(self.old, old), self._parameters(self.new, new)
        for ident in sorted(before.keys() - after.keys()):
            self.note("parameter removed", f"{label} {ident}", REQUEST, True)
        for ident in sorted(after.keys() - before.keys()):
            required = bool(after[ident].get("required"))
            kind = "required parameter added" if required else "parameter added"
            self.note(kind, f"{label} {ident}", REQUEST, required)
        for ident in sorted(before.keys() & after.keys()):
            where = f"{label} {ident}"
            was, now = bool(before[ident].get("required")), bool(after[ident].get("required"))
            if was != now:
                kind = "parameter now required" if now else "parameter now optional"
                self.note(kind, where, REQUEST, now)
            if bool(before[ident].get("deprecated")) != bool(after[ident].get("deprecated")):
                kind = "deprecated" if after[ident].get("deprecated") else "no longer deprecated"
                self.note(kind, where, REQUEST, False)
            self.schema(before[ident].get("schema"), after[ident].get("schema"), where, REQUEST)

    def _content(self, label: str, old: dict[str, Any], new: dict[str, Any], side: str) -> None:
        old_types, new_types = old.get("content") or {}, new.get("content") or {}
        request = side == REQUEST
        for media in sorted(old_types.keys() - new_types.keys()):
            # a request type gone breaks senders; a response type gone narrows what comes back
            self.note("content type removed", label, side, request or "json" in media, media)
        for media in sorted(new_types.keys() - old_types.keys()):
            self.note("content type added", label, side, not request, media)
        for media in sorted(old_types.keys() & new_types.keys()):
            self.schema(old_types[media].get("schema"), new_types[media].get("schema"), label, side)

    def request_body(self, label: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before, _ = _resolve(self.old, old.get("requestBody"))
        after, _ = _resolve(self.new, new.get("requestBody"))
        where = f"{label} request"
        if before and not after:
            self.note("request body removed", where, REQUEST, True)
        elif after and not before:
            required = bool(after.get("required"))
            self.note("request body added", where, REQUEST, required)
        if bool(before.get("required")) != bool(after.get("required")) and before and after:
            now = bool(after.get("required"))
            kind = "request body now required" if now else "request body now optional"
            self.note(kind, where, REQUEST, now)
        if before and after:
            self._content(where, before, after, REQUEST)

    def responses(self, label: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before = {str(k): v for k, v in (old.get("responses") or {}).items()}
        after = {str(k): v for k, v in (new.get("responses") or {}).items()}
        for code in sorted(before.keys() - after.keys()):
            self.note("status code removed", label, RESPONSE, False, code)
        for code in sorted(after.keys() - before.keys()):
            # a success or redirect the deployed SDK has no model for
            self.note("status code added", label, RESPONSE, code[:1] in "23", code)
        for code in sorted(before.keys() & after.keys()):
            old_response, new_response = before[code], after[code]
            where = f"{label} {code}"
            shared = old_response.get("$ref")
            if shared and shared == new_response.get("$ref"):
                # a shared response (components/responses): compared once, under its name
                where = "responses/" + str(shared).rsplit("/", 1)[-1]
                if (where, RESPONSE) in self.visited:
                    continue
                self.visited.add((where, RESPONSE))
            old_resolved, _ = _resolve(self.old, old_response)
            new_resolved, _ = _resolve(self.new, new_response)
            self._content(where, old_resolved, new_resolved, RESPONSE)

    def operations(self) -> None:
        old_ops = _operations(self.old)
        new_ops = _operations(self.new)
        for key in sorted(old_ops.keys() - new_ops.keys()):
            self.note("operation removed", key, "", True)
        for key in sorted(new_ops.keys() - old_ops.keys()):
            self.note("operation added", key, "", False)
        for key in sorted(old_ops.keys() & new_ops.keys()):
            old, new = old_ops[key], new_ops[key]
            if bool(old.get("deprecated")) != bool(new.get("deprecated")):
                kind = "deprecated" if new.get("deprecated") else "no longer deprecated"
                self.note(kind, key, "", False)
            was, now = old.get(API_EXTENSION, []), new.get(API_EXTENSION, [])
            if set(was) != set(now):
                detail = f"{'+'.join(was) or 'none'} -> {'+'.join(now) or 'none'}"
                self.note("API scope changed", key, "", not set(was) <= set(now), detail)
            was_list, now_list = old.get(LIST_FIELD_EXTENSION), new.get(LIST_FIELD_EXTENSION)
            if was_list != now_list:
                detail = f"{was_list or 'not paginated'} -> {now_list or 'not paginated'}"
                self.note("list field changed", key, "", was_list is not None, detail)
            self.parameters(key, old, new)
            self.request_body(key, old, new)
            self.responses(key, old, new)


def _operations(spec: Spec) -> dict[str, dict[str, Any]]:
    """``METHOD /path`` -> operation, with its API scope and list field marked."""
    marked = copy.deepcopy(spec)
    mark_api_scope(marked)
    mark_paginated_lists(marked)
    return {f"{m.upper()} {p}": op for p, m, op in iter_operations(marked)}


def diff_http(old: Spec, new: Spec) -> list[Change]:
    """Every change reachable from an operation, classified by the side it is reached from."""
    walker = _HttpDiff(old, new)
    walker.operations()
    merged: dict[tuple[str, str, str], tuple[set[str], bool]] = {}
    for finding in walker.findings:
        key = (finding.kind, finding.location, finding.detail)
        sides, breaking = merged.get(key, (set(), False))
        merged[key] = (sides | {finding.side} - {""}, breaking or finding.breaking)
    changes = {
        Change(
            "HTTP",
            breaking,
            kind,
            location,
            detail,
            "both" if len(sides) > 1 else next(iter(sides), ""),
        )
        for (kind, location, detail), (sides, breaking) in merged.items()
    }
    return sorted(changes, key=lambda c: (not c.breaking, c.kind, c.location, c.detail))


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
    try:
        http = diff_http(load_spec(args.old), load_spec(args.new))
    except (SpecError, KeyError, TypeError, ValueError) as exc:
        print(f"spec-diff: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    python = (
        diff_python(args.old_package, args.new_package)
        if args.old_package and args.new_package
        else None
    )
    print(render_markdown(f"{args.old.name} -> {args.new.name}", http, python))
    return 0


if __name__ == "__main__":
    sys.exit(main())
