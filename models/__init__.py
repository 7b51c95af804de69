"""Dialogue graph models, their trainer, metrics and reports."""
