"""mark-api-scope reads every wording of the scope statements, or fails the generation."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from scripts._fixes import API_EXTENSION, mark_api_scope
from scripts._spec import Spec, SpecError, iter_operations, load_spec

UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream"
OLD = UPSTREAM / "carecloud-openapi-2026-03-21.yaml"
NEW = UPSTREAM / "carecloud-openapi-2026-08-19.yaml"


@pytest.fixture(scope="module")
def documents() -> dict[str, Spec]:
    return {"old": load_spec(OLD), "new": load_spec(NEW)}


def _scopes(spec: Spec) -> dict[str, tuple[str, ...]]:
    marked = copy.deepcopy(spec)
    mark_api_scope(marked)
    return {
        f"{method.upper()} {path}": tuple(operation[API_EXTENSION])
        for path, method, operation in iter_operations(marked)
    }


def _reworded(spec: Spec, old: str, new: str) -> Spec:
    """The document with every description/summary rewritten by a regex."""
    changed = copy.deepcopy(spec)
    texts: list[dict[str, Any]] = list(changed.get("tags", []))
    texts += [operation for _, _, operation in iter_operations(changed)]
    for holder in texts:
        for key in ("summary", "description"):
            if isinstance(holder.get(key), str):
                holder[key] = re.sub(old, new, holder[key])
    return changed


def test_the_older_interface_wording_gives_the_same_scopes(documents: dict[str, Spec]) -> None:
    """2026-03-21 says "interface" (with and without "the"): same scope for every shared operation."""
    old, new = _scopes(documents["old"]), _scopes(documents["new"])
    restricted = {op: apis for op, apis in old.items() if len(apis) == 1}
    assert len(restricted) == 51
    assert old["POST /tokens"] == ("customer",)
    assert (
        old["POST /purchases/actions/send-purchase"] == new["POST /purchases/actions/send-purchase"]
    )
    assert {op: old[op] for op in old.keys() & new.keys()} == {
        op: new[op] for op in old.keys() & new.keys()
    }


@pytest.mark.parametrize(
    ("pattern", "replacement"),
    [
        (r"available only in (Enterprise|Customer) API", r"available only in the \1 API"),
        (r"available only in (Enterprise|Customer) API", r"only available via the \1 interface"),
        (r"available only in (Enterprise|Customer) API", r"available only in \1-API"),
    ],
    ids=["the-inserted", "only-available-via", "hyphen"],
)
def test_wording_variants_of_todays_document_give_the_same_scopes(
    documents: dict[str, Spec], pattern: str, replacement: str
) -> None:
    """Small rewordings do not change which API serves what."""
    reworded = _reworded(documents["new"], pattern, replacement)
    assert reworded != documents["new"]
    assert _scopes(reworded) == _scopes(documents["new"])


def test_an_unrecognised_wording_fails_and_names_the_operations(documents: dict[str, Spec]) -> None:
    """A statement the matcher cannot read is an error naming the operations, not "both APIs"."""
    reworded = _reworded(
        documents["new"],
        r"Endpoint is available only in Customer API",
        "Endpoint is accessible exclusively through Customer API",
    )
    with pytest.raises(
        SpecError, match=r"mark-api-scope: 8 operation\(s\).*POST /tokens, PUT /tokens/\{token_id\}"
    ):
        mark_api_scope(reworded)


def test_a_two_api_document_without_any_restriction_fails(documents: dict[str, Spec]) -> None:
    """Zero matches in a document that serves two APIs means the wording moved on."""
    reworded = _reworded(
        documents["new"],
        r"(is|are) available only in (Enterprise|Customer) API",
        r"works with \2 API",
    )
    with pytest.raises(SpecError, match="no operation states which one serves it"):
        mark_api_scope(reworded)


def test_a_document_serving_one_api_needs_no_statement() -> None:
    """Without the two-API server variable, no statement simply means no restriction."""
    spec: Spec = {"paths": {"/a": {"get": {"responses": {}}}}}
    assert mark_api_scope(spec) == ["1 operations: enterprise+customer"]
