# Two commands for a newcomer: `make run` and `make test`. Each makes .venv and
# installs what it needs on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
STRIPE_PORT ?= 8420

.PHONY: run test lint bench bench-checkout bench-planner system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Runtime dependencies (run) and the test tools (test) are installed once, again
# only when pyproject.toml changes. `local` adds the local Stripe server.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[local]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

# Pango and a font for WeasyPrint's PDF documents: installed as root, else named.
system-packages:
	@devtools/system-packages

# A development .env with a fresh random secret; an existing .env is never overwritten.
.env:
	@echo "SHOP_ENV=development" > $@
	@$(BIN)/python -c "import secrets; print('SECRET_KEY=' + secrets.token_hex(32))" >> $@
	@echo "wrote $@ (development settings, new SECRET_KEY)"

# The development server, the mail worker and the local Stripe server (127.0.0.1 only)
# together; Ctrl-C stops them all. Links in mail point at the address served here (mail
# lands in instance/mail/), and the local Stripe server signs its events for the shop's
# webhook address.
run: system-packages $(VENV)/.installed-run .env
	$(FLASK) db upgrade
	$(FLASK) shop seed-demo
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) SHOP_PORT=$(PORT) STRIPE_PORT=$(STRIPE_PORT) \
	    SHOP_BASE_URL=http://$(HOST):$(PORT) $(BIN)/honcho -f devtools/Procfile -d . start

test: system-packages $(VENV)/.installed-test
	$(BIN)/python -m tests.run

lint: $(VENV)/.installed-test
	$(BIN)/ruff check shop tests bench devtools wsgi.py gunicorn.conf.py
	$(BIN)/ruff format --check shop tests bench devtools wsgi.py gunicorn.conf.py

# Both benchmarks: the checkout's (quick, PostgreSQL only) first, then the catalogue's.
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.checkout
	$(BIN)/python -m bench.catalog

bench-checkout: $(VENV)/.installed-test
	$(BIN)/python -m bench.checkout

bench-planner: system-packages $(VENV)/.installed-test
	$(BIN)/python -m bench.planner

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
