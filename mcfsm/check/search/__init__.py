"""The exhaustive search: the explorer, its verdicts, checkpoints and vacuity."""
