#!/usr/bin/env python3
"""Writes the .pth fixtures for mae4j's checkpoint reader (io.github.mae4j.torch.io.pth) and their expected values.

Run from the repository root with Debian's python3-torch (1.13):  /usr/bin/python3 tools/make_checkpoint_fixtures.py
Output: mae-torch-binding/src/test/resources/fixtures/pth/{*.pth, expected.json, bad/*.pth}.
Bad files are assembled from raw pickle opcodes; nothing here unpickles or executes them.
"""
import argparse
import io
import json
import os
import struct
import sys
import zipfile
from collections import OrderedDict

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_mae_reference as ref  # noqa: E402

OUT = os.path.join("mae-torch-binding", "src", "test", "resources", "fixtures", "pth")
FLOATS = {torch.float32, torch.float16, torch.bfloat16, torch.float64}


def describe(v):
    """A JSON description of a loaded value; tensors are flattened in row-major (logical) order."""
    if isinstance(v, torch.Tensor):
        values = v.to(torch.float64 if v.dtype in FLOATS else torch.int64).flatten().tolist()
        return {"tensor": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "values": values,
                "contiguous": v.is_contiguous()}
    if v is None or isinstance(v, (bool, str)):
        return {"value": v, "type": type(v).__name__}
    if isinstance(v, int):
        return {"value": str(v), "type": "int"}  # as text: 2**70 does not fit a JSON number reader
    if isinstance(v, float):
        return {"value": v, "type": "float"}
    raise TypeError(type(v))


def flatten(tree, prefix="", out=None):
    """{path: description}; path parts joined by '/', state-dict keys keep their dots."""
    out = {} if out is None else out
    if isinstance(tree, dict):
        for k, v in tree.items():
            flatten(v, f"{prefix}{k}/", out)
    elif isinstance(tree, (list, tuple)):
        for i, v in enumerate(tree):
            flatten(v, f"{prefix}{i}/", out)
    elif isinstance(tree, argparse.Namespace):
        flatten(vars(tree), prefix, out)
    else:
        out[prefix[:-1]] = describe(tree)
    return out


def save(name, obj, expected, **kw):
    torch.save(obj, os.path.join(OUT, name), **kw)
    expected[name] = flatten(obj)


def views():
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) * 0.5 - 3
    return {"base": base, "transposed": base.t(), "offset": base[1:], "strided": base[:, ::2],
            "column": base[:, 3], "scalar": base[2, 5], "empty": torch.zeros(0, 3),
            "expanded": torch.tensor([1.5, -2.0]).expand(3, 2)}


def dtypes():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(2, 3, generator=g)
    return OrderedDict([
        ("f32", x), ("f16", x.half()), ("bf16", x.bfloat16()), ("f64", x.double() / 3),
        ("i64", torch.tensor([[-(2 ** 62), 2 ** 40 + 3], [0, -1]])), ("i32", torch.tensor([-(2 ** 31), 7, 2 ** 31 - 1])),
        ("i16", torch.tensor([-300, 300], dtype=torch.int16)), ("i8", torch.tensor([-128, 127], dtype=torch.int8)),
        ("u8", torch.tensor([0, 128, 255], dtype=torch.uint8)), ("bool", torch.tensor([[True, False], [False, True]])),
    ])


def training():
    model = ref.build("encoder", seed=3)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.05)
    model(ref.probe_input()).square().mean().backward()
    opt.step()
    return {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3,
            "scaler": {"scale": 65536.0, "growth_factor": 2.0, "_growth_tracker": 17},
            "rng": torch.Generator().manual_seed(42).get_state(),
            "nested": [1, -7, 2 ** 40, "x", None, True, (1, 2.5), {"a": [1.5]}], "big": 2 ** 70}


# ---- raw pickle assembly for the bad corpus (never unpickled here) ----
def op_global(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def op_str(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def op_int(v):
    if 0 <= v < 256:
        return b"K" + bytes([v])
    if -(2 ** 31) <= v < 2 ** 31:
        return b"J" + struct.pack("<i", v)
    n = (v.bit_length() + 8) // 8
    return b"\x8a" + bytes([n]) + v.to_bytes(n, "little", signed=True)


def op_tuple(items):
    return b"(" + b"".join(items) + b"t"


def op_tensor(storage="FloatStorage", key="0", numel=4, offset=0, size=(4,), stride=(1,)):
    pid = op_tuple([op_str("storage"), op_global("torch", storage), op_str(key), op_str("cpu"), op_int(numel)]) + b"Q"
    args = [pid, op_int(offset), op_tuple([op_int(s) for s in size]), op_tuple([op_int(s) for s in stride]),
            b"\x89", op_global("collections", "OrderedDict") + b")R"]
    return op_global("torch._utils", "_rebuild_tensor_v2") + op_tuple(args) + b"R"


def pickle_of(body):
    return b"\x80\x02" + body + b"."


def state_dict_pickle(tensor_ops):
    return pickle_of(b"}(" + op_str("w") + tensor_ops + b"u")


def write_zip(path, records, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in records.items():  # fixed timestamps: regenerating gives identical bytes
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=compression)


def bad_corpus(bad):
    four_floats = struct.pack("<4f", 1, 2, 3, 4)
    call = lambda g, arg: pickle_of(g + op_tuple([op_str(arg)]) + b"R")  # noqa: E731
    files = {
        "os_system.pth": call(op_global("os", "system"), "touch mae4j-pwned-os-system"),
        "posix_system.pth": call(op_global("posix", "system"), "touch mae4j-pwned-posix-system"),
        "builtins_eval.pth": call(op_global("builtins", "eval"), "__import__('os').system('touch mae4j-pwned-eval')"),
        "subprocess_popen.pth": pickle_of(b"\x8c\x0asubprocess\x8c\x05Popen\x93" + op_tuple(
            [op_tuple([op_str("touch"), op_str("mae4j-pwned-popen")])]) + b"R"),
        "numpy_scalar.pth": pickle_of(op_global("numpy.core.multiarray", "scalar") + op_tuple(
            [op_global("numpy", "dtype") + op_tuple([op_str("f8"), b"\x89", b"\x88"]) + b"R", b"C\x08" + bytes(8)]) + b"R"),
        "unknown_opcode.pth": pickle_of(b"}\xff"),
        "short_storage.pth": state_dict_pickle(op_tensor(numel=16, size=(16,))),
        "absurd_shape.pth": state_dict_pickle(op_tensor(size=(2 ** 40,))),
        "absurd_storage.pth": state_dict_pickle(op_tensor(numel=2 ** 40, size=(2 ** 40,))),
        "overflow_shape.pth": state_dict_pickle(op_tensor(size=(2 ** 62, 2 ** 62), stride=(1, 1))),
        "negative_stride.pth": state_dict_pickle(op_tensor(size=(2,), stride=(-1,), offset=1)),
        "negative_offset.pth": state_dict_pickle(op_tensor(offset=-1, size=(2,))),
        "missing_storage.pth": state_dict_pickle(op_tensor(key="7")),
        "reduce_on_storage.pth": pickle_of(op_global("torch", "FloatStorage") + op_tuple([op_int(4)]) + b"R"),
        "build_on_dict.pth": pickle_of(b"}" + b"}(" + op_str("__class__") + op_str("x") + b"ub"),
    }
    for name, pkl in files.items():
        write_zip(os.path.join(bad, name), {"archive/data.pkl": pkl, "archive/data/0": four_floats,
                                            "archive/version": b"3\n"})
    write_zip(os.path.join(bad, "no_data_pkl.pth"), {"archive/version": b"3\n", "archive/data/0": four_floats})
    good = open(os.path.join(OUT, "mae_encoder.pth"), "rb").read()
    open(os.path.join(bad, "truncated.pth"), "wb").write(good[: len(good) // 2])
    open(os.path.join(bad, "not_a_zip.pth"), "wb").write(b"hello, this is not a checkpoint\n" * 4)
    open(os.path.join(bad, "empty.pth"), "wb").write(b"")
    torch.save({"w": torch.ones(2)}, os.path.join(bad, "legacy.pth"), _use_new_zipfile_serialization=False)


def main():
    os.makedirs(os.path.join(OUT, "bad"), exist_ok=True)
    expected = {}
    full = ref.build("full", seed=0)
    args = argparse.Namespace(model="mae_vit_tiny", mask_ratio=0.75, epochs=400, norm_pix_loss=True,
                              output_dir="./output_dir", resume="", seed=0)
    # no forward of the probe input is stored: check_java_checkpoint.py runs it on the fixture itself, in the
    # process that runs it on mae4j's copy (a forward's last bits depend on the CPU's kernels)
    save("mae_full.pth", {"model": full.state_dict(), "epoch": 399, "args": args}, expected)
    # the masked pre-training forward with these weights, for the Java model loaded from mae_full.pth; computed
    # values (loss, pred) are compared with a tolerance there (other library, other CPU), images/noise/mask exactly
    g = torch.Generator().manual_seed(5)
    images = torch.rand(2, ref.CHANS, ref.IMG, ref.IMG, generator=g) * 2 - 1
    noise = torch.rand(2, ref.L, generator=g)
    with torch.no_grad():
        loss, pred, mask = ref.masked_forward(full, images, noise, mask_ratio=0.75, norm_pix_loss=True)
    expected["mae_full.pth#forward"] = flatten({"images": images, "noise": noise, "loss": loss, "pred": pred,
                                                "mask": mask, "mask_ratio": 0.75, "norm_pix_loss": True})
    save("mae_encoder.pth", {"model": ref.build("encoder", seed=1).state_dict()}, expected)
    save("mae_classifier.pth", {"model": ref.build("classifier", seed=2).state_dict()}, expected)
    save("views.pth", views(), expected)
    save("dtypes.pth", dtypes(), expected)
    save("training.pth", training(), expected)
    # protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL), which torch.save(pickle_protocol=4) writes
    p4 = dict(views())
    p4.update({"nested": [(1, "two", 3.0), {"k": [None, False]}], "huge": -(2 ** 80), "name": "é" * 300})
    save("protocol4.pth", p4, expected, pickle_protocol=4)
    # the same file re-zipped with deflate, as a user's archiver might
    with zipfile.ZipFile(os.path.join(OUT, "mae_encoder.pth")) as src:
        write_zip(os.path.join(OUT, "deflated.pth"), {n: src.read(n) for n in src.namelist()}, zipfile.ZIP_DEFLATED)
    expected["deflated.pth"] = expected["mae_encoder.pth"]
    bad_corpus(os.path.join(OUT, "bad"))
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=0, sort_keys=False)
        f.write("\n")
    print("torch", torch.__version__, "wrote", OUT)


if __name__ == "__main__":
    main()
