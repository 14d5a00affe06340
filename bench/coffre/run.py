"""Benchmark of coffre (issue 4, goal 8).

Uploads and downloads files of 100 MiB and 1 GiB (``--taille``) through the real HTTP endpoint
(``/coffre/deposer/``, raw body as the progress script sends it) of a real WSGI server (gunicorn,
one sync worker) on 127.0.0.1, alternating with the baselines measured on the same disk in the
same run: plain copy + sync, and AES-256-GCM and SHA-256 rates from ``openssl speed -evp``
combined serially (not sha256sum, which has no SHA-NI here). Three rounds, medians.

Prints, per size, upload and download throughput divided by min(copy+sync, crypto)
(goal >= 0.5 each) and the worker's peak memory growth (VmHWM after - VmRSS before; goal for
1 GiB <= 64 MiB and <= growth for 100 MiB + 16 MiB). A fresh server is started per size.
The last line is one JSON object: upload_ratio, download_ratio (for the largest size),
rss_growth_mib_1g, rss_growth_mib_100m (null when that size was not run).

Usage: python bench/coffre/run.py [--taille 100,1024] [--tours 3] [--dossier DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent.parent
MIB = 1024 * 1024
MORCEAU = MIB
CREER_SESSION = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
u = get_user_model().objects.create_user("bench@bench.invalid", "mot-de-passe-de-bench-2026", prenom="B", nom="B", email_verifie=True)
s = SessionStore()
s["_auth_user_id"] = str(u.pk)
s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
s["_auth_user_hash"] = u.get_session_auth_hash()
s.create()
print(s.session_key)
"""


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memoire(pid: int, champ: str) -> int:
    for ligne in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ligne.startswith(champ + ":"):
            return int(ligne.split()[1]) * 1024
    raise RuntimeError(champ)


def openssl(algo: str) -> float:
    """Bytes per second of ``openssl speed -evp`` on 16 KiB blocks (one core)."""
    sortie = subprocess.run(
        ["openssl", "speed", "-evp", algo, "-bytes", "16384", "-seconds", "2"], capture_output=True, text=True, check=True
    ).stdout
    derniere = [ligne for ligne in sortie.splitlines() if ligne.strip()][-1]
    return float(derniere.split()[-1].rstrip("k")) * 1000


def creer_fichier(chemin: Path, taille: int) -> None:
    with open(chemin, "wb") as f:
        f.write(b"%PDF-1.7\n")
        restant = taille - 9
        while restant > 0:
            n = min(MORCEAU, restant)
            f.write(os.urandom(n))
            restant -= n


def copie_sync(source: Path, dossier: Path) -> float:
    cible = dossier / "copie.bin"
    debut = time.perf_counter()
    subprocess.run(["cp", "--reflink=never", str(source), str(cible)], check=True)
    subprocess.run(["sync"], check=True)
    duree = time.perf_counter() - debut
    cible.unlink()
    return duree


class Serveur:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = port_libre()
        self.journal = open(Path(env["JUSTEXPERT_DATA_DIR"]) / f"gunicorn-{self.port}.log", "w+")  # noqa: SIM115
        self.processus = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "justexpert.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1", "--timeout", "600"],
            cwd=RACINE,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.journal,
        )
        fin = time.monotonic() + 60
        self.worker = 0
        while not self.worker:
            if time.monotonic() > fin or self.processus.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            self.journal.seek(0)
            for ligne in self.journal.read().splitlines():
                if "Booting worker with pid:" in ligne:
                    self.worker = int(ligne.rsplit(":", 1)[1])
            time.sleep(0.05)

    def arreter(self) -> None:
        self.processus.terminate()
        self.processus.wait(timeout=60)
        self.journal.close()


def envoyer(port: int, session: str, chemin: Path) -> tuple[float, str]:
    taille = chemin.stat().st_size
    jeton = secrets.token_hex(16)
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    debut = time.perf_counter()
    connexion.putrequest("POST", "/coffre/deposer/")
    for cle, valeur in {
        "Cookie": f"sessionid={session}; csrftoken={jeton}",
        "X-CSRFToken": jeton,
        "Content-Type": "application/octet-stream",
        "Content-Length": str(taille),
        "X-Nom-Fichier": "bench.pdf",
        "Accept": "application/json",
    }.items():
        connexion.putheader(cle, valeur)
    connexion.endheaders()
    with open(chemin, "rb") as f:
        while morceau := f.read(MORCEAU):
            connexion.send(morceau)
    reponse = connexion.getresponse()
    corps = reponse.read()
    duree = time.perf_counter() - debut
    connexion.close()
    if reponse.status != 201:
        raise RuntimeError(f"upload failed: {reponse.status} {corps[:200]!r}")
    return duree, json.loads(corps)["uuid"]


def telecharger(port: int, session: str, reference: str, taille: int) -> float:
    connexion = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    debut = time.perf_counter()
    connexion.request("GET", f"/coffre/{reference}/telecharger/", headers={"Cookie": f"sessionid={session}"})
    reponse = connexion.getresponse()
    recus = 0
    while morceau := reponse.read(MORCEAU):
        recus += len(morceau)
    duree = time.perf_counter() - debut
    connexion.close()
    if reponse.status != 200 or recus != taille:
        raise RuntimeError(f"download failed: {reponse.status}, {recus} of {taille} bytes")
    return duree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--taille", default="100,1024", help="sizes in MiB, comma separated (default 100,1024)")
    parser.add_argument("--tours", type=int, default=3)
    parser.add_argument("--dossier", default="", help="working folder (default: a temporary folder under var/)")
    args = parser.parse_args()
    tailles = [int(t) for t in args.taille.split(",") if t.strip()]

    (RACINE / "var").mkdir(exist_ok=True)
    dossier = Path(args.dossier or tempfile.mkdtemp(prefix="bench-coffre-", dir=RACINE / "var"))
    dossier.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUSTEXPERT_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="justexpert.settings.dev",
        DJANGO_DEBUG="0",
        JUSTEXPERT_MFA_OBLIGATOIRE="0",
        JUSTEXPERT_DATA_DIR=str(dossier / "donnees"),
        DATABASE_URL=f"sqlite:///{dossier / 'bench.sqlite3'}",
        JUSTEXPERT_COFFRE_TAILLE_MAX=str(max(tailles) * MIB + MIB),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=RACINE, env=env, check=True)
    session = subprocess.run(
        [*manage, "shell", "-c", CREER_SESSION], cwd=RACINE, env=env, check=True, capture_output=True, text=True
    ).stdout.split()[-1]

    aes, sha = openssl("aes-256-gcm"), openssl("sha256")
    crypto = 1 / (1 / aes + 1 / sha)
    print(f"openssl: AES-256-GCM {aes / 1e6:.0f} MB/s, SHA-256 {sha / 1e6:.0f} MB/s, serial {crypto / 1e6:.0f} MB/s")
    resultats: dict[int, dict[str, float]] = {}
    try:
        for taille_mib in tailles:
            taille = taille_mib * MIB
            source = dossier / f"source-{taille_mib}.pdf"
            creer_fichier(source, taille)
            serveur = Serveur(env)
            try:
                # Warm-up (imports, first connection), then the memory reference.
                petit = dossier / "petit.pdf"
                creer_fichier(petit, MIB)
                _, ref = envoyer(serveur.port, session, petit)
                telecharger(serveur.port, session, ref, MIB)
                rss_avant = memoire(serveur.worker, "VmRSS")
                copies, montees, descentes = [], [], []
                for tour in range(args.tours):
                    copies.append(taille / copie_sync(source, dossier))
                    duree, reference = envoyer(serveur.port, session, source)
                    montees.append(taille / duree)
                    descentes.append(taille / telecharger(serveur.port, session, reference, taille))
                    print(
                        f"{taille_mib} MiB round {tour + 1}: copy+sync {copies[-1] / 1e6:.0f} MB/s, "
                        f"upload {montees[-1] / 1e6:.0f} MB/s, download {descentes[-1] / 1e6:.0f} MB/s",
                        flush=True,
                    )
                croissance = (memoire(serveur.worker, "VmHWM") - rss_avant) / MIB
            finally:
                serveur.arreter()
            shutil.rmtree(dossier / "donnees" / "coffre" / "objets", ignore_errors=True)
            source.unlink()
            reference_debit = min(statistics.median(copies), crypto)
            resultats[taille_mib] = {
                "upload_ratio": statistics.median(montees) / reference_debit,
                "download_ratio": statistics.median(descentes) / reference_debit,
                "rss_growth_mib": croissance,
            }
            print(
                f"{taille_mib} MiB: baseline min(copy+sync {statistics.median(copies) / 1e6:.0f}, crypto {crypto / 1e6:.0f}) MB/s; "
                f"upload {statistics.median(montees) / 1e6:.0f} MB/s (ratio {resultats[taille_mib]['upload_ratio']:.2f}), "
                f"download {statistics.median(descentes) / 1e6:.0f} MB/s (ratio {resultats[taille_mib]['download_ratio']:.2f}), "
                f"worker peak memory growth {croissance:.1f} MiB",
                flush=True,
            )
    finally:
        if not args.dossier:
            shutil.rmtree(dossier, ignore_errors=True)
    plus_grand = resultats[max(tailles)]
    print(
        json.dumps(
            {
                "upload_ratio": round(plus_grand["upload_ratio"], 3),
                "download_ratio": round(plus_grand["download_ratio"], 3),
                "rss_growth_mib_1g": round(resultats[1024]["rss_growth_mib"], 1) if 1024 in resultats else None,
                "rss_growth_mib_100m": round(resultats[100]["rss_growth_mib"], 1) if 100 in resultats else None,
                "tailles_mib": tailles,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
