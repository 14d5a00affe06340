"""Technical admin of frais: read-only (every change goes through services.py)."""

from __future__ import annotations

from django.contrib import admin

from .models import Provision, Versement


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
