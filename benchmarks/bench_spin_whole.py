"""SPIN against mcfsm with mcfsm's start-up included (issue 73 item 5: at or above SPIN's
states per second): SPIN's sort.pml against its port (benchmarks/spin_sort.py) at N = 8,
and the Promela twin of TwoPhase (bench_spin.py) at 7 and 8 resource managers, each tool as
its user runs it, in one run:

    .venv/bin/python benchmarks/bench_spin_whole.py                  # sort:8 twophase:7 twophase:8
    .venv/bin/python benchmarks/bench_spin_whole.py sort:7 --runs 9

SPIN: `spin -a` and `gcc -O2 -DNOREDUCE -DSAFETY pan.c` once (not timed, as bench_spin.py),
then `./pan` timed, process by process (its CPU seconds from the kernel's accounting of
the child), with `-w` sized to the states as bench_spin.py does (and `-E` for TwoPhase,
whose final states loop). mcfsm: `mcfsm check MODEL.py --no-cache --workers 1`, a whole
process: interpreter, imports, loading the model, the search and the report. The two
alternate; the state counts must agree (SPIN's "states, stored" against mcfsm's distinct
states) or the run fails. Printed: medians of CPU seconds, each tool's states per CPU
second and mcfsm's rate against SPIN's, with the load average at the start.
"""

from __future__ import annotations

import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Spin's Examples/sort.pml (Spin 6.5.2), N left to be set.
SORT_PML = """\
#define N	{n}			/* Number of Proc */
#define L	10			/* Size of buffer queues */
#define RANDOM	(seed * 3 + 14) % 100	/* Calculate "random" number */

chan q[N] = [L] of {{byte}};

proctype left(chan out)			/* leftmost process, generates random numbers */
{{	byte counter, seed;

	xs out;

	counter = 0; seed = 15;
	do
	:: out!seed ->			/* output value to the right */
		counter = counter + 1;
		if
		:: counter == N -> break
		:: counter != N -> skip
		fi;
		seed = RANDOM		/* next "random" number */
	od
}}

proctype middle(chan inp, out; byte procnum)
{{	byte counter, myval, nextval;

	xs out;
	xr inp;

	counter = N - procnum;
	inp?myval;				/* get first value from the left */
	do
	:: counter > 0 ->
		inp?nextval;			/* upon receipt of a new value */
		if
		:: nextval >= myval -> out!nextval
		:: nextval <  myval ->
			out!myval;
			myval=nextval		/* send bigger, hold smaller */
		fi;
		counter = counter - 1
	:: counter == 0 -> break
	od
}}

proctype right(chan inp)	/* rightmost channel */
{{	byte biggest;

	xr inp;

	inp?biggest		/* accepts only one value, which is the biggest */
}}

init {{
	byte proc=1;

	atomic {{
		run left ( q[0] );
		do
		:: proc < N ->
			run middle ( q[proc-1] , q[proc], proc );
			proc = proc+1
		:: proc == N -> break
		od;
		run right ( q[N-1] )
	}}
}}
"""

MODEL = """\
import sys
sys.path[:0] = [{benchmarks!r}, {validation!r}]
from mcfsm import Model
import {module}

model = Model("{name}{n}", source="{source}")
model.add_variant("n{n}", lambda: {module}.build(n={n}))
"""

BENCHMARKS = ROOT / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))


def _child(argv: list[str], cwd: Path) -> tuple[float, str]:
    """(CPU s, stdout) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime), proc.stdout


def case(kind: str, n: int, runs: int) -> bool:
    """One model at one size: SPIN and mcfsm alternating; False if the counts differ."""
    from bench_spin import promela

    source, extra, module, name, cited = (
        (SORT_PML.format(n=n), [], "spin_sort", "sort", "Spin Examples/sort.pml")
        if kind == "sort" else
        (promela(n), ["-E"], "twophase", "twophase", "tlaplus/Examples TwoPhase.tla"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "model.pml").write_text(source)
        (folder / "model.py").write_text(MODEL.format(
            benchmarks=str(BENCHMARKS), validation=str(ROOT / "tests" / "validation"),
            module=module, name=name, n=n, source=cited))
        subprocess.run(["spin", "-a", "model.pml"], cwd=folder, check=True, capture_output=True)
        subprocess.run(["gcc", "-O2", "-DNOREDUCE", "-DSAFETY", "-o", "pan", "pan.c"],
                       cwd=folder, check=True, capture_output=True)
        mcfsm_argv = [sys.executable, "-m", "mcfsm", "check", "model.py", "--no-cache",
                      "--workers", "1"]
        _, out = _child(mcfsm_argv, folder)  # the warm-up, which also gives the count
        expected = int(re.search(r"([\d,]+) distinct states", out).group(1)  # type: ignore[union-attr]
                       .replace(",", ""))
        # pan's hash table sized to the states, as bench_spin.py does (2^w slots; a far
        # larger one costs pan its clearing, a smaller one its probing)
        width = max(18, math.ceil(math.log2(expected)) + 1)
        spin_argv = ["./pan", *extra, f"-w{width}", "-m100000"]
        _child(spin_argv, folder)
        spin_cpu, mcfsm_cpu = [], []
        stored = distinct = 0
        for _ in range(runs):
            cpu, out = _child(spin_argv, folder)
            spin_cpu.append(cpu)
            stored = int(re.search(r"(\d+) states, stored", out).group(1))  # type: ignore[union-attr]
            cpu, out = _child(mcfsm_argv, folder)
            mcfsm_cpu.append(cpu)
            header = re.search(r"([\d,]+) distinct states", out)
            if header is None:
                raise SystemExit(f"no figures in mcfsm's report:\n{out[:2000]}")
            distinct = int(header.group(1).replace(",", ""))
    label = f"{'sort.pml, N' if kind == 'sort' else 'TwoPhase twin, RMs'} = {n}"
    if stored != distinct:
        print(f"{label}: MISMATCH: SPIN stored {stored:,} states, mcfsm {distinct:,}")
        return False
    spin, mine = statistics.median(spin_cpu), statistics.median(mcfsm_cpu)
    print(f"{label}: {distinct:,} states each")
    print(f"  SPIN ./pan:                  {spin:6.2f} s CPU (median; {min(spin_cpu):.2f} to "
          f"{max(spin_cpu):.2f}), {distinct / spin:>10,.0f} states per CPU s")
    print(f"  mcfsm check, whole process:  {mine:6.2f} s CPU (median; {min(mcfsm_cpu):.2f} to "
          f"{max(mcfsm_cpu):.2f}), {distinct / mine:>10,.0f} states per CPU s: "
          f"{spin / mine:.2f}x SPIN's rate", flush=True)
    return True


def main() -> int:
    if not (shutil.which("spin") and shutil.which("gcc")):
        print("bench_spin_whole: skipped, `spin` or `gcc` is not installed "
              "(Debian: apt-get install spin gcc)")
        return 0
    argv = sys.argv[1:]
    runs = 5
    if "--runs" in argv:
        at = argv.index("--runs")
        runs = int(argv[at + 1])
        del argv[at:at + 2]
    cases = [(kind, int(n)) for kind, n in (a.split(":") for a in argv)] or [
        ("sort", 8), ("twophase", 7), ("twophase", 8)]
    print(f"load average at the start {os.getloadavg()[0]:.2f} on "
          f"{len(os.sched_getaffinity(0))} cores; {runs} runs of each, alternating, after one "
          "warm-up; the engine core as `mcfsm check` loads it")
    failures = sum(not case(kind, n, runs) for kind, n in cases)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
