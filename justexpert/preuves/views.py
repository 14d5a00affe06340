"""Views of preuves: one public page, "Vérifier un accusé". Kept minimal (it is public).

preuves cannot import comptes, so the public marker is set here the same way as
justexpert.comptes.permissions.public does (login_not_required + justexpert_acces = "public").
"""

from __future__ import annotations

import datetime as dt

from asn1crypto import tsp
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from justexpert.lib.limitation.decorateurs import limiter, reponse_429_texte
from justexpert.lib.securite_http import verifier_csrf

from . import ancres as ancres_publiees
from . import conf, horodatage, lecture, sceau, services
from .forms import VerificationForm
from .televersement import LectureVerification


def public(view):  # type: ignore[no-untyped-def]
    view = login_not_required(view)
    view.justexpert_acces = "public"
    return view


@csrf_exempt  # checked below, once the page's own upload handler is in place (televersement.py)
@public
@limiter("verification")
def verifier(request: HttpRequest) -> HttpResponse:
    rapport = resume = None
    if request.method == "POST":
        request.upload_handlers = [LectureVerification(request)]
        if (refus := verifier_csrf(request)) is not None:
            return refus
        form = VerificationForm(request.POST, request.FILES)
        if form.is_valid():
            document = form.cleaned_data.get("document")
            accuse, sha256 = form.cleaned_data["accuse"], getattr(document, "sha256", None)
            # An extended copy of a sealed PDF starts with the deposited bytes (televersement.py).
            copie = services.copie_prolongee(accuse, sha256, getattr(document, "revisions", None))
            if copie is not None and copie.reconnue:
                sha256 = copie.depose_sha256
            rapport = services.verifier_accuse_ici(accuse, sha256, form.cleaned_data.get("ancres"))
            pdf = document is not None and (document.name or "").lower().endswith(".pdf")
            resume = lecture.resumer(rapport, copie=copie, pdf=pdf)
    else:
        form = VerificationForm()
    return render(
        request, "preuves/verifier.html", {"form": form, "rapport": rapport, "resume": resume, "titre": "Vérifier un accusé"}
    )


@public
def ancres(request: HttpRequest) -> HttpResponse:
    """The trust anchors in words (the same content as ancres.json, fingerprints included)."""
    doc = ancres_publiees.document()
    for c in _certificats(doc):  # dates for people (the JSON keeps ISO 8601 UTC)
        c["du"], c["au"] = (dt.datetime.fromisoformat(c[k].replace("Z", "+00:00")) for k in ("valide_du", "valide_au"))
    return render(request, "preuves/ancres.html", {"doc": doc, "titre": "Ancres de confiance"})


def _certificats(doc: dict) -> list[dict]:
    h, s = doc["horodatage"], doc["sceau"]
    return [*h["racines"], *h["certificats"], *s["racines"], *s["chaine"], s["certificat"]]


@public
def ancres_json(request: HttpRequest) -> HttpResponse:
    reponse = HttpResponse(services.json_canonique(ancres_publiees.document()), content_type="application/json")
    reponse["Content-Disposition"] = 'inline; filename="ancres-justexpert.json"'
    reponse["Access-Control-Allow-Origin"] = "*"  # public data, read by verifiers anywhere
    return reponse


def _crl(der: bytes | None) -> HttpResponse:
    if not der:
        raise Http404
    return HttpResponse(der, content_type="application/pkix-crl")


@public
def crl_sceau(request: HttpRequest) -> HttpResponse:
    """The development seal CA's CRL (its certificate's distribution point); a seal from a real CA
    has its CRL served by that CA."""
    crls = sceau.sceau().crls
    return _crl(crls[0] if crls else None)


@public
def crl_horodatage(request: HttpRequest) -> HttpResponse:
    return _crl(conf.crl_tsa_integree())


TAILLE_MAX_REQUETE = 4096  # an RFC 3161 request is ~100 bytes; refuse anything bigger unread


@csrf_exempt  # RFC 3161 over HTTP (RFC 3161 §3.4): a machine client, no cookie, no session
@require_POST
@public
def horodater(request: HttpRequest) -> HttpResponse:
    """The built-in (non-qualified) authority over HTTP, for the experts' signing tool in dev/demo.

    Served only in development and demonstration (DEBUG or DEMO) and when no external authority is
    configured (settings.TSA_URL empty). In production the built-in authority, when allowed at all,
    serves the platform itself in-process: it is not a public endpoint, and the signing tool points
    at the qualified authority.
    """
    if conf.tsa_url() or not (settings.DEBUG or settings.DEMO):
        raise Http404
    return _horodater(request)


@limiter("horodatage", reponse=reponse_429_texte)
def _horodater(request: HttpRequest) -> HttpResponse:
    if request.content_type != "application/timestamp-query":
        return HttpResponse("Content-Type attendu : application/timestamp-query", status=415, content_type="text/plain")
    longueur = int(request.headers.get("Content-Length") or 0)
    if not 0 < longueur <= TAILLE_MAX_REQUETE:
        return HttpResponse("Demande d'horodatage trop grande ou vide", status=413, content_type="text/plain")
    try:
        requete = tsp.TimeStampReq.load(request.read(TAILLE_MAX_REQUETE))
        requete.native  # noqa: B018 (forces a full parse: junk raises here)
    except (ValueError, TypeError):
        return HttpResponse(_rejet("bad_data_format"), content_type="application/timestamp-reply")
    if requete["message_imprint"]["hash_algorithm"]["algorithm"].native != "sha256":
        return HttpResponse(_rejet("bad_alg"), content_type="application/timestamp-reply")
    reponse = horodatage.repondre(requete, conf.tsa_integree())
    return HttpResponse(reponse.dump(), content_type="application/timestamp-reply")


def _rejet(motif: str) -> bytes:
    """TimeStampResp with a status only (asn1crypto insists on a token when building one)."""
    statut = tsp.PKIStatusInfo({"status": "rejection", "fail_info": {motif}}).dump()
    return b"\x30" + bytes([len(statut)]) + statut  # SEQUENCE, short length (< 128 bytes)
