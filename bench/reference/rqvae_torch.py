#!/usr/bin/python3
"""PyTorch reference of our default RQ-VAE, for side-by-side speed measurements.

Model (TIGER shapes, identical to the C# default):
  encoder  768 -> 512 -> 256 -> 128 -> 32   Linear layers, ReLU between them, none after the last
  decoder   32 -> 128 -> 256 -> 512 -> 768  (the mirror)
  residual quantizer: 3 levels x 256 codes of dim 32, nearest code by squared L2
  loss = MSE(x, x_hat) + sum_l [ MSE(sg[r_l], e_l) + 0.25 * MSE(r_l, sg[e_l]) ]   (mean-reduced)
  straight-through estimator; AdamW lr 1e-3, weight decay 1e-4; grad-norm clipping at 1.0; batch 1024

Modes:
  train   training samples/s, excluding --warmup-epochs (default 1) warm-up epoch(s)
  encode  encoding items/s: features -> [N, 3] int64 codes (eval + no_grad), best of --repeats passes
  matmul  GFLOP/s of an n x n @ n x n float32 product on the same torch/BLAS, best of --repeats

Exactly one JSON line is printed on stdout at the end; progress goes to stderr.
Run with Debian's interpreter (/usr/bin/python3), after bench/reference/setup.sh.
"""

import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import blasinfo  # after torch, so that torch's BLAS is already mapped

INPUT_DIM = 768
HIDDEN = (512, 256, 128)
LATENT_DIM = 32
LEVELS = 3
CODES = 256
BETA = 0.25


def mlp(dims):
    """Linear layers through `dims`, ReLU between them and none after the last."""
    layers = []
    for i in range(len(dims) - 1):
        layers.append(nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class ResidualQuantizer(nn.Module):
    """L levels of K codes; level l quantizes what the levels before it left over."""

    def __init__(self, levels=LEVELS, codes=CODES, dim=LATENT_DIM):
        super().__init__()
        # Uniform(-1/K, 1/K), the classic VQ-VAE init. It does not affect speed; the C# model's
        # k-means initialisation is a one-off cost and is not part of the timed epochs.
        self.codebooks = nn.ParameterList(
            [nn.Parameter(torch.empty(codes, dim).uniform_(-1.0 / codes, 1.0 / codes)) for _ in range(levels)]
        )

    @staticmethod
    def nearest(residual, codebook):
        """Index of the nearest code by squared L2: |r|^2 - 2 r.e + |e|^2 (|r|^2 is constant per row)."""
        with torch.no_grad():
            distances = (codebook * codebook).sum(1) - 2.0 * residual @ codebook.t()
            return distances.argmin(1)

    def forward(self, z):
        """Returns (quantized latent with straight-through gradient, [B, L] codes, quantizer loss)."""
        residual = z
        quantized = torch.zeros_like(z)
        codes = []
        loss = z.new_zeros(())
        for codebook in self.codebooks:
            index = self.nearest(residual, codebook)
            code = F.embedding(index, codebook)
            # codebook loss moves e_l towards sg[r_l]; commitment loss moves r_l towards sg[e_l]
            loss = loss + F.mse_loss(code, residual.detach()) + BETA * F.mse_loss(residual, code.detach())
            quantized = quantized + code
            # r_{l+1} = r_l - sg[e_l]: later levels' commitment losses reach the encoder, not the
            # earlier codebooks (as lucidrains' ResidualVQ does).
            residual = residual - code.detach()
            codes.append(index)
        # straight-through estimator: forward uses the codes, backward copies d/dz_q to z
        quantized_st = z + (quantized - z).detach()
        return quantized_st, torch.stack(codes, 1), loss

    @torch.no_grad()
    def encode(self, z):
        """[B, L] int64 codes only (inference path: no losses, no reconstruction)."""
        residual = z
        codes = []
        for codebook in self.codebooks:
            index = self.nearest(residual, codebook)
            residual = residual - F.embedding(index, codebook)
            codes.append(index)
        return torch.stack(codes, 1)


class RqVae(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = mlp((INPUT_DIM, *HIDDEN, LATENT_DIM))
        self.decoder = mlp((LATENT_DIM, *reversed(HIDDEN), INPUT_DIM))
        self.quantizer = ResidualQuantizer()

    def forward(self, x):
        z = self.encoder(x)
        zq, codes, q_loss = self.quantizer(z)
        x_hat = self.decoder(zq)
        recon = F.mse_loss(x_hat, x)
        return recon + q_loss, recon, codes

    @torch.no_grad()
    def semantic_ids(self, x):
        return self.quantizer.encode(self.encoder(x))


def load_data(args):
    if args.input:
        data = np.load(args.input).astype(np.float32, copy=False)
        if data.ndim != 2 or data.shape[1] != INPUT_DIM:
            sys.exit(f"error: {args.input} has shape {data.shape}; expected [N, {INPUT_DIM}]")
        if args.items and args.items_given:
            data = data[: args.items]
    else:
        data = np.random.default_rng(args.seed).standard_normal((args.items, INPUT_DIM), dtype=np.float32)
    return torch.from_numpy(np.ascontiguousarray(data))


def train_epochs(model, optimizer, data, epochs, batch, generator, log_prefix):
    """Runs `epochs` epochs; returns a list of (seconds, mean loss, mean recon) per epoch."""
    model.train()
    params = [p for p in model.parameters()]
    n = data.shape[0]
    results = []
    for epoch in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        total = recon_total = 0.0
        steps = 0
        for begin in range(0, n, batch):  # the last, partial batch is kept (no drop_last)
            x = data[order[begin : begin + batch]]
            loss, recon, _ = model(x)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            total += loss.item()
            recon_total += recon.item()
            steps += 1
        seconds = time.perf_counter() - start
        results.append((seconds, total / steps, recon_total / steps))
        print(f"{log_prefix} epoch {epoch + 1}/{epochs}: {seconds:.3f} s, {n / seconds:,.0f} samples/s, "
              f"loss {total / steps:.4f}, recon {recon_total / steps:.4f}", file=sys.stderr)
    return results


def encode_all(model, data, batch):
    model.eval()
    with torch.no_grad():
        return torch.cat([model.semantic_ids(data[b : b + batch]) for b in range(0, data.shape[0], batch)])


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # ru_maxrss is in KiB on Linux


def versions():
    config = torch.__config__.show()
    capability = next((line.split(":", 1)[1].strip() for line in config.splitlines()
                       if "CPU capability usage" in line), None)
    return {
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "torch_cpu_capability": capability,
        "blas": blasinfo.blas_info(),
    }


def mode_train(args, data, result):
    model = RqVae()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(args.seed)
    warm = train_epochs(model, optimizer, data, args.warmup_epochs, args.batch, generator, "warm-up")
    timed = train_epochs(model, optimizer, data, args.epochs, args.batch, generator, "timed")
    seconds = sum(s for s, _, _ in timed)
    n = data.shape[0]
    result.update({
        "epochs": args.epochs,
        "warmup_epochs": args.warmup_epochs,
        "batch": args.batch,
        "samples_per_s": n * args.epochs / seconds,
        "best_epoch_samples_per_s": n / min(s for s, _, _ in timed),
        "seconds": seconds,
        "warmup_seconds": sum(s for s, _, _ in warm),
        "final_loss": timed[-1][1],
        "final_recon_mse": timed[-1][2],
    })
    return model


def mode_encode(args, data, result):
    model = RqVae()
    if args.pretrain_epochs:
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
        train_epochs(model, optimizer, data, args.pretrain_epochs, 1024,
                     torch.Generator().manual_seed(args.seed), "pre-train")
    encode_all(model, data[: args.batch], args.batch)  # warm-up: allocator, BLAS buffers, threads
    times = []
    for r in range(args.repeats):
        start = time.perf_counter()
        codes = encode_all(model, data, args.batch)
        times.append(time.perf_counter() - start)
        print(f"encode pass {r + 1}/{args.repeats}: {times[-1]:.3f} s, "
              f"{data.shape[0] / times[-1]:,.0f} items/s", file=sys.stderr)
    assert codes.shape == (data.shape[0], LEVELS) and codes.dtype == torch.int64
    best = min(times)
    result.update({
        "batch": args.batch,
        "repeats": args.repeats,
        "pretrain_epochs": args.pretrain_epochs,
        "items_per_s": data.shape[0] / best,
        "seconds": best,
        "mean_seconds": sum(times) / len(times),
    })
    return model


def mode_matmul(args, result):
    n = args.size
    generator = torch.Generator().manual_seed(args.seed)
    a = torch.randn(n, n, generator=generator)
    b = torch.randn(n, n, generator=generator)
    c = a @ b  # warm-up
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        c = torch.mm(a, b, out=c)
        times.append(time.perf_counter() - start)
    best = min(times)
    flop = 2.0 * n * n * n
    result.update({
        "size": n,
        "repeats": args.repeats,
        "gflops": flop / best / 1e9,
        "mean_gflops": flop / (sum(times) / len(times)) / 1e9,
        "seconds": best,
    })


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mode", choices=("train", "encode", "matmul"), required=True)
    p.add_argument("--threads", type=int, default=1,
                   help="torch.set_num_threads and OpenBLAS's own pool (default 1)")
    p.add_argument("--blas-threads", type=int, default=None,
                   help="OpenBLAS pool size if different from --threads (torch's OpenMP and OpenBLAS's "
                        "pthreads are two separate pools that compete for the same cores)")
    p.add_argument("--items", type=int, default=None,
                   help="rows of random N(0,1) data (default 20000); with --input, use only the first N rows")
    p.add_argument("--input", help="float32 .npy file [N, 768] instead of random data")
    p.add_argument("--seed", type=int, default=0, help="seed for data, init, shuffling (default 0)")
    p.add_argument("--epochs", type=int, default=5, help="train: timed epochs (default 5)")
    p.add_argument("--warmup-epochs", type=int, default=1, help="train: untimed epochs first (default 1)")
    p.add_argument("--batch", type=int, default=None, help="batch size (default: train 1024, encode 4096)")
    p.add_argument("--repeats", type=int, default=None,
                   help="encode: timed passes over the data (default 3); matmul: products (default 5); best is reported")
    p.add_argument("--pretrain-epochs", type=int, default=0,
                   help="encode: untimed training epochs first, so that --save-ids writes meaningful codes")
    p.add_argument("--size", type=int, default=4096, help="matmul: n of the n x n @ n x n product (default 4096)")
    p.add_argument("--save-ids", metavar="PATH", help="train/encode: write the [N, 3] int64 codes to PATH (.npy)")
    args = p.parse_args()
    args.items_given = args.items is not None
    if args.items is None:
        args.items = 20000
    if args.batch is None:
        args.batch = 1024 if args.mode == "train" else 4096
    if args.repeats is None:
        args.repeats = 3 if args.mode == "encode" else 5
    if args.threads < 1 or args.items < 1 or args.batch < 1 or args.repeats < 1 or args.epochs < 1:
        p.error("--threads, --items, --batch, --repeats and --epochs must be positive")
    return args


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    # torch.set_num_threads does not reach OpenBLAS's own pool; size it explicitly
    args.blas_threads = args.blas_threads or args.threads
    blasinfo.set_blas_threads(args.blas_threads)

    if os.environ.get("OPENBLAS_CORETYPE"):
        print(f"note: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} forces that OpenBLAS kernel; run under "
              "`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` to let OpenBLAS pick the CPU's own", file=sys.stderr)
    result = {"impl": "pytorch", "mode": args.mode, "threads": args.threads, "blas_threads": args.blas_threads}
    if args.mode == "matmul":
        mode_matmul(args, result)
    else:
        data = load_data(args)
        result["items"] = int(data.shape[0])
        result["input"] = args.input or f"random normal seed {args.seed}"
        model = (mode_train if args.mode == "train" else mode_encode)(args, data, result)
        if args.save_ids:
            np.save(args.save_ids, encode_all(model, data, 4096).numpy())
    result["peak_rss_mb"] = peak_rss_mb()
    result.update(versions())
    print(json.dumps(result))


if __name__ == "__main__":
    main()
