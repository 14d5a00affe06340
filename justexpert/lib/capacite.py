"""Capacity rules of the application server, read by deploy/gunicorn.conf.py before any worker starts.

Protects against: a server configured with more threads than PostgreSQL accepts connections. Each
busy thread may hold one connection (Django keeps one per thread, closed at the end of each request
with the default ``DATABASE_CONN_MAX_AGE=0``); when the pool of threads outgrows
``max_connections``, requests fail at random under load with "too many clients", the day the
platform is busiest. Checked once at start, against the live server's setting.
Does not protect against: connections opened by other programs on the same PostgreSQL server
(count them in ``JUSTEXPERT_PG_CONNEXIONS_RESERVEES``).
"""

from __future__ import annotations

import sys

from .env import ConfigurationError, env_bool, env_int, env_str

DELAI_CONNEXION_S = 5


def entier(nom: str, defaut: int, *, minimum: int = 1) -> int:
    """A whole-number setting of the server; a malformed value stops the start with its name."""
    try:
        return env_int(nom, defaut, minimum=minimum)
    except ConfigurationError as exc:
        raise SystemExit(f"Configuration du serveur : {exc}") from None


def _reglages_postgres(url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(url, connect_timeout=DELAI_CONNEXION_S) as connexion:
        maximum = int(connexion.execute("SHOW max_connections").fetchone()[0])  # type: ignore[index]
        reservees = int(connexion.execute("SHOW superuser_reserved_connections").fetchone()[0])  # type: ignore[index]
    return maximum, reservees


def budget_connexions(par_serveur: int) -> str | None:
    """None when ``par_serveur`` threads (workers × threads) on each of ``JUSTEXPERT_WEB_SERVEURS``
    application servers fit in PostgreSQL's connections; otherwise the French reason to refuse.
    Not PostgreSQL, a pooler declared, or the database unreachable at start: nothing to check (the
    platform answers 503 until the database is back)."""
    url = env_str("DATABASE_URL") or ""
    if not url.startswith(("postgres://", "postgresql://")) or env_bool("JUSTEXPERT_PG_POOLER", False):
        return None
    serveurs = entier("JUSTEXPERT_WEB_SERVEURS", 1)
    reserve = entier("JUSTEXPERT_PG_CONNEXIONS_RESERVEES", 10, minimum=0)
    try:
        maximum, reservees_pg = _reglages_postgres(url)
    except Exception as exc:  # noqa: BLE001 (any driver error: the check is skipped, not the start)
        print(f"justexpert: connexions PostgreSQL non vérifiées au démarrage ({type(exc).__name__})", file=sys.stderr)
        return None
    besoin = par_serveur * serveurs
    disponible = maximum - reservees_pg - reserve
    if besoin <= disponible:
        return None
    return (
        f"Configuration du serveur : {serveurs} serveur(s) × {par_serveur} fils d'exécution (workers × threads) "
        f"peuvent ouvrir {besoin} connexions, mais PostgreSQL n'en accepte que {disponible} "
        f"(max_connections {maximum} − {reservees_pg} réservées au superutilisateur − {reserve} pour le worker, "
        "le planificateur et l'exploitation). Réduisez JUSTEXPERT_WEB_WORKERS ou JUSTEXPERT_WEB_THREADS, "
        "augmentez max_connections, ou placez un pooler (PgBouncer) et déclarez JUSTEXPERT_PG_POOLER=1."
    )
