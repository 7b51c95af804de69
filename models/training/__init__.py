"""Training, evaluation and reporting: trainer, runs, settings, metrics, plots, promotion."""
