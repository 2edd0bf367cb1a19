#!/usr/bin/python3
"""FAISS ResidualQuantizer reference: residual k-means on the raw vectors, no network.

Trains faiss.ResidualQuantizer(d, 3, 8) (3 levels x 256 codes) on the input, encodes every vector
with a beam search over partial codes (--beam = max_beam_size; FAISS's default is 5, 1 is plain
greedy residual quantization), decodes, and reports train time, encode items/s, reconstruction
MSE (mean over all elements of (x - decode(encode(x)))^2), mean cosine(x, x_hat) and the usual
semantic-ID statistics. Exactly one JSON line on stdout; progress on stderr.

Only faiss and numpy are imported: FAISS and torch share one OpenMP runtime in a process, so
torch would change FAISS's thread count and vice versa.
Run with Debian's interpreter (/usr/bin/python3) after bench/reference/setup.sh.
"""

import argparse
import json
import resource
import sys
import time

import faiss
import numpy as np

import blasinfo  # after faiss, so that its BLAS is already mapped


def load_data(args):
    if args.input:
        data = np.load(args.input)
        if data.ndim != 2:
            sys.exit(f"error: {args.input} has shape {data.shape}; expected [N, d]")
        if args.items_given:
            data = data[: args.items]
        return np.ascontiguousarray(data, dtype=np.float32)
    return np.random.default_rng(args.seed).standard_normal((args.items, args.dim), dtype=np.float32)


def level_stats(ids, codes):
    """Per-level active codes and perplexity exp(H(p_l)), over the whole data set."""
    stats = []
    for level in range(ids.shape[1]):
        p = np.bincount(ids[:, level], minlength=codes) / ids.shape[0]
        nz = p[p > 0]
        stats.append({
            "active_codes": int((p > 0).sum()),
            "perplexity": float(np.exp(-(nz * np.log(nz)).sum())),
            "largest_share": float(p.max()),
        })
    return stats


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=1, help="faiss.omp_set_num_threads and OpenBLAS's pool (default 1)")
    p.add_argument("--blas-threads", type=int, default=None,
                   help="OpenBLAS pool size if different from --threads (OpenMP and OpenBLAS's pthreads are "
                        "two separate pools that compete for the same cores)")
    p.add_argument("--items", type=int, default=None,
                   help="rows of random N(0,1) data (default 20000); with --input, use only the first N rows")
    p.add_argument("--dim", type=int, default=768, help="dimension of the random data (default 768)")
    p.add_argument("--input", help="float32 .npy file [N, d] (e.g. real text embeddings) instead of random data")
    p.add_argument("--seed", type=int, default=0, help="seed for the random data and k-means (default 0)")
    p.add_argument("--levels", type=int, default=3, help="number of codebooks M (default 3)")
    p.add_argument("--bits", type=int, default=8, help="bits per level: 8 = 256 codes (default 8)")
    p.add_argument("--beam", type=int, default=5, help="max_beam_size for training and encoding (FAISS default 5)")
    p.add_argument("--beam-lut", action="store_true",
                   help="use_beam_LUT=1: beam search from look-up tables instead of decompressed distances")
    p.add_argument("--repeats", type=int, default=3, help="timed encode passes; the best is reported (default 3)")
    p.add_argument("--save-ids", metavar="PATH", help="write the [N, levels] int64 codes to PATH (.npy)")
    args = p.parse_args()
    args.items_given = args.items is not None
    if args.items is None:
        args.items = 20000
    if min(args.threads, args.items, args.dim, args.levels, args.bits, args.beam, args.repeats) < 1:
        p.error("numeric arguments must be positive")
    return args


def main():
    args = parse_args()
    faiss.omp_set_num_threads(args.threads)
    args.blas_threads = args.blas_threads or args.threads
    blasinfo.set_blas_threads(args.blas_threads)  # OpenBLAS's pthread pool is separate from OpenMP's
    x = load_data(args)
    n, d = x.shape

    rq = faiss.ResidualQuantizer(d, args.levels, args.bits)
    rq.max_beam_size = args.beam
    rq.use_beam_LUT = 1 if args.beam_lut else 0
    rq.cp.seed = args.seed

    start = time.perf_counter()
    rq.train(x)
    train_seconds = time.perf_counter() - start
    print(f"train: {train_seconds:.3f} s", file=sys.stderr)

    rq.compute_codes(x[: min(n, 1024)])  # warm-up
    times = []
    for r in range(args.repeats):
        start = time.perf_counter()
        packed = rq.compute_codes(x)
        times.append(time.perf_counter() - start)
        print(f"encode pass {r + 1}/{args.repeats}: {times[-1]:.3f} s, {n / times[-1]:,.0f} items/s", file=sys.stderr)

    start = time.perf_counter()
    x_hat = rq.decode(packed)
    decode_seconds = time.perf_counter() - start

    # With 8 bits per level each byte of the packed code is one level's index.
    if args.bits == 8:
        ids = packed[:, : args.levels].astype(np.int64)
    else:
        ids = None

    err = x.astype(np.float64) - x_hat
    mse = float(np.mean(err * err))
    cos = np.sum(x * x_hat, axis=1, dtype=np.float64) / np.maximum(
        np.linalg.norm(x, axis=1) * np.linalg.norm(x_hat, axis=1), 1e-12)

    result = {
        "impl": "faiss",
        "mode": "rq",
        "threads": args.threads,
        "blas_threads": args.blas_threads,
        "items": n,
        "dim": d,
        "input": args.input or f"random normal seed {args.seed}",
        "levels": args.levels,
        "bits": args.bits,
        "beam": args.beam,
        "beam_lut": bool(args.beam_lut),
        "train_type": int(rq.train_type),
        "kmeans_niter": int(rq.cp.niter),
        "train_seconds": train_seconds,
        "items_per_s": n / min(times),
        "seconds": min(times),
        "mean_seconds": sum(times) / len(times),
        "decode_seconds": decode_seconds,
        "mse": mse,
        "cosine": float(cos.mean()),
    }
    if ids is not None:
        tuples = np.unique(ids, axis=0).shape[0]
        result["collision_rate"] = 1.0 - tuples / n
        result["levels_stats"] = level_stats(ids, 1 << args.bits)
        if args.save_ids:
            np.save(args.save_ids, ids)
    elif args.save_ids:
        sys.exit("error: --save-ids needs --bits 8")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    result["faiss_version"] = faiss.__version__
    result["numpy_version"] = np.__version__
    result["blas"] = blasinfo.blas_info()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
