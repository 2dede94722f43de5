"""Random runs: the walker, hypothesis-driven simulation and the swarm."""
