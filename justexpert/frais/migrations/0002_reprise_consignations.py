"""Existing cases: the single consignation of ``Expertise`` (amount, deadline, status) becomes one
provision of the ledger, whose split is « non précisé » (the order's split was never recorded),
with one instalment at the former deadline. A consignation already recorded as made becomes one
payment « non précisé » of the whole amount, dated the day the greffe recorded it, so the ledger
is complete as the case was. The fields of ``Expertise`` stay as the case's summary (docs/frais.md).
Rows taken over have no evidence event of their own: the events of the case stay as they were."""

from __future__ import annotations

import uuid

from django.db import migrations

LIBELLE = "Provision fixée par la décision (reprise)"


def reprendre(apps, schema_editor):
    Expertise = apps.get_model("expertises", "Expertise")
    Historique = apps.get_model("expertises", "Historique")
    Provision = apps.get_model("frais", "Provision")
    Part = apps.get_model("frais", "Part")
    Echeance = apps.get_model("frais", "Echeance")
    Versement = apps.get_model("frais", "Versement")
    for e in Expertise.objects.filter(matiere="civile", consignation_montant__gt=0).iterator():
        if Provision.objects.filter(expertise=e).exists():
            continue
        provision = Provision.objects.create(expertise=e, libelle=LIBELLE, montant=e.consignation_montant, cree_le=e.cree_le)
        part = Part.objects.create(provision=provision, partie=None, montant=e.consignation_montant)
        jour = e.consignation_date_limite or e.date_ordonnance
        Echeance.objects.create(part=part, rang=1, date_limite=jour, montant=e.consignation_montant)
        if e.consignation_statut == "consignee":
            constat = (
                Historique.objects.filter(expertise=e, transition__in=["constater_consignation", "constater_complement"])
                .order_by("-le")
                .first()
            )
            le = constat.le if constat else e.etat_depuis
            Versement.objects.create(
                uuid=uuid.uuid4(),
                expertise=e,
                montant=e.consignation_montant,
                verse_le=le.date(),
                payeur=None,
                pour=None,
                reference_regie="reprise",
                enregistre_le=le,
            )


class Migration(migrations.Migration):
    dependencies = [("frais", "0001_initial"), ("expertises", "0003_greffe_par_defaut")]

    operations = [migrations.RunPython(reprendre, migrations.RunPython.noop)]
