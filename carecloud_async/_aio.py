"""``asyncio`` on first use, so importing the clients does not pay for it up front.

Modules of the SDK import ``asyncio`` inside the functions that need it; this
holds the one default that has to exist at definition time.
"""

from __future__ import annotations

__all__ = ["sleep"]


async def sleep(seconds: float) -> None:
    """``asyncio.sleep``, importing asyncio when first awaited."""
    import asyncio

    await asyncio.sleep(seconds)
