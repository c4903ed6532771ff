"""``python -m carecloud_async.cli``: the same as the ``carecloud`` command."""

from carecloud_async.cli import main

main()
