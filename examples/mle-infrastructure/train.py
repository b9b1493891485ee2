"""A typical mle-logging training script, as mle-scheduler launches it
(``python train.py -exp_dir … -config … -seed …``); only the import names labbook."""

import argparse
import math
import random

from labbook.compat.mle_logging import MLELogger, load_config


def main(experiment_dir: str, config_fname: str, seed_id: int) -> None:
    train_config = load_config(config_fname, return_dotmap=True)
    log = MLELogger(
        time_to_track=["num_updates", "num_epochs"],
        what_to_track=["train_loss", "test_loss"],
        experiment_dir=experiment_dir,
        config_fname=config_fname,
        seed_id=seed_id,
        model_type="numpy",
    )
    random.seed(seed_id)
    for epoch in range(1, 4):
        # A stand-in for training: the loss falls with the epochs, depends on the
        # learning rate and architecture, and varies with the seed.
        scale = 1.0 if train_config.arch == "mlp" else 0.8
        train_loss = scale * abs(math.log(train_config.lrate)) / epoch + random.random() * 0.01
        test_loss = train_loss + 0.05 * train_config.batch_size
        log.update(
            {"num_updates": epoch * 10, "num_epochs": epoch},
            {"train_loss": train_loss, "test_loss": test_loss},
            model={"weights": [train_config.lrate, epoch]},
            save=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("-exp_dir", "--experiment_dir", type=str, default="experiments/")
    parser.add_argument("-config", "--config_fname", type=str, default="base_config.json")
    parser.add_argument("-seed", "--seed_id", type=int, default=1)
    args = parser.parse_args()
    main(args.experiment_dir, args.config_fname, args.seed_id)
