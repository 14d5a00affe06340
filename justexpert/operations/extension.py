"""What operations adds to a case, registered in expertises' registry at start-up (apps.py): the
« Opérations » tab, « à faire » items (the expert: meetings whose convocations are not regular
yet; lawyers and parties: consents to give), the sealed attendance sheets in the case ZIP, and
the purge hook."""

from __future__ import annotations

from django.urls import reverse

from justexpert.coffre import services as coffre
from justexpert.comptes.models import Utilisateur
from justexpert.expertises.extensions import ElementAFaire, Extension, Onglet
from justexpert.expertises.models import Expertise, Participant, Qualite
from justexpert.lib.temps import maintenant

from . import services
from .models import ConsentementVisio, Reunion, StatutConvocation, StatutReunion

LIMITE = 50


def a_faire(user: Utilisateur) -> list[ElementAFaire]:
    if not getattr(user, "is_authenticated", False):
        return []
    items: list[ElementAFaire] = []
    miennes = list(
        Participant.objects.filter(utilisateur=user, retire_le__isnull=True).values_list("pk", "expertise_id", "qualite")
    )
    expert_de = {e for _, e, q in miennes if q == Qualite.EXPERT}
    reunions = Reunion.objects.filter(
        expertise_id__in={e for _, e, _ in miennes}, statut=StatutReunion.PREVUE, debut__gt=maintenant()
    ).select_related("expertise__juridiction")[:LIMITE]
    mes_participations = {pk for pk, _, _ in miennes}
    for r in reunions:
        e = r.expertise
        url = reverse("operations:reunion", kwargs={"reference": e.uuid, "reunion": r.uuid})
        ref = "expertise pénale" if e.est_penale else f"expertise RG {e.numero_rg}"
        if r.expertise_id in expert_de:
            alertes = services.avertissements(r)
            if alertes:
                items.append(
                    ElementAFaire(
                        f"Réunion ({ref}) : {len(alertes)} point(s) de convocation à régulariser", url, r.debut, urgent=True
                    )
                )
        elif r.visio:
            convoques = set(
                r.convocations.exclude(statut=StatutConvocation.REMPLACEE)
                .filter(participant__in=mes_participations)
                .values_list("participant_id", flat=True)
            )
            donnes = set(ConsentementVisio.objects.filter(reunion=r).values_list("participant_id", flat=True))
            if convoques - donnes:
                items.append(ElementAFaire(f"Réunion par visioconférence ({ref}) : donnez votre consentement", url, r.debut))
    return items


def feuilles(user: Utilisateur, e: Expertise, qualites: set[str]) -> list[tuple[str, bytes]]:
    """The sealed attendance sheets, for everyone who sees the case (for the case ZIP)."""
    if not qualites:
        return []
    result = []
    for r in Reunion.objects.filter(expertise=e, feuille__isnull=False, feuille__detruit_le__isnull=True).select_related(
        "feuille"
    ):
        with coffre.lecteur(r.feuille) as lecteur:  # type: ignore[arg-type]
            result.append((f"feuille-de-presence-{r.uuid}.pdf", lecteur.read()))
    return result


EXTENSION = Extension(
    nom="operations",
    onglet=Onglet("Opérations", "operations:operations"),
    a_faire=a_faire,
    documents=feuilles,
    purger=services.purger,
)
