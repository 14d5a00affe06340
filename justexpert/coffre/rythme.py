"""The pace of an upload: one that lasts too long, or trickles in too slowly, is cut with a French
message, so that slow clients cannot hold the application server's threads.

Protects against: a client holding a worker thread for hours by sending a body byte by byte (with
threaded workers, a thread serves one upload from its first byte to its last), and a stalled
upload that never ends. Two rules, settings in ``conf``: an upload lasts at most
``envoi_duree_max()`` seconds; once ``envoi_delai_grace()`` seconds have passed, its average pace
must stay above ``envoi_debit_min()`` bytes per second.

How: the upload code counts the bytes it receives (``Envoi.recevoir``) and checks both rules at
each chunk. A chunk may take long to arrive on a slow connection, so a watchdog thread of the
process also checks every running upload each second and, when one breaks a rule, shuts down the
reading side of its socket (``socket.shutdown(SHUT_RD)``): the blocked read returns at once, the
upload code sees the cut and answers 408 with the reason. The socket is the server's
(``gunicorn.socket`` in the WSGI environment); without one (development server, test client) the
rules are still checked at each chunk.

Does not protect against: slow request *headers* (read by the server before the application runs:
the reverse proxy's ``client_header_timeout`` does that), nor many connections from one address
(the proxy's ``limit_conn``). See docs/fiabilite.md for the server model.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

from . import conf
from .services import RefusDepot, taille_lisible

logger = logging.getLogger(__name__)

PERIODE_SURVEILLANCE = 1.0


def _duree_lisible(secondes: int) -> str:
    if secondes >= 3600 and secondes % 3600 == 0:
        heures = secondes // 3600
        return f"{heures} heure" + ("s" if heures > 1 else "")
    if secondes >= 60 and secondes % 60 == 0:
        minutes = secondes // 60
        return f"{minutes} minute" + ("s" if minutes > 1 else "")
    return f"{secondes} secondes"


class RefusRythme(RefusDepot):
    """The upload broke a pace rule. The rest of the body is not read (the client is slow)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, statut=408)


class Envoi:
    """One upload in progress: its start, the bytes received so far, and the socket to cut."""

    def __init__(self, sock: Any = None, *, debut: float | None = None) -> None:
        self.debut = time.monotonic() if debut is None else debut
        self.recus = 0
        self.sock = sock
        self.duree_max = conf.envoi_duree_max()
        self.debit_min = conf.envoi_debit_min()
        self.grace = conf.envoi_delai_grace()
        self.motif: str | None = None
        self._marge = 0

    def _motif(self, maintenant: float) -> str | None:
        ecoule = maintenant - self.debut
        if ecoule > self.duree_max:
            return (
                f"L'envoi a duré plus de {_duree_lisible(self.duree_max)} : le document n'a pas été enregistré. "
                "Renvoyez-le depuis une connexion plus rapide."
            )
        # The bytes of a chunk still arriving are not counted yet: give them the benefit of the doubt.
        if self.debit_min and ecoule > self.grace and self.recus + self._marge < self.debit_min * ecoule:
            return (
                f"L'envoi est trop lent (moins de {taille_lisible(self.debit_min)} par seconde en moyenne) : "
                "le document n'a pas été enregistré. Vérifiez votre connexion, puis renvoyez-le."
            )
        return None

    def recevoir(self, octets: int, *, morceau: int = 0) -> None:
        """Count ``octets`` more; ``morceau`` is the size of the next read (the margin above).
        Raises RefusRythme if a rule is broken."""
        self.recus += octets
        self._marge = morceau
        self.verifier()

    def verifier(self) -> None:
        if self.motif is None:
            self.motif = self._motif(time.monotonic())
        if self.motif is not None:
            raise RefusRythme(self.motif)

    def couper_si_hors_rythme(self, maintenant: float) -> bool:
        """Called by the watchdog: cut the socket's reading side if a rule is broken."""
        if self.motif is not None:
            return False
        motif = self._motif(maintenant)
        if motif is None:
            return False
        self.motif = motif
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RD)
            except OSError:
                pass  # already closed by the client: the read fails anyway
        logger.warning("coffre: upload cut after %.0f s, %d bytes received (pace rules)", maintenant - self.debut, self.recus)
        return True


class Surveillant:
    """One daemon thread per process that checks every running upload once per period."""

    def __init__(self, periode: float = PERIODE_SURVEILLANCE) -> None:
        self.periode = periode
        self._envois: set[Envoi] = set()
        self._verrou = threading.Lock()
        self._fil: threading.Thread | None = None

    def suivre(self, envoi: Envoi) -> None:
        with self._verrou:
            self._envois.add(envoi)
            if self._fil is None or not self._fil.is_alive():
                self._fil = threading.Thread(target=self._boucle, name="coffre-rythme", daemon=True)
                self._fil.start()

    def oublier(self, envoi: Envoi) -> None:
        with self._verrou:
            self._envois.discard(envoi)

    def tour(self, maintenant: float | None = None) -> int:
        """Check every upload once; returns how many were cut."""
        maintenant = time.monotonic() if maintenant is None else maintenant
        with self._verrou:
            envois = list(self._envois)
        return sum(envoi.couper_si_hors_rythme(maintenant) for envoi in envois)

    def _boucle(self) -> None:
        while True:
            time.sleep(self.periode)
            try:
                self.tour()
            except Exception:  # never let the watchdog die: it protects every upload of the process
                logger.exception("coffre: pace watchdog failed")


surveillant = Surveillant()
