# Two commands do all the set-up on a fresh machine with Python >= 3.11:
#   make book   builds the site into _build/html
#   make test   runs the linters and every test (the book build included)
# and one more for print:
#   make pdf    builds _build/latex/convstep.pdf (installing Debian's TeX
#               Live when it is missing), then the site again, linking it

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstalled whenever pyproject.toml changes.
INSTALLED := $(VENV)/.installed

.PHONY: book test lint format clean venv bench pdf tex serve

venv: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,book]"
	touch $@

# Sphinx re-reads a chapter only when its file changes, and Jupyter
# Book re-runs it only when its code cells change, so a change to the
# package (or to data a chapter reads) would leave stale outputs: drop
# Sphinx's environment and the execution cache when those move.
EXECUTION_INPUTS := $(shell find src book/data -type f -not -name '*.pyc')
EXECUTION_STAMP := _build/.execution-inputs

$(EXECUTION_STAMP): $(EXECUTION_INPUTS) $(INSTALLED)
	rm -rf _build/.doctrees _build/.jupyter_cache
	mkdir -p _build
	touch $@

book: $(INSTALLED) $(EXECUTION_STAMP)
	$(BIN)/jupyter-book build . -W --keep-going

pdf: $(INSTALLED) tex $(EXECUTION_STAMP)
	$(BIN)/jupyter-book build . --builder pdflatex -W --keep-going
	$(BIN)/jupyter-book build . -W --keep-going

# XeLaTeX, latexmk and xindy for Sphinx's LaTeX; texlive-fonts-extra for
# the bbm fonts that sphinx-jupyterbook-latex's document class loads.
TEX_PACKAGES := latexmk xindy texlive-xetex texlive-latex-recommended \
	texlive-latex-extra texlive-fonts-recommended texlive-fonts-extra \
	texlive-plain-generic fonts-freefont-otf
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

tex:
	@if command -v xelatex >/dev/null && command -v latexmk >/dev/null \
	    && command -v xindy >/dev/null \
	    && kpsewhich bbm.sty fncychap.sty >/dev/null 2>&1; then :; else \
	  echo "Installing Debian's TeX Live packages for the PDF ..."; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(TEX_PACKAGES) >/dev/null; \
	fi

# Preview the built site at http://127.0.0.1:8000 (PORT=8080 make serve).
# Bound to loopback: nobody else on the network sees the preview.
PORT ?= 8000
serve:
	@test -f _build/html/index.html || { \
	  echo "No site in _build/html yet: run 'make book' first."; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

lint: $(INSTALLED)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench.py --json _build/bench.json

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf _build .pytest_cache .ruff_cache .hypothesis
