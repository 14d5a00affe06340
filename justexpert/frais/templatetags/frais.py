from django import template

from justexpert.lib.format import euros as _euros

register = template.Library()


@register.filter
def euros(montant):  # type: ignore[no-untyped-def]
    return _euros(montant)
