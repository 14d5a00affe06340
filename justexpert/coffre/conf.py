"""Settings of coffre, read from Django settings and the environment (STYLE.md: secrets come from the
environment or from files named by it; development generates its own keys outside git).

Key-encryption keys (KEK):
- production: ``JUSTEXPERT_COFFRE_CLES`` (or ``JUSTEXPERT_COFFRE_CLES_FILE`` naming a file) holds
  ``id1:base64key,id2:base64key`` (32-byte keys, standard base64); ``JUSTEXPERT_COFFRE_CLE_ACTIVE``
  names the id used for new documents (default: the last one listed). Old ids stay listed for as
  long as a document is wrapped by them (``manage.py rotation_cle`` rewraps every document).
- development, demo and tests (DEBUG or DEMO, variable unset): keys live in
  ``DATA_DIR/secrets/coffre/<id>.cle`` (mode 0600), created on first use; the file ``active``
  names the current id. Anywhere else the variable is required: keys generated beside the
  ciphertexts would protect nothing (issue 17 item 3), so production refuses to start without it
  (``problemes_production``, called by settings/production.py and by ``check --deploy``).
A malformed value stops with a ConfigurationError naming the variable.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from django.conf import settings

from justexpert.lib.env import ConfigurationError, env_int, env_str, secrets_generes_permis

VAR_CLES = "JUSTEXPERT_COFFRE_CLES"
VAR_CLE_ACTIVE = "JUSTEXPERT_COFFRE_CLE_ACTIVE"


def taille_max() -> int:
    """Largest accepted document, in bytes (default 1 GiB, as PLEX)."""
    return getattr(settings, "COFFRE_TAILLE_MAX", None) or env_int("JUSTEXPERT_COFFRE_TAILLE_MAX", 1024**3, minimum=1)


def taille_segment() -> int:
    """Plaintext bytes per encrypted segment; stored per document, so changing it is safe."""
    return getattr(settings, "COFFRE_TAILLE_SEGMENT", None) or env_int("JUSTEXPERT_COFFRE_SEGMENT", 1024 * 1024, minimum=1024)


def delai_orphelins() -> int:
    """Seconds after which an object or staging file without its row is removed by the cleanup task.
    Must exceed the longest upload (a slow 1 GiB upload can take an hour)."""
    valeur = getattr(settings, "COFFRE_DELAI_ORPHELINS", None)
    return valeur if valeur is not None else env_int("JUSTEXPERT_COFFRE_DELAI_ORPHELINS", 6 * 3600, minimum=0)


def envoi_duree_max() -> int:
    """Longest an upload may last, in seconds (default 2 h: 1 GiB at 150 kB/s). Keep it below
    ``delai_orphelins()`` so the cleanup task never removes an upload still running."""
    return getattr(settings, "ENVOI_DUREE_MAX", None) or env_int("JUSTEXPERT_ENVOI_DUREE_MAX", 2 * 3600, minimum=1)


def envoi_debit_min() -> int:
    """Slowest average pace accepted once the grace delay has passed, in bytes per second
    (default 16 Kio/s, 128 kbit/s; 0 disables the rule)."""
    valeur = getattr(settings, "ENVOI_DEBIT_MIN", None)
    return valeur if valeur is not None else env_int("JUSTEXPERT_ENVOI_DEBIT_MIN", 16 * 1024, minimum=0)


def envoi_delai_grace() -> int:
    """Seconds before the pace rule applies (a connection may start slowly)."""
    valeur = getattr(settings, "ENVOI_DELAI_GRACE", None)
    return valeur if valeur is not None else env_int("JUSTEXPERT_ENVOI_DELAI_GRACE", 60, minimum=1)


def backend() -> str:
    return getattr(settings, "STOCKAGE_BACKEND", "local")


def dossier_donnees() -> Path:
    return Path(settings.DATA_DIR) / "coffre"


def dossier_staging() -> Path:
    return dossier_donnees() / "staging"


def dossier_objets() -> Path:
    return dossier_donnees() / "objets"


def _dossier_cles_dev() -> Path:
    return Path(settings.DATA_DIR) / "secrets" / "coffre"


def _decoder(identifiant: str, texte: str) -> bytes:
    try:
        cle = base64.b64decode(texte.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigurationError(f"{VAR_CLES}: key {identifiant!r} is not valid base64.") from None
    if len(cle) != 32:
        raise ConfigurationError(f"{VAR_CLES}: key {identifiant!r} must be 32 bytes (AES-256), got {len(cle)}.")
    return cle


def _cles_environnement(valeur: str) -> tuple[dict[str, bytes], str]:
    cles: dict[str, bytes] = {}
    dernier = ""
    for morceau in valeur.split(","):
        morceau = morceau.strip()
        if not morceau:
            continue
        identifiant, sep, texte = morceau.partition(":")
        if not sep or not identifiant or len(identifiant) > 32:
            raise ConfigurationError(f"{VAR_CLES}: expected 'id:base64key' items separated by commas.")
        cles[identifiant] = _decoder(identifiant, texte)
        dernier = identifiant
    if not cles:
        raise ConfigurationError(f"{VAR_CLES} is set but holds no key.")
    active = env_str(VAR_CLE_ACTIVE) or dernier
    if active not in cles:
        raise ConfigurationError(f"{VAR_CLE_ACTIVE}={active!r} is not among the keys of {VAR_CLES}.")
    return cles, active


def _cles_developpement() -> tuple[dict[str, bytes], str]:
    dossier = _dossier_cles_dev()
    if not (dossier / "active").exists():
        nouvelle_cle_developpement()
    cles = {f.stem: _decoder(f.stem, f.read_text(encoding="ascii")) for f in dossier.glob("*.cle")}
    active = (dossier / "active").read_text(encoding="ascii").strip()
    if active not in cles:
        raise ConfigurationError(f"{dossier / 'active'} names {active!r}, which has no key file.")
    return cles, active


def cles() -> tuple[dict[str, bytes], str]:
    """All key-encryption keys by id, and the id of the active one. Not cached: rotation takes effect
    at once, and keys do not linger in memory longer than a wrap or unwrap."""
    valeur = env_str(VAR_CLES)
    if valeur is not None:
        return _cles_environnement(valeur)
    if not secrets_generes_permis():
        raise ConfigurationError(f"{VAR_CLES} (or {VAR_CLES}_FILE) must hold the key-encryption keys outside development.")
    return _cles_developpement()


def problemes_production() -> list[str]:
    """What a production environment lacks or has malformed for coffre, read from the environment
    only (settings may not be loaded yet). Empty when complete."""
    valeur = env_str(VAR_CLES)
    if not valeur:
        return [f"{VAR_CLES} (or {VAR_CLES}_FILE) must hold the key-encryption keys, 'id:base64(32 bytes),…'."]
    try:
        _cles_environnement(valeur)
    except ConfigurationError as exc:
        return [str(exc)]
    return []


def mode_developpement() -> bool:
    return env_str(VAR_CLES) is None


def nouvelle_cle_developpement() -> str:
    """Create a new development KEK file and make it active; returns its id."""
    dossier = _dossier_cles_dev()
    dossier.mkdir(parents=True, exist_ok=True, mode=0o700)
    existants = sorted(int(f.stem[1:]) for f in dossier.glob("k*.cle") if f.stem[1:].isdigit())
    identifiant = f"k{(existants[-1] + 1) if existants else 1}"
    fd = os.open(dossier / f"{identifiant}.cle", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii"))
    temporaire = dossier / "active.tmp"
    temporaire.write_text(identifiant, encoding="ascii")
    os.replace(temporaire, dossier / "active")
    return identifiant
