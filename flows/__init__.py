"""Prefect flows composing the other packages: ingest, extract, train, evaluate, the pipeline, retrain, predict.

Importing any flow installs :mod:`flows.failure_logs` in the process (a deployment's flow-run process imports
its flow first), so that a failed run logs one line, not a traceback.
"""

from emoflow.flows.failure_logs import install as _install_failure_logs

_install_failure_logs()
