"""manage.py charger_organisations: Cour de cassation, 36 cours d'appel, Ministère (idempotent)."""

from django.core.management.base import BaseCommand

from justexpert.comptes.organisations import charger_reference


class Command(BaseCommand):
    help = "Crée ou met à jour la Cour de cassation, les 36 cours d'appel et le ministère."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"{charger_reference()} organisation(s) créée(s).")
