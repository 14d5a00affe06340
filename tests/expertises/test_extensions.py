"""The extension registry of a case: a module registered at start-up adds a tab, « à faire »
items, a reason that blocks a step (with who must act), files to the case ZIP, rows to the
contradictoire, a reaction to the procedure, and a purge hook; its documents are purged with the
case. ``expertises`` never imports the modules that fill it (import-linter keeps it)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from justexpert.coffre import services as coffre
from justexpert.coffre.models import Document
from justexpert.expertises import conditions, depots, extensions, services
from justexpert.expertises.models import Etat, Expertise, TypeDocument
from justexpert.lib.temps import maintenant
from justexpert.portail.services import a_faire
from justexpert.preuves.models import Evenement
from justexpert.preuves.services import TYPE_DESTRUCTION
from tests.conftest import texte

from .outils_depots import deposer, en_cours, etat


class ModuleEssai:
    """A module above expertises, as frais or operations would be: it keeps one document per case."""

    def __init__(self) -> None:
        self.documents: dict[int, Document] = {}
        self.reactions: list[str] = []

    def deposer(self, e: Expertise) -> Document:
        doc = coffre.deposer(io.BytesIO(b"releve du module d'essai\n"), nom="releve.txt", proprietaire=f"essai:{e.uuid}")
        self.documents[e.pk] = doc
        return doc

    def purger(self, e: Expertise, *, acteur, journal) -> int:  # type: ignore[no-untyped-def]
        doc = self.documents.get(e.pk)
        if doc is None:
            return 0
        coffre.detruire(doc, acteur=acteur, journal=journal, motif=depots.MOTIF_PURGE)
        return 1

    def extension(self) -> extensions.Extension:
        return extensions.Extension(
            nom="essai",
            onglet=extensions.Onglet("Essai", "expertises:contradictoire"),
            a_faire=lambda user: [extensions.ElementAFaire("Élément du module d'essai", "/essai/")],
            empechements={
                "clore_dires": lambda e: extensions.Empechement("Le module d'essai attend une pièce.", qui="le greffe")
            },
            reactions={"proroger_delai": lambda e, acteur, **kw: self.reactions.append(f"proroger_delai:{e.pk}")},
            documents=lambda user, e, qualites: [("essai.txt", b"contenu du module\n")],
            contradictoire=lambda user, e, participants: [
                extensions.LigneContradictoire("Ligne du module d'essai", ["vu"] * len(participants))
            ],
            purger=self.purger,
        )


@pytest.fixture
def module_essai():
    module = ModuleEssai()
    extensions.enregistrer(module.extension())
    yield module
    extensions.retirer("essai")


def test_a_registered_module_adds_its_tab_a_faire_zip_and_contradictoire(client, dossier, expert, magistrat, module_essai):
    client.force_login(expert)
    page = texte(client.get(reverse("expertises:detail", args=[dossier.uuid])))
    assert ">Essai</a>" in page
    assert any(i.libelle == "Élément du module d'essai" for i in a_faire(expert))
    contenu = b"".join(client.get(reverse("expertises:dossier_zip", args=[dossier.uuid])).streaming_content)
    with zipfile.ZipFile(io.BytesIO(contenu)) as z:
        assert z.read("essai/essai.txt") == b"contenu du module\n"
    page = texte(client.get(reverse("expertises:contradictoire", args=[dossier.uuid])))
    assert "Ligne du module d'essai" in page


def test_a_registered_reason_blocks_the_step_and_says_who_must_act(dossier, expert, module_essai):
    e = etat(dossier, Etat.PHASE_DIRES, date_limite_dires=dt.date(2020, 1, 1))
    raison = conditions.empechement("clore_dires", e)
    assert raison == "Le module d'essai attend une pièce. (le greffe)"
    with pytest.raises(services.RefusTransition, match="module d'essai"):
        services.clore_dires(acteur=expert, expertise=e)


def test_a_registered_reaction_follows_the_procedure(dossier, magistrat, module_essai):
    from .conftest import dans

    services.proroger_delai(acteur=magistrat, expertise=dossier, jour=dans(400))
    assert module_essai.reactions == [f"proroger_delai:{dossier.pk}"]


def test_a_registered_modules_documents_are_purged_with_the_case(dossier, expert, magistrat, avocat_partie_a, module_essai):
    e = en_cours(dossier)
    deposer(expert, e, TypeDocument.NOTE, nom="note.pdf")
    doc = module_essai.deposer(e)
    etat(e, Etat.TAXATION)
    deposer(magistrat, e, TypeDocument.ORDONNANCE_TAXE, montant=Decimal("900"))
    e.refresh_from_db()
    assert e.etat == Etat.CLOSE
    delai = dt.timedelta(days=settings.EXPERTISES_DELAI_CONSERVATION_JOURS)
    Expertise.objects.filter(pk=e.pk).update(close_le=maintenant() - delai - dt.timedelta(hours=1))
    assert depots.purger_echues() == 3  # the note, the ordonnance and the module's document
    doc.refresh_from_db()
    assert doc.detruit_le is not None
    assert Evenement.objects.filter(type=TYPE_DESTRUCTION, dossier_ref=str(e.uuid), objet_ref=str(doc.uuid)).exists()
    with pytest.raises(coffre.DocumentIndisponible):
        b"".join(coffre.ouvrir(doc))
