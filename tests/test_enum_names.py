"""Integer enum members named from the spec's own descriptions, plain VALUE_<n> kept as aliases."""

from __future__ import annotations

from typing import Any

import pytest
from carecloud_openapi.models import (
    BookingState,
    CampaignProductValueTypeId,
    CustomerState,
    GetCampaignProductsValueTypeId,
    PersonalInformationGender,
)

from scripts._fixes import (
    ENUM_VARNAMES_EXTENSION,
    FIXES,
    described_enum_names,
    name_described_enum_values,
)


@pytest.mark.parametrize(
    ("description", "values", "names"),
    [
        (
            "State.\n*Possible values are: 0 - blocked / 1 - active*\n",
            [0, 1],
            ["BLOCKED", "ACTIVE"],
        ),
        (
            "*Possible values are: 0 - deleted / 1 - active / 2 - non active*",
            [0, 1, 2],
            ["DELETED", "ACTIVE", "NON_ACTIVE"],
        ),
        (
            "POS. *Possible values are: EPOS - 3 / skidata - 6 / axess - 9 / base - 11*",
            [3, 6, 9, 11],
            ["EPOS", "SKIDATA", "AXESS", "BASE"],
        ),
        (
            "Type of value (1 - percentage discount value, 2 - final price).",
            [1, 2],
            ["PERCENTAGE_DISCOUNT_VALUE", "FINAL_PRICE"],
        ),
        (
            "*Possible values: 0 - no, consent canceled / 1 - yes, consent given / 2 - not set*",
            [0, 1, 2],
            ["NO_CONSENT_CANCELED", "YES_CONSENT_GIVEN", "NOT_SET"],
        ),
        (
            "*Possible values are: 0 - invisible / 1- visible. If not used, return both.*",
            [0, 1],
            ["INVISIBLE", "VISIBLE"],
        ),
        (  # a value the text does not explain keeps its plain name
            "State\n*Possible values are: 0 - deleted / 1 - active *\n",
            [0, 1, 2],
            ["DELETED", "ACTIVE", "VALUE_2"],
        ),
    ],
)
def test_names_come_from_the_described_values(
    description: str, values: list[int], names: list[str]
) -> None:
    assert described_enum_names(description, values) == names


@pytest.mark.parametrize(
    "description",
    [
        "Priority of the reward. *1 is the highest priority*",
        "*Possible values are: 1 - It returns the first error found and rolls all back / "
        "2 - It creates all valid records and reports the rest.*",
        "*Possible values are: -1 - not received (returned) / -2 - not received (bounce)*",
        "*Possible values are: 1 - active*",
    ],
)
def test_sentences_repeats_and_single_labels_are_left_alone(description: str) -> None:
    assert described_enum_names(description, [-2, -1, 1, 2]) is None


def _spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.2",
        "paths": {
            "/cards": {
                "get": {
                    "parameters": [
                        {
                            "name": "card_state",
                            "in": "query",
                            "description": "*Possible values are: 0 - blocked / 1 - active*",
                            "schema": {"type": "integer", "enum": [0, 1]},
                        }
                    ]
                }
            }
        },
        "components": {
            "schemas": {
                "Card": {
                    "type": "object",
                    "properties": {
                        "state": {
                            "type": "integer",
                            "enum": [0, 1, 2],
                            "description": "*Possible values: 0 - deleted / 1 - active*",
                        },
                        "kind": {"type": "integer", "enum": [1, 2], "description": "Kind."},
                    },
                }
            }
        },
    }


def test_the_fix_marks_parameters_and_properties_and_names_each_place() -> None:
    """One line per enum named: where it is and the member each value gets."""
    spec = _spec()
    assert name_described_enum_values(spec) == [
        "GET /cards query card_state: 0=BLOCKED, 1=ACTIVE",
        "Card.state: 0=DELETED, 1=ACTIVE, 2=VALUE_2",
    ]
    parameter = spec["paths"]["/cards"]["get"]["parameters"][0]
    assert parameter["schema"][ENUM_VARNAMES_EXTENSION] == ["BLOCKED", "ACTIVE"]
    card = spec["components"]["schemas"]["Card"]["properties"]
    assert card["state"][ENUM_VARNAMES_EXTENSION] == ["DELETED", "ACTIVE", "VALUE_2"]
    assert ENUM_VARNAMES_EXTENSION not in card["kind"]


def test_the_fix_reports_when_no_longer_needed() -> None:
    spec = _spec()
    del spec["paths"]
    spec["components"]["schemas"]["Card"]["properties"].pop("state")
    assert name_described_enum_values(spec) == []


def test_the_fix_is_registered_with_a_reason() -> None:
    fix = next(f for f in FIXES if f.name == "name-described-enum-values")
    assert fix.reason


def test_generated_members_have_meaningful_names_and_keep_the_plain_ones() -> None:
    assert BookingState(1) is BookingState.ACTIVE
    assert BookingState.VALUE_1 is BookingState.ACTIVE
    assert [m.name for m in BookingState] == ["DELETED", "ACTIVE", "NON_ACTIVE"]
    assert CustomerState.VALUE_2 is CustomerState.NON_ACTIVE
    assert PersonalInformationGender.FEMALE == 2
    assert CampaignProductValueTypeId.FINAL_PRICE.value == 2
    assert GetCampaignProductsValueTypeId.VALUE_1 is GetCampaignProductsValueTypeId(1)
