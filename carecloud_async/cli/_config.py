"""Where the command line gets its settings: a profile, ``CARECLOUD_*`` variables, options.

Precedence, lowest first: the ``default`` profile, the environment, the profile
named with ``--profile``, then command-line options. Profiles live in
``config.toml`` in the user config directory (``CARECLOUD_CONFIG`` names
another file)::

    [profiles.prod]
    api = "enterprise"
    project_url = "myproject.crmcarecloud.com"
    login = "etl"
    external_application_id = "..."
    password_file = "~/.config/carecloud/prod.password"
    project_timezone = "Europe/Prague"

A password is never taken from the command line: it comes from
``CARECLOUD_PASSWORD``, a ``password_file`` (profile or ``--password-file``),
or a prompt when a terminal is attached.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carecloud_async import ConfigurationError

__all__ = ["Settings", "config_path", "load_settings"]

_KEYS = {
    "api": "API",
    "project_url": "PROJECT_URL",
    "base_url": "BASE_URL",
    "api_version": "API_VERSION",
    "accept_language": "ACCEPT_LANGUAGE",
    "project_timezone": "PROJECT_TIMEZONE",
    "login": "LOGIN",
    "external_application_id": "EXTERNAL_APPLICATION_ID",
    "bearer_token": "BEARER_TOKEN",
    "password_file": "PASSWORD_FILE",
    "device_id": "DEVICE_ID",
    "token_file": "TOKEN_FILE",
}
_SECRET_KEYS = frozenset({"password", "bearer_token"})


@dataclass
class Settings:
    """Resolved connection settings; ``repr`` never shows a secret."""

    values: dict[str, str] = field(default_factory=dict)
    password: str | None = field(default=None, repr=False)

    @property
    def api(self) -> str:
        return self.values.get("api", "enterprise")

    def __repr__(self) -> str:
        shown = {k: ("***" if k in _SECRET_KEYS else v) for k, v in self.values.items()}
        return f"Settings({shown}, password={'***' if self.password else None})"


def config_path() -> Path:
    """The profiles file: ``$CARECLOUD_CONFIG`` or ``config.toml`` in the user config dir."""
    if explicit := os.environ.get("CARECLOUD_CONFIG"):
        return Path(explicit).expanduser()
    import typer

    return Path(typer.get_app_dir("carecloud")) / "config.toml"


def _profiles(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: not valid TOML ({exc})") from None
    profiles = document.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigurationError(f"{path}: [profiles] must be a table of profiles")
    return profiles


def _profile(
    profiles: Mapping[str, Any], name: str, path: Path, *, required: bool
) -> dict[str, str]:
    profile = profiles.get(name)
    if profile is None:
        if required:
            known = ", ".join(sorted(profiles)) or "none"
            raise ConfigurationError(f"--profile {name!r} is not in {path} (profiles: {known})")
        return {}
    if not isinstance(profile, dict):
        raise ConfigurationError(f"{path}: [profiles.{name}] must be a table")
    if "password" in profile:
        raise ConfigurationError(
            f"{path}: [profiles.{name}] holds a password; use password_file "
            "or the CARECLOUD_PASSWORD variable instead"
        )
    unknown = sorted(set(profile) - set(_KEYS))
    if unknown:
        raise ConfigurationError(
            f"{path}: [profiles.{name}] has unknown keys {', '.join(unknown)} "
            f"(known: {', '.join(sorted(_KEYS))})"
        )
    return {key: str(value) for key, value in profile.items()}


def load_settings(
    *,
    profile: str | None,
    overrides: Mapping[str, str | None],
    prompt: Callable[[str], str] | None,
) -> Settings:
    """Merge profile, environment and options; find the password if a login needs one."""
    path = config_path()
    profiles = _profiles(path)
    values: dict[str, str] = dict(_profile(profiles, "default", path, required=False))
    for key, name in _KEYS.items():
        if env := os.environ.get(f"CARECLOUD_{name}"):
            values[key] = env
    if profile:
        values.update(_profile(profiles, profile, path, required=True))
    values.update({k: v for k, v in overrides.items() if v})
    if values.get("api", "enterprise") not in ("enterprise", "customer"):
        raise ConfigurationError(f"api must be 'enterprise' or 'customer', got {values['api']!r}")
    settings = Settings(values)
    if settings.api == "enterprise" and "bearer_token" not in values:
        settings.password = _password(values, prompt)
    return settings


def _password(values: Mapping[str, str], prompt: Callable[[str], str] | None) -> str | None:
    if env := os.environ.get("CARECLOUD_PASSWORD"):
        return env
    if file := values.get("password_file"):
        try:
            return Path(file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"password_file {file}: {exc.strerror}") from None
    if "login" in values and prompt is not None:
        return prompt(f"Password for {values['login']}")
    return None


def client_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``EnterpriseClient`` or ``CustomerClient``."""
    values = settings.values
    common = ("project_url", "base_url", "api_version", "accept_language", "project_timezone")
    options: dict[str, Any] = {k: values[k] for k in common if k in values}
    if settings.api == "enterprise":
        if "bearer_token" in values:
            options["bearer_token"] = values["bearer_token"]
        else:
            for key in ("login", "external_application_id"):
                if key in values:
                    options[key] = values[key]
            options["password"] = settings.password
        return options
    from carecloud_async import DeviceInfo, FileTokenStore

    if "external_application_id" in values:
        options["external_application_id"] = values["external_application_id"]
    if "device_id" in values:
        options["device"] = DeviceInfo(device_id=values["device_id"])
    if "token_file" in values:
        options["token_store"] = FileTokenStore(values["token_file"])
    return options
