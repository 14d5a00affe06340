"""gunicorn configuration of Justexpert in production: `gunicorn -c deploy/gunicorn.conf.py`.

The server model (docs/fiabilite.md, "Modèle de serveur"):
- threaded workers (``gthread``): a request holds one thread, not one process, so uploads that last
  minutes (1 GiB at 2 MB/s is nine minutes) and slow clients do not starve everyone else; the
  worker's heartbeat runs in its main thread, so ``timeout`` never kills a long upload;
- a worker accepts a connection only when one of its threads is free (``worker_connections`` =
  ``threads``): a connection never waits behind a busy worker while another one is idle; the rest
  wait in the listen backlog;
- the application cuts uploads that last too long or trickle too slowly (coffre/rythme.py, French
  message, 408); the reverse proxy (deploy/nginx/justexpert.conf) bounds slow headers and the
  connections per address, and never buffers a body on its disk;
- each busy thread may hold one PostgreSQL connection: at start, workers × threads × app servers
  must fit in the server's ``max_connections`` (minus its reserved slots and
  ``JUSTEXPERT_PG_CONNEXIONS_RESERVEES`` for the task worker, the scheduler and the operators),
  unless ``JUSTEXPERT_PG_POOLER=1`` says a pooler (PgBouncer) stands in between.

Every value comes from the environment (the same file as the application's settings); a malformed
value stops the start with a message naming it.
"""

from __future__ import annotations

import os

from justexpert.lib.capacite import budget_connexions, entier

bind = os.environ.get("JUSTEXPERT_WEB_ADRESSE", "127.0.0.1:8001")
wsgi_app = "justexpert.wsgi:application"
worker_class = "gthread"
workers = entier("JUSTEXPERT_WEB_WORKERS", 2)
threads = entier("JUSTEXPERT_WEB_THREADS", 32)
worker_connections = threads
# Behind nginx every request comes on its own connection (nginx speaks HTTP/1.0 to the upstream by
# default); no kept-alive connection may hold a slot of worker_connections.
keepalive = 0
# Heartbeat of the worker's main loop (not a request timeout for gthread).
timeout = 60
# On a restart (deployment), requests still running get this long to finish; a longer upload is
# cut (nothing is recorded, the person sends it again).
graceful_timeout = entier("JUSTEXPERT_WEB_ARRET_GRACIEUX", 120)
# Access log without the query string: search texts describe missions (health, penal matters).
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
proc_name = "justexpert-web"


def on_starting(server) -> None:  # noqa: ANN001 (gunicorn's hook signature)
    """Refuse to start when the threads could open more connections than PostgreSQL accepts."""
    message = budget_connexions(workers * threads)
    if message:
        server.log.error(message)
        raise SystemExit(message)
