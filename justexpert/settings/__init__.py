"""Settings packages: ``dev`` (default of manage.py), ``test`` (pytest) and ``production``."""
