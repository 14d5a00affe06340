"""Registered certificates show their subject and issuer in French words (they were stored with
asn1crypto's English labels, « Common Name: … »): recomputed from the certificate itself."""

from asn1crypto import x509 as asn1_x509
from django.db import migrations

PARTIES = (
    ("common_name", "Nom"),
    ("given_name", "Prénom"),
    ("surname", "Nom de famille"),
    ("organization_name", "Organisation"),
    ("organizational_unit_name", "Service"),
    ("organization_identifier", "Identifiant de l'organisation"),
    ("email_address", "Adresse électronique"),
    ("locality_name", "Ville"),
    ("state_or_province_name", "Région"),
    ("country_name", "Pays"),
    ("serial_number", "Numéro"),
)


def _lisible(nom):
    valeurs = nom.native
    morceaux = []
    for cle, libelle in PARTIES:
        valeur = valeurs.get(cle)
        if valeur:
            texte = ", ".join(map(str, valeur)) if isinstance(valeur, list) else str(valeur)
            morceaux.append(f"{libelle} : {texte}")
    return " ; ".join(morceaux) or "(nom vide)"


def traduire(apps, schema_editor):
    Certificat = apps.get_model("comptes", "Certificat")
    for c in Certificat.objects.only("pk", "der").iterator():
        cert = asn1_x509.Certificate.load(bytes(c.der))
        Certificat.objects.filter(pk=c.pk).update(sujet=_lisible(cert.subject)[:500], emetteur=_lisible(cert.issuer)[:500])


class Migration(migrations.Migration):
    dependencies = [("comptes", "0005_journal_sans_secret")]
    operations = [migrations.RunPython(traduire, migrations.RunPython.noop)]
