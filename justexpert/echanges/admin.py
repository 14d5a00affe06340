"""Technical admin of echanges: read-only (every change goes through services.py)."""

from __future__ import annotations

from django.contrib import admin

from .models import Echange


@admin.register(Echange)
class EchangeAdmin(admin.ModelAdmin):
    list_display = ("uuid", "juridiction", "matiere", "cree_le")
    list_filter = ("matiere",)
    # Titles of penal folders are not shown to technical staff either.
    fields = ("uuid", "juridiction", "matiere", "cree_le")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
