"""Every URL is either in the short public list or protected (default deny, STYLE.md)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from justexpert.api import api

# url name -> why it is public. Keep this list short.
PUBLIC = {
    "portail:accueil": "home page",
    "portail:mentions_legales": "legal notice",
    "portail:donnees_personnelles": "privacy notice",
    "portail:accessibilite": "accessibility statement",
    "portail:sante": "health check for the load balancer (states only, no data)",
    "portail:aide_signature": "how an expert signs the report with the card (a guide, no data)",
    "portail:outil_signature": "the free signing tool tools/signer.py (no data)",
    "comptes:connexion": "login",
    "comptes:connexion_certificat": "login by certificate (mutual TLS at the proxy)",
    "comptes:second_facteur": "second step of login (needs a pending password step)",
    "comptes:federation_debut": "start of a ProConnect or FranceConnect login (redirect to the provider)",
    "comptes:federation_retour": "the provider's answer (state, nonce and ID token checked)",
    "comptes:deconnexion": "logout (POST only)",
    "comptes:inscription": "self sign-up of candidates",
    "comptes:verifier_adresse": "signed link from the verification mail",
    "comptes:reinitialisation": "password reset request",
    "comptes:reinitialisation_envoyee": "password reset: check your mailbox",
    "comptes:reinitialisation_confirmer": "password reset link (single use)",
    "comptes:reinitialisation_terminee": "password reset done",
    "comptes:invitation": "invitation link (single use, bound to an address)",
    "comptes:invitation_ouverte": "invitation page once the link was opened (secret in the session)",
    "comptes:boite_demo": "demo mailbox, 404 outside demo mode",
    "listes:index": "published annual lists of experts (public by law, D2004 art. 21)",
    "listes:liste": "one published annual list (name, specialites, professional address, phone only)",
    "listes:export": "a published annual list as PDF, CSV or JSON (same public fields)",
    "api:openapi-json": "the OpenAPI document (describes, reveals no data)",
    "api:openapi-view": "the API documentation page",
    "operations:flux": "a person's iCalendar feed: calendar applications cannot log in; secret URL (hashed), renewable, 404 otherwise",
    "preuves:horodatage": "built-in RFC 3161 authority for the experts' signing tool (dev/demo only, 404 with TSA_URL)",
}
# Added by later modules (proof verification must be public by design).
PUBLIC_PREFIXES = ("preuves:",)

# Operations of /api/v1/ that need no authentication: "METHOD path".
PUBLIC_API_PREFIXES = ("/preuves/",)


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}", entry.callback


def test_every_view_is_public_by_list_or_protected():
    problems = []
    seen = 0
    for route, name, callback in _walk(get_resolver()):
        if name.startswith("admin:"):
            # Django's admin wraps each view in admin_view (staff login); reachable only by is_staff.
            continue
        seen += 1
        acces = getattr(callback, "justexpert_acces", None)
        login_required = getattr(callback, "login_required", True)
        if name.startswith("api:") and name not in PUBLIC:
            continue  # API operations: checked below, ninja authenticates them
        if acces is None:
            problems.append(f"{route} ({name}): no access decorator")
        elif acces == "public" or not login_required:
            if name not in PUBLIC and not name.startswith(PUBLIC_PREFIXES):
                problems.append(f"{route} ({name}): public but not in the public list")
        elif name in PUBLIC:
            problems.append(f"{route} ({name}): listed public but protected (update the list)")
    assert seen > 10
    assert not problems, "\n".join(problems)


def test_every_api_operation_requires_authentication_unless_listed():
    problems = []
    count = 0
    # Bound routers carry the operations with their effective auth (inherited from the API).
    for bound in api._get_bound_routers():
        prefix = bound.prefix
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                count += 1
                full = f"{prefix.rstrip('/')}/{path.lstrip('/')}" if prefix else path
                full = "/" + full.lstrip("/")
                if not operation.auth_callbacks and not full.startswith(PUBLIC_API_PREFIXES):
                    problems.append(f"{operation.methods} {full}: no authentication")
    assert count >= 1
    assert not problems, "\n".join(problems)


def test_anonymous_get_of_every_protected_page_redirects_to_login(client, db):
    from django.urls import reverse

    for route, name, callback in _walk(get_resolver()):
        if name.startswith(("admin:", "api:")) or getattr(callback, "justexpert_acces", None) == "public":
            continue
        if "<" in route:
            continue  # parameterised routes are covered by each module's permission tests
        response = client.get("/" + route)
        assert response.status_code == 302, route
        assert response["Location"].startswith(reverse("comptes:connexion")), route
