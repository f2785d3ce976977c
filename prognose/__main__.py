"""`python -m prognose` runs the command line."""

from prognose.entry import main

main()
