"""The evidence log's high-water mark: the highest checkpoint ever signed, kept outside the database.

Protects against: a log that forks. A database restored from a dump continues from the dump's
size; without this mark it would sign, with the same key, new checkpoints for sizes the live log
had already signed with other roots (issue 33 item 3): two signed histories, receipts issued after
the dump gone, and each copy "intact" on its own. Before any checkpoint is published, the log must
extend the highest one signed under its name: same size and root, or a larger size whose tree
still has, at the marked size, the marked root. Otherwise nothing is signed (the events are kept;
their receipts stay "horodatage en attente"; the watch task reports checkpoints that stop).

Where: JUSTEXPERT_PREUVES_REPERE names the file (production: required; keep it beside the log
key, outside the database and outside its backups, on storage every application server shares);
development and tests: DATA_DIR/secrets/preuves-repere.json. One entry per log name.

Does not protect against: losing the mark together with the database (the restore procedure
then takes the latest checkpoint known to witnesses or to the operators, `restaurer
--dernier-point`), nor someone who can write the file and holds the key.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from justexpert.lib.env import ConfigurationError, env_str, secrets_generes_permis
from justexpert.lib.fichiers import ecrire_prive

FORMAT = "justexpert-repere/1"


class SignatureRefusee(Exception):
    """Signing this checkpoint would fork the log; the message is French, for the operators."""


@dataclass(frozen=True)
class Repere:
    taille: int
    racine: bytes


def chemin() -> Path:
    valeur = env_str("JUSTEXPERT_PREUVES_REPERE")
    if valeur:
        return Path(valeur)
    if not secrets_generes_permis():
        raise ConfigurationError("JUSTEXPERT_PREUVES_REPERE must name the file of the evidence log's high-water mark.")
    return Path(settings.DATA_DIR) / "secrets" / "preuves-repere.json"


def probleme_production() -> str | None:
    """Production lacks the mark's location, or its folder does not exist."""
    valeur = env_str("JUSTEXPERT_PREUVES_REPERE")
    if not valeur:
        return (
            "JUSTEXPERT_PREUVES_REPERE must name the file of the evidence log's high-water mark "
            "(beside the log key, outside the database: a restore must not sign over a history it does not have)."
        )
    if not Path(valeur).parent.is_dir():
        return f"JUSTEXPERT_PREUVES_REPERE={valeur!r}: its folder does not exist."
    return None


def lire() -> dict[str, Repere]:
    """Every log name's mark; an absent file is an empty mark (a new log)."""
    try:
        contenu = chemin().read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        donnees = json.loads(contenu)
        if donnees.get("format") != FORMAT:
            raise ValueError("format")
        return {
            origine: Repere(int(m["taille"]), base64.b64decode(m["racine"], validate=True))
            for origine, m in donnees["journaux"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        # Never sign on a mark that cannot be read: fixing the file is a human decision.
        raise SignatureRefusee(f"le repère du journal ({chemin()}) est illisible : aucun point de contrôle n'est signé") from None


def _ecrire(reperes: dict[str, Repere]) -> None:
    donnees = {
        "format": FORMAT,
        "journaux": {o: {"taille": r.taille, "racine": base64.b64encode(r.racine).decode()} for o, r in sorted(reperes.items())},
    }
    ecrire_prive(chemin(), json.dumps(donnees, indent=1).encode())


def controler(origine: str, taille: int, racine: bytes, racine_a: Callable[[int], bytes]) -> None:
    """Raise SignatureRefusee unless a checkpoint (taille, racine) of log `origine` extends the
    highest one signed. `racine_a(m)` gives this log's root at size m from its stored nodes
    (LookupError when the log does not reach m)."""
    repere = lire().get(origine)
    if repere is None:
        return
    if taille < repere.taille:
        raise SignatureRefusee(
            f"le journal « {origine} » a déjà signé un point de contrôle de taille {repere.taille} ; celui-ci n'en a "
            f"que {taille} : historique incomplet (restauration ?), aucun point de contrôle n'est signé en deçà"
        )
    try:
        ancienne = racine if taille == repere.taille else racine_a(repere.taille)
    except LookupError:
        ancienne = b""
    if ancienne != repere.racine:
        raise SignatureRefusee(
            f"le journal « {origine} » ne prolonge pas le point de contrôle de taille {repere.taille} déjà signé : "
            "signer créerait une fourche"
        )


def avancer(origine: str, taille: int, racine: bytes, racine_a: Callable[[int], bytes]) -> None:
    """Check (controler), then record (taille, racine) as the mark before the checkpoint is
    published. Called inside the journal's row lock, so appenders do not race on the file."""
    controler(origine, taille, racine, racine_a)
    reperes = lire()
    actuel = reperes.get(origine)
    if actuel is None or taille > actuel.taille:
        reperes[origine] = Repere(taille, racine)
        _ecrire(reperes)


def relever(origine: str, taille: int, racine: bytes) -> bool:
    """Raise the mark to a checkpoint known to have been published (a witness, an export of the live
    log), whose signature the caller checked. Never lowers it. Returns whether it changed; raises
    SignatureRefusee when it contradicts the mark (same size, other root: a fork already exists)."""
    reperes = lire()
    actuel = reperes.get(origine)
    if actuel is not None and actuel.taille == taille and actuel.racine != racine:
        raise SignatureRefusee(f"deux points de contrôle signés de taille {taille} ont des racines différentes : fourche")
    if actuel is not None and actuel.taille >= taille:
        return False
    reperes[origine] = Repere(taille, racine)
    _ecrire(reperes)
    return True
