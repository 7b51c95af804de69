"""The `emoflow` command line: ingest, extract, train, evaluate, pipeline, demo, query."""
