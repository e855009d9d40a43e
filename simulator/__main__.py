"""``python -m simulator`` is the same program as the ``salesim`` command."""

from simulator.cli import main

if __name__ == "__main__":
    main()
