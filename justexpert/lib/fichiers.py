"""Writing secret files (keys, the evidence log's high-water mark) so that nobody else can read them.

Protects against: a key file that exists, even for an instant, with the default umask's mode
(0644 on most systems) before a chmod, so another local user, a backup agent or a crash between
the two leaves it readable; and a half-written file after a crash (replacement is atomic).

Does not protect against: root, or a process of the same user.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def ecrire_prive(chemin: Path, contenu: bytes, *, exclusif: bool = False) -> None:
    """Write ``contenu`` to ``chemin``, mode 0600 from creation, durably.

    ``exclusif``: create only; raise FileExistsError if the file exists (first writer wins, for keys
    generated once). Otherwise the file is replaced atomically (temporary file in the same folder,
    fsync, rename), so a reader sees the old content or the new one, never a mix.
    """
    chemin.parent.mkdir(parents=True, exist_ok=True)
    if exclusif:
        fd = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fichier:
            fichier.write(contenu)
            fichier.flush()
            os.fsync(fichier.fileno())
        return
    temporaire = chemin.with_name(f".{chemin.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporaire, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fichier:
            fichier.write(contenu)
            fichier.flush()
            os.fsync(fichier.fileno())
        os.replace(temporaire, chemin)
    except BaseException:
        temporaire.unlink(missing_ok=True)
        raise
    try:  # the rename itself durable (best effort: not every file system allows opening a folder)
        dossier = os.open(chemin.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dossier)
    except OSError:
        pass
    finally:
        os.close(dossier)
