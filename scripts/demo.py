"""Summary of the generated client (replaced by the end-to-end demo job)."""

from __future__ import annotations

import sys

from carecloud_openapi._operations import OPERATIONS


def main() -> int:
    apis: dict[str, int] = {}
    for _operation_id, served_by, _list_field in OPERATIONS.values():
        key = " + ".join(served_by)
        apis[key] = apis.get(key, 0) + 1
    print(f"carecloud_openapi: {len(OPERATIONS)} operations")
    for key, count in sorted(apis.items()):
        print(f"  {count:4d} served by {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
