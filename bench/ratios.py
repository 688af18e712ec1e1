"""The ratios that `make bench` reports against issue 14's targets, and their results file.

A ratio compares two ways of doing the same work measured side by side in one run, so it holds
whatever else the machine is doing; the absolute times are kept beside it for context.
"""

import json
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).with_name("results") / "latest.json"


@dataclass(frozen=True)
class Target:
    """`value` must be at least (`at_least`) or at most (`at_least=False`) `bound`."""

    bound: float
    at_least: bool

    def met(self, value: float) -> bool:
        return value >= self.bound if self.at_least else value <= self.bound

    def __str__(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.bound:g}"


# Names and targets from issue 14; `value` is always numerator / denominator.
TARGETS = {
    "upload_vs_peer": Target(20, at_least=True),
    "upload_vs_bulk_create": Target(1, at_least=True),
    "recompute_vs_floor": Target(3, at_least=False),
    "incremental_vs_full": Target(0.05, at_least=False),
    "scorecard_page_vs_minimal": Target(2, at_least=False),
    "scorecard_api_rps_vs_minimal": Target(0.5, at_least=True),
}


@dataclass
class Ratio:
    value: float
    numerator_s: float
    denominator_s: float
    note: str = ""


class Results:
    """Collects ratios as benchmarks record them and writes `bench/results/latest.json`."""

    def __init__(self) -> None:
        self.ratios: dict[str, Ratio] = {}

    def record(self, name: str, numerator_s: float, denominator_s: float, note: str = "") -> None:
        value = numerator_s / denominator_s
        self.ratios[name] = Ratio(value, numerator_s, denominator_s, note)
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else f"  target {target}: {'met' if target.met(value) else 'NOT met'}"
        )
        print(f"{name} = {value:.3g} ({numerator_s:.4g} s / {denominator_s:.4g} s){verdict}")
        if note:
            print(f"  {note}")

    def write(self, path: Path = RESULTS) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        machine = {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "database": _database(),
        }
        payload = {
            "machine": machine,
            "ratios": {name: asdict(ratio) for name, ratio in sorted(self.ratios.items())},
        }
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nWrote {path}")


def _database() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version  # e.g. 150020
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return connection.vendor
