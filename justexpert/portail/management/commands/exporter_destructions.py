"""manage.py exporter_destructions --depuis N — documents destroyed since evidence-log leaf N (JSON lines),
read from leaves proven against the latest signed checkpoint."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from justexpert.preuves.restauration import JournalNonVerifiable, destructions_depuis


class Command(BaseCommand):
    help = "Liste (une ligne JSON par document) les destructions de clés journalisées depuis l'index donné."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--depuis", type=int, required=True, help="taille du journal au moment de la sauvegarde")

    def handle(self, *args: object, **options: object) -> None:
        try:
            references = destructions_depuis(int(options["depuis"]))  # type: ignore[call-overload]
        except JournalNonVerifiable as exc:
            raise CommandError(f"Destructions non exportées : {exc}.") from None
        for reference in references:
            self.stdout.write(json.dumps({"document": reference}))
