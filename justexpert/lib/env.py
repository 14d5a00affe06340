"""Reading settings from the environment.

Every setting that differs between a laptop and production comes from an environment variable,
or from a file named by ``<NAME>_FILE`` (so secrets can live in files mounted by the orchestrator).
A malformed value stops start-up with a message that names the variable, instead of a surprise
at the first request.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message says which and how to fix it."""


_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable, or the content of the file named by ``NAME_FILE``, or ``default``."""
    value = os.environ.get(name)
    if value is not None:
        return value
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return default


def env_required(name: str) -> str:
    value = env_str(name)
    if not value:
        raise ConfigurationError(f"{name} must be set (or {name}_FILE naming a file holding it).")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = env_str(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip().replace("_", ""))
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name}={number} is below the minimum {minimum}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = env_str(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_limite(name: str, default: str) -> tuple[int, int]:
    """A throttling limit written ``REQUESTS/SECONDS`` (``10/3600``: ten requests an hour)."""
    value = (env_str(name) or default).strip()
    nombre, _, secondes = value.partition("/")
    try:
        limite = (int(nombre), int(secondes))
    except ValueError:
        raise ConfigurationError(f"{name}={value!r}: expected REQUESTS/SECONDS, e.g. 10/3600.") from None
    if limite[0] < 1 or limite[1] < 1:
        raise ConfigurationError(f"{name}={value!r}: both numbers must be at least 1.")
    return limite


def site_url(name: str, value: str) -> str:
    """The public address of the platform (scheme and host, optional port, no path): every absolute
    link — mails sent by the worker, which has no request, included — starts with it."""
    parts = urlsplit(value.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ConfigurationError(f"{name}={value!r}: expected the public address, e.g. https://justexpert.example (no path).")
    return f"{parts.scheme}://{parts.netloc}"


def generated_secret(path: Path, *, nbytes: int = 50) -> str:
    """Read a development secret from ``path``, creating it (mode 0600) on first use.

    Only for development and tests: production reads its secrets from the environment.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


def secrets_generes_permis() -> bool:
    """Whether keys and secrets may be generated on first use under DATA_DIR: development and test
    settings (``SECRETS_GENERES``), debug, or the demonstration. Production reads them from the
    environment and refuses to start without them."""
    from django.conf import settings

    return bool(getattr(settings, "SECRETS_GENERES", False) or settings.DEBUG or getattr(settings, "DEMO", False))
