#!/usr/bin/python3
"""Encode a catalogue of any size on a Dask cluster: one `rqvae encode --shard i/N` per shard, then `rqvae merge`.

Each shard task runs the rqvae tool on a worker; the worker reads the whole catalogue file but keeps only its
shard's items (by a hash of item_id, so the split does not depend on the file's order), writes the shard's table
and its .shard sidecar to the work folder, and returns the path. The driver then runs `rqvae merge` on the shard
tables, which checks the shards and resolves collisions over the whole catalogue: the result holds the same rows as
one `rqvae encode --unique` run (in the catalogue's order).

By default a LocalCluster on 127.0.0.1 (--workers processes, one thread each); --scheduler tcp://HOST:8786 uses a
real cluster, whose workers must see the model, the catalogue, the work folder and the rqvae tool at the same paths
(shared storage).

  /usr/bin/python3 scale/dask/encode_catalogue.py MODEL ITEMS -o ids.parquet [--shards N] [--workers 2]
      [--scheduler tcp://HOST:8786] [--work DIR] [--rqvae "path/to/rqvae"] [--encode-args "..."] [--merge-args "..."]
      [--report report.json]

Needs Debian's python3-distributed (Dask 2022.12) and the standard library; nothing else.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time


def run_measured(command):
    """Runs command to its end; returns (exit code, seconds, peak resident MB of that process, stdout, stderr)."""
    start = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # communicate() would reap the child with waitpid and lose its resource usage: drain the pipes on threads
    # and reap it with wait4, which reports the peak resident set of exactly this child.
    import threading
    out, err = [], []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read())) for s, b in ((process.stdout, out), (process.stderr, err))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    seconds = time.monotonic() - start
    return process.returncode, seconds, usage.ru_maxrss / 1024.0, out[0].decode("utf-8", "replace"), err[0].decode("utf-8", "replace")


def encode_shard(task):
    """Runs on a worker: encodes one shard; returns its table path and measurements (raises with the tool's message on failure)."""
    import socket
    command = task["rqvae"] + ["encode", task["model"], task["items"], "-o", task["table"],
                               "--shard", f"{task['index']}/{task['count']}", "--overwrite"] + task["encode_args"]
    code, seconds, peak_mb, out, err = run_measured(command)
    if code != 0:
        raise RuntimeError(f"shard {task['index']}/{task['count']} failed on {socket.gethostname()} (exit {code}): {err.strip() or out.strip()}")
    with open(task["table"] + ".shard", "rb") as f:
        f.seek(-12, os.SEEK_END)
        length = int.from_bytes(f.read(4), "little")
        f.seek(-12 - length, os.SEEK_END)
        rows = json.loads(f.read(length))["rows"]
    return {"table": task["table"], "index": task["index"], "items": rows, "seconds": seconds,
            "peak_mb": peak_mb, "host": socket.gethostname(), "pid": os.getpid()}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Encode a catalogue with rqvae on a Dask cluster (shard, encode, merge).")
    parser.add_argument("model", help="the model folder (on storage every worker sees)")
    parser.add_argument("items", help="the catalogue (on storage every worker sees), any input format of `rqvae encode`")
    parser.add_argument("-o", "--output", required=True, help="the merged, unique ID table (.csv, .tsv, .parquet, .jsonl)")
    parser.add_argument("--shards", type=int, default=0, help="shards to cut the catalogue into (default: one per worker thread)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (ignored with --scheduler)")
    parser.add_argument("--scheduler", help="a running scheduler, tcp://HOST:8786 (default: a LocalCluster on 127.0.0.1)")
    parser.add_argument("--work", help="folder for the shard tables, on shared storage (default: OUTPUT.shards beside the output)")
    parser.add_argument("--keep-shards", action="store_true", help="keep the shard tables after the merge")
    parser.add_argument("--rqvae", default=os.environ.get("RQVAE", "rqvae"), help="the command that runs the tool (may be several words, e.g. 'dotnet /opt/rqvae/RqVae.Cli.dll')")
    parser.add_argument("--encode-args", default="", help="extra arguments for each `rqvae encode` (input options, --batch-size, --threads)")
    parser.add_argument("--merge-args", default="", help="extra arguments for `rqvae merge` (the --unique settings: --reassign, --max-reassign-error, --extra-code)")
    parser.add_argument("--report", help="write the measurements as JSON here")
    args = parser.parse_args(argv)

    from dask.distributed import Client, LocalCluster

    output = os.path.abspath(args.output)
    work = os.path.abspath(args.work or output + ".shards")
    os.makedirs(work, exist_ok=True)
    rqvae = shlex.split(args.rqvae)
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        cluster = LocalCluster(host="127.0.0.1", n_workers=args.workers, threads_per_worker=1, dashboard_address=None, processes=True)
        client = Client(cluster)
    try:
        threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
        count = args.shards if args.shards > 0 else max(1, threads)
        tasks = [{"rqvae": rqvae, "model": os.path.abspath(args.model), "items": os.path.abspath(args.items),
                  "table": os.path.join(work, f"shard-{i:05d}-of-{count:05d}.parquet"), "index": i, "count": count,
                  "encode_args": shlex.split(args.encode_args)} for i in range(count)]
        start = time.monotonic()
        futures = client.map(encode_shard, tasks, pure=False)
        shards = client.gather(futures)
        encode_seconds = time.monotonic() - start
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    tables = [s["table"] for s in sorted(shards, key=lambda s: s["index"])]
    code, merge_seconds, merge_mb, out, err = run_measured(rqvae + ["merge", *tables, "-o", output, "--overwrite"] + shlex.split(args.merge_args))
    if code != 0:
        print(f"encode_catalogue: rqvae merge failed (exit {code}): {err.strip() or out.strip()}", file=sys.stderr)
        return 1
    items = sum(s["items"] for s in shards)
    report = {"items": items, "shards": count, "worker_threads": threads, "encode_seconds": encode_seconds,
              "items_per_second": items / encode_seconds if encode_seconds > 0 else None,
              "merge_seconds": merge_seconds, "merge_peak_mb": merge_mb,
              "shard_peak_mb": max(s["peak_mb"] for s in shards), "shard_runs": shards}
    if not args.keep_shards:
        shutil.rmtree(work, ignore_errors=True)
    print(out.strip())
    print(f"Encoded {items:,} items in {count} shards on {threads} worker thread(s) in {encode_seconds:.1f} s "
          f"({report['items_per_second']:,.0f} items/s; peak {report['shard_peak_mb']:.0f} MB per shard process), "
          f"merged in {merge_seconds:.1f} s (peak {merge_mb:.0f} MB) into {output}.")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
