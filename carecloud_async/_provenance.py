"""Which upstream spec this release was generated from, read from the shipped lock file."""

from __future__ import annotations

from dataclasses import dataclass

from carecloud_async._package_data import spec_lock

__all__ = ["SPEC_PROVENANCE", "SpecProvenance"]


@dataclass(frozen=True)
class SpecProvenance:
    """The pinned OpenAPI document: where it came from and its fingerprint.

    Log it next to your own version when you report a mismatch with a live
    project: it says exactly which upstream commit the SDK speaks.
    """

    repository: str
    """The upstream repository, ``owner/name``."""
    path: str
    """The document's path inside the upstream repository."""
    commit: str
    """The upstream commit the document was pinned at."""
    date: str
    """The upstream commit's date, ``YYYY-MM-DD``."""
    sha256: str
    """sha256 of the pinned document, byte for byte."""

    @classmethod
    def from_lock(cls, lock: dict[str, object]) -> SpecProvenance:
        upstream = lock["upstream"]
        pinned = lock["pinned"]
        if not isinstance(upstream, dict) or not isinstance(pinned, dict):
            raise ValueError("spec lock file lacks its 'upstream' or 'pinned' section")
        return cls(
            repository=str(upstream["repository"]),
            path=str(upstream["path"]),
            commit=str(upstream["commit"]),
            date=str(upstream["commit_date"]),
            sha256=str(pinned["sha256"]),
        )

    def __str__(self) -> str:
        return f"{self.repository}@{self.commit[:12]} ({self.date})"


SPEC_PROVENANCE = SpecProvenance.from_lock(spec_lock())
