# salesim: the two commands are `make play` and `make test`; both set everything up first.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

.PHONY: setup system play test bench model clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# System packages (espeak-ng for buyer voices, sox, PortAudio for microphones,
# PostgreSQL for the team-database tests): installed when run as root with
# apt-get, otherwise listed with the command that installs them.
system:
	@sh tools/system-packages.sh

play: setup
	@sh tools/system-packages.sh play || true
	$(VENV)/bin/salesim play $(ARGS)

test: setup system
	$(PY) -m pytest $(ARGS)

bench: setup
	$(PY) bench/run.py $(ARGS)

model: setup
	$(VENV)/bin/salesim model

clean:
	rm -rf $(VENV) build dist .pytest_cache
