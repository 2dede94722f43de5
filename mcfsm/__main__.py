"""`python -m mcfsm ...`: the same command line as the `mcfsm` script."""

from .cli import main

main(prog_name="mcfsm")
