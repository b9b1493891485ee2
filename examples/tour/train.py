"""The training script of the README's tour, a stand-in: it trains nothing, but records what
a real one would (a validation loss per step, an accuracy, a predictions file, a result), in
a few milliseconds and the same every time. One run fails, as scikit-learn fails on data
with missing values: SVC on wine with neither imputer nor preprocessing.

    python3 train.py --dataset wine --model svc --folds 5     (labbook runs it; see sweep.yaml)
"""

import argparse
import hashlib
import math

import labbook

BASE_ACCURACY = {"adaboost": 0.80, "random_forest": 0.90, "svc": 0.86, "knn": 0.84}
DATASET_SHIFT = {"digits": -0.04, "wine": 0.02, "breast_cancer": 0.04}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    ctx = labbook.context()  # the run's parameters and settings, and what it records
    steps = (ctx.params["feature_engineering"], ctx.params["preprocessing"])
    if (args.dataset, args.model, steps) == ("wine", "svc", ("none", "none")):
        raise ValueError("Input contains NaN")

    # A fixed "noise" per run, from its parameters: the same numbers on every machine.
    noise = int(hashlib.sha256(repr(sorted(ctx.params.items())).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    accuracy = round(min(0.99, BASE_ACCURACY[args.model] + DATASET_SHIFT[args.dataset] + 0.04 * (noise - 0.5)), 3)
    for step in range(20):
        ctx.log_metrics({"val.loss": round(1 - accuracy + math.exp(-step / 4), 4)}, step=step)
    ctx.log_metrics({"val.acc": accuracy}, step=19)

    predictions = ctx.run_dir / "predictions.csv"
    predictions.write_text("fold,accuracy\n" + "".join(f"{fold},{accuracy}\n" for fold in range(args.folds)))
    ctx.log_artifact(predictions)
    ctx.set_result({"accuracy": accuracy})


if __name__ == "__main__":
    main()
