"""Technical administration: the thesaurus is edited here by an administrator."""

from django.contrib import admin

from .models import EntreeThesaurus


@admin.register(EntreeThesaurus)
class EntreeThesaurusAdmin(admin.ModelAdmin):
    list_display = ("mot", "codes", "modifie_le")
    search_fields = ("mot", "codes")
