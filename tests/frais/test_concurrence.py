"""Two greffiers record the same payment (same régie reference) at the same moment: one payment.

PostgreSQL only (threads, each with its own connection, waiting for the case row's lock); on
SQLite, test_pages.py proves the unique constraint's refusal by simulating the race."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from justexpert.comptes.models import Role
from justexpert.expertises import participants
from justexpert.frais import services
from justexpert.frais.models import Versement
from tests.conftest import creer_utilisateur

from .conftest import D, aujourd_hui, livre, parties, repartir_60_40

FILS = 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a database that waits for locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_greffiers_recording_one_regie_reference_give_one_payment(dossier, magistrat, greffier, orgs):
    autre = creer_utilisateur("greffier.deux@test.fr", (Role.GREFFIER, orgs["TJ_PARIS"], []))
    participants.ajouter_greffier(acteur=magistrat, expertise=dossier, utilisateur=autre)
    repartir_60_40(dossier, magistrat)
    a, _b = parties(dossier)
    depart = threading.Barrier(FILS)
    enregistres: list[object] = []
    refus: list[str] = []
    erreurs: list[BaseException] = []

    def enregistrer(acteur) -> None:  # type: ignore[no-untyped-def]
        try:
            depart.wait()
            enregistres.append(
                services.enregistrer_versement(
                    acteur=acteur,
                    expertise=dossier,
                    montant=D("450"),
                    verse_le=aujourd_hui(),
                    payeur=a,
                    pour=a,
                    reference_regie="REGIE-42",
                )
            )
        except services.RefusChamp as exc:
            refus.append(str(exc))
        except BaseException as exc:  # noqa: B036 (reported by the main thread)
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=enregistrer, args=(greffier if i % 2 else autre,)) for i in range(FILS)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert not erreurs, erreurs
    assert len(enregistres) == 1 and len(refus) == FILS - 1
    assert all("qu'une fois" in r for r in refus)
    assert Versement.objects.filter(expertise=dossier).count() == 1 and livre(dossier).verse == D("450.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need a database that waits for locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_greffiers_recording_one_refund_give_one_refund(dossier, magistrat, greffier, expert, orgs):
    import datetime as dt

    from justexpert.expertises import services as expertises
    from justexpert.expertises.models import Expertise
    from justexpert.frais import remuneration as r
    from justexpert.frais.models import Reception, Sortie, TypeSortie
    from justexpert.lib.temps import maintenant

    from .conftest import dans, en_cours_consigne

    autre = creer_utilisateur("greffier.deux@test.fr", (Role.GREFFIER, orgs["TJ_PARIS"], []))
    participants.ajouter_greffier(acteur=magistrat, expertise=dossier, utilisateur=autre)
    e = en_cours_consigne(dossier, magistrat, greffier, expert)
    a, b = parties(e)
    r.ajouter_temps(
        acteur=expert, expertise=e, nature="etude", jour=aujourd_hui(), libelle="Étude", quantite="5", taux="100", tva="0"
    )
    e = expertises.deposer_rapport(acteur=expert, expertise=e)
    dr = r.deposer_demande_remuneration(acteur=expert, expertise=e)
    for partie in (a, b):
        r.declarer_reception_postale(acteur=expert, demande=dr, partie=partie, jour=aujourd_hui())
    Reception.objects.update(recue_le=maintenant() - dt.timedelta(days=16))
    Expertise.objects.filter(pk=e.pk).update(date_limite_observations=dans(-1))
    r.taxer(acteur=magistrat, expertise=e, montant="500")
    du_b = next(x.du for x in r.solde(e).remboursements if x.partie == b)  # 1 000 € surplus, B paid 40 %
    assert du_b == D("400.00")
    depart = threading.Barrier(FILS)
    enregistres: list[object] = []
    refus: list[str] = []
    erreurs: list[BaseException] = []

    def rembourser(acteur) -> None:  # type: ignore[no-untyped-def]
        try:
            depart.wait()
            enregistres.append(
                r.enregistrer_sortie(
                    acteur=acteur, expertise=e, type_=TypeSortie.REMBOURSEMENT, montant=du_b, payee_le=aujourd_hui(), partie=b
                )
            )
        except services.RefusChamp as exc:
            refus.append(str(exc))
        except BaseException as exc:  # noqa: B036 (reported by the main thread)
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=rembourser, args=(greffier if i % 2 else autre,)) for i in range(FILS)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert not erreurs, erreurs
    assert len(enregistres) == 1 and len(refus) == FILS - 1
    assert Sortie.objects.filter(expertise=e, type=TypeSortie.REMBOURSEMENT).count() == 1
