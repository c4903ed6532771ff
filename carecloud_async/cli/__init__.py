"""The ``carecloud`` command line (install with ``pip install 'carecloud-async[cli]'``).

It is the only part of the package that imports typer and rich.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Run the ``carecloud`` command."""
    try:
        from carecloud_async.cli._app import main as run
    except ModuleNotFoundError as exc:
        if exc.name not in ("typer", "rich", "click"):
            raise
        import sys

        sys.stderr.write(
            "carecloud: the command line needs its extra: pip install 'carecloud-async[cli]'\n"
        )
        raise SystemExit(2) from None
    run()
