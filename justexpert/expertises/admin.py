"""Technical admin of expertises: read only (every change goes through services.py)."""

from django.contrib import admin

from .models import Expertise, Historique, Participant, Partie


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Expertise)
class ExpertiseAdmin(LectureSeule):
    list_display = ("uuid", "juridiction", "matiere", "etat", "date_limite_rapport", "cree_le")
    list_filter = ("matiere", "etat")


@admin.register(Participant)
class ParticipantAdmin(LectureSeule):
    list_display = ("uuid", "expertise", "qualite", "ajoute_le", "retire_le")


@admin.register(Partie)
class PartieAdmin(LectureSeule):
    list_display = ("uuid", "expertise", "qualite", "inscription_refusee")


@admin.register(Historique)
class HistoriqueAdmin(LectureSeule):
    list_display = ("expertise", "transition", "etat_avant", "etat_apres", "le")
