# Justexpert — `make help` lists the targets. The two commands of the README: `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installe
STAMP_DEV := $(VENV)/.installe-dev
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/justexpert
SOURCES := justexpert tests bench tools manage.py
# Two test processes: one per core of the reference machine (pytest-xdist; each has its own database).
TEST_WORKERS ?= 2
OIDC_NODE := tests/fournisseur_oidc/node_modules/.installe

.DEFAULT_GOAL := help

help: ## Liste les cibles
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@if ! $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv; \
	  else echo "python3 -m venv est indisponible : installez le paquet Debian python3-venv (sudo apt-get install python3-venv)."; exit 1; fi; fi
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(STAMP): $(VENV)/bin/python requirements.txt
	$(PIP) install -q -r requirements.txt
	@touch $@

$(STAMP_DEV): $(STAMP) requirements-dev.txt $(OIDC_NODE)
	$(PIP) install -q -r requirements-dev.txt
	@touch $@

# The OpenID Connect provider of the federated-login tests (npm oidc-provider, tests/fournisseur_oidc).
$(OIDC_NODE): tests/fournisseur_oidc/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; \
	  else echo "Les tests de connexion fédérée ont besoin de Node.js et npm : sudo apt-get install nodejs npm"; exit 1; fi; }
	cd tests/fournisseur_oidc && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(STAMP) ## Crée l'environnement virtuel et installe les dépendances
install-dev: $(STAMP_DEV) ## Installe aussi les outils de test et d'analyse

chromium: ## Installe les outils Debian des tests (Chromium, pdfsig, carte simulée, nginx) si absents
	@command -v chromium >/dev/null 2>&1 && command -v pdfsig >/dev/null 2>&1 && command -v softhsm2-util >/dev/null 2>&1 && command -v pkcs11-tool >/dev/null 2>&1 && command -v certutil >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium poppler-utils softhsm2 opensc libnss3-tools fonts-dejavu-core nginx-light; \
	  else echo "Les tests ont besoin de chromium, poppler-utils, softhsm2, opensc, libnss3-tools et nginx-light : sudo apt-get install chromium poppler-utils softhsm2 opensc libnss3-tools nginx-light"; exit 1; fi; }

migrate: $(STAMP) ## Applique les migrations (SQLite par défaut)
	$(PY) manage.py migrate --noinput

demo: migrate ## Charge le monde de démonstration
	$(PY) manage.py charger_demo

# Absolute links (mails included, which the worker sends) follow the address served, unless
# JUSTEXPERT_SITE_URL is given. The evidence log then keeps the name development always gave it,
# whatever the port: its signed notes carry it.
ifndef JUSTEXPERT_SITE_URL
run worker: export JUSTEXPERT_SITE_URL = http://$(HOST):$(PORT)
run worker: export JUSTEXPERT_PREUVES_ORIGINE ?= 127.0.0.1:8000/preuves
endif
run: demo ## Installe, migre, charge la démo et sert http://127.0.0.1:8000 avec un worker
	@echo "Justexpert sur http://$(HOST):$(PORT)/ (Ctrl-C pour arrêter)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker & \
	  $(PY) manage.py planificateur & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

worker: $(STAMP) ## Lance seulement le worker des tâches de fond
	$(PY) manage.py db_worker

test: $(STAMP_DEV) chromium ## Lance toute la suite (SQLite, ou DATABASE_URL si défini)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The suite's property and fuzz tests are derandomized (same answer twice on one commit); this run
# draws new random examples, ten times as many, and prints how to replay any failure.
FUZZ_TESTS := tests/securite/test_api_schemathesis.py tests/securite/test_saisies_hostiles.py tests/coffre/test_noms.py \
  tests/preuves/test_merkle.py tests/expertises/test_formulaires.py tests/recherche/test_recherche.py
fuzz: $(STAMP_DEV) ## Tests de propriétés et de robustesse (API, formulaires) avec de nouveaux exemples aléatoires, dix fois plus
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -n $(TEST_WORKERS) $(FUZZ_TESTS) $(PYTEST_ARGS)

test-postgres: ## Lance la suite sur PostgreSQL ($(PG_URL))
	DATABASE_URL=$(PG_URL) $(MAKE) test

lint: $(STAMP_DEV) ## ruff, mypy, import-linter, migrations à jour, check --deploy
	$(VENV)/bin/ruff check $(SOURCES)
	$(VENV)/bin/ruff format --check $(SOURCES)
	$(VENV)/bin/mypy justexpert/lib justexpert/comptes justexpert/preuves justexpert/coffre justexpert/recherche
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	@# A complete production environment (README's table), throwaway keys in a temporary folder.
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  openssl genpkey -algorithm ed25519 -out "$$tmp/journal.pem" 2>/dev/null && \
	  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$$tmp/ac-cle.pem" \
	    -subj "/CN=Racine TSA (lint)" -days 1 -out "$$tmp/tsa-ac.pem" 2>/dev/null && \
	  echo "check --deploy (settings de production complets)" && \
	  DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  DATABASE_URL=$(PG_URL) DJANGO_ALLOWED_HOSTS=justexpert.example \
	  JUSTEXPERT_SITE_URL=https://justexpert.example \
	  JUSTEXPERT_PREUVES_CLE_FILE="$$tmp/journal.pem" JUSTEXPERT_COFFRE_CLES="k1:$$(openssl rand -base64 32)" \
	  JUSTEXPERT_TSA_URL=http://tsa.example/ JUSTEXPERT_TSA_AC_FILE="$$tmp/tsa-ac.pem" \
	  JUSTEXPERT_PREUVES_REPERE="$$tmp/preuves-repere.json" \
	  $(PY) manage.py check --deploy --fail-level WARNING --settings=justexpert.settings.production

bench: $(STAMP_DEV) ## Lance les mesures de bench/ (chiffres et référence mesurée dans la même exécution)
	@for b in bench/*/run.py; do [ -f "$$b" ] || continue; echo "== $$b"; $(PY) $$b || exit 1; done

sauvegarde: migrate ## Sauvegarde la base et les documents chiffrés dans var/sauvegardes/AAAAMMJJ-HHMMSS
	$(PY) manage.py sauvegarder var/sauvegardes/$$(date +%Y%m%d-%H%M%S)

restauration-essai: migrate ## Exercice : sauvegarde, restauration dans un emplacement neuf, rejeu des destructions, vérifications
	$(PY) tools/exercice_restauration.py

audit: $(STAMP_DEV) ## pip-audit sur les fichiers de dépendances (informatif)
	$(PIP) install -q pip-audit && $(VENV)/bin/pip-audit -r requirements.txt || true

lock: $(STAMP_DEV) ## Régénère requirements*.txt depuis requirements*.in
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

clean: ## Supprime l'environnement virtuel et les données locales (var/)
	rm -rf $(VENV) var

.PHONY: help install install-dev chromium migrate demo run worker test fuzz test-postgres lint bench audit lock clean sauvegarde restauration-essai
