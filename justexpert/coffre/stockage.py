"""Storage backends of coffre: where the encrypted objects live.

Objects are named by the document id only (never by a user-supplied name). Backends only ever see
ciphertext. A write goes to a staging place first and becomes visible under its final name only on
``valider()`` (local: fsync + atomic rename; S3: completing a multipart upload), so a crash leaves
at most a staging file or an incomplete multipart upload, which ``nettoyer_incomplets`` removes
after the cleanup delay.

Protects against: half-written objects visible under their final name; path traversal (names are
checked to be hex ids). Does not protect against: a backend that loses acknowledged writes.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from django.conf import settings

from . import conf

NOM_VALIDE = re.compile(r"^[0-9a-f]{32}$")


def _verifier_nom(nom: str) -> str:
    if not NOM_VALIDE.match(nom):
        raise ValueError("object names are document ids (32 hex digits)")
    return nom


class Ecrivain(Protocol):
    def ecrire(self, donnees: bytes) -> None: ...
    def valider(self) -> None: ...
    def abandonner(self) -> None: ...


class Stockage(Protocol):
    nom: str

    def ecrivain(self, nom: str) -> Ecrivain: ...
    def ouvrir(self, nom: str, position: int = 0) -> BinaryIO: ...
    def existe(self, nom: str) -> bool: ...
    def supprimer(self, nom: str) -> None: ...
    def lister(self) -> Iterator[tuple[str, float]]: ...
    def nettoyer_incomplets(self, avant: float) -> int: ...


# --- Local folder ---------------------------------------------------------------------------------


class EcrivainLocal:
    def __init__(self, staging: Path, final: Path) -> None:
        self._staging = staging
        self._final = final
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fichier: io.BufferedWriter | None = os.fdopen(fd, "wb", buffering=0)  # type: ignore[assignment]

    def ecrire(self, donnees: bytes) -> None:
        assert self._fichier is not None
        vue = memoryview(donnees)
        while vue:
            ecrits = self._fichier.write(vue)
            vue = vue[ecrits:]

    def valider(self) -> None:
        assert self._fichier is not None
        self._fichier.flush()
        os.fsync(self._fichier.fileno())
        self._fichier.close()
        self._fichier = None
        self._final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._staging, self._final)
        fd = os.open(self._final.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def abandonner(self) -> None:
        if self._fichier is not None:
            self._fichier.close()
            self._fichier = None
        self._staging.unlink(missing_ok=True)


class StockageLocal:
    """A folder of the machine (default: DATA_DIR/coffre). Two levels of fan-out by id prefix."""

    nom = "local"

    def __init__(self, racine: Path, staging: Path) -> None:
        self.racine = racine
        self.staging = staging
        racine.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _chemin(self, nom: str) -> Path:
        nom = _verifier_nom(nom)
        return self.racine / nom[:2] / nom

    def ecrivain(self, nom: str) -> EcrivainLocal:
        return EcrivainLocal(self.staging / f"{_verifier_nom(nom)}.part", self._chemin(nom))

    def ouvrir(self, nom: str, position: int = 0) -> BinaryIO:
        fichier = open(self._chemin(nom), "rb")  # noqa: SIM115 (returned to the caller, who closes it)
        if position:
            fichier.seek(position)
        return fichier

    def existe(self, nom: str) -> bool:
        return self._chemin(nom).is_file()

    def supprimer(self, nom: str) -> None:
        self._chemin(nom).unlink(missing_ok=True)

    def lister(self) -> Iterator[tuple[str, float]]:
        for chemin in self.racine.glob("*/*"):
            if NOM_VALIDE.match(chemin.name):
                try:
                    yield chemin.name, chemin.stat().st_mtime
                except FileNotFoundError:
                    continue

    def nettoyer_incomplets(self, avant: float) -> int:
        supprimes = 0
        for chemin in self.staging.glob("*.part"):
            try:
                if chemin.stat().st_mtime < avant:
                    chemin.unlink()
                    supprimes += 1
            except FileNotFoundError:
                continue
        return supprimes


# --- S3-compatible object storage ---------------------------------------------------------------

TAILLE_PARTIE = 8 * 1024 * 1024  # S3 parts must be >= 5 MiB except the last


class EcrivainS3:
    def __init__(self, client, bucket: str, cle: str) -> None:  # noqa: ANN001 (boto3 client)
        self._client = client
        self._bucket = bucket
        self._cle = cle
        self._tampon = bytearray()
        self._parties: list[dict] = []
        self._upload_id = client.create_multipart_upload(Bucket=bucket, Key=cle)["UploadId"]

    def _envoyer(self) -> None:
        numero = len(self._parties) + 1
        reponse = self._client.upload_part(
            Bucket=self._bucket, Key=self._cle, UploadId=self._upload_id, PartNumber=numero, Body=bytes(self._tampon)
        )
        self._parties.append({"ETag": reponse["ETag"], "PartNumber": numero})
        self._tampon = bytearray()

    def ecrire(self, donnees: bytes) -> None:
        self._tampon += donnees
        if len(self._tampon) >= TAILLE_PARTIE:
            self._envoyer()

    def valider(self) -> None:
        if self._tampon or not self._parties:
            self._envoyer()
        self._client.complete_multipart_upload(
            Bucket=self._bucket, Key=self._cle, UploadId=self._upload_id, MultipartUpload={"Parts": self._parties}
        )

    def abandonner(self) -> None:
        self._tampon = bytearray()
        self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._cle, UploadId=self._upload_id)


class StockageS3:
    """An S3-compatible bucket. Credentials come from the usual AWS variables or instance role."""

    nom = "s3"
    PREFIXE = "coffre/"

    def __init__(self, bucket: str, endpoint_url: str | None, region: str) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, s3={"addressing_style": "path"}),
        )

    def _cle(self, nom: str) -> str:
        return self.PREFIXE + _verifier_nom(nom)

    def ecrivain(self, nom: str) -> EcrivainS3:
        return EcrivainS3(self.client, self.bucket, self._cle(nom))

    def ouvrir(self, nom: str, position: int = 0) -> BinaryIO:
        arguments = {"Bucket": self.bucket, "Key": self._cle(nom)}
        if position:
            arguments["Range"] = f"bytes={position}-"
        return self.client.get_object(**arguments)["Body"]

    def existe(self, nom: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._cle(nom))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def supprimer(self, nom: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._cle(nom))

    def lister(self) -> Iterator[tuple[str, float]]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.PREFIXE):
            for objet in page.get("Contents", []):
                nom = objet["Key"][len(self.PREFIXE) :]
                if NOM_VALIDE.match(nom):
                    yield nom, objet["LastModified"].timestamp()

    def nettoyer_incomplets(self, avant: float) -> int:
        from botocore.exceptions import ClientError

        supprimes = 0
        limite = dt.datetime.fromtimestamp(avant, tz=dt.UTC)
        for page in self.client.get_paginator("list_multipart_uploads").paginate(Bucket=self.bucket, Prefix=self.PREFIXE):
            for envoi in page.get("Uploads", []):
                if envoi["Initiated"] < limite:
                    try:
                        self.client.abort_multipart_upload(Bucket=self.bucket, Key=envoi["Key"], UploadId=envoi["UploadId"])
                    except ClientError as exc:
                        # Another worker's cleanup aborted it since the listing (several workers).
                        if exc.response.get("Error", {}).get("Code") != "NoSuchUpload":
                            raise
                        continue
                    supprimes += 1
        return supprimes


@lru_cache(maxsize=8)
def _stockage(nom: str, donnees: str, bucket: str, endpoint: str, region: str) -> Stockage:
    if nom == "s3":
        return StockageS3(bucket, endpoint, region)
    return StockageLocal(Path(donnees) / "coffre" / "objets", Path(donnees) / "coffre" / "staging")


def stockage() -> Stockage:
    """The configured backend (settings.STOCKAGE_BACKEND: local | s3)."""
    return _stockage(conf.backend(), str(settings.DATA_DIR), settings.S3_BUCKET, settings.S3_ENDPOINT_URL, settings.S3_REGION)


def maintenant() -> float:
    return time.time()
