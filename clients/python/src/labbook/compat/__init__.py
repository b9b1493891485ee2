"""Drop-in layers for scripts written for Memento, MLXP, PyExperimenter and the
MLE-Infrastructure (mle-hyperopt, mle-scheduler, mle-monitor, mle-logging): change only the
import lines (see docs/migrating.md). Each is a thin layer over labbook's own API."""
