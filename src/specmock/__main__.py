"""`python -m specmock`."""

from specmock.cli import main

main()
