"""Helpers of the document tests: files as the coffre receives them, deposits, state moves."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from justexpert.coffre import services as coffre
from justexpert.expertises import depots
from justexpert.expertises.models import Etat, Expertise
from tests.preuves.outils_signature import pdf


def fichier(nom: str = "note.pdf", contenu: bytes | None = None) -> coffre.Depot:
    d = coffre.Depot(nom)
    d.ecrire(contenu if contenu is not None else pdf(nom))
    d.terminer()
    return d


def deposer(user, e: Expertise, type_: str, *, nom: str = "document.pdf", contenu: bytes | None = None, **kw):
    e.refresh_from_db()
    return depots.deposer(acteur=user, expertise=e, type_=type_, fichier=fichier(nom, contenu), **kw)


def etat(e: Expertise, valeur: str, **champs) -> Expertise:
    Expertise.objects.filter(pk=e.pk).update(etat=valeur, **champs)
    e.refresh_from_db()
    return e


def en_cours(e: Expertise) -> Expertise:
    return etat(e, Etat.EN_COURS)


def poster(client, e: Expertise, donnees: dict, *, nom: str = "piece.pdf", contenu: bytes | None = None, sans_fichier=False):
    donnees = dict(donnees)
    if not sans_fichier:
        donnees["fichier"] = SimpleUploadedFile(nom, contenu if contenu is not None else pdf(nom), content_type="application/pdf")
    return client.post(reverse("expertises:deposer", args=[e.uuid]), donnees)
