"""Technical admin of frais: read-only (every change goes through services.py)."""

from __future__ import annotations

from django.contrib import admin

from .models import Provision, Tarif, Versement


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Provision)
class ProvisionAdmin(LectureSeule):
    list_display = ("uuid", "montant", "cree_le")
    fields = ("uuid", "montant", "cree_le")
    readonly_fields = fields


@admin.register(Versement)
class VersementAdmin(LectureSeule):
    list_display = ("uuid", "montant", "verse_le", "enregistre_le")
    fields = ("uuid", "montant", "verse_le", "enregistre_le")
    readonly_fields = fields


@admin.register(Tarif)
class TarifAdmin(admin.ModelAdmin):
    """The frais de justice tariff (penal): data the administrator keeps up to date with the texts
    (CPP R. 106 s. and the arrêtés fixing the amounts). A line no longer in force is made inactive
    (never deleted: the mémoires already drawn up refer to it)."""

    list_display = ("code", "libelle", "unite", "montant", "article", "actif")
    list_filter = ("actif",)
    search_fields = ("code", "libelle", "article")

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
