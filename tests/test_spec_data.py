from carecloud_async._spec_data import normalized_spec
from tests.spec_examples import normalized


def test_the_package_ships_the_normalized_spec_it_was_generated_from() -> None:
    """``openapi.json`` in the generated package is today's normalization of the pinned spec."""
    assert normalized_spec() == normalized()
