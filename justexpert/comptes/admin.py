from django.contrib import admin

from .models import Appartenance, JournalSecurite, Organisation, Utilisateur


@admin.register(Utilisateur)
class UtilisateurAdmin(admin.ModelAdmin):
    list_display = ("email", "nom", "prenom", "is_active")
    search_fields = ("email", "nom", "prenom")
    exclude = ("password", "totp_secret")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "nom", "type", "fuseau")
    list_filter = ("type",)
    search_fields = ("code", "nom")


admin.site.register(Appartenance)


@admin.register(JournalSecurite)
class JournalSecuriteAdmin(admin.ModelAdmin):
    list_display = ("le", "evenement", "utilisateur", "adresse_ip")
    list_filter = ("evenement",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
