"""`python -m prognose` runs the command line."""

from prognose.cli import main

main()
