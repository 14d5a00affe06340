"""Read-only admin of coffre: metadata only (the content is never shown here)."""

from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("uuid", "nom", "taille", "cle_id", "cree_le", "detruit_le")
    search_fields = ("uuid", "sha256")
    readonly_fields = [f.name for f in Document._meta.fields if f.name != "cle_chiffree"]
    exclude = ("cle_chiffree",)

    def has_add_permission(self, request):  # noqa: ANN001, ANN201
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
