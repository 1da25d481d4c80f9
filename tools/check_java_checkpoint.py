#!/usr/bin/env python3
"""Opens checkpoints written by mae4j the way a Python colleague would, and prints what it found as JSON.

usage: check_java_checkpoint.py [--key model] FILE[=full|encoder|classifier[=ORIGINAL]]...

For each FILE: torch.load(f, weights_only=True) (on failure the error is recorded and the file is loaded with
weights_only=False, so the values can still be compared), the flattened tree (see make_checkpoint_fixtures.flatten),
and with a KIND: load_state_dict(strict=True) into that tiny reference MAE plus its forward output on the fixed
probe input ("probe"). With an ORIGINAL (the PyTorch file mae4j read before writing FILE), its model is loaded the
same way and run on the same input in this process: "probe_vs_original" says whether the two forwards are
bit-identical and gives their max |diff|. The comparison is made here, not against a forward stored when the
fixtures were made: PyTorch picks different kernels on different CPUs (AVX2 / AVX-512, OpenBLAS core types), so a
forward is reproducible bit for bit only on the machine, and in the process, that computes it.
Output: {FILE: {...}} on stdout.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_mae_reference as ref  # noqa: E402
from make_checkpoint_fixtures import describe, flatten  # noqa: E402


def reference_model(state_dict, model_kind):
    """The tiny reference MAE of that kind with state_dict loaded into it strictly."""
    model = ref.build(model_kind, seed=99)  # different weights: everything must come from the file
    model.load_state_dict(state_dict, strict=True)
    return model


def probe(model):
    with torch.no_grad():
        return model(ref.probe_input())


def compare_with_original(out, original, model_kind, key):
    """Whether out is bit-identical to the probe forward of the model in the file original, run here."""
    # a fixture of this repository, trusted (mae_full.pth holds an argparse.Namespace, which weights_only refuses)
    obj = torch.load(original, map_location="cpu", weights_only=False)
    expected = probe(reference_model(obj[key], model_kind))
    return {"original": original, "shape": list(expected.shape), "identical": torch.equal(out, expected),
            "max_abs_diff": (out - expected).abs().max().item()}


def check(path, model_kind, key, original=None):
    result = {"torch": torch.__version__, "weights_only": True, "weights_only_error": None}
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - reported, then compared without the restriction
        result["weights_only"] = False
        result["weights_only_error"] = f"{type(e).__name__}: {e}"
        obj = torch.load(path, map_location="cpu")
    result["tree"] = flatten(obj)
    if model_kind:
        model = reference_model(obj[key], model_kind)
        out = probe(model)
        result["probe"] = describe(out)
        if original:
            result["probe_vs_original"] = compare_with_original(out, original, model_kind, key)
        if "optimizer" in obj:
            opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
            opt.load_state_dict(obj["optimizer"])
            result["optimizer_loaded"] = len(opt.state)
            model(ref.probe_input()).square().mean().backward()
            opt.step()  # the restored moments must fit the parameters
            result["optimizer_steps"] = [float(s["step"]) for s in opt.state.values()][:1]
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--key", default="model")
    p.add_argument("files", nargs="+", metavar="FILE[=KIND[=ORIGINAL]]")
    a = p.parse_args()
    out = {}
    for spec in a.files:
        path, _, rest = spec.partition("=")
        kind, _, original = rest.partition("=")
        out[path] = check(path, kind or None, a.key, original or None)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
