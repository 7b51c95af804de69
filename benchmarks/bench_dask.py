"""Extraction on a Dask cluster: one worker versus two, and a cached re-run on Dask versus the thread pool.

A scheduler and worker processes are started on 127.0.0.1 (``dask scheduler`` / ``dask worker``, one thread and
3 GiB each, no nanny). Side by side in one run, on the demo corpus (92 utterances, offline profile, chunks of 12
utterances so that there is work to share):

1. a new cluster's first ``extract-features`` (all three modalities): each worker imports torch, transformers
   and the extractors, loads the models and opens its Prefect client once;
2. then, on that warm cluster, ``extract-features`` per modality into a new store, with 1 and with 2 workers:
   utterances per second and the ratio;
3. a fully cached ``extract-features`` re-run of all three modalities: on the thread pool and on the cluster.

Run with ``make bench`` or ``python benchmarks/bench_dask.py``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from emoflow.testing.dask_cluster import DaskCluster

MODALITIES = ("text", "audio", "visual")
CHUNK = 12


def start_cluster(workers: int, env: dict[str, str]) -> DaskCluster:
    """A scheduler and ``workers`` worker processes, warmed up (the extractors imported on each)."""
    from distributed import Client

    cluster = DaskCluster.start_scheduler(env)
    for i in range(workers):
        cluster.add_worker(f"w{i}")
    cluster.wait_for_workers(workers)
    with Client(cluster.address, timeout=60) as client:
        client.run(lambda: __import__("emoflow.flows.extract_flow"))
    return cluster


def timed(flow, **parameters) -> float:
    started = time.perf_counter()
    flow(**parameters)
    return time.perf_counter() - started


def main() -> None:
    if not (shutil.which("ffmpeg") and shutil.which("espeak-ng")):
        print("Dask benchmark skipped: ffmpeg and espeak-ng are needed for the demo corpus (make setup)")
        return
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    from emoflow.cli.demo_corpus import make_demo_corpus
    from emoflow.flows.extract_flow import extract_features
    from emoflow.flows.task_runner import make_task_runner

    with prefect_test_harness(server_startup_timeout=120), tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        corpus = make_demo_corpus(work / "corpus", progress=False).manifest
        env = {
            **os.environ,
            "PREFECT_API_URL": str(PREFECT_API_URL.value()),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        seconds: dict[tuple[str, int], float] = {}
        for workers in (1, 2):
            cluster = start_cluster(workers, env)
            try:
                on_dask = extract_features.with_options(task_runner=make_task_runner(cluster.address))
                seconds["first", workers] = timed(
                    on_dask, dataset="demo", corpus=str(corpus), store=str(work / f"first-{workers}"), chunk_size=CHUNK
                )
                for modality in MODALITIES:
                    seconds[modality, workers] = timed(
                        on_dask,
                        dataset="demo",
                        corpus=str(corpus),
                        store=str(work / f"store-{workers}-{modality}"),
                        modalities=[modality],
                        chunk_size=CHUNK,
                    )
                if workers == 2:
                    store = str(work / "cached")
                    everything = {"dataset": "demo", "corpus": str(corpus), "store": store, "chunk_size": CHUNK}
                    local = extract_features.with_options(task_runner=make_task_runner("threads"))
                    local(**everything)  # fill the cache
                    cached_local = timed(local, **everything)
                    cached_dask = timed(on_dask, **everything)
            finally:
                cluster.stop()
        for modality in MODALITIES:
            seconds[modality, 0] = timed(  # this process is warm: it filled the cache above
                local,
                dataset="demo",
                corpus=str(corpus),
                store=str(work / f"store-threads-{modality}"),
                modalities=[modality],
                chunk_size=CHUNK,
            )

    print(f"\ndemo corpus, 92 utterances, chunks of {CHUNK}; {os.cpu_count()} CPU cores; workers: 1 thread each")
    print("| extract-features | 1 worker (utt/s) | 2 workers (utt/s) | speed-up | thread pool (utt/s) |")
    print("|---|---:|---:|---:|---:|")
    first = {w: 3 * 92 / seconds["first", w] for w in (1, 2)}
    ratio = first[2] / first[1]
    print(f"| a new cluster's first run, 3 modalities | {first[1]:.1f} | {first[2]:.1f} | {ratio:.2f}x | - |")
    for modality in MODALITIES:
        one, two, threads = (92 / seconds[modality, w] for w in (1, 2, 0))
        print(f"| {modality}, warm cluster | {one:.1f} | {two:.1f} | {two / one:.2f}x | {threads:.1f} |")
    print("\n| fully cached extract-features re-run (3 modalities) | seconds |")
    print("|---|---:|")
    print(f"| thread pool | {cached_local:.2f} |")
    print(f"| running Dask cluster, 2 workers | {cached_dask:.2f} |")
    print(f"Dask / threads: {cached_dask / cached_local:.2f}x")


if __name__ == "__main__":
    main()
