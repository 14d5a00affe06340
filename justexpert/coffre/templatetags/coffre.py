"""Template helpers of coffre: ``{% attributs_envoi %}`` inside a deposit form's tag gives the upload
script (static coffre/envoi.js) what it checks before sending, from the same settings the server
enforces: the largest size and the accepted extensions. ``{% script_envoi %}`` loads the script."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from justexpert.coffre import conf
from justexpert.coffre.formats import FORMATS
from justexpert.coffre.services import taille_lisible

register = template.Library()


@register.simple_tag
def attributs_envoi() -> str:
    return format_html(
        'data-envoi data-taille-max="{}" data-taille-lisible="{}" data-extensions="{}"',
        conf.taille_max(),
        taille_lisible(conf.taille_max()),
        " ".join(sorted(FORMATS)),
    )


@register.simple_tag(takes_context=True)
def script_envoi(context: template.Context) -> str:
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", "")
    return format_html('<script src="{}" nonce="{}" defer></script>', static("coffre/envoi.js"), nonce)
