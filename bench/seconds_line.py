"""The JSON line a Python bench prints for a time beside one baseline, in the format of the
TypeScript benches (bench/report.ts): value and baseline in seconds, ratio = value / baseline."""

import json


def print_seconds_line(name, seconds, baseline, label, target, digits=3, missing="not installed", extra=None):
    """Prints the figure, or a `skipped` line saying why when there is no baseline (None);
    `extra`: more fields for the line."""
    if baseline is None:
        print(json.dumps({"name": name, "skipped": f"{label}: {missing}"}))
        return
    figure = {
        "name": name,
        "value": round(seconds, digits),
        "unit": "s",
        "baseline": round(baseline, digits),
        "baselineLabel": label,
        "ratio": round(seconds / baseline, 2),
        "target": target,
        **(extra or {}),
    }
    print(json.dumps(figure))
