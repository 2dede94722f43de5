"""What a timer that does not know the future costs: in every bundled variant that explores
a timer both as a free timer (it may expire at any step) and as the "long enough" reading
beside it (a Param whose choices are "free" and a reading), the distinct states of the runs
with each choice, summed over the other parameters' combinations (each combination is its
own run: check/choices.py). The ratio free/reading is what the free timer adds.

    .venv/bin/python benchmarks/timer_growth.py            # every bundled variant (cached runs reused)
    .venv/bin/python benchmarks/timer_growth.py --no-cache

A variant that pins a timer to "free" is listed apart; one that pins it to its reading has
no "free" choice and is not listed (its count is the reading's).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcfsm.check.cache import explore_cached  # noqa: E402
from mcfsm.lang.loader import load_path  # noqa: E402

FREE = "free"


def timer_params(system) -> list[str]:
    """The parameters that are a timer read two ways: a free timer and a named reading."""
    return [name for name, p in system.params.items() if FREE in p.choices]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    print("| model | variant | timer | states with the reading | states with the free timer "
          "| free / reading |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    pinned: list[str] = []
    totals = [0, 0]
    started = time.process_time()
    for lm in load_path(ROOT / "models"):
        for variant in lm.model.variants:
            system = lm.model.system(variant)
            names = timer_params(system)
            for name in names:
                choices = system.params[name].choices
                if len(choices) < 2:
                    pinned.append(f"{lm.model.name}[{variant}] {name}={choices[0]}")
                    continue
                result = explore_cached(system, loaded=lm, variant=variant,
                                        cache=not args.no_cache)
                states: dict[str, int] = defaultdict(int)
                for run in result.per_choice:
                    states[dict(run.choices)[name]] += run.distinct_states
                reading = sum(n for c, n in states.items() if c != FREE)
                free = states[FREE]
                totals[0] += reading
                totals[1] += free
                print(f"| {lm.model.name} | {variant} | {name} | {reading:,} | {free:,} | "
                      f"{free / max(reading, 1):.2f} |")
    print(f"| all | | | {totals[0]:,} | {totals[1]:,} | {totals[1] / max(totals[0], 1):.2f} |")
    print(f"\npinned to one choice ({len(pinned)}): " + "; ".join(pinned))
    print(f"CPU {time.process_time() - started:.1f} s")


if __name__ == "__main__":
    main()
