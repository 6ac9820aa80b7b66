#!/usr/bin/env python3
"""Generate tiny CLIP checkpoints in the layouts published on the Hugging Face Hub, and their goldens.

    /usr/bin/python3 tools/make_hub_fixtures.py

writes under src/test/resources/hub/ (see the README.md there):

    hf-quickgelu/   transformers layout, legacy config (text_config + text_config_dict, eos_token_id 2),
                    float32 model.safetensors with int64 position_ids, vocab.json + merges.txt
    hf-gelu-f16/    transformers layout, exact gelu, eos_token_id = the real end-of-text id,
                    float16 weights, tokenizer.json only, crop_size/size as objects
    hf-sharded/     transformers layout, bfloat16 weights in two shards with model.safetensors.index.json
    openclip/       open_clip layout: open_clip_config.json, open_clip_model.safetensors and
                    open_clip_pytorch_model.bin (torch.save; with attn_mask and logit_scale), exact gelu
    images/         one extra PNG whose centre crop falls on a half pixel
    golden.json     token ids and unit vectors from the independent PyTorch forward below

The forward here is written from the architecture with plain torch ops (in float64) and reads the weights
back from the files it wrote, through its own safetensors reader and torch.load, so a naming or layout
mistake in the writer shows up as a mismatch in the Java tests rather than being baked into both sides.
Seeded; a re-run writes the same bytes.
"""

import gzip
import json
import math
import os
import struct
import sys
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "src", "test", "resources", "hub")
MODELS = os.path.join(ROOT, "src", "test", "resources", "models")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_clip as ec  # noqa: E402  (the tokenizer port; nothing of its model code is used)

CONTEXT = 77
IMAGE_SIZE = 32
PATCH = 8
OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]
LAION_MEAN = [0.5, 0.5, 0.5]  # not what laion uses; different from OpenAI's so a mix-up shows
LAION_STD = [0.25, 0.26, 0.27]

TEXTS = ["a red shirt", "", "gold purple", "Gold Faucet", "красная сумка", "赤いバッグ",
         " ".join(["red shirt"] * 50)]  # 100 tokens: truncated to 77

ODD_IMAGE = ("odd-49x40.png", 49, 40)  # 40 -> 32, 49 -> 39: the crop starts at 3.5 (floor 3, round-half-even 4)


# ------------------------------------------------------------------------------------------------
# safetensors, written and read per the format's spec (8-byte little-endian header size, JSON header
# padded with spaces to 8 bytes, then the raw little-endian tensor bytes)
# ------------------------------------------------------------------------------------------------

ST_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int64: "I64"}
ST_TORCH = {v: k for k, v in ST_DTYPES.items()}


def tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: its bytes are the top half of a float32
        return (t.float().view(torch.int32) >> 16).to(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def write_safetensors(path: str, tensors: Dict[str, torch.Tensor]) -> None:
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path: str) -> Dict[str, torch.Tensor]:
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        s, e = info["data_offsets"]
        data = raw[base + s:base + e]
        dtype = ST_TORCH[info["dtype"]]
        if dtype == torch.bfloat16:
            half = torch.from_numpy(np.frombuffer(data, dtype="<i2").astype(np.int32))
            t = (half << 16).view(torch.float32).to(torch.bfloat16)
        else:
            np_type = {torch.float32: "<f4", torch.float16: "<f2", torch.int64: "<i8"}[dtype]
            t = torch.from_numpy(np.frombuffer(data, dtype=np_type).copy())
        out[name] = t.reshape(info["shape"])
    return out


# ------------------------------------------------------------------------------------------------
# Random weights in one canonical form, and the two published layouts
# ------------------------------------------------------------------------------------------------

def random_tower(g: torch.Generator, width: int, mlp: int, layers: int) -> List[Dict[str, torch.Tensor]]:
    def r(*shape, scale=None):
        s = scale if scale is not None else shape[-1] ** -0.5
        return torch.randn(*shape, generator=g) * s

    blocks = []
    for _ in range(layers):
        blocks.append({
            "ln1.w": 1 + 0.1 * r(width, scale=1), "ln1.b": 0.1 * r(width, scale=1),
            "q.w": r(width, width), "q.b": 0.1 * r(width, scale=1),
            "k.w": r(width, width), "k.b": 0.1 * r(width, scale=1),
            "v.w": r(width, width), "v.b": 0.1 * r(width, scale=1),
            "o.w": r(width, width), "o.b": 0.1 * r(width, scale=1),
            "ln2.w": 1 + 0.1 * r(width, scale=1), "ln2.b": 0.1 * r(width, scale=1),
            "fc1.w": r(mlp, width), "fc1.b": 0.1 * r(mlp, scale=1),
            "fc2.w": r(width, mlp), "fc2.b": 0.1 * r(width, scale=1),
        })
    return blocks


def random_clip(seed: int, vw: int, vmlp: int, tw: int, tmlp: int, vocab: int, dim: int) -> dict:
    g = torch.Generator().manual_seed(seed)
    grid = (IMAGE_SIZE // PATCH) ** 2
    ln = lambda w: (1 + 0.1 * torch.randn(w, generator=g), 0.1 * torch.randn(w, generator=g))  # noqa: E731
    return {
        "v.patch": torch.randn(vw, 3, PATCH, PATCH, generator=g) * (3 * PATCH * PATCH) ** -0.5,
        "v.cls": torch.randn(vw, generator=g) * 0.5, "v.pos": torch.randn(grid + 1, vw, generator=g) * 0.5,
        "v.pre": ln(vw), "v.blocks": random_tower(g, vw, vmlp, 2), "v.post": ln(vw),
        "v.proj": torch.randn(dim, vw, generator=g) * vw ** -0.5,
        "t.tok": torch.randn(vocab, tw, generator=g) * 0.5, "t.pos": torch.randn(CONTEXT, tw, generator=g) * 0.3,
        "t.blocks": random_tower(g, tw, tmlp, 2), "t.final": ln(tw),
        "t.proj": torch.randn(dim, tw, generator=g) * tw ** -0.5,
    }


def hf_state_dict(m: dict, dtype) -> Dict[str, torch.Tensor]:
    sd = {}
    for tower, prefix in (("v", "vision_model"), ("t", "text_model")):
        for i, b in enumerate(m[tower + ".blocks"]):
            p = f"{prefix}.encoder.layers.{i}."
            for ours, theirs in (("q", "self_attn.q_proj"), ("k", "self_attn.k_proj"), ("v", "self_attn.v_proj"),
                                 ("o", "self_attn.out_proj"), ("ln1", "layer_norm1"), ("ln2", "layer_norm2"),
                                 ("fc1", "mlp.fc1"), ("fc2", "mlp.fc2")):
                sd[p + theirs + ".weight"] = b[ours + ".w"]
                sd[p + theirs + ".bias"] = b[ours + ".b"]
    sd["vision_model.embeddings.class_embedding"] = m["v.cls"]
    sd["vision_model.embeddings.patch_embedding.weight"] = m["v.patch"]
    sd["vision_model.embeddings.position_embedding.weight"] = m["v.pos"]
    sd["vision_model.pre_layrnorm.weight"], sd["vision_model.pre_layrnorm.bias"] = m["v.pre"]
    sd["vision_model.post_layernorm.weight"], sd["vision_model.post_layernorm.bias"] = m["v.post"]
    sd["visual_projection.weight"] = m["v.proj"]
    sd["text_model.embeddings.token_embedding.weight"] = m["t.tok"]
    sd["text_model.embeddings.position_embedding.weight"] = m["t.pos"]
    sd["text_model.final_layer_norm.weight"], sd["text_model.final_layer_norm.bias"] = m["t.final"]
    sd["text_projection.weight"] = m["t.proj"]
    sd["logit_scale"] = torch.tensor(math.log(1 / 0.07))
    sd = {k: v.to(dtype) for k, v in sd.items()}
    # int64 buffers older transformers versions saved; the Java loader must skip them
    sd["vision_model.embeddings.position_ids"] = torch.arange(m["v.pos"].shape[0]).unsqueeze(0)
    sd["text_model.embeddings.position_ids"] = torch.arange(CONTEXT).unsqueeze(0)
    return dict(sorted(sd.items()))


def open_clip_state_dict(m: dict, dtype) -> Dict[str, torch.Tensor]:
    sd = {}
    for tower, prefix in (("v", "visual.transformer"), ("t", "transformer")):
        for i, b in enumerate(m[tower + ".blocks"]):
            p = f"{prefix}.resblocks.{i}."
            sd[p + "ln_1.weight"], sd[p + "ln_1.bias"] = b["ln1.w"], b["ln1.b"]
            sd[p + "attn.in_proj_weight"] = torch.cat([b["q.w"], b["k.w"], b["v.w"]])
            sd[p + "attn.in_proj_bias"] = torch.cat([b["q.b"], b["k.b"], b["v.b"]])
            sd[p + "attn.out_proj.weight"], sd[p + "attn.out_proj.bias"] = b["o.w"], b["o.b"]
            sd[p + "ln_2.weight"], sd[p + "ln_2.bias"] = b["ln2.w"], b["ln2.b"]
            sd[p + "mlp.c_fc.weight"], sd[p + "mlp.c_fc.bias"] = b["fc1.w"], b["fc1.b"]
            sd[p + "mlp.c_proj.weight"], sd[p + "mlp.c_proj.bias"] = b["fc2.w"], b["fc2.b"]
    sd["visual.conv1.weight"] = m["v.patch"]
    sd["visual.class_embedding"] = m["v.cls"]
    sd["visual.positional_embedding"] = m["v.pos"]
    sd["visual.ln_pre.weight"], sd["visual.ln_pre.bias"] = m["v.pre"]
    sd["visual.ln_post.weight"], sd["visual.ln_post.bias"] = m["v.post"]
    sd["visual.proj"] = m["v.proj"].T.contiguous()  # used as x @ proj
    sd["token_embedding.weight"] = m["t.tok"]
    sd["positional_embedding"] = m["t.pos"]
    sd["ln_final.weight"], sd["ln_final.bias"] = m["t.final"]
    sd["text_projection"] = m["t.proj"].T.contiguous()
    sd["logit_scale"] = torch.tensor(math.log(1 / 0.07))
    sd["attn_mask"] = torch.full((CONTEXT, CONTEXT), float("-inf")).triu(1)  # what older checkpoints carry
    return {k: v.to(dtype) for k, v in sorted(sd.items())}


# ------------------------------------------------------------------------------------------------
# The reference forward, from the weights as read back from the files (float64 throughout)
# ------------------------------------------------------------------------------------------------

def canonical_from_hf(sd: Dict[str, torch.Tensor], layers: int) -> dict:
    d = {k: v.double() for k, v in sd.items() if v.is_floating_point()}
    m = {}
    for tower, prefix in (("v", "vision_model"), ("t", "text_model")):
        blocks = []
        for i in range(layers):
            p = f"{prefix}.encoder.layers.{i}."
            blocks.append({
                "in_w": torch.cat([d[p + f"self_attn.{x}_proj.weight"] for x in "qkv"]),
                "in_b": torch.cat([d[p + f"self_attn.{x}_proj.bias"] for x in "qkv"]),
                "out_w": d[p + "self_attn.out_proj.weight"], "out_b": d[p + "self_attn.out_proj.bias"],
                "ln1": (d[p + "layer_norm1.weight"], d[p + "layer_norm1.bias"]),
                "ln2": (d[p + "layer_norm2.weight"], d[p + "layer_norm2.bias"]),
                "fc1": (d[p + "mlp.fc1.weight"], d[p + "mlp.fc1.bias"]),
                "fc2": (d[p + "mlp.fc2.weight"], d[p + "mlp.fc2.bias"])})
        m[tower + ".blocks"] = blocks
    m["v.patch"] = d["vision_model.embeddings.patch_embedding.weight"]
    m["v.cls"] = d["vision_model.embeddings.class_embedding"]
    m["v.pos"] = d["vision_model.embeddings.position_embedding.weight"]
    m["v.pre"] = (d["vision_model.pre_layrnorm.weight"], d["vision_model.pre_layrnorm.bias"])
    m["v.post"] = (d["vision_model.post_layernorm.weight"], d["vision_model.post_layernorm.bias"])
    m["v.proj_t"] = d["visual_projection.weight"].T
    m["t.tok"] = d["text_model.embeddings.token_embedding.weight"]
    m["t.pos"] = d["text_model.embeddings.position_embedding.weight"]
    m["t.final"] = (d["text_model.final_layer_norm.weight"], d["text_model.final_layer_norm.bias"])
    m["t.proj_t"] = d["text_projection.weight"].T
    return m


def canonical_from_open_clip(sd: Dict[str, torch.Tensor], layers: int) -> dict:
    d = {k: v.double() for k, v in sd.items()}
    m = {}
    for tower, prefix in (("v", "visual.transformer"), ("t", "transformer")):
        blocks = []
        for i in range(layers):
            p = f"{prefix}.resblocks.{i}."
            blocks.append({
                "in_w": d[p + "attn.in_proj_weight"], "in_b": d[p + "attn.in_proj_bias"],
                "out_w": d[p + "attn.out_proj.weight"], "out_b": d[p + "attn.out_proj.bias"],
                "ln1": (d[p + "ln_1.weight"], d[p + "ln_1.bias"]), "ln2": (d[p + "ln_2.weight"], d[p + "ln_2.bias"]),
                "fc1": (d[p + "mlp.c_fc.weight"], d[p + "mlp.c_fc.bias"]),
                "fc2": (d[p + "mlp.c_proj.weight"], d[p + "mlp.c_proj.bias"])})
        m[tower + ".blocks"] = blocks
    m["v.patch"] = d["visual.conv1.weight"]
    m["v.cls"] = d["visual.class_embedding"]
    m["v.pos"] = d["visual.positional_embedding"]
    m["v.pre"] = (d["visual.ln_pre.weight"], d["visual.ln_pre.bias"])
    m["v.post"] = (d["visual.ln_post.weight"], d["visual.ln_post.bias"])
    m["v.proj_t"] = d["visual.proj"]
    m["t.tok"] = d["token_embedding.weight"]
    m["t.pos"] = d["positional_embedding"]
    m["t.final"] = (d["ln_final.weight"], d["ln_final.bias"])
    m["t.proj_t"] = d["text_projection"]
    return m


def activation(name: str):
    if name == "quick_gelu":
        return lambda x: x * torch.sigmoid(1.702 * x)
    return lambda x: F.gelu(x)  # exact erf


def blocks_forward(x: torch.Tensor, blocks: list, heads: int, act, eps: float, mask) -> torch.Tensor:
    """Pre-norm residual blocks; x is [L, N, E] as F.multi_head_attention_forward takes it."""
    w = x.shape[-1]
    for b in blocks:
        h = F.layer_norm(x, (w,), *b["ln1"], eps)
        a, _ = F.multi_head_attention_forward(
            h, h, h, w, heads, b["in_w"], b["in_b"], None, None, False, 0.0, b["out_w"], b["out_b"],
            training=False, need_weights=False, attn_mask=mask)
        x = x + a
        h = F.layer_norm(x, (w,), *b["ln2"], eps)
        x = x + F.linear(act(F.linear(h, *b["fc1"])), *b["fc2"])
    return x


def encode_image(m: dict, cfg: dict, pixels: torch.Tensor) -> torch.Tensor:
    x = F.conv2d(pixels.double().unsqueeze(0), m["v.patch"], stride=PATCH)  # [1, W, g, g]
    x = x.flatten(2).transpose(1, 2)  # [1, g*g, W]
    x = torch.cat([m["v.cls"].reshape(1, 1, -1), x], dim=1) + m["v.pos"]
    w = x.shape[-1]
    x = F.layer_norm(x, (w,), *m["v.pre"], cfg["v.eps"])
    x = blocks_forward(x.transpose(0, 1), m["v.blocks"], cfg["v.heads"], activation(cfg["v.act"]), cfg["v.eps"],
                       None).transpose(0, 1)
    pooled = F.layer_norm(x[:, 0], (w,), *m["v.post"], cfg["v.eps"])
    return F.normalize(pooled @ m["v.proj_t"], dim=-1)[0]


def encode_text(m: dict, cfg: dict, ids: List[int]) -> torch.Tensor:
    t = torch.tensor(ids)
    n = len(ids)
    x = m["t.tok"][t] + m["t.pos"][:n]
    mask = torch.full((n, n), float("-inf"), dtype=torch.float64).triu(1)
    x = blocks_forward(x.unsqueeze(1), m["t.blocks"], cfg["t.heads"], activation(cfg["t.act"]), cfg["t.eps"],
                       mask)[:, 0]
    x = F.layer_norm(x, (x.shape[-1],), *m["t.final"], cfg["t.eps"])
    if cfg["pool"] == "argmax":  # open_clip, and transformers when eos_token_id is the legacy 2
        at = int(t.argmax())
    else:  # transformers: the first position holding eos_token_id
        at = int((t == cfg["pool"]).int().argmax())
    return F.normalize(x[at] @ m["t.proj_t"], dim=-1)


# ------------------------------------------------------------------------------------------------
# Preprocessing of each layout, in Python
# ------------------------------------------------------------------------------------------------

def preprocess(img: Image.Image, size: int, mean, std, crop_rule: str) -> Tuple[torch.Tensor, List[int]]:
    img = img.convert("RGB")
    w, h = img.size
    short, long = min(w, h), max(w, h)
    new_long = int(size * long / short)  # torchvision Resize(int) and transformers' shortest_edge alike
    nw, nh = (size, new_long) if w <= h else (new_long, size)
    img = img.resize((nw, nh), Image.BICUBIC)
    if crop_rule == "floor":  # transformers' center_crop: (n - crop) // 2
        left, top = (nw - size) // 2, (nh - size) // 2
    else:  # torchvision's CenterCrop: int(round((n - crop) / 2.0)), half to even
        left, top = int(round((nw - size) / 2.0)), int(round((nh - size) / 2.0))
    img = img.crop((left, top, left + size, top + size))
    x = torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1).float().div(255)
    x = (x - torch.tensor(mean).reshape(3, 1, 1)) / torch.tensor(std).reshape(3, 1, 1)
    return x, [left, top]


def image_files() -> List[str]:
    files = sorted(os.path.join(MODELS, "images", f) for f in os.listdir(os.path.join(MODELS, "images")))
    return files + [os.path.join(OUT, "images", ODD_IMAGE[0])]


def write_odd_image() -> None:
    name, w, h = ODD_IMAGE
    os.makedirs(os.path.join(OUT, "images"), exist_ok=True)
    img = Image.new("RGB", (w, h))
    img.putdata([((x * 37 + y * 11) % 256, (x * 5 + y * 23) % 256, (x * y) % 256) for y in range(h) for x in range(w)])
    img.save(os.path.join(OUT, "images", name), optimize=False)


# ------------------------------------------------------------------------------------------------
# The fixture repositories
# ------------------------------------------------------------------------------------------------

def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_vocab(out: str, tok: ec.BpeTokenizer) -> None:
    write_json(os.path.join(out, "vocab.json"), {t: i for i, t in enumerate(tok.vocab)})
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in tok.merges))


def hf_config(vw, vmlp, vheads, vact, tw, tmlp, theads, tact, vocab, dim, eos, legacy: bool, eps_text=1e-5) -> dict:
    text = {"vocab_size": vocab, "hidden_size": tw, "intermediate_size": tmlp, "num_hidden_layers": 2,
            "num_attention_heads": theads, "max_position_embeddings": CONTEXT, "hidden_act": tact,
            "layer_norm_eps": eps_text, "bos_token_id": 895 if not legacy else 0, "eos_token_id": eos,
            "model_type": "clip_text_model"}
    vision = {"hidden_size": vw, "intermediate_size": vmlp, "num_hidden_layers": 2, "num_attention_heads": vheads,
              "image_size": IMAGE_SIZE, "patch_size": PATCH, "hidden_act": vact, "layer_norm_eps": 1e-5,
              "model_type": "clip_vision_model"}
    cfg = {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": dim,
           "logit_scale_init_value": 2.6592, "text_config": text, "vision_config": vision}
    if legacy:
        # as in older Hub configs: text_config_dict wins over text_config, its absent keys taking the
        # CLIPTextConfig defaults; here text_config says gelu but the default quick_gelu applies
        cfg["text_config"] = dict(text, hidden_act="gelu")
        cfg["text_config_dict"] = {k: v for k, v in text.items() if k != "hidden_act"}
        cfg["vision_config_dict"] = None
    return cfg


def preprocessor_config(size_obj, crop_obj, mean, std) -> dict:
    return {"crop_size": crop_obj, "do_center_crop": True, "do_convert_rgb": True, "do_normalize": True,
            "do_rescale": True, "do_resize": True, "feature_extractor_type": "CLIPFeatureExtractor",
            "image_mean": mean, "image_std": std, "resample": 3, "rescale_factor": 1 / 255, "size": size_obj}


def golden_for(m: dict, cfg: dict, tok: ec.BpeTokenizer, mean, std, crop_rule: str) -> dict:
    texts = []
    for text in TEXTS:
        ids = tok.tokenize(text, CONTEXT)
        texts.append({"text": text, "ids": ids, "vector": rounded(encode_text(m, cfg, ids))})
    images = []
    for path in image_files():
        pixels, crop = preprocess(Image.open(path), IMAGE_SIZE, mean, std, crop_rule)
        images.append({"file": os.path.relpath(path, os.path.join(ROOT, "src", "test", "resources")),
                       "crop": crop, "vector": rounded(encode_image(m, cfg, pixels))})
    return {"texts": texts, "images": images}


def rounded(t: torch.Tensor) -> List[float]:
    return [float(f"{v:.9g}") for v in t.tolist()]


def make_hf_quickgelu(tok) -> dict:
    out = os.path.join(OUT, "hf-quickgelu")
    os.makedirs(out, exist_ok=True)
    vocab = len(tok.vocab)
    m = random_clip(101, 32, 64, 32, 64, vocab, 16)
    write_json(os.path.join(out, "config.json"),
               hf_config(32, 64, 4, "quick_gelu", 32, 64, 4, "quick_gelu", vocab, 16, eos=2, legacy=True))
    write_safetensors(os.path.join(out, "model.safetensors"), hf_state_dict(m, torch.float32))
    write_vocab(out, tok)
    write_json(os.path.join(out, "preprocessor_config.json"),
               preprocessor_config({"shortest_edge": IMAGE_SIZE}, {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
                                   OPENAI_MEAN, OPENAI_STD))
    back = canonical_from_hf(read_safetensors(os.path.join(out, "model.safetensors")), 2)
    cfg = {"v.heads": 4, "t.heads": 4, "v.act": "quick_gelu", "t.act": "quick_gelu", "v.eps": 1e-5, "t.eps": 1e-5,
           "pool": "argmax"}
    return golden_for(back, cfg, tok, OPENAI_MEAN, OPENAI_STD, "floor")


def make_hf_gelu_f16(tok) -> dict:
    out = os.path.join(OUT, "hf-gelu-f16")
    os.makedirs(out, exist_ok=True)
    vocab = len(tok.vocab)
    m = random_clip(202, 48, 96, 32, 64, vocab, 24)
    cfg_json = hf_config(48, 96, 4, "gelu", 32, 64, 2, "gelu", vocab, 24, eos=tok.eot_id, legacy=False,
                         eps_text=1e-6)
    cfg_json["torch_dtype"] = "float16"
    write_json(os.path.join(out, "config.json"), cfg_json)
    write_safetensors(os.path.join(out, "model.safetensors"), hf_state_dict(m, torch.float16))
    with open(os.path.join(MODELS, "tiny-hf-clip", "tokenizer.json"), "rb") as src:  # the same vocabulary
        with open(os.path.join(out, "tokenizer.json"), "wb") as dst:
            dst.write(src.read())
    write_json(os.path.join(out, "preprocessor_config.json"),
               preprocessor_config({"shortest_edge": IMAGE_SIZE}, {"height": IMAGE_SIZE, "width": IMAGE_SIZE},
                                   OPENAI_MEAN, OPENAI_STD))
    back = canonical_from_hf(read_safetensors(os.path.join(out, "model.safetensors")), 2)
    cfg = {"v.heads": 4, "t.heads": 2, "v.act": "gelu", "t.act": "gelu", "v.eps": 1e-5, "t.eps": 1e-6,
           "pool": tok.eot_id}
    return golden_for(back, cfg, tok, OPENAI_MEAN, OPENAI_STD, "floor")


def make_hf_sharded(tok) -> dict:
    out = os.path.join(OUT, "hf-sharded")
    os.makedirs(out, exist_ok=True)
    vocab = len(tok.vocab)
    m = random_clip(303, 32, 64, 32, 64, vocab, 16)
    write_json(os.path.join(out, "config.json"),
               hf_config(32, 64, 2, "quick_gelu", 32, 64, 4, "quick_gelu", vocab, 16, eos=2, legacy=False))
    sd = hf_state_dict(m, torch.bfloat16)
    names = list(sd)
    shards = {"model-00001-of-00002.safetensors": names[:len(names) // 2],
              "model-00002-of-00002.safetensors": names[len(names) // 2:]}
    weight_map, total = {}, 0
    for file, keys in shards.items():
        write_safetensors(os.path.join(out, file), {k: sd[k] for k in keys})
        for k in keys:
            weight_map[k] = file
            total += sd[k].numel() * sd[k].element_size()
    write_json(os.path.join(out, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})
    write_vocab(out, tok)
    write_json(os.path.join(out, "preprocessor_config.json"),
               preprocessor_config(IMAGE_SIZE, IMAGE_SIZE, OPENAI_MEAN, OPENAI_STD))
    back = {}
    for file in shards:
        back.update(read_safetensors(os.path.join(out, file)))
    cfg = {"v.heads": 2, "t.heads": 4, "v.act": "quick_gelu", "t.act": "quick_gelu", "v.eps": 1e-5, "t.eps": 1e-5,
           "pool": "argmax"}
    return golden_for(canonical_from_hf(back, 2), cfg, tok, OPENAI_MEAN, OPENAI_STD, "floor")


def make_open_clip(tok) -> dict:
    out = os.path.join(OUT, "openclip")
    os.makedirs(out, exist_ok=True)
    vocab = len(tok.vocab)
    m = random_clip(404, 32, 64, 32, 64, vocab, 16)
    write_json(os.path.join(out, "open_clip_config.json"), {
        "model_cfg": {"embed_dim": 16,
                      "vision_cfg": {"image_size": IMAGE_SIZE, "layers": 2, "width": 32, "patch_size": PATCH,
                                     "head_width": 8, "mlp_ratio": 2.0},
                      "text_cfg": {"context_length": CONTEXT, "vocab_size": vocab, "width": 32, "heads": 4,
                                   "layers": 2, "mlp_ratio": 2.0}},
        "preprocess_cfg": {"mean": LAION_MEAN, "std": LAION_STD, "interpolation": "bicubic",
                           "resize_mode": "shortest"}})
    sd = open_clip_state_dict(m, torch.float16)
    write_safetensors(os.path.join(out, "open_clip_model.safetensors"),
                      {k: v for k, v in sd.items() if k != "attn_mask"})
    torch.save(sd, os.path.join(out, "open_clip_pytorch_model.bin"))
    write_vocab(out, tok)
    from_st = read_safetensors(os.path.join(out, "open_clip_model.safetensors"))
    from_bin = torch.load(os.path.join(out, "open_clip_pytorch_model.bin"))
    assert all(torch.equal(from_st[k], from_bin[k]) for k in from_st), "the two open_clip files disagree"
    cfg = {"v.heads": 4, "t.heads": 4, "v.act": "gelu", "t.act": "gelu", "v.eps": 1e-5, "t.eps": 1e-5,
           "pool": "argmax"}
    return golden_for(canonical_from_open_clip(from_bin, 2), cfg, tok, LAION_MEAN, LAION_STD, "round")


def main() -> None:
    torch.manual_seed(0)
    merges = ec.read_merges(os.path.join(MODELS, "tiny-clip", "bpe_tiny_vocab.txt.gz"))
    tok = ec.BpeTokenizer(merges)
    assert len(tok.vocab) == 897 and tok.eot_id == 896
    write_odd_image()
    golden = {"generator": "tools/make_hub_fixtures.py", "torch": torch.__version__, "tolerance": 1e-5,
              "context_length": CONTEXT, "eot": tok.eot_id, "fixtures": {}}
    golden["fixtures"]["hf-quickgelu"] = make_hf_quickgelu(tok)
    golden["fixtures"]["hf-gelu-f16"] = make_hf_gelu_f16(tok)
    golden["fixtures"]["hf-sharded"] = make_hf_sharded(tok)
    golden["fixtures"]["openclip"] = make_open_clip(tok)
    write_json(os.path.join(OUT, "golden.json"), golden)
    total = 0
    for d, _, files in sorted(os.walk(OUT)):
        for file in sorted(files):
            path = os.path.join(d, file)
            total += os.path.getsize(path)
            print(f"  {os.path.relpath(path, ROOT)}  {os.path.getsize(path):>7}")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main()
