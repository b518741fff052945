"""Thin launcher (also the PyInstaller entry point): same as the ``shopcrm`` command."""

from shopcrm.cli import main

if __name__ == "__main__":
    main()
