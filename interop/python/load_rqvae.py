#!/usr/bin/python3
"""Load an rqvae model folder into PyTorch and encode features to semantic IDs.

Standard library + torch + numpy only (Debian 12: python3-torch, python3-numpy; Debian has no
`safetensors` module, so the weights file is read by hand). The model folder is what `rqvae train`
writes: config.json (architecture, under "model") and model.safetensors (weights, verified against
the SHA-256 that config.json records).

The network is rebuilt with the tool's module and field names, so the tool's state_dict loads with
load_state_dict(strict=True): encoder.layers.N.*, quantizer.quantizers.L.embeddings.weight (and, for
EMA quantizers, .cluster_size and .embed_avg), decoder.layers.N.*.

Encoding is the tool's greedy encoding, operation for operation:
  z = encoder(x)                          Linear, ReLU, ..., Linear (no ReLU after the last)
  r = z; for each level l:
      C = codebook_l (rows L2-normalised when cosine codebooks are on)
      q = r (L2-normalised when cosine)   distances compare directions on a cosine codebook
      d = ||C||^2 - 2 q.C^T + ||q||^2     one addmm, as the tool evaluates it
      k_l = argmin(d, dim=1)              ties go to the lowest code index
      r = r - C[k_l]
Models saved with a beam wider than 1 or with balanced (Sinkhorn) levels are refused: their IDs come
from a beam search or a batch-wide assignment, which this file does not reproduce.

Usage:
  /usr/bin/python3 load_rqvae.py MODEL FEATURES.npy -o codes.npy   # int64 [N, L]
  /usr/bin/python3 load_rqvae.py MODEL FEATURES.npy                # CSV on stdout: row,c0,...
"""

import argparse
import hashlib
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

_DTYPES = {"F32": (torch.float32, "<f4"), "F64": (torch.float64, "<f8"), "F16": (torch.float16, "<f2"),
           "I64": (torch.int64, "<i8"), "I32": (torch.int32, "<i4")}


class ModelError(Exception):
    """The model folder cannot be loaded; the message says why and where."""


def read_safetensors(path):
    """Reads a .safetensors file: 8-byte little-endian header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ModelError(f"{path}: too short to be a safetensors file")
    (length,) = struct.unpack("<Q", raw[:8])
    if length > len(raw) - 8:
        raise ModelError(f"{path}: the header claims {length} bytes but the file holds {len(raw) - 8}")
    header = json.loads(raw[8:8 + length].decode("utf-8"))
    data = raw[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in _DTYPES:
            raise ModelError(f"{path}: tensor {name} has dtype {entry['dtype']}, which this loader does not read")
        dtype, numpy_dtype = _DTYPES[entry["dtype"]]
        start, end = entry["data_offsets"]
        if not 0 <= start <= end <= len(data):
            raise ModelError(f"{path}: tensor {name} lies outside the file ({start}..{end} of {len(data)} bytes)")
        array = np.frombuffer(data[start:end], dtype=numpy_dtype).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy()).to(dtype)
    return tensors


def mlp(input_dimension, hidden_dimensions, output_dimension):
    """Linear layers with ReLU between them and none after the last, as nn.Sequential (keys layers.0, layers.2, ...)."""
    layers = []
    previous = input_dimension
    for hidden in hidden_dimensions:
        layers += [nn.Linear(previous, hidden), nn.ReLU()]
        previous = hidden
    layers.append(nn.Linear(previous, output_dimension))
    return nn.Sequential(*layers)


class Mlp(nn.Module):
    def __init__(self, input_dimension, hidden_dimensions, output_dimension):
        super().__init__()
        self.layers = mlp(input_dimension, hidden_dimensions, output_dimension)

    def forward(self, x):
        return self.layers(x)


class VectorQuantizer(nn.Module):
    """One level: a codebook `embeddings` [K, D]; nearest code by squared distance (cosine: between unit vectors)."""

    def __init__(self, codebook_size, dimension, cosine, ema):
        super().__init__()
        self.embeddings = nn.Embedding(codebook_size, dimension)
        self.cosine = cosine
        if ema:
            self.register_buffer("cluster_size", torch.zeros(codebook_size))
            self.register_buffer("embed_avg", torch.zeros(codebook_size, dimension))

    def effective_codebook(self):
        codebook = self.embeddings.weight.detach()
        return nn.functional.normalize(codebook, p=2.0, dim=1) if self.cosine else codebook

    def nearest_codes(self, residual):
        codebook = self.effective_codebook()
        x = nn.functional.normalize(residual, p=2.0, dim=1) if self.cosine else residual
        code_norms = codebook.pow(2).sum(1)
        input_norms = x.pow(2).sum(1, keepdim=True)
        distances = torch.addmm(code_norms.unsqueeze(0), x, codebook.t(), beta=1, alpha=-2).add_(input_norms)
        return distances.argmin(1)


class ResidualQuantizer(nn.Module):
    def __init__(self, levels, codebook_size, dimension, cosine, ema):
        super().__init__()
        self.quantizers = nn.ModuleList(VectorQuantizer(codebook_size, dimension, cosine, ema) for _ in range(levels))

    def encode(self, latent):
        residual = latent
        codes = []
        for quantizer in self.quantizers:
            code = quantizer.nearest_codes(residual)
            codes.append(code)
            residual = residual - quantizer.effective_codebook().index_select(0, code)
        return torch.stack(codes, 1)


class RqVae(nn.Module):
    """The RQ-VAE network with the tool's field names: encoder, quantizer, decoder."""

    def __init__(self, settings):
        super().__init__()
        hidden = list(settings["hiddenDimensions"])
        latent = settings["latentDimension"]
        self.encoder = Mlp(settings["inputDimension"], hidden, latent)
        self.quantizer = ResidualQuantizer(settings["levels"], settings["codebookSize"], latent,
                                           bool(settings.get("cosineCodebooks", False)),
                                           str(settings.get("quantizer", "Standard")).lower() == "ema")
        self.decoder = Mlp(latent, list(reversed(hidden)), settings["inputDimension"])

    @torch.no_grad()
    def encode(self, features, batch_size=4096):
        """Semantic IDs, int64 [N, L], of features [N, inputDimension]: a tensor, or a NumPy array (a memory-mapped
        .npy is read batch by batch, so memory stays one batch)."""
        out = []
        for start in range(0, features.shape[0], batch_size):
            batch = features[start:start + batch_size]
            if not isinstance(batch, torch.Tensor):
                batch = torch.from_numpy(np.array(batch, dtype=np.float32))
            out.append(self.quantizer.encode(self.encoder(batch.to(torch.float32))))
        return torch.cat(out, 0) if out else torch.zeros(0, len(self.quantizer.quantizers), dtype=torch.int64)


def load(model_dir):
    """Reads MODEL/config.json and MODEL/model.safetensors; returns the RqVae module in eval mode."""
    config_path = os.path.join(model_dir, "config.json")
    try:
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
    except FileNotFoundError:
        raise ModelError(f"{config_path}: not found; give a model folder written by `rqvae train`") from None
    kind = config.get("kind", "rqvae")
    if kind != "rqvae":
        raise ModelError(f"{config_path}: the model is of kind '{kind}'; this loader rebuilds rqvae models only")
    settings = config["model"]
    if int(settings.get("beamWidth", 1)) != 1:
        raise ModelError(f"{config_path}: the model encodes with a beam of {settings['beamWidth']}; this loader reproduces greedy encoding only")
    if settings.get("balancedAssignment"):
        raise ModelError(f"{config_path}: the model assigns codes by balanced (Sinkhorn) assignment; this loader reproduces nearest-code encoding only")
    weights_path = os.path.join(model_dir, config.get("weightsFile", "model.safetensors"))
    with open(weights_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if config.get("weightsSha256") and digest != config["weightsSha256"]:
        raise ModelError(f"{weights_path}: SHA-256 {digest} differs from the {config['weightsSha256']} config.json records")
    model = RqVae(settings)
    model.load_state_dict(read_safetensors(weights_path), strict=True)
    return model.eval()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Encode .npy features to semantic IDs with an rqvae model folder.")
    parser.add_argument("model", help="the model folder (config.json, model.safetensors)")
    parser.add_argument("features", help="float32 or float64 .npy, [N, inputDimension]")
    parser.add_argument("-o", "--output", help="write the codes as int64 .npy [N, L]; default: CSV on stdout")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    try:
        model = load(args.model)
        features = np.load(args.features, mmap_mode="r")
        expected = model.encoder.layers[0].in_features
        if features.ndim != 2 or features.shape[1] != expected:
            raise ModelError(f"{args.features}: shape {features.shape}; the model reads [N, {expected}]")
        codes = model.encode(features).numpy()
    except (ModelError, OSError, ValueError, KeyError, RuntimeError) as e:
        print(f"load_rqvae: {e}", file=sys.stderr)
        return 2
    if args.output:
        np.save(args.output, codes.astype(np.int64))
    else:
        out = sys.stdout
        out.write("row," + ",".join(f"c{l}" for l in range(codes.shape[1])) + "\n")
        for i, row in enumerate(codes):
            out.write(f"{i}," + ",".join(str(int(c)) for c in row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
