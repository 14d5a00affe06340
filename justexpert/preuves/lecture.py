"""The verify page's answer in plain French: what the accusé proves, what it does not, what is
still to establish, in Paris time, from the structured report of the verifier (Rapport.sujets
and Rapport.faits). The verifier's own sentences stay available as the technical details.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from justexpert.lib.format import horodatage
from justexpert.lib.temps import PARIS

from .accuses import libelle_evenement
from .services import CopieProlongee
from .verificateur import Rapport

# All of these proven: the accusé is authentic and complete (the document is judged apart).
ESSENTIELS = ("evenement", "point", "cle", "inclusion", "publication", "date", "chronologie", "autorite")


@dataclass
class Resume:
    verdict: str  # "valide", "incomplet" or "invalide"
    titre: str
    prouve: list[str] = field(default_factory=list)
    non_prouve: list[str] = field(default_factory=list)
    a_etablir: list[str] = field(default_factory=list)
    a_savoir: list[str] = field(default_factory=list)


def _quand(valeur: object, fuseau: str) -> str:
    return horodatage(valeur, fuseau) if isinstance(valeur, dt.datetime) else "à une date illisible"


COPIES_TELECHARGEES = (
    "Les horodatages d'un PDF scellé sont prolongés par la plateforme sur la copie qu'elle conserve, avant que "
    "leurs certificats n'expirent ; une copie déjà téléchargée ne peut pas l'être. Pour garder un PDF vérifiable "
    "dans vingt ans, téléchargez de nouveau sa copie courante sur la plateforme de temps en temps, et gardez-la avec l'accusé."
)


def _dates(instants: tuple[dt.datetime, ...], fuseau: str) -> str:
    textes = [_quand(i, fuseau) for i in instants]
    return textes[0] if len(textes) == 1 else ", le ".join(textes[:-1]) + " et le " + textes[-1]


def resumer(rapport: Rapport, fuseau: str = PARIS, *, copie: CopieProlongee | None = None, pdf: bool = False) -> Resume:
    """``copie``: the document given is an extended copy of the deposited one (services.copie_prolongee);
    ``pdf``: the document given is a PDF (what to keep of a sealed PDF is then said)."""
    sujets, faits = rapport.sujets, rapport.faits
    r = Resume(verdict="valide", titre="")
    if sujets.get("accuse") is False:
        r.non_prouve.append("Ce fichier n'est pas un accusé exploitable : il est incomplet ou a été modifié.")

    ev = sujets.get("evenement")
    if ev is True:
        r.prouve.append(
            f"Événement : {libelle_evenement(faits.get('evenement_type'))}, enregistré par la plateforme le "
            f"{_quand(faits.get('evenement_le'), fuseau)}, selon son horloge."
        )
    elif ev is False:
        r.non_prouve.append("Le contenu lisible de l'accusé a été modifié : il ne correspond plus à l'événement enregistré.")

    doc = sujets.get("document")
    if doc is True and copie is not None and copie.reconnue:
        depot = f"déposé le {_quand(copie.depose_le, fuseau)}" if copie.depose_le else "de cet accusé"
        texte = (
            f"Le document que vous avez fourni est une copie prolongée du document {depot} : ses "
            f"{copie.taille_deposee} premiers octets sont exactement ce document (même empreinte numérique)"
        )
        if copie.ajouts:
            texte += f" ; la plateforme y a seulement ajouté des horodatages, le {_dates(copie.ajouts, fuseau)}"
        r.prouve.append(texte + ".")
    elif doc is True:
        r.prouve.append("Le document que vous avez fourni est exactement celui de cet accusé (même empreinte numérique).")
    elif doc is False and copie is not None:
        r.non_prouve.append(
            f"Le début du document que vous avez fourni ({copie.taille_deposee} octets) est exactement le document déposé, "
            "mais la suite n'a pas été ajoutée par cette plateforme : elle peut changer ce qu'affiche un lecteur PDF. "
            "Fiez-vous à la copie téléchargée sur la plateforme."
        )
    elif doc is False:
        r.non_prouve.append(
            "Le document que vous avez fourni n'est pas celui de cet accusé : il diffère, même d'un seul caractère, "
            "ou l'événement ne porte sur aucun document."
        )
    elif doc is None and ev is True:
        r.a_etablir.append("Vous n'avez pas fourni le document : ajoutez-le pour vérifier que c'est bien celui de l'accusé.")

    journal = [sujets.get(s) for s in ("point", "cle", "inclusion", "publication") if s in sujets]
    if False in journal:
        r.non_prouve.append(
            "L'inscription au journal de preuves n'est pas prouvée : l'accusé a été altéré ou ne vient pas de cette plateforme."
        )
    elif journal and all(journal) and len(journal) == 4:
        r.prouve.append(
            "L'événement est inscrit au journal de preuves de cette plateforme, signé par elle : il ne peut plus être "
            "retiré ni modifié sans que cela se voie."
        )
    elif ev is True:
        r.a_etablir.append("L'inscription au journal de preuves n'est pas encore scellée : réessayez dans quelques minutes.")

    date, chrono, autorite = sujets.get("date"), sujets.get("chronologie"), sujets.get("autorite")
    if date is False or chrono is False:
        r.non_prouve.append("La date certaine n'est pas prouvée : le jeton d'horodatage est invalide ou incohérent.")
    elif date is True and chrono is not False:
        texte = (
            f"Date certaine : l'événement a eu lieu au plus tard le {_quand(faits.get('date_certaine'), fuseau)}, "
            f"attesté par l'autorité d'horodatage « {faits.get('autorite')} »"
        )
        r.prouve.append(texte + (", reconnue par cette plateforme." if autorite is True else "."))
        if autorite is not True:
            r.a_etablir.append("La confiance dans l'autorité d'horodatage n'est pas établie par cette plateforme.")
    elif ev is True:
        r.a_etablir.append(
            "Date certaine en attente : l'autorité d'horodatage n'a pas encore daté l'événement. Téléchargez de nouveau "
            "l'accusé sur la plateforme dans quelques minutes : l'accusé complet porte la date certaine."
        )

    if faits.get("integree"):
        r.a_savoir.append(
            "Plateforme de démonstration : son autorité d'horodatage n'est pas qualifiée au sens du règlement eIDAS."
        )
    elif sujets.get("qualification") is None and date is True:
        r.a_savoir.append(
            "La qualification eIDAS de l'autorité d'horodatage n'est pas portée par le jeton : vérifiez-la dans la "
            "liste de confiance de l'Union européenne."
        )
    if copie is not None or (pdf and doc is not None):
        r.a_savoir.append(COPIES_TELECHARGEES)
    if ev is True:
        r.a_savoir.append("Un accusé prouve le dépôt ou l'ouverture et sa date ; il ne dit rien de la teneur du document.")

    if not rapport.valide or r.non_prouve:
        r.verdict, r.titre = "invalide", "Cet accusé ne prouve pas ce qu'il affirme"
    elif all(sujets.get(s) is True for s in ESSENTIELS):
        r.verdict, r.titre = "valide", "Cet accusé est authentique"
    else:
        r.verdict, r.titre = "incomplet", "Rien de faux, mais tout n'est pas encore établi"
    return r
