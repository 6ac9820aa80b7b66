#!/usr/bin/env python3
"""Write the tiny checkpoints that the weight readers' tests read (dev.lookalike.embed.weights).

    /usr/bin/python3 tools/make_weight_fixtures.py

writes, under src/test/resources/weights/ (see the README.md there):

    state.bin                 torch.save of a state dict (PyTorch's zip format): f32, f16, bf16,
                              f64, int64 position_ids, an nn.Parameter, transposed tensors, views
                              sharing one storage at offsets and with a step, a 0-d logit_scale
    state.safetensors         the same tensors (made contiguous), by this script's own writer
    sharded/                  the same tensors split over two safetensors shards with an
                              index.json, and over two .bin shards with pytorch_model.bin.index.json
    state_p4.bin              state.bin's dict saved with pickle_protocol=4 (FRAME, MEMOIZE, STACK_GLOBAL…)
    many.bin                  42 small tensors and two empty ones with wide sizes (long memo indices,
                              4- and 8-byte integers in the pickle)
    legacy.bin                torch.save(..., _use_new_zipfile_serialization=False)
    forbidden_global.bin      a zip laid out like torch.save's whose data.pkl calls posix.system
                              (pickled here, never unpickled)
    missing_storage.bin       state.bin's layout with one data/<key> entry left out
    expected.json             every tensor's dtype, shape and row-major values, and the name order

Seeded; re-running writes the same bytes (checked by running it twice and comparing hashes).
"""

import collections
import hashlib
import json
import os
import pickle
import struct
import sys
import zipfile

import torch

sys.dont_write_bytecode = True

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "test", "resources", "weights")

SAFETENSORS_DTYPE = {
    torch.float32: "F32",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float64: "F64",
    torch.int64: "I64",
}


def state_dict():
    """Tensors covering what the reader must get right, in the order a state dict keeps."""
    g = torch.Generator().manual_seed(20240611)
    sd = collections.OrderedDict()
    sd["embed.weight"] = torch.randn(4, 3, generator=g)
    # f16 with a subnormal, the largest finite half, a negative zero, infinities and rounding
    sd["half.weight"] = torch.tensor(
        [1.0, -2.5, 3 * 2.0 ** -24, 65504.0, -0.0, float("inf"), float("-inf"), 0.1], dtype=torch.float16)
    sd["half.transposed"] = torch.randn(3, 2, generator=g).to(torch.float16).t()
    sd["bf16.weight"] = torch.randn(2, 3, generator=g).to(torch.bfloat16)
    sd["double.bias"] = torch.randn(3, generator=g, dtype=torch.float64)
    sd["position_ids"] = torch.arange(7).unsqueeze(0)
    sd["proj"] = torch.nn.Parameter(torch.randn(3, 2, generator=g))
    sd["transposed"] = torch.randn(4, 3, generator=g).t()  # [3, 4], strides (1, 3)
    base = torch.randn(10, generator=g)
    sd["shared.a"] = base[2:6]  # offset 2
    sd["shared.b"] = base[4:10].view(2, 3)  # offset 4, overlapping shared.a
    sd["shared.step"] = base[1::3]  # offset 1, stride 3
    sd["logit_scale"] = torch.tensor(4.6052)  # 0-d
    sd._metadata = collections.OrderedDict([("", {"version": 1})])  # as Module.state_dict() sets it
    assert not sd["transposed"].is_contiguous() and not sd["half.transposed"].is_contiguous()
    assert sd["shared.a"].storage().data_ptr() == sd["shared.b"].storage().data_ptr()
    return sd


def many():
    """Enough entries for the pickler's memo to pass 256 (LONG_BINPUT, and LONG_BINGET for the
    storage type first seen after that), and empty tensors whose sizes need BININT2, BININT, LONG1."""
    sd = collections.OrderedDict()
    for i in range(40):
        sd[f"layer.{i}.weight"] = torch.full((2,), float(i))
    for i in range(2):
        sd[f"late.{i}.half"] = torch.full((2,), float(i) + 0.5, dtype=torch.float16)
    sd["empty.mid"] = torch.empty(0, 1000)
    sd["empty.wide"] = torch.empty(0, 70000)
    sd["empty.huge"] = torch.empty(0, 3_000_000_000)
    return sd


def raw_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata):
    """The format as huggingface/safetensors' README specifies it: u64 LE header length, a JSON
    header padded with spaces to a multiple of 8, data_offsets relative to the byte buffer."""
    header = {"__metadata__": metadata}
    data = bytearray()
    for name, t in tensors.items():
        b = raw_bytes(t)
        header[name] = {"dtype": SAFETENSORS_DTYPE[t.dtype], "shape": list(t.shape),
                        "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(data)


def values(t):
    t = t.detach()
    if t.dtype == torch.int64:
        return t.flatten().tolist()
    if t.dtype == torch.float64:
        return t.flatten().tolist()
    return t.float().flatten().tolist()  # f16/bf16 widen to f32 exactly


def f16_rounding():
    """float32 inputs and the float16 bits torch rounds them to: ties, subnormals, overflow."""
    g = torch.Generator().manual_seed(7)
    xs = torch.cat([torch.randn(64, generator=g) * 100, torch.randn(32, generator=g) * 1e-5,
                    torch.tensor([65504.0, 65519.0, 65520.0, 1e6, 2.0 ** -25, 2.0 ** -24 * 1.5, 2.0 ** -24 * 2.5,
                                  1 + 2.0 ** -11, 1 + 3 * 2.0 ** -11, -0.0, 0.1, 1 / 3])])
    bits = xs.to(torch.float16).view(torch.int16).tolist()
    return {"float32": xs.tolist(), "float16_bits": [b & 0xFFFF for b in bits]}


def expected(sd):
    return {
        "order": list(sd.keys()),
        "f16_rounding": f16_rounding(),
        "tensors": {name: {"dtype": SAFETENSORS_DTYPE[t.dtype], "shape": list(t.shape), "values": values(t)}
                    for name, t in sd.items()},
    }


def archive_prefix(path):
    with zipfile.ZipFile(path) as z:
        return z.namelist()[0].split("/")[0]


def copy_zip(src, dst, skip=None, replace=None):
    """Rewrites a torch.save zip entry by entry (stored, as torch writes them)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if info.filename == skip:
                continue
            data = replace.get(info.filename, zin.read(info)) if replace else zin.read(info)
            out = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zout.writestr(out, data)


class Evil:
    """Pickles as a call to os.system; writing it runs nothing, and the reader must never run it."""

    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/lookalike-weights-pwned",))


def main():
    os.makedirs(os.path.join(OUT, "sharded"), exist_ok=True)
    sd = state_dict()

    torch.save(sd, os.path.join(OUT, "state.bin"))
    write_safetensors(os.path.join(OUT, "state.safetensors"), sd, {"format": "pt"})

    names = list(sd.keys())
    halves = [names[: len(names) // 2], names[len(names) // 2:]]
    st_map, bin_map, st_size, bin_size = {}, {}, 0, 0
    for i, part in enumerate(halves, start=1):
        st_name = f"model-{i:05d}-of-00002.safetensors"
        bin_name = f"pytorch_model-{i:05d}-of-00002.bin"
        part_sd = collections.OrderedDict((n, sd[n]) for n in part)
        write_safetensors(os.path.join(OUT, "sharded", st_name), part_sd, {"format": "pt"})
        # clone: a .bin shard must not carry the other shard's share of a common storage
        torch.save(collections.OrderedDict((n, sd[n].detach().clone()) for n in part),
                   os.path.join(OUT, "sharded", bin_name))
        for n in part:
            st_map[n] = st_name
            bin_map[n] = bin_name
            st_size += len(raw_bytes(sd[n]))
    bin_size = st_size
    for file, wmap, size in [("model.safetensors.index.json", st_map, st_size),
                             ("pytorch_model.bin.index.json", bin_map, bin_size)]:
        with open(os.path.join(OUT, "sharded", file), "w") as f:
            json.dump({"metadata": {"total_size": size}, "weight_map": dict(sorted(wmap.items()))}, f, indent=2)
            f.write("\n")

    torch.save(sd, os.path.join(OUT, "legacy.bin"), _use_new_zipfile_serialization=False)
    torch.save(sd, os.path.join(OUT, "state_p4.bin"), pickle_protocol=4)
    torch.save(many(), os.path.join(OUT, "many.bin"))

    state_bin = os.path.join(OUT, "state.bin")
    prefix = archive_prefix(state_bin)
    evil = pickle.dumps(Evil(), protocol=2)
    assert b"posix\nsystem" in evil or b"os\nsystem" in evil
    copy_zip(state_bin, os.path.join(OUT, "forbidden_global.bin"), replace={f"{prefix}/data.pkl": evil})
    copy_zip(state_bin, os.path.join(OUT, "missing_storage.bin"), skip=f"{prefix}/data/1")

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected(sd), f, indent=1)
        f.write("\n")

    # self-checks: torch reads back what the tests will compare against
    back = torch.load(state_bin)
    assert list(back.keys()) == names
    for n in names:
        assert torch.equal(back[n], sd[n].detach()), n
    for root, _, files in os.walk(OUT):
        for file in sorted(files):
            p = os.path.join(root, file)
            print(f"{hashlib.sha256(open(p, 'rb').read()).hexdigest()[:12]} {os.path.getsize(p):6d} "
                  f"{os.path.relpath(p, OUT)}")


if __name__ == "__main__":
    main()
