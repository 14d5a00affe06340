"""Rows of the security log written before links' secrets were masked lose them (single-use
links: verification, password reset, invitation)."""

import re

from django.db import migrations

MOTIFS = (
    re.compile(r"^(/verifier-adresse/)[^/]+(/?)"),
    re.compile(r"^(/mot-de-passe/nouveau/)[^/]+/[^/]+(/?)"),
    re.compile(r"^(/invitation/)[^/]+(/?)"),
)
PREFIXES = ("/verifier-adresse/", "/mot-de-passe/nouveau/", "/invitation/")


def masquer(apps, schema_editor):
    JournalSecurite = apps.get_model("comptes", "JournalSecurite")
    for prefixe in PREFIXES:
        for entree in JournalSecurite.objects.filter(chemin__startswith=prefixe).only("pk", "chemin").iterator():
            chemin = entree.chemin
            for motif in MOTIFS:
                chemin = motif.sub(r"\1…\2", chemin)
            if chemin != entree.chemin:
                JournalSecurite.objects.filter(pk=entree.pk).update(chemin=chemin)


class Migration(migrations.Migration):
    dependencies = [("comptes", "0004_evenements_jetons_inscription")]
    operations = [migrations.RunPython(masquer, migrations.RunPython.noop)]
