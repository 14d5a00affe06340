"""Technical admin of candidatures: read-only views for support (changes go through services)."""

from django.contrib import admin

from .models import Candidature


@admin.register(Candidature)
class CandidatureAdmin(admin.ModelAdmin):
    list_display = ("uuid", "type", "etat", "liste", "annee_liste", "depose_le")
    list_filter = ("type", "etat", "annee_liste")
    readonly_fields = [f.name for f in Candidature._meta.fields]

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
