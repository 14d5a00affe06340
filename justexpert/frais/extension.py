"""What frais adds to a case, registered in expertises' registry at start-up (apps.py): the
« Frais » tab, « à faire » items, the reason that blocks recording the consignation by hand once
the ledger is followed, the reactions that keep the ledger in step with the procedure, the
ledger in the case ZIP and in the contradictoire view, and the purge hook."""

from __future__ import annotations

from justexpert.comptes.models import Utilisateur
from justexpert.expertises.extensions import Empechement, Extension, LigneContradictoire, Onglet
from justexpert.expertises.models import Expertise, Matiere, Participant, Qualite
from justexpert.lib.format import date_longue, euros
from justexpert.lib.tableur import csv_texte

from . import grand_livre, permissions, remuneration, services
from .a_faire import a_faire_tout
from .models import Versement


def _onglet_visible(user: Utilisateur, e: Expertise, qualites: set[str]) -> bool:
    return e.matiere == Matiere.CIVILE and bool(qualites)


def provision_incomplete(e: Expertise) -> Empechement | None:
    """Once the greffe follows the payments here (one recorded), the consignation is recorded by
    the ledger when complete, not by hand before. Without any payment recorded, the greffe may
    still attest a consignation made outside the platform, as before the ledger."""
    if e.matiere != Matiere.CIVILE or not Versement.objects.filter(expertise=e).exists():
        return None
    livre = grand_livre.calculer(e)
    if livre.complet:
        return None
    jour = livre.prochaine_date
    return Empechement(
        f"Provision incomplète : {euros(livre.reste)} restent à verser"
        + (f", au plus tard le {date_longue(jour)}" if jour else "")
        + ". La consignation sera constatée dès que le greffe aura enregistré le dernier versement (onglet « Frais »).",
        qui="les parties versent à la régie, le greffe enregistre les versements",
    )


def documents_zip(user: Utilisateur, e: Expertise, qualites: set[str]) -> list[tuple[str, bytes]]:
    """For the case ZIP: the ledger (civil), and the documents of Frais (2) this person may read:
    the fee request and the ordonnance de taxe for everyone in the case; the judge's decisions,
    the time log and the mémoire for the court only."""
    from justexpert.coffre import services as coffre

    from .models import Demande, DemandeRemuneration, MemoireFrais, Taxe

    fichiers = releve_csv(user, e, qualites)
    if not qualites:
        return fichiers
    docs: list[tuple[str, object]] = []
    dr = DemandeRemuneration.objects.filter(expertise=e).select_related("document").first()
    if dr is not None:
        docs.append(("demande-de-remuneration.pdf", dr.document))
    t = Taxe.objects.filter(expertise=e, ordonnance__isnull=False).select_related("ordonnance").first()
    if t is not None:
        docs.append(("ordonnance-de-taxe.pdf", t.ordonnance))
    if permissions.voit_tout(qualites):
        for n, d in enumerate(Demande.objects.filter(expertise=e, decision__isnull=False).select_related("decision"), 1):
            docs.append((f"decision-{n}-{d.type}.pdf", d.decision))
        m = MemoireFrais.objects.filter(expertise=e, document__isnull=False).select_related("document").first()
        if m is not None:
            docs.append(("memoire-de-frais.pdf", m.document))
        r = remuneration.releve(e)
        if r.lignes:
            texte = csv_texte(
                ["date", "nature", "libellé", "quantité", "taux HT (€)", "HT (€)", "TVA (€)", "TTC (€)"],
                [
                    [
                        ligne.jour.strftime("%d/%m/%Y"),
                        ligne.get_nature_display(),
                        ligne.libelle,
                        ligne.quantite,
                        ligne.taux,
                        ht,
                        tva,
                        ttc,
                    ]
                    for ligne, ht, tva, ttc in r.lignes
                ]
                + [["", "Total", "", "", "", r.ht, r.tva, r.ttc]],
                separateur=";",
            )
            fichiers.append(("releve-du-temps-et-des-frais.csv", ("\ufeff" + texte).encode()))
    for nom, document in docs:
        if not document.est_detruit:  # type: ignore[attr-defined]
            fichiers.append((nom, b"".join(coffre.ouvrir(document))))  # type: ignore[arg-type]
    return fichiers


def releve_csv(user: Utilisateur, e: Expertise, qualites: set[str]) -> list[tuple[str, bytes]]:
    """The ledger as this person may see it, for the case ZIP (cells neutralised by lib.tableur)."""
    if e.matiere != Matiere.CIVILE:
        return []
    livre = grand_livre.calculer(e)
    lignes = permissions.lignes_visibles(user, e, livre, qualites)
    if not livre.existe or not lignes:
        return []
    entetes = ["partie", "dû (€)", "avancé par l'État (€)", "versé (€)", "reste (€)", "en retard (€)", "à rembourser (€)"]
    rangees: list[list[object]] = [
        [ligne.libelle, ligne.du, ligne.avance_etat, ligne.verse, ligne.reste, ligne.en_retard, ligne.excedent]
        for ligne in lignes
    ]
    if permissions.voit_tout(qualites):
        rangees.append(["Total", livre.du, livre.avance_etat, livre.verse, livre.reste, livre.en_retard, livre.excedent])
    vus = {id(v): v for ligne in lignes for v in ligne.versements}
    versements = sorted(vus.values(), key=lambda v: (v.verse_le, v.pk))
    texte = csv_texte(entetes, rangees, separateur=";")
    texte += "\n" + csv_texte(
        ["versé le", "montant (€)", "payé par", "pour", "référence de la régie"],
        [
            [
                v.verse_le.strftime("%d/%m/%Y"),
                v.montant,
                v.payeur.designation if v.payeur else grand_livre.NON_PRECISE,
                v.pour.designation if v.pour else grand_livre.NON_PRECISE,
                v.reference_regie,
            ]
            for v in versements
        ],
        separateur=";",
    )
    return [("releve-des-provisions.csv", ("\ufeff" + texte).encode())]


def lignes_contradictoire(user: Utilisateur, e: Expertise, participants: list[Participant]) -> list[LigneContradictoire]:
    """One row: for each lawyer or party, where their party stands with the provision."""
    if e.matiere != Matiere.CIVILE:
        return []
    livre = grand_livre.calculer(e)
    if not livre.existe:
        return []
    par_partie = {ligne.cle: ligne for ligne in livre.lignes}
    cellules = []
    for p in participants:
        ligne = par_partie.get(p.partie_id) if p.qualite in (Qualite.AVOCAT, Qualite.PARTIE) else None
        if ligne is None:
            cellules.append("—")
        elif ligne.avance_etat and not ligne.du:
            cellules.append("avancée par l'État (aide juridictionnelle)")
        else:
            texte = f"versé {euros(ligne.verse)} sur {euros(ligne.du)}"
            if ligne.en_retard:
                texte += f", {euros(ligne.en_retard)} en retard"
            cellules.append(texte)
    return [LigneContradictoire("Provision (CPC 269) : versements de chaque partie", cellules)]


EXTENSION = Extension(
    nom="frais",
    onglet=Onglet("Frais", "frais:frais", _onglet_visible),
    a_faire=a_faire_tout,
    empechements={
        "constater_consignation": provision_incomplete,
        "constater_complement": provision_incomplete,
        # A complement ordered with suspension (CPC 280): the operations wait for the payment.
        "ouvrir_dires": remuneration.empechement_suspension,
        "clore_dires": remuneration.empechement_suspension,
        "deposer_rapport": remuneration.empechement_suspension,
        # Once frais follows the taxation, the case closes only when the ledger is settled.
        "taxer": remuneration.empechement_cloture,
    },
    reactions={
        "designer": services.absorber_resume,
        "ordonner_complement": services.absorber_resume,
        "relever_caducite": services.reporter_echeances,
        "taxer": remuneration.verifier_montant_taxe,
    },
    documents=documents_zip,
    contradictoire=lignes_contradictoire,
    purger=services.purger,
)
