"""``python -m searcher``: the ``searcher`` command."""

from searcher.cli.console import run

if __name__ == "__main__":
    run()
