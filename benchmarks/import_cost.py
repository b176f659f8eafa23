"""What ``import customerprofiles_mock`` costs beyond ``import moto, boto3``.

Fresh interpreters, the two imports alternating so machine noise hits both alike; CPU
time (user + system) of each child, median of the rounds. Bytecode is compiled first,
as an installed package has it.

Run: ``python benchmarks/import_cost.py [--rounds N]``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

import customerprofiles_mock

BASELINE = "import moto, boto3"
OURS = "import customerprofiles_mock"


def cpu_seconds(statement: str) -> float:
    """CPU time of one fresh interpreter that runs ``statement`` and exits."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", statement], check=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    compileall.compile_dir(str(Path(customerprofiles_mock.__file__).parent), quiet=1)
    cpu_seconds(OURS)  # warm the file cache for both
    base, ours = [], []
    for _ in range(rounds):
        base.append(cpu_seconds(BASELINE))
        ours.append(cpu_seconds(OURS))
    b, o = statistics.median(base), statistics.median(ours)
    print(f"{BASELINE}: {b * 1000:.0f} ms CPU (median of {rounds})")
    print(f"{OURS}: {o * 1000:.0f} ms CPU")
    print(f"ratio: {o / b:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
