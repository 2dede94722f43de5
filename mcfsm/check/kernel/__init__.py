"""The search core: the breadth-first search proper, pure-Python (core.py) and compiled
(_core.pyx), with identical results."""
