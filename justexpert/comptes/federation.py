"""Federated login by OpenID Connect: ProConnect for staff (magistrats, greffiers, agents), FranceConnect
for parties and candidates (docs/connexion-federee.md). The protocol is Authlib's (discovery, state,
nonce, ID token signature against the provider's JWKS, issuer, audience, expiry); this module only
decides which account a verified identity opens.

Protects against: a replayed or forged answer (state single-use and bound to the session; nonce bound
to the state; ID token signed by the issuer found at discovery, for our client id, not expired);
an account taken over by an e-mail claimed at the provider (the first ProConnect login matches the
provider's *verified* e-mail to an existing staff account only, never creates one, and binds the
issuer and ``sub``: from then on the e-mail plays no part); an identity giving roles (roles and
habilitations always come from the platform); a provider down or slow (short timeouts; the password
login does not depend on it). Does not protect against a compromised provider: it vouches for the
person, as the card's authority does for a card.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from .models import EvenementSecurite, Fournisseur, IdentiteFederee, Role, Utilisateur
from .services import SESSION_EN_ATTENTE, RefusService, journaliser, lien_absolu, ouvrir_session

SESSION_FIN = "comptes_federation_fin"  # provider and ID token, for the logout at the provider
SESSION_LIEN = "comptes_federation_lien"  # attributes received, waiting for the person to confirm
DUREE_LIEN = 600  # seconds to confirm a link
INDISPONIBLE_PENDANT = 30  # seconds a provider that did not answer is shown as unavailable
LEEWAY = 60  # seconds of clock difference accepted on the ID token's times

# Who may sign in with each provider (roles come from the platform, never from the provider).
ROLES_PERMIS = {
    Fournisseur.PROCONNECT: frozenset({Role.MAGISTRAT, Role.GREFFIER, Role.AGENT}),
    Fournisseur.FRANCECONNECT: frozenset({Role.PARTIE, Role.CANDIDAT}),
}
PUBLIC = {
    Fournisseur.PROCONNECT: "magistrats, greffiers et agents du ministère",
    Fournisseur.FRANCECONNECT: "parties et candidats",
}
# Attributes shown before linking, in this order, with their French names.
ATTRIBUTS = (
    ("given_name", "Prénoms"),
    ("family_name", "Nom de naissance"),
    ("usual_name", "Nom d'usage"),
    ("preferred_username", "Nom d'usage"),
    ("birthdate", "Date de naissance"),
    ("email", "Adresse électronique"),
)

_CLIENTS: dict[tuple, DjangoOAuth2App] = {}
_INDISPONIBLE: dict[str, float] = {}


@dataclass(frozen=True)
class Bouton:
    nom: str
    libelle: str
    disponible: bool


class Retour:
    CONNECTE = "connecte"
    SECOND_FACTEUR = "second_facteur"
    LIEN = "lien"


def configuration(nom: str) -> dict | None:
    return settings.FOURNISSEURS_OIDC.get(nom)


def libelle(nom: str) -> str:
    conf = configuration(nom)
    return conf["libelle"] if conf else dict(Fournisseur.choices).get(nom, nom)


def _client(nom: str) -> DjangoOAuth2App:
    conf = configuration(nom)
    if conf is None:
        raise RefusService("Ce mode de connexion n'est pas proposé sur cette plateforme.")
    cle = (nom, conf["issuer"], conf["client_id"], conf["client_secret"], settings.OIDC_DELAI)
    if cle not in _CLIENTS:
        _CLIENTS[cle] = OAuth().register(
            nom,
            client_id=conf["client_id"],
            client_secret=conf["client_secret"],
            server_metadata_url=conf["issuer"] + "/.well-known/openid-configuration",
            client_kwargs={"scope": conf["scopes"], "default_timeout": settings.OIDC_DELAI},
        )
    return _CLIENTS[cle]


def _metadonnees(nom: str) -> dict:
    """The provider's discovery document; its issuer must be the configured one (OIDC Discovery 4.3)."""
    conf = configuration(nom)
    assert conf is not None
    if _INDISPONIBLE.get(conf["issuer"], 0) > time.monotonic():
        raise requests.ConnectionError("indisponible depuis peu")
    client = _client(nom)
    try:
        meta = client.load_server_metadata()
        if str(meta.get("issuer", "")).rstrip("/") != conf["issuer"]:
            client.server_metadata.clear()
            raise ValueError("issuer of the discovery document differs from the configured one")
    except (requests.RequestException, ValueError):
        _INDISPONIBLE[conf["issuer"]] = time.monotonic() + INDISPONIBLE_PENDANT
        raise
    return meta


def disponible(nom: str) -> bool:
    try:
        _metadonnees(nom)
    except (requests.RequestException, ValueError, RefusService):
        return False
    return True


def boutons(request: HttpRequest, *, pour: Utilisateur | None = None) -> list[Bouton]:
    """Providers to offer: on the login page every configured one; on « Mon compte » those that the
    person's roles allow. Each says whether the provider answers now."""
    resultat = []
    for nom in settings.FOURNISSEURS_OIDC:
        if pour is not None and not pour.roles.intersection(ROLES_PERMIS[Fournisseur(nom)]):
            continue
        resultat.append(Bouton(nom, libelle(nom), disponible(nom)))
    return resultat


def _indisponible(nom: str) -> RefusService:
    return RefusService(
        f"{libelle(nom)} ne répond pas pour l'instant : connectez-vous avec votre adresse et votre mot de passe, "
        "ou réessayez dans quelques minutes."
    )


def debut(request: HttpRequest, nom: str, *, intention: str = "connexion") -> str:
    """The provider's authorization URL; state and nonce are kept in the session (single use)."""
    conf = configuration(nom)
    if conf is None:
        raise RefusService("Ce mode de connexion n'est pas proposé sur cette plateforme.")
    client = _client(nom)
    redirect_uri = lien_absolu(reverse("comptes:federation_retour", args=[nom]))
    # acr and amr asked for explicitly (the claims request parameter, as ProConnect documents it).
    params = {"claims": json.dumps({"id_token": {"acr": {"essential": True}, "amr": {"essential": True}}})}
    if conf["acr_values"]:
        params["acr_values"] = conf["acr_values"]
    try:
        _metadonnees(nom)
        rv = client.create_authorization_url(redirect_uri, **params)
    except (requests.RequestException, ValueError):
        raise _indisponible(nom) from None
    client.save_authorize_data(request, redirect_uri=redirect_uri, intention=intention, **rv)
    return str(rv["url"])


def _refus(request: HttpRequest, nom: str, motif: str, message: str, **details: Any) -> RefusService:
    journaliser(
        EvenementSecurite.ECHEC_CONNEXION,
        request=request,
        email=str(details.pop("email", ""))[:254],
        details={"methode": nom, "fournisseur": nom, "motif": motif, **details},
    )
    return RefusService(message)


def _infos_utilisateur(client: DjangoOAuth2App, jeton: dict, claims: dict) -> dict:
    """The userinfo answer, plain JSON or signed JWT (checked against the provider's keys, issuer and
    audience), merged over the ID token's claims; its ``sub`` must be the ID token's."""
    meta = client.load_server_metadata()
    if not meta.get("userinfo_endpoint"):
        return dict(claims)
    reponse = client.get(meta["userinfo_endpoint"], token=jeton)
    reponse.raise_for_status()
    if reponse.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        cles = KeySet.import_key_set(client.fetch_jwk_set())
        algorithmes = meta.get("userinfo_signing_alg_values_supported") or None
        donnees = dict(jwt.decode(reponse.text.strip(), cles, algorithms=algorithmes).claims)
        if "iss" in donnees and donnees["iss"] != meta["issuer"]:
            raise ValueError("userinfo issuer")
        audience = donnees.get("aud")
        if audience is not None and client.client_id not in (audience if isinstance(audience, list) else [audience]):
            raise ValueError("userinfo audience")
    else:
        donnees = reponse.json()
    if not isinstance(donnees, dict) or donnees.get("sub") != claims["sub"]:
        raise ValueError("userinfo sub differs from the ID token's")
    return {**claims, **donnees}


def _role_permis(user: Utilisateur, nom: str) -> bool:
    return bool(user.roles.intersection(ROLES_PERMIS[Fournisseur(nom)]))


def retour(request: HttpRequest, nom: str) -> str:
    """The provider's answer: checks it, then logs in (or asks the second factor) or keeps the
    attributes for the person to confirm a link. Returns a ``Retour`` value."""
    conf = configuration(nom)
    if conf is None:
        raise RefusService("Ce mode de connexion n'est pas proposé sur cette plateforme.")
    client = _client(nom)
    donnees = client.framework.get_state_data(request.session, request.GET.get("state", "")) or {}
    intention = donnees.get("intention", "connexion")
    if request.GET.get("error"):
        client.framework.clear_state_data(request.session, request.GET.get("state", ""))
        raise _refus(
            request,
            nom,
            "refus_fournisseur",
            f"La connexion avec {libelle(nom)} a été annulée ou refusée : vous pouvez recommencer, "
            "ou vous connecter avec votre adresse et votre mot de passe.",
            erreur=request.GET.get("error", "")[:100],
        )
    try:
        jeton = client.authorize_access_token(request, leeway=LEEWAY)
        claims = jeton.get("userinfo")
        if not claims or not claims.get("sub"):
            raise ValueError("no ID token")
        infos = _infos_utilisateur(client, jeton, dict(claims))
    except MismatchingStateError:
        raise _refus(
            request,
            nom,
            "etat",
            "Cette réponse de connexion n'est plus valable (déjà utilisée, expirée ou venue d'une autre session) : "
            "recommencez la connexion.",
        ) from None
    except requests.RequestException:
        raise _indisponible(nom) from None
    except (OAuthError, JoseError, ValueError, KeyError, TypeError) as exc:
        raise _refus(
            request,
            nom,
            "jeton",
            f"La réponse de {libelle(nom)} n'a pas pu être vérifiée : la connexion est refusée. Recommencez, "
            "ou connectez-vous avec votre adresse et votre mot de passe.",
            erreur=type(exc).__name__,
        ) from None
    acr = str(infos.get("acr", ""))
    amr = [str(m) for m in (infos.get("amr") or []) if isinstance(m, str)]
    if intention == "lien":
        return _preparer_lien(request, nom, infos, acr)
    identite = IdentiteFederee.objects.select_related("utilisateur").filter(emetteur=infos["iss"], sujet=infos["sub"]).first()
    if identite is None and nom == Fournisseur.PROCONNECT:
        identite = _lier_par_adresse(request, nom, conf, infos)
    if identite is None:
        raise _refus(
            request,
            nom,
            "identite_non_liee",
            f"Aucun compte Justexpert n'est lié à cette identité {libelle(nom)}. Connectez-vous avec votre adresse "
            f"et votre mot de passe (ou le lien de votre invitation), puis liez {libelle(nom)} depuis « Mon compte ».",
        )
    user = identite.utilisateur
    if not user.is_active or not _role_permis(user, nom):
        raise _refus(
            request,
            nom,
            "compte_non_permis",
            f"Votre compte ne permet pas la connexion par {libelle(nom)} (réservée aux {PUBLIC[Fournisseur(nom)]}).",
            email=user.email,
        )
    identite.derniere_connexion_le = timezone.now()
    if acr and nom == Fournisseur.FRANCECONNECT:
        identite.niveau_eidas = acr[:40]
    identite.save(update_fields=["derniere_connexion_le", "niveau_eidas"])
    mfa = acr in conf["acr_mfa"] or bool(set(amr) & set(conf["amr_mfa"]))
    fin = {"fournisseur": nom, "id_token": jeton.get("id_token", "")}
    if not mfa and user.totp_actif:
        # The provider's login was one factor: the platform's own second factor completes it.
        request.session.cycle_key()
        request.session[SESSION_EN_ATTENTE] = {"id": user.pk, "le": timezone.now().timestamp()}
        request.session[SESSION_FIN] = fin
        return Retour.SECOND_FACTEUR
    ouvrir_session(request, user, mfa=mfa, methode=nom, details={"fournisseur": nom, "acr": acr, "amr": amr})
    request.session[SESSION_FIN] = fin
    return Retour.CONNECTE


def _lier_par_adresse(request: HttpRequest, nom: str, conf: dict, infos: dict) -> IdentiteFederee:
    """First ProConnect login: the provider's verified e-mail names an existing staff account; the
    identity is then bound to it by issuer and sub. Never creates an account."""
    email = str(infos.get("email") or "").strip().lower()
    if not email or not (infos.get("email_verified") is True or conf["email_verifie"]):
        raise _refus(
            request,
            nom,
            "adresse_non_verifiee",
            f"{libelle(nom)} n'a pas transmis d'adresse électronique vérifiée : votre compte ne peut pas lui être relié. "
            "Connectez-vous avec votre adresse et votre mot de passe.",
            email=email,
        )
    user = Utilisateur.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not _role_permis(user, nom):
        raise _refus(
            request,
            nom,
            "adresse_inconnue",
            f"Aucun compte de magistrat, de greffier ou d'agent n'est ouvert sur Justexpert pour l'adresse {email}. "
            "Demandez à l'administrateur de la plateforme d'ouvrir votre compte : il sera relié à "
            f"{libelle(nom)} à votre première connexion.",
            email=email,
        )
    if IdentiteFederee.objects.filter(utilisateur=user, fournisseur=nom).exists():
        raise _refus(
            request,
            nom,
            "deja_lie",
            f"Votre compte est déjà relié à une autre identité {libelle(nom)}. Connectez-vous avec celle-ci, "
            "ou demandez à l'administrateur de la plateforme de vérifier votre compte.",
            email=email,
        )
    with transaction.atomic():
        identite = IdentiteFederee.objects.create(
            utilisateur=user,
            fournisseur=nom,
            emetteur=infos["iss"],
            sujet=infos["sub"],
            email_au_lien=email,
            attributs=_attributs(infos),
        )
        journaliser(
            EvenementSecurite.IDENTITE_FEDEREE_LIEE,
            request=request,
            utilisateur=user,
            details={"fournisseur": nom, "par": "adresse_verifiee"},
        )
    return identite


def _attributs(infos: dict) -> dict[str, str]:
    return {cle: str(infos[cle])[:200] for cle, _ in ATTRIBUTS if infos.get(cle)}


def _preparer_lien(request: HttpRequest, nom: str, infos: dict, acr: str) -> str:
    if not request.user.is_authenticated:
        raise RefusService("Votre session a expiré : connectez-vous, puis recommencez depuis « Mon compte ».")
    request.session[SESSION_LIEN] = {
        "fournisseur": nom,
        "emetteur": infos["iss"],
        "sujet": infos["sub"],
        "acr": acr[:40],
        "attributs": _attributs(infos),
        "le": time.time(),
    }
    return Retour.LIEN


def lien_en_attente(request: HttpRequest) -> dict | None:
    data = request.session.get(SESSION_LIEN)
    if not data or time.time() - data.get("le", 0) > DUREE_LIEN:
        return None
    return data


def attributs_lisibles(data: dict) -> list[tuple[str, str]]:
    recus = data.get("attributs", {})
    return [(nom, recus[cle]) for cle, nom in ATTRIBUTS if cle in recus]


def lier(request: HttpRequest, *, acteur: Utilisateur) -> IdentiteFederee:
    """The person confirms the link after seeing the attributes received."""
    data = lien_en_attente(request)
    if data is None:
        raise RefusService("La demande de liaison a expiré : recommencez depuis « Mon compte ».")
    nom = data["fournisseur"]
    if not _role_permis(acteur, nom):
        raise RefusService(f"Votre compte ne permet pas la connexion par {libelle(nom)}.")
    if IdentiteFederee.objects.filter(emetteur=data["emetteur"], sujet=data["sujet"]).exclude(utilisateur=acteur).exists():
        raise RefusService(f"Cette identité {libelle(nom)} est déjà liée à un autre compte.")
    existante = IdentiteFederee.objects.filter(utilisateur=acteur, fournisseur=nom).first()
    if existante is not None and existante.sujet != data["sujet"]:
        raise RefusService(f"Votre compte est déjà lié à une autre identité {libelle(nom)}.")
    try:
        with transaction.atomic():
            identite, _ = IdentiteFederee.objects.update_or_create(
                utilisateur=acteur,
                fournisseur=nom,
                defaults={
                    "emetteur": data["emetteur"],
                    "sujet": data["sujet"],
                    "email_au_lien": data["attributs"].get("email", "")[:254],
                    "niveau_eidas": data["acr"],
                    "attributs": data["attributs"],
                },
            )
            journaliser(
                EvenementSecurite.IDENTITE_FEDEREE_LIEE,
                request=request,
                utilisateur=acteur,
                acteur=acteur,
                details={"fournisseur": nom, "niveau_eidas": data["acr"], "par": "confirmation"},
            )
    except IntegrityError:
        raise RefusService(f"Cette identité {libelle(nom)} est déjà liée à un autre compte.") from None
    request.session.pop(SESSION_LIEN, None)
    return identite


def url_fin_de_session(request: HttpRequest) -> str | None:
    """The provider's end-session URL (RP-initiated logout) for a session opened through it."""
    data = request.session.get(SESSION_FIN)
    if not data or configuration(data.get("fournisseur", "")) is None:
        return None
    nom = data["fournisseur"]
    try:
        meta = _metadonnees(nom)
        if not meta.get("end_session_endpoint"):
            return None
        client = _client(nom)
        rv = client.create_logout_url(
            post_logout_redirect_uri=lien_absolu(reverse("portail:accueil")),
            id_token_hint=data.get("id_token") or None,
            client_id=client.client_id,
        )
    except (requests.RequestException, ValueError, RuntimeError):
        return None
    return str(rv["url"])
