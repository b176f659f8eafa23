"""What every benchmark scenario shares: timing loops and the scenario registry.

Scenarios run interleaved in rounds and report medians, so machine noise hits every
scenario alike; the figures that matter are ratios measured in one run.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

REGION = "us-east-1"


def per_call(call: Callable[[], Any], calls: int) -> float:
    """Mean microseconds of this process's CPU time per call over ``calls`` calls (the
    machines are shared: wall time counts the neighbours' work too)."""
    start = time.process_time()
    for _ in range(calls):
        call()
    return (time.process_time() - start) / calls * 1e6


def interleaved(
    scenarios: dict[str, Callable[[], Any]], rounds: int, calls: int
) -> dict[str, float]:
    """Median per-call µs of each scenario, the scenarios taking turns every round."""
    for call in scenarios.values():  # warm caches: compiled validators, parsers, endpoints
        per_call(call, max(calls // 10, 20))
    samples: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(rounds):
        for name, call in scenarios.items():
            samples[name].append(per_call(call, calls))
    return {name: statistics.median(values) for name, values in samples.items()}


#: Scale scenarios: name -> function(rounds, calls) returning report lines.
SCALE_SCENARIOS: dict[str, Callable[[int, int], list[str]]] = {}


def scale_scenario(func: Callable[[int, int], list[str]]) -> Callable[[int, int], list[str]]:
    SCALE_SCENARIOS[func.__name__] = func
    return func


def small_large_report(timings: dict[str, float], family: str, labels: dict[str, str]) -> list[str]:
    """Two lines per scenario: its µs at 100 and 10,000 profiles, then their ratio.
    ``timings`` holds "<kind> small" and "<kind> large"; ``labels`` maps kind to label."""
    lines = []
    for kind, label in labels.items():
        small, large = timings[f"{kind} small"], timings[f"{kind} large"]
        lines.append(f"{label}: {small:.0f} µs at 100 profiles, {large:.0f} µs at 10,000")
        lines.append(f"{family} {kind} 10k/100 = {large / small:.2f}")
    return lines


def memory_per_item(build: Callable[[int], Any], count: int) -> float:
    """Bytes of Python heap allocated per item when ``build(count)`` runs."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    build(count)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count


def fill(cp: Any, domain: str, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        cp.create_profile(
            DomainName=domain,
            FirstName=f"First{n}",
            LastName="Bench",
            EmailAddress=f"user{n}@example.com",
            PhoneNumber=f"+1555{n:07d}",
        )
