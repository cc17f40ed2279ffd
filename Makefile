# The two commands of the README, and what they need. Only python3 (with venv) and make.
VENV ?= .venv
FLASK = $(VENV)/bin/flask --app clearinghouse
BIND ?= 127.0.0.1:8000
WORKERS ?= 2

.PHONY: serve test install install-test translations

serve: install translations
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) search rebuild
	# The indexer runs beside gunicorn: the one process that writes the search index.
	$(FLASK) search worker & indexer=$$!; trap 'kill $$indexer' EXIT INT TERM; \
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(BIND) --access-logfile - wsgi:app

test: install-test translations
	$(VENV)/bin/ruff check clearinghouse tests migrations bench
	$(VENV)/bin/pytest

# The interface's translations, compiled from the catalogues kept in git.
CATALOGUES = $(wildcard clearinghouse/translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGUES:.po=.mo)

%.mo: %.po
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/pip:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/pip setup.cfg pyproject.toml
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/bin/pip setup.cfg pyproject.toml
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $@
