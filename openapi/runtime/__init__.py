"""Hand-written run-time support of the generated package, kept as ordinary checked modules.

``make generate`` copies each module here (not this ``__init__``) into
``carecloud_openapi`` under the same name: ``types.py`` becomes
``carecloud_openapi.types``. They are linted by ruff and checked by mypy strict
here, where people edit them; the copies in ``generated/`` only carry the
DO-NOT-EDIT header. They import nothing from ``carecloud_async``: the generated
package stands on its own.
"""
