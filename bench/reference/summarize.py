#!/usr/bin/python3
"""Best-of table from the JSON lines written by run_all.sh (one or more files)."""

import argparse
import json


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("files", nargs="+", help="JSON-lines files from run_all.sh")
    args = p.parse_args()
    best = {}
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                if d["impl"] == "faiss":
                    key = ("faiss", f"rq beam {d['beam']}", d.get("env", ""), d["threads"], d.get("blas_threads"))
                    value = d["items_per_s"]
                else:
                    key = ("pytorch", d["mode"], d.get("env", ""), d["threads"], d.get("blas_threads"))
                    value = d.get("samples_per_s") or d.get("items_per_s") or d.get("gflops")
                runs = best.setdefault(key, [])
                runs.append((value, d))
    print(f"{'impl':8} {'mode':10} {'kernel env':10} {'omp':>3} {'blas':>4} {'runs':>4} {'best':>10} {'worst':>10}  extra")
    for key in sorted(best):
        runs = sorted(best[key], key=lambda r: r[0])
        top = runs[-1][1]
        extra = ""
        if key[0] == "faiss":
            extra = (f"train {top['train_seconds']:.1f} s (best {min(r[1]['train_seconds'] for r in runs):.1f}), "
                     f"mse {top['mse']:.4f}, cos {top['cosine']:.4f}, collisions {top['collision_rate']:.5f}")
        elif key[1] == "train":
            extra = f"best epoch {max(r[1]['best_epoch_samples_per_s'] for r in runs):,.0f}/s"
        extra += f", rss {top['peak_rss_mb']:.0f} MB, core {top['blas'].get('openblas_core')}"
        print(f"{key[0]:8} {key[1]:10} {key[2]:10} {key[3]:>3} {str(key[4]):>4} {len(runs):>4} "
              f"{runs[-1][0]:>10,.0f} {runs[0][0]:>10,.0f}  {extra}")


if __name__ == "__main__":
    main()
