"""Model reprs end up in logs, tracebacks and error trackers: they never show a secret or
personal data, while the values stay whole on the attributes and in ``to_dict()``."""

from __future__ import annotations

import re

import attrs
from carecloud_openapi import models
from carecloud_openapi.masking import SECRET_FIELDS, is_masked
from carecloud_openapi.models import Customer, UserLoginResponse

from carecloud_async._naming import snake_case
from tests.spec_examples import schema_example
from tests.test_log_secrets import CREDENTIAL_NAME, _spec_property_names

PERSONAL_NAME = re.compile(
    r"e_?mail|phone|birth|first_?name|last_?name|^address(?:es|\d)?$|_address$|card_number"
    r"|(?:^|_)(?:street|city|zip)$|gender",
    re.IGNORECASE,
)
"""What makes a property personal for this check, written apart from the rule it checks."""


def _model_classes() -> list[type]:
    found = [getattr(models, name) for name in models.__all__]
    return [cls for cls in found if attrs.has(cls)]


def test_every_secret_or_personal_property_of_the_spec_is_masked() -> None:
    """The masking rule covers each credential and personal field the spec has."""
    names = _spec_property_names()
    personal = {name for name in names if PERSONAL_NAME.search(name)}
    credentials = {name for name in names if CREDENTIAL_NAME.search(name)}
    assert {"email", "phone", "birthdate", "first_name", "last_name", "card_number"} <= personal
    assert {"password", "bearer_token", "external_application_id"} <= credentials
    for name in sorted(personal | credentials):
        assert is_masked(name), name
        assert is_masked(snake_case(name)), name
    assert credentials <= SECRET_FIELDS | {"token_type", "token_request_id"}
    for plain in ("customer_id", "purchase_id", "total_price", "payment_time", "state"):
        assert not is_masked(plain), plain  # what is not sensitive stays readable


def test_no_models_repr_shows_a_masked_fields_value() -> None:
    """Every generated model, each field set to a marker: masked markers never in the repr,
    the others shown, and all of them still on the attributes and in to_dict()."""
    classes = _model_classes()
    assert len(classes) > 700  # every model class (the rest of models are enums)
    masked_fields = 0
    for cls in classes:
        model = object.__new__(cls)
        markers = {}
        for number, field in enumerate(attrs.fields(cls)):
            if field.name.startswith("_"):  # the catch-all of undeclared keys
                setattr(
                    model, field.name, {"x_email": "X-extra-email", "x_shoe_size": "X-extra-size"}
                )
                continue
            markers[field.name] = f"X-{number}-{field.name}"
            setattr(model, field.name, markers[field.name])
        shown = repr(model)
        for name, marker in markers.items():
            if is_masked(name):
                masked_fields += 1
                assert marker not in shown, f"{cls.__name__}.{name}"
            else:
                assert marker in shown, f"{cls.__name__}.{name}"
            assert getattr(model, name) == marker
        if any(f.name.startswith("_") for f in attrs.fields(cls)):
            assert "X-extra-email" not in shown, cls.__name__
            assert "X-extra-size" in shown, cls.__name__
            written = model.to_dict()
            assert set(markers.values()) <= set(written.values()), cls.__name__
            assert written["x_email"] == "X-extra-email"
    assert masked_fields > 100


def test_the_login_answers_repr_hides_the_bearer_token() -> None:
    """``repr()`` of the login answer shows its validity, never the token."""
    answer = UserLoginResponse.from_dict(
        {"data": {"bearer_token": "09359095c5da4f3e9b", "valid_to": "2099-01-01 00:00:00"}}
    )
    shown = repr(answer)
    assert "09359095c5da" not in shown
    assert "valid_to='2099-01-01 00:00:00'" in shown
    assert answer.data
    assert answer.data.bearer_token == "09359095c5da4f3e9b"
    assert answer.to_dict()["data"]["bearer_token"] == "09359095c5da4f3e9b"


def test_a_customers_repr_masks_email_phone_birth_date_and_names() -> None:
    """A customer read from the spec's example: personal data masked, ids shown."""
    source = schema_example("Customer")
    source["personal_information"].update(
        email="jane.doe@example.com",
        phone="+420777123456",
        birthdate="1985-02-12",
        first_name="Jane",
        last_name="Doe",
    )
    customer = Customer.from_dict(source)
    shown = repr(customer)
    for value in ("jane.doe@example.com", "+420777123456", "1985", "Jane", "Doe"):
        assert value not in shown, value
    assert f"customer_id={source['customer_id']!r}" in shown
    assert customer.personal_information
    assert customer.personal_information.email == "jane.doe@example.com"
    assert customer.to_dict()["personal_information"]["first_name"] == "Jane"


def test_a_repr_leaves_out_absent_fields_and_shows_nulls() -> None:
    """Fields the JSON object did not have are left out; a null stays visible, even masked."""
    source = {"customer_id": "c-1", "personal_information": {"language_id": "en", "email": None}}
    shown = repr(Customer.from_dict(source))
    assert "customer_id='c-1'" in shown
    assert "email=None" in shown
    assert "UNSET" not in shown
