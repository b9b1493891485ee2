"""Drop-in layers for scripts written for Memento, MLXP and PyExperimenter: change only the
import line (see docs/migrating.md). Each is a thin layer over labbook's own API."""
