"""Optuna's side of bench/search-quality.bench.ts: the same problems, seeds and budgets through
optuna's TPESampler and RandomSampler, and 200 TPE asks + tells on Branin in memory. Prints one
JSON object: {"version", "quality": {problem: {sampler: {"100": [best per seed], "200": [...]}}},
"speed_seconds"}; exits 3 when optuna is not installed.

    .venv-bench/bin/python bench/search-peer.py SEEDS TRIALS     (the TS bench runs it)
"""

import json
import math
import sys
import time

try:
    import optuna
except ImportError:
    sys.exit(3)


def branin(p):
    x, y = p["x"], p["y"]
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]


def hartmann6(p):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (p[f"x{j}"] - P[i][j]) ** 2 for j in range(6))) for i in range(4))


def sphere20(p):
    return sum(v * v for v in p.values())


def floats(bounds):
    return {name: optuna.distributions.FloatDistribution(low, high) for name, (low, high) in bounds.items()}


PROBLEMS = {
    "branin": (branin, floats({"x": (-5, 10), "y": (0, 15)})),
    "hartmann6": (hartmann6, floats({f"x{i}": (0, 1) for i in range(6)})),
    "sphere20": (sphere20, floats({f"x{i}": (-5, 5) for i in range(20)})),
}
SAMPLERS = {"random": optuna.samplers.RandomSampler, "tpe": optuna.samplers.TPESampler}


def study_bests(objective, space, sampler, trials):
    """The best value after 100 and after `trials` trials of an ask/tell loop."""
    study = optuna.create_study(sampler=sampler)
    best, bests = math.inf, {}
    for n in range(1, trials + 1):
        trial = study.ask(space)
        value = objective(trial.params)
        study.tell(trial, value)
        best = min(best, value)
        if n in (100, trials):
            bests[str(n)] = best
    return bests


def main():
    seeds, trials = int(sys.argv[1]), int(sys.argv[2])
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    quality = {}
    for name, (objective, space) in PROBLEMS.items():
        quality[name] = {}
        for label, sampler in SAMPLERS.items():
            runs = [study_bests(objective, space, sampler(seed=seed), trials) for seed in range(seeds)]
            quality[name][label] = {budget: [run[budget] for run in runs] for budget in ("100", str(trials))}
    speed = math.inf
    for _ in range(3):
        start = time.perf_counter()
        study_bests(branin, PROBLEMS["branin"][1], optuna.samplers.TPESampler(seed=0), 200)
        speed = min(speed, time.perf_counter() - start)
    print(json.dumps({"version": optuna.__version__, "quality": quality, "speed_seconds": speed}))


main()
