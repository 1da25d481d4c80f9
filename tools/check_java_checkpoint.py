#!/usr/bin/env python3
"""Opens checkpoints written by mae4j the way a Python colleague would, and prints what it found as JSON.

usage: check_java_checkpoint.py [--key model] FILE[=full|encoder|classifier]...

For each FILE: torch.load(f, weights_only=True) (on failure the error is recorded and the file is loaded with
weights_only=False, so the values can still be compared), the flattened tree (see make_checkpoint_fixtures.flatten),
and with --model: load_state_dict(strict=True) into the tiny reference MAE plus its forward output on the fixed
probe input (FILE=KIND loads it into that reference model). Output: {FILE: {...}} on stdout.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_mae_reference as ref  # noqa: E402
from make_checkpoint_fixtures import describe, flatten  # noqa: E402


def check(path, model_kind, key):
    result = {"torch": torch.__version__, "weights_only": True, "weights_only_error": None}
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - reported, then compared without the restriction
        result["weights_only"] = False
        result["weights_only_error"] = f"{type(e).__name__}: {e}"
        obj = torch.load(path, map_location="cpu")
    result["tree"] = flatten(obj)
    if model_kind:
        model = ref.build(model_kind, seed=99)  # different weights: everything must come from the file
        model.load_state_dict(obj[key], strict=True)
        with torch.no_grad():
            result["probe"] = describe(model(ref.probe_input()))
        if "optimizer" in obj:
            opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
            opt.load_state_dict(obj["optimizer"])
            result["optimizer_loaded"] = len(opt.state)
    return result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--key", default="model")
    p.add_argument("files", nargs="+", metavar="FILE[=KIND]")
    a = p.parse_args()
    out = {}
    for spec in a.files:
        path, _, kind = spec.partition("=")
        out[path] = check(path, kind or None, a.key)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
