"""Settings of federated login (OpenID Connect): ProConnect for staff, FranceConnect for parties and
candidates (docs/connexion-federee.md). Read from the environment once, by settings/base.py.

For each provider ``P`` in ``PROCONNECT``, ``FRANCECONNECT``:
- ``JUSTEXPERT_P_ISSUER``: the provider's issuer URL (discovery at ``/.well-known/openid-configuration``);
  unset = the provider is not offered;
- ``JUSTEXPERT_P_CLIENT_ID`` and ``JUSTEXPERT_P_CLIENT_SECRET`` (or ``…_CLIENT_SECRET_FILE`` naming
  a file: an unreadable file stops loading, naming the variable);
- ``JUSTEXPERT_P_SCOPES`` (space separated), ``JUSTEXPERT_P_ACR_VALUES`` (asked for at login);
- ``JUSTEXPERT_P_ACR_MFA`` and ``JUSTEXPERT_P_AMR_MFA`` (comma separated): the acr values, and the
  amr methods, that count as multi-factor; then the login is strong for the platform's MFA rule;
- ``JUSTEXPERT_P_EMAIL_VERIFIE``: the provider guarantees its e-mails (ProConnect: the agent's
  administration vouches for them) even without an ``email_verified`` claim.
``JUSTEXPERT_OIDC_DELAI_MS``: milliseconds (default 3000) before a provider that does not answer is called unavailable.
"""

from __future__ import annotations

from justexpert.lib.env import ConfigurationError, env_bool, env_list, env_str

# name -> (label, default scopes, default acr asked)
FOURNISSEURS = {
    "proconnect": ("ProConnect", "openid email given_name usual_name uid siret", ""),
    "franceconnect": ("FranceConnect", "openid email given_name family_name birthdate", "eidas1"),
}


def fournisseurs_oidc() -> dict[str, dict]:
    """The configured providers, from the environment."""
    resultat: dict[str, dict] = {}
    for nom, (libelle, portees, acr) in FOURNISSEURS.items():
        prefixe = f"JUSTEXPERT_{nom.upper()}_"
        issuer = env_str(prefixe + "ISSUER")
        if not issuer:
            continue
        resultat[nom] = {
            "libelle": libelle,
            "issuer": issuer.rstrip("/"),
            "client_id": env_str(prefixe + "CLIENT_ID") or "",
            "client_secret": env_str(prefixe + "CLIENT_SECRET") or "",
            "scopes": env_str(prefixe + "SCOPES") or portees,
            "acr_values": env_str(prefixe + "ACR_VALUES", acr) or "",
            "acr_mfa": env_list(prefixe + "ACR_MFA"),
            "amr_mfa": env_list(prefixe + "AMR_MFA"),
            "email_verifie": env_bool(prefixe + "EMAIL_VERIFIE", False),
        }
    return resultat


def problemes_production(fournisseurs: dict[str, dict]) -> list[str]:
    """What production refuses in the providers' settings (each names its variable)."""
    problemes = []
    for nom, conf in fournisseurs.items():
        prefixe = f"JUSTEXPERT_{nom.upper()}_"
        if not conf["issuer"].startswith("https://"):
            problemes.append(f"{prefixe}ISSUER must be an https:// URL.")
        if not conf["client_id"]:
            problemes.append(f"{prefixe}CLIENT_ID must be set when {prefixe}ISSUER is.")
        if not conf["client_secret"]:
            problemes.append(f"{prefixe}CLIENT_SECRET_FILE must name a readable file holding the client secret.")
    return problemes


__all__ = ["FOURNISSEURS", "ConfigurationError", "fournisseurs_oidc", "problemes_production"]
