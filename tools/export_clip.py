#!/usr/bin/env python3
"""Export a CLIP checkpoint to a Lookalike model package.

A model package is a directory holding

    lookalike-model.json   format 1: name, embedding dim, image preprocessing, text settings
    image.pt               TorchScript: forward(pixel_values: f32[B,3,S,S]) -> f32[B,D]
    text.pt                TorchScript: forward(input_ids: i64[B,L]) -> f32[B,D], any L <= context_length
    <tokenizer file>       OpenAI BPE merges (gzip) or a HuggingFace tokenizer.json

Both towers are re-built from the checkpoint's weights by the plain modules below (TextTower,
ImageTower), whatever the source, so every package runs the same code. The text tower takes the
real token length: it slices the positional embedding to L and builds its causal mask for L, and
pools at the end-of-text token (the largest id), so padding never changes the result. It also
exports use_bfloat16(), which Lookalike calls on CPUs with bfloat16 instructions.

Usage (run with a Python that has torch; /usr/bin/python3 on the dev machines):

    # OpenAI checkpoints: a downloaded .pt (JIT archive or state dict) needs only torch;
    # a model name (ViT-B/32, ViT-L/14, ...) needs `pip install git+https://github.com/openai/CLIP`
    python3 tools/export_clip.py --from openai ~/.cache/clip/ViT-B-32.pt \
        --tokenizer ../shared/clip/bpe_simple_vocab_16e6.txt.gz --out models/clip-vit-b-32
    python3 tools/export_clip.py --from openai ViT-B/32 --out models/clip-vit-b-32 --zip

    # open_clip (pip install open_clip_torch): standard ViT CLIP architectures only
    python3 tools/export_clip.py --from open_clip ViT-B-32 --pretrained laion2b_s34b_b79k \
        --out models/laion-vit-b-32

    # HuggingFace transformers CLIPModel (hub name or local directory)
    python3 tools/export_clip.py --from hf openai/clip-vit-base-patch32 --out models/hf-vit-b-32

    # A randomly initialised, full-size ViT-B/32 (for benchmarks; its vectors mean nothing)
    python3 tools/export_clip.py --random vit-b-32 --out /tmp/random-vit-b-32 \
        [--tokenizer ../shared/clip/bpe_simple_vocab_16e6.txt.gz]

Options: --name NAME (the package's display name), --zip (also write OUT.zip with the files at the
archive root), --seed N (for --random), --no-check (skip the numeric self-checks), --checkpoint-out
DIR (with --random: also write the same weights as an open_clip Hub repository, the layout Lookalike's
Java towers load from `hf:` names, so the benchmark compares both engines on identical weights).

Every export checks the saved TorchScript files: the text vector for the real length equals the
one for a 77-long padded input, batching does not change vectors, and (where the source model is
at hand) the towers agree with the source model's own encode_text / encode_image.

OpenAI's merges file holds 262,144 merges but CLIP uses only the first 48,894; the exporter writes
the merges the model actually has rows for, so that "vocab = 512 + merges + 2" holds for the file
in the package (sot = 512 + M, eot = 513 + M). Merges files are written without a trailing newline.
"""

import argparse
import gzip
import html
import io
import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
import zipfile
from collections import OrderedDict
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

try:  # torch >= 1.8 exposes Final through torch.jit; keep a fallback for typing only
    from torch.jit import Final
except ImportError:  # pragma: no cover
    from typing_extensions import Final  # type: ignore

FORMAT_VERSION = 1
MANIFEST = "lookalike-model.json"
OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]
SOT = "<|startoftext|>"
EOT = "<|endoftext|>"
OPENAI_VOCAB_FILE = "bpe_simple_vocab_16e6.txt.gz"
OPENAI_MERGES_USED = 49152 - 256 - 2  # the slice OpenAI's SimpleTokenizer takes from its file


# --------------------------------------------------------------------------------------------
# Tokenizer: a port of the reference (OpenAI simple_tokenizer) algorithm, used to compute golden
# ids and to feed the self-checks. Differences: ftfy is replaced by NFC + quote uncurling (ftfy
# also repairs mojibake, ligatures and full-width forms), and `regex`'s \p classes by unicodedata.
# --------------------------------------------------------------------------------------------

def bytes_to_unicode() -> "OrderedDict[int, str]":
    """OpenAI/GPT-2's reversible byte -> printable character table, in vocabulary order."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1))
                 + list(range(ord("\u00ae"), ord("\u00ff") + 1)))
    table: "OrderedDict[int, str]" = OrderedDict((b, chr(b)) for b in printable)
    shifted = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + shifted)
            shifted += 1
    return table


# Unicode White_Space, which is what `regex`'s \s matches (Python's str.isspace adds U+001C-1F).
_WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(chr(c) for c in range(0x2000, 0x200B))
                + "\u2028\u2029\u202f\u205f\u3000")
_WS_RUN = re.compile("[" + re.escape(_WHITE_SPACE) + "]+")
_UNCURL = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"'})
_CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")  # alternation order matters


def clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_UNCURL)
    text = html.unescape(html.unescape(text)).strip()
    return _WS_RUN.sub(" ", text).strip().lower()


def _is_letter(c: str) -> bool:
    return unicodedata.category(c)[0] == "L"


def _is_number(c: str) -> bool:
    return unicodedata.category(c)[0] == "N"


def pre_tokenize(text: str) -> List[str]:
    """Splits like the reference pattern
    <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"""
    out: List[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        special = next((s for s in (SOT, EOT) if text.startswith(s, i)), None)
        if special is None:
            special = next((s for s in _CONTRACTIONS if text.startswith(s, i)), None)
        if special is not None:
            out.append(special)
            i += len(special)
        elif _is_letter(c):
            j = i + 1
            while j < n and _is_letter(text[j]):
                j += 1
            out.append(text[i:j])
            i = j
        elif _is_number(c):
            out.append(c)
            i += 1
        elif c in _WHITE_SPACE:
            i += 1
        else:
            j = i + 1
            while j < n and not (_is_letter(text[j]) or _is_number(text[j]) or text[j] in _WHITE_SPACE):
                j += 1
            out.append(text[i:j])
            i = j
    return out


def _merge_pair(word: Sequence[str], pair: Tuple[str, str]) -> List[str]:
    """Replaces every occurrence of `pair`, left to right, without overlaps."""
    first, second = pair
    out: List[str] = []
    i = 0
    while i < len(word):
        if i < len(word) - 1 and word[i] == first and word[i + 1] == second:
            out.append(first + second)
            i += 2
        else:
            out.append(word[i])
            i += 1
    return out


def _symbols(token: str) -> List[str]:
    return list(token[:-1]) + [token[-1] + "</w>"]


class BpeTokenizer:
    """OpenAI CLIP's byte-level BPE with '</w>' word ends, over an arbitrary merges list."""

    def __init__(self, merges: Sequence[Tuple[str, str]]):
        self.merges = [tuple(m) for m in merges]
        self.byte_encoder = bytes_to_unicode()
        base = list(self.byte_encoder.values())
        self.vocab = base + [c + "</w>" for c in base] + ["".join(m) for m in self.merges] + [SOT, EOT]
        # dict(zip(...)) like the reference: a later duplicate would win (fixture vocabularies have none)
        self.encoder = {tok: i for i, tok in enumerate(self.vocab)}
        self.ranks = {m: i for i, m in enumerate(self.merges)}
        self.sot_id = len(self.vocab) - 2
        self.eot_id = len(self.vocab) - 1
        self._cache: Dict[str, List[str]] = {SOT: [SOT], EOT: [EOT]}

    @classmethod
    def from_file(cls, path: str, max_merges: Optional[int] = None) -> "BpeTokenizer":
        return cls(read_merges(path, max_merges))

    def bpe(self, token: str) -> List[str]:
        if token in self._cache:
            return self._cache[token]
        word = _symbols(token)
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            word = _merge_pair(word, best)
        self._cache[token] = word
        return word

    def encode(self, text: str) -> List[int]:
        """Token ids of `text` without start/end tokens and without truncation."""
        ids: List[int] = []
        for piece in pre_tokenize(clean_text(text)):
            chars = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(chars))
        return ids

    def tokenize(self, text: str, context_length: int = 77) -> List[int]:
        """<|startoftext|> + ids + <|endoftext|>, cut to context_length keeping the final eot."""
        ids = [self.sot_id] + self.encode(text) + [self.eot_id]
        if len(ids) > context_length:
            ids = ids[:context_length - 1] + [self.eot_id]
        return ids


def read_merges(path: str, max_merges: Optional[int] = None) -> List[Tuple[str, str]]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        lines = f.read().decode("utf-8").split("\n")[1:]  # line 1 is the "#version" header
    merges: List[Tuple[str, str]] = []
    for line in lines:
        if not line.strip():
            continue
        a, b = line.split()
        merges.append((a, b))
        if max_merges is not None and len(merges) == max_merges:
            break
    return merges


def write_merges(path: str, merges: Sequence[Tuple[str, str]]) -> None:
    """OpenAI's format, gzip with a zero timestamp and no stored name so the bytes are stable."""
    text = "\n".join(["#version: 0.2"] + [f"{a} {b}" for a, b in merges])  # no trailing newline
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def learn_merges(words: Iterable[str]) -> List[Tuple[str, str]]:
    """Classic BPE training on a word list until every word is a single token.

    Greedy encoding with the learned ranks replays training exactly (each merge is applied to all
    occurrences before the next one is chosen), so every training word encodes to one token.
    Ties break on the pair itself, which makes the result deterministic."""
    encoder = bytes_to_unicode()
    seqs = []
    for w in sorted(set(words)):
        for piece in pre_tokenize(clean_text(w)):
            seqs.append(_symbols("".join(encoder[b] for b in piece.encode("utf-8"))))
    seqs = [s for s in {tuple(s): s for s in seqs}.values()]
    merges: List[Tuple[str, str]] = []
    while True:
        counts: Dict[Tuple[str, str], int] = {}
        for s in seqs:
            for p in zip(s, s[1:]):
                counts[p] = counts.get(p, 0) + 1
        if not counts:
            return merges
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        seqs = [_merge_pair(s, best) for s in seqs]


def write_hf_tokenizer_json(path: str, tokenizer: BpeTokenizer) -> None:
    """A tokenizer.json laid out like the one shipped with openai/clip-vit-base-patch32."""
    special = lambda i, t: {"id": i, "content": t, "single_word": False, "lstrip": False,  # noqa: E731
                            "rstrip": False, "normalized": False, "special": True}
    split_pattern = ("<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|"
                     "[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+")
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(tokenizer.sot_id, SOT), special(tokenizer.eot_id, EOT)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": split_pattern}, "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "RobertaProcessing", "sep": [EOT, tokenizer.eot_id],
                           "cls": [SOT, tokenizer.sot_id], "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": EOT,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "</w>",
            "fuse_unk": False,
            "byte_fallback": False,
            "vocab": {tok: i for i, tok in enumerate(tokenizer.vocab)},
            "merges": [f"{a} {b}" for a, b in tokenizer.merges],
        },
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)
        f.write("\n")


# --------------------------------------------------------------------------------------------
# A CLIP with OpenAI's attribute layout and state-dict names. It is the reference for --random
# and for OpenAI checkpoints loaded without the `clip` package; encode_text / encode_image follow
# OpenAI's code path (sequence-first nn.MultiheadAttention, fixed 77x77 mask) on purpose, so the
# self-checks compare the exported towers against an independent implementation.
# --------------------------------------------------------------------------------------------

class QuickGELU(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, width: int, heads: int, attn_mask: Optional[Tensor] = None,
                 act: str = "quick_gelu", mlp_width: Optional[int] = None, eps: float = 1e-5):
        super().__init__()
        mlp_width = mlp_width or 4 * width
        self.attn = nn.MultiheadAttention(width, heads)
        self.ln_1 = nn.LayerNorm(width, eps=eps)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(width, mlp_width)),
            ("gelu", QuickGELU() if act == "quick_gelu" else nn.GELU()),
            ("c_proj", nn.Linear(mlp_width, width))]))
        self.ln_2 = nn.LayerNorm(width, eps=eps)
        self.attn_mask = attn_mask

    def forward(self, x: Tensor) -> Tensor:  # x: [L, B, W]
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=self.attn_mask)[0]
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, attn_mask: Optional[Tensor] = None, **block_args):
        super().__init__()
        self.width = width
        self.layers = layers
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask, **block_args)
                                         for _ in range(layers)])

    def forward(self, x: Tensor) -> Tensor:
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution: int, patch_size: int, width: int, layers: int, heads: int,
                 output_dim: int, **block_args):
        super().__init__()
        self.input_resolution = input_resolution
        self.output_dim = output_dim
        eps = block_args.get("eps", 1e-5)
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        grid = input_resolution // patch_size
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn(grid * grid + 1, width))
        self.ln_pre = nn.LayerNorm(width, eps=eps)
        self.transformer = Transformer(width, layers, heads, **block_args)
        self.ln_post = nn.LayerNorm(width, eps=eps)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x: Tensor) -> Tensor:
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        cls = self.class_embedding + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x).permute(1, 0, 2)
        x = self.transformer(x).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


class CLIP(nn.Module):
    def __init__(self, embed_dim: int, image_resolution: int, vision_layers: int, vision_width: int,
                 vision_patch_size: int, context_length: int, vocab_size: int, transformer_width: int,
                 transformer_heads: int, transformer_layers: int, vision_heads: Optional[int] = None,
                 text_act: str = "quick_gelu", vision_act: str = "quick_gelu",
                 text_mlp_width: Optional[int] = None, vision_mlp_width: Optional[int] = None,
                 eps: float = 1e-5):
        super().__init__()
        self.context_length = context_length
        self.vocab_size = vocab_size
        self.visual = VisionTransformer(
            image_resolution, vision_patch_size, vision_width, vision_layers,
            vision_heads or vision_width // 64, embed_dim,
            act=vision_act, mlp_width=vision_mlp_width, eps=eps)
        self.transformer = Transformer(transformer_width, transformer_layers, transformer_heads,
                                       attn_mask=self.build_attention_mask(),
                                       act=text_act, mlp_width=text_mlp_width, eps=eps)
        self.token_embedding = nn.Embedding(vocab_size, transformer_width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, transformer_width))
        self.ln_final = nn.LayerNorm(transformer_width, eps=eps)
        self.text_projection = nn.Parameter(torch.empty(transformer_width, embed_dim))
        self.logit_scale = nn.Parameter(torch.tensor(2.6592600345611572))  # log(1 / 0.07)
        self.initialize_parameters()

    def build_attention_mask(self) -> Tensor:
        return torch.full((self.context_length, self.context_length), float("-inf")).triu(1)

    def initialize_parameters(self) -> None:
        # Scales as in OpenAI's CLIP, so random activations have realistic magnitudes.
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        width, layers = self.transformer.width, self.transformer.layers
        proj_std = (width ** -0.5) * ((2 * layers) ** -0.5)
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=width ** -0.5)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=(2 * width) ** -0.5)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=width ** -0.5)

    def encode_image(self, image: Tensor) -> Tensor:
        return self.visual(image)

    def encode_text(self, text: Tensor) -> Tensor:  # text: [B, context_length]
        x = self.token_embedding(text) + self.positional_embedding
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection


PRESETS = {
    # OpenAI ViT-B/32's shapes
    "vit-b-32": dict(embed_dim=512, image_resolution=224, vision_layers=12, vision_width=768,
                     vision_patch_size=32, vision_heads=12, context_length=77, vocab_size=49408,
                     transformer_width=512, transformer_heads=8, transformer_layers=12),
    # the committed test fixture tiny-clip (its vocab_size is set from the tiny vocabulary)
    "tiny": dict(embed_dim=16, image_resolution=32, vision_layers=2, vision_width=32,
                 vision_patch_size=8, vision_heads=2, context_length=77, vocab_size=None,
                 transformer_width=32, transformer_heads=2, transformer_layers=2),
}


def random_clip(preset: str, seed: int = 0, vocab_size: Optional[int] = None) -> CLIP:
    args = dict(PRESETS[preset])
    if vocab_size is not None:
        args["vocab_size"] = vocab_size
    torch.manual_seed(seed)
    return CLIP(**args).eval()


def clip_from_openai_state_dict(sd: Dict[str, Tensor]) -> CLIP:
    """Rebuilds a ViT CLIP from an OpenAI checkpoint's state dict, inferring its shapes."""
    if "visual.proj" not in sd:
        raise SystemExit("only ViT CLIP checkpoints are supported (this looks like a ResNet one)")

    def count(prefix: str) -> int:
        return len({k.split(".")[len(prefix.split("."))] for k in sd if k.startswith(prefix + ".")})

    vision_width = sd["visual.conv1.weight"].shape[0]
    patch = sd["visual.conv1.weight"].shape[-1]
    grid = round((sd["visual.positional_embedding"].shape[0] - 1) ** 0.5)
    width = sd["ln_final.weight"].shape[0]
    if min(width, vision_width) < 64:  # OpenAI's loader derives heads as width // 64, so must we
        raise SystemExit("cannot infer attention heads for widths under 64")
    model = CLIP(embed_dim=sd["text_projection"].shape[1], image_resolution=patch * grid,
                 vision_layers=count("visual.transformer.resblocks"), vision_width=vision_width,
                 vision_patch_size=patch, context_length=sd["positional_embedding"].shape[0],
                 vocab_size=sd["token_embedding.weight"].shape[0], transformer_width=width,
                 transformer_heads=width // 64, transformer_layers=count("transformer.resblocks"))
    sd = {k: v.float() for k, v in sd.items() if k not in ("input_resolution", "context_length", "vocab_size")}
    model.load_state_dict(sd)
    return model.eval()


def clip_from_hf(hf) -> CLIP:
    """Copies a transformers CLIPModel's weights into the OpenAI layout."""
    tc, vc = hf.config.text_config, hf.config.vision_config
    acts = {"quick_gelu": "quick_gelu", "gelu": "gelu"}
    for c in (tc, vc):
        if c.hidden_act not in acts:
            raise SystemExit(f"unsupported activation {c.hidden_act!r}")
    if tc.layer_norm_eps != vc.layer_norm_eps:
        raise SystemExit("text and vision layer_norm_eps differ")
    model = CLIP(embed_dim=hf.config.projection_dim, image_resolution=vc.image_size,
                 vision_layers=vc.num_hidden_layers, vision_width=vc.hidden_size,
                 vision_patch_size=vc.patch_size, vision_heads=vc.num_attention_heads,
                 context_length=tc.max_position_embeddings, vocab_size=tc.vocab_size,
                 transformer_width=tc.hidden_size, transformer_heads=tc.num_attention_heads,
                 transformer_layers=tc.num_hidden_layers, text_act=acts[tc.hidden_act],
                 vision_act=acts[vc.hidden_act], text_mlp_width=tc.intermediate_size,
                 vision_mlp_width=vc.intermediate_size, eps=tc.layer_norm_eps)
    src = hf.state_dict()
    sd: Dict[str, Tensor] = {}

    def blocks(hf_prefix: str, our_prefix: str, layers: int) -> None:
        for i in range(layers):
            h, o = f"{hf_prefix}encoder.layers.{i}.", f"{our_prefix}transformer.resblocks.{i}."
            for kind in ("weight", "bias"):
                sd[o + f"attn.in_proj_{kind}"] = torch.cat(
                    [src[h + f"self_attn.{p}_proj.{kind}"] for p in ("q", "k", "v")])
                sd[o + f"attn.out_proj.{kind}"] = src[h + f"self_attn.out_proj.{kind}"]
                sd[o + f"ln_1.{kind}"] = src[h + f"layer_norm1.{kind}"]
                sd[o + f"ln_2.{kind}"] = src[h + f"layer_norm2.{kind}"]
                sd[o + f"mlp.c_fc.{kind}"] = src[h + f"mlp.fc1.{kind}"]
                sd[o + f"mlp.c_proj.{kind}"] = src[h + f"mlp.fc2.{kind}"]

    t, v = "text_model.", "vision_model."
    sd["token_embedding.weight"] = src[t + "embeddings.token_embedding.weight"]
    sd["positional_embedding"] = src[t + "embeddings.position_embedding.weight"]
    blocks(t, "", tc.num_hidden_layers)
    for kind in ("weight", "bias"):
        sd[f"ln_final.{kind}"] = src[t + f"final_layer_norm.{kind}"]
        sd[f"visual.ln_pre.{kind}"] = src[v + f"pre_layrnorm.{kind}"]  # sic, HF's spelling
        sd[f"visual.ln_post.{kind}"] = src[v + f"post_layernorm.{kind}"]
    sd["text_projection"] = src["text_projection.weight"].t()
    sd["visual.conv1.weight"] = src[v + "embeddings.patch_embedding.weight"]
    sd["visual.class_embedding"] = src[v + "embeddings.class_embedding"]
    sd["visual.positional_embedding"] = src[v + "embeddings.position_embedding.weight"]
    blocks(v, "visual.", vc.num_hidden_layers)
    sd["visual.proj"] = src["visual_projection.weight"].t()
    sd["logit_scale"] = src["logit_scale"]
    model.load_state_dict({k: x.float().contiguous() for k, x in sd.items()})
    return model.eval()


# --------------------------------------------------------------------------------------------
# The exported towers. They take an object with OpenAI CLIP's attributes (this file's CLIP,
# openai/CLIP's model, open_clip's CLIP) and share its parameters; they are written in plain,
# scriptable ops so the TorchScript runs under any libtorch from 1.13 on.
# --------------------------------------------------------------------------------------------

def _layer_norm(src: nn.Module) -> nn.Module:
    """A plain nn.LayerNorm sharing src's parameters (OpenAI's LayerNorm subclass calls super(),
    which TorchScript cannot compile)."""
    if isinstance(src, nn.Identity):
        return nn.Identity()
    ln = nn.LayerNorm(src.normalized_shape, eps=src.eps)
    ln.weight, ln.bias = src.weight, src.bias
    return ln


def _unsupported(what: str) -> SystemExit:
    return SystemExit(f"unsupported CLIP variant: {what}")


class AttentionBlock(nn.Module):
    """A pre-LayerNorm transformer block working batch-first, mask given per call."""
    heads: Final[int]
    head_dim: Final[int]
    scale: Final[float]
    quick_gelu: Final[bool]

    def __init__(self, block: nn.Module):
        super().__init__()
        attn = block.attn
        if getattr(attn, "in_proj_weight", None) is None:
            raise _unsupported("attention without a packed in_proj_weight")
        for name in ("ls_1", "ls_2", "ln_attn"):
            if not isinstance(getattr(block, name, nn.Identity()), nn.Identity):
                raise _unsupported(f"block with {name}")
        mlp = block.mlp
        if not isinstance(getattr(mlp, "ln", nn.Identity()), nn.Identity):
            raise _unsupported("MLP with an inner LayerNorm")
        act = type(mlp.gelu).__name__
        if act not in ("QuickGELU", "GELU") or getattr(mlp.gelu, "approximate", "none") != "none":
            raise _unsupported(f"activation {act}")
        width = attn.in_proj_weight.shape[1]
        self.heads = attn.num_heads
        self.head_dim = width // attn.num_heads
        self.scale = float(self.head_dim) ** -0.5
        self.quick_gelu = act == "QuickGELU"
        self.ln_1 = _layer_norm(block.ln_1)
        self.in_proj_weight, self.in_proj_bias = _weights(attn.in_proj_weight, attn.in_proj_bias)
        self.out_proj_weight, self.out_proj_bias = _weights(attn.out_proj.weight, attn.out_proj.bias)
        self.ln_2 = _layer_norm(block.ln_2)
        self.c_fc_weight, self.c_fc_bias = _weights(mlp.c_fc.weight, mlp.c_fc.bias)
        self.c_proj_weight, self.c_proj_bias = _weights(mlp.c_proj.weight, mlp.c_proj.bias)

    def attention(self, x: Tensor, mask: Optional[Tensor]) -> Tensor:
        b, n, w = x.size(0), x.size(1), x.size(2)
        qkv = _affine(x, self.in_proj_weight, self.in_proj_bias)
        qkv = qkv.reshape(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)  # [3,B,H,N,hd]
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        scores = torch.matmul(q, k.transpose(-2, -1))
        if mask is not None:
            scores = scores + mask
        out = torch.matmul(scores.softmax(dim=-1), v)
        return _affine(out.transpose(1, 2).reshape(b, n, w), self.out_proj_weight, self.out_proj_bias)

    def forward(self, x: Tensor, mask: Optional[Tensor]) -> Tensor:
        x = x + self.attention(self.ln_1(x), mask)
        h = _affine(self.ln_2(x), self.c_fc_weight, self.c_fc_bias)
        if self.quick_gelu:
            h = h * torch.sigmoid(1.702 * h)
        else:
            h = F.gelu(h)
        return x + _affine(h, self.c_proj_weight, self.c_proj_bias)

    @torch.jit.export
    def use_bfloat16(self) -> None:
        """Keeps the four weight matrices (and biases) in bfloat16 from now on; see TextTower."""
        self.in_proj_weight = self.in_proj_weight.detach().to(torch.bfloat16)
        self.in_proj_bias = self.in_proj_bias.detach().to(torch.bfloat16)
        self.out_proj_weight = self.out_proj_weight.detach().to(torch.bfloat16)
        self.out_proj_bias = self.out_proj_bias.detach().to(torch.bfloat16)
        self.c_fc_weight = self.c_fc_weight.detach().to(torch.bfloat16)
        self.c_fc_bias = self.c_fc_bias.detach().to(torch.bfloat16)
        self.c_proj_weight = self.c_proj_weight.detach().to(torch.bfloat16)
        self.c_proj_bias = self.c_proj_bias.detach().to(torch.bfloat16)


def _weights(weight: Tensor, bias: Optional[Tensor]) -> Tuple[nn.Parameter, nn.Parameter]:
    """A linear layer's (weight, bias) as parameters; a missing bias becomes zeros."""
    if bias is None:
        bias = torch.zeros(weight.shape[0], dtype=weight.dtype)
    return nn.Parameter(weight.detach()), nn.Parameter(bias.detach())


def _affine(x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:
    """x·weightᵀ + bias computed in the weights' dtype, returned in x's. With float32 weights this is
    F.linear; with bfloat16 ones (after use_bfloat16) the product runs in bfloat16 with float32
    accumulation, which is where CPUs with bfloat16 instructions win, while LayerNorm, softmax and the
    residual stream stay float32."""
    return F.linear(x.to(weight.dtype), weight, bias).to(x.dtype)


def _projection(p) -> Tuple[nn.Parameter, Tensor]:
    """(matrix [W, D], bias [D]) from a Parameter (OpenAI) or an nn.Linear (some open_clip towers)."""
    if isinstance(p, nn.Linear):
        bias = p.bias.detach().clone() if p.bias is not None else torch.zeros(p.out_features)
        return nn.Parameter(p.weight.detach().t().contiguous()), bias
    return p, torch.zeros(p.shape[1], dtype=p.dtype)


class TextTower(nn.Module):
    """input_ids [B, L] (sot, tokens, eot, zero padding; L <= context_length) -> [B, D]."""
    context_length: Final[int]

    def __init__(self, clip: nn.Module):
        super().__init__()
        if getattr(clip, "text_pool_type", "argmax") != "argmax":
            raise _unsupported(f"text pooling {clip.text_pool_type!r}")
        if getattr(clip, "cls_emb", None) is not None:
            raise _unsupported("text tower with a class token")
        self.token_embedding = clip.token_embedding.weight
        self.positional_embedding = clip.positional_embedding
        self.context_length = clip.positional_embedding.shape[0]
        self.blocks = nn.ModuleList([AttentionBlock(b) for b in clip.transformer.resblocks])
        self.ln_final = _layer_norm(clip.ln_final)
        self.text_projection, bias = _projection(clip.text_projection)
        self.register_buffer("projection_bias", bias)

    def forward(self, input_ids: Tensor) -> Tensor:
        length = input_ids.size(1)
        x = F.embedding(input_ids, self.token_embedding) + self.positional_embedding[:length]
        # Causal mask for this length: position i sees 0..i, so everything up to the eot token is
        # independent of how much padding follows it.
        mask = torch.full([length, length], float("-inf"), dtype=x.dtype, device=x.device).triu(1)
        for block in self.blocks:
            x = block(x, mask)
        x = self.ln_final(x)
        eot = input_ids.argmax(dim=-1)  # eot has the largest id in OpenAI's vocabulary layout
        x = x[torch.arange(x.size(0), device=x.device), eot]
        return torch.matmul(x, self.text_projection) + self.projection_bias

    @torch.jit.export
    def use_bfloat16(self) -> None:
        """Switches the blocks' matrix products to bfloat16 for the rest of the module's life (the
        module lets go of the float32 weights; PyTorch frees them, the libtorch under DJL keeps their
        memory). A text query with a handful of tokens is a chain of matrix-vector products over ~38M
        weights, bound by memory bandwidth: half the bytes, and on CPUs with bfloat16 instructions
        (AVX512-BF16, AMX) about half the time. Text vectors stay within ~1e-4 cosine of float32
        ones (checked at export); Lookalike calls this only where the CPU has those instructions,
        unless told otherwise (lookalike.text-precision)."""
        for block in self.blocks:
            block.use_bfloat16()


class ImageTower(nn.Module):
    """pixel_values [B, 3, S, S] (normalised with the package's mean/std) -> [B, D]."""
    patch_size: Final[int]

    def __init__(self, clip: nn.Module):
        super().__init__()
        v = clip.visual
        if not hasattr(v, "conv1"):
            raise _unsupported("non-ViT image tower (ResNet CLIP)")
        if getattr(v, "attn_pool", None) is not None or getattr(v, "global_average_pool", False):
            raise _unsupported("image tower pooling other than the class token")
        if getattr(v, "pool_type", "tok") != "tok":
            raise _unsupported(f"image pooling {v.pool_type!r}")
        if v.conv1.bias is not None:
            raise _unsupported("patch embedding with bias")
        self.conv_weight = v.conv1.weight
        self.patch_size = v.conv1.stride[0]
        self.class_embedding = v.class_embedding
        self.positional_embedding = v.positional_embedding
        self.ln_pre = _layer_norm(v.ln_pre)
        self.blocks = nn.ModuleList([AttentionBlock(b) for b in v.transformer.resblocks])
        self.ln_post = _layer_norm(v.ln_post)
        self.proj, bias = _projection(v.proj)
        self.register_buffer("projection_bias", bias)

    def forward(self, pixel_values: Tensor) -> Tensor:
        x = F.conv2d(pixel_values, self.conv_weight, None, [self.patch_size, self.patch_size])
        x = x.flatten(2).transpose(1, 2)  # [B, grid*grid, W]
        cls = self.class_embedding.reshape(1, 1, -1).expand(x.size(0), 1, x.size(2))
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        for block in self.blocks:
            x = block(x, None)
        x = self.ln_post(x[:, 0, :])  # LayerNorm is per token, so pooling first is equivalent
        return torch.matmul(x, self.proj) + self.projection_bias


# --------------------------------------------------------------------------------------------
# Writing and checking packages
# --------------------------------------------------------------------------------------------

def write_manifest(out_dir: str, name: str, dim: int, image_size: int, mean: Sequence[float],
                   std: Sequence[float], context_length: int, tokenizer_file: str) -> None:
    manifest = {
        "format": FORMAT_VERSION,
        "name": name,
        "dim": int(dim),
        "image": {"size": int(image_size), "resize": "shortest", "interpolation": "bicubic",
                  "crop": "center", "mean": [float(m) for m in mean], "std": [float(s) for s in std]},
        "text": {"context_length": int(context_length), "tokenizer": tokenizer_file},
    }
    with open(os.path.join(out_dir, MANIFEST), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def save_script(module: nn.Module, path: str) -> None:
    scripted = torch.jit.script(module.eval())
    torch.jit.save(scripted, path)


def write_package(clip: nn.Module, out_dir: str, name: str, image_size: int, mean: Sequence[float],
                  std: Sequence[float], tokenizer_file: str) -> None:
    """Scripts the two towers of an OpenAI-layout CLIP and writes the package (the tokenizer file
    named `tokenizer_file` must be written by the caller)."""
    os.makedirs(out_dir, exist_ok=True)
    with torch.no_grad():
        text, image = TextTower(clip), ImageTower(clip)
        save_script(text, os.path.join(out_dir, "text.pt"))
        save_script(image, os.path.join(out_dir, "image.pt"))
    write_manifest(out_dir, name, text.text_projection.shape[1], image_size, mean, std,
                   text.context_length, tokenizer_file)


def pad(ids: Sequence[int], length: int) -> List[int]:
    return list(ids) + [0] * (length - len(ids))


def check_package(out_dir: str, tokenizer: BpeTokenizer, texts: Sequence[str],
                  reference_text: Optional[Callable[[Tensor], Tensor]] = None,
                  reference_image: Optional[Callable[[Tensor], Tensor]] = None,
                  atol: float = 1e-5) -> None:
    """Loads the saved TorchScript and checks length flexibility, batching and (optionally)
    agreement with the source model, which receives 77-long padded ids like OpenAI's code."""
    with open(os.path.join(out_dir, MANIFEST), encoding="utf-8") as f:
        manifest = json.load(f)
    ctx, size, dim = manifest["text"]["context_length"], manifest["image"]["size"], manifest["dim"]
    text = torch.jit.load(os.path.join(out_dir, "text.pt"))
    image = torch.jit.load(os.path.join(out_dir, "image.pt"))
    ids = [tokenizer.tokenize(t, ctx) for t in texts]
    worst = 0.0
    with torch.no_grad():
        singles = [text(torch.tensor([i])) for i in ids]
        for i, v in zip(ids, singles):
            assert v.shape == (1, dim), v.shape
            full = text(torch.tensor([pad(i, ctx)]))
            worst = max(worst, (v - full).abs().max().item())
            if reference_text is not None:
                ref = reference_text(torch.tensor([pad(i, ctx)])).float()
                diff = (v - ref).abs().max().item() / max(1.0, ref.abs().max().item())
                assert diff < 1e-4, f"text tower differs from the source model by {diff}"
        longest = max(len(i) for i in ids)
        batch = text(torch.tensor([pad(i, longest) for i in ids]))
        worst = max(worst, (batch - torch.cat(singles)).abs().max().item())
        assert worst < atol, f"text vectors depend on padding/batching (max diff {worst})"
        print(f"  text tower: L=real vs L={ctx} vs batched agree within {worst:.2e} "
              f"(lengths {[len(i) for i in ids]})")
        if hasattr(text, "use_bfloat16"):
            half = torch.jit.load(os.path.join(out_dir, "text.pt"))
            half.use_bfloat16()
            cos = min(F.cosine_similarity(half(torch.tensor([i])), v).item() for i, v in zip(ids, singles))
            assert cos > 0.999, f"bfloat16 text vectors drift from float32 ones (cosine {cos})"
            print(f"  text tower in bfloat16: cosine to float32 >= {cos:.6f}")

        torch.manual_seed(1234)
        pixels = torch.randn(3, 3, size, size)
        out = image(pixels)
        assert out.shape == (3, dim), out.shape
        one = image(pixels[1:2])
        diff = (out[1:2] - one).abs().max().item()
        assert diff < atol, f"image vectors depend on the batch (max diff {diff})"
        if reference_image is not None:
            ref = reference_image(pixels).float()
            rdiff = (out - ref).abs().max().item() / max(1.0, ref.abs().max().item())
            assert rdiff < 1e-4, f"image tower differs from the source model by {rdiff}"
            print(f"  towers match the source model (text and image within 1e-4 relative)")
        print(f"  image tower: [3,3,{size},{size}] -> {list(out.shape)}, batch of 1 agrees within {diff:.2e}")


def zip_package(out_dir: str) -> str:
    path = out_dir.rstrip("/") + ".zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name in sorted(os.listdir(out_dir)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            with open(os.path.join(out_dir, name), "rb") as f:
                z.writestr(info, f.read())
    return path


def copy_openai_vocab(src: str, out_dir: str, vocab_size: int) -> BpeTokenizer:
    """Writes the first vocab_size - 514 merges of src (see the module docstring)."""
    wanted = vocab_size - 512 - 2
    merges = read_merges(src, wanted)
    if len(merges) != wanted:
        raise SystemExit(f"{src} has {len(merges)} merges, the model needs {wanted}")
    write_merges(os.path.join(out_dir, OPENAI_VOCAB_FILE), merges)
    return BpeTokenizer(merges)


CHECK_TEXTS = ["a photo of a red shirt", "Gold faucet", "", "don't buy the chrome one, it's $129.99!"]


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------

def export_openai(args) -> None:
    ref_text = ref_image = None
    if os.path.isfile(args.source):
        try:  # OpenAI's downloads are TorchScript archives; state-dict checkpoints also work
            sd = torch.jit.load(args.source, map_location="cpu").state_dict()
        except RuntimeError:
            sd = torch.load(args.source, map_location="cpu")
            sd = sd.get("state_dict", sd)
        model = clip_from_openai_state_dict(sd)
        name = args.name or "openai/" + os.path.splitext(os.path.basename(args.source))[0]
    else:
        try:
            import clip  # noqa: F401  (openai/CLIP)
        except ImportError:
            raise SystemExit("`--from openai NAME` needs the clip package "
                             "(pip install git+https://github.com/openai/CLIP); or pass a .pt path")
        model, _ = clip.load(args.source, device="cpu", jit=False)
        model = model.float().eval()
        name = args.name or "openai/" + args.source.replace("/", "-")
    ref_text, ref_image = model.encode_text, model.encode_image
    vocab = args.tokenizer or _package_vocab("clip")
    _finish(args, model, name, model.visual.input_resolution, OPENAI_MEAN, OPENAI_STD,
            lambda out: copy_openai_vocab(vocab, out, model.token_embedding.num_embeddings),
            OPENAI_VOCAB_FILE, ref_text, ref_image)


def export_open_clip(args) -> None:
    try:
        import open_clip
    except ImportError:
        raise SystemExit("`--from open_clip` needs open_clip (pip install open_clip_torch)")
    if not args.pretrained:
        raise SystemExit("--from open_clip needs --pretrained TAG")
    model, _, _ = open_clip.create_model_and_transforms(args.source, pretrained=args.pretrained, device="cpu")
    model = model.float().eval()
    if type(open_clip.get_tokenizer(args.source)).__name__ != "SimpleTokenizer":
        raise _unsupported("open_clip model with a non-CLIP tokenizer")
    size = model.visual.image_size
    size = size[0] if isinstance(size, (tuple, list)) else size
    mean = getattr(model.visual, "image_mean", None) or OPENAI_MEAN
    std = getattr(model.visual, "image_std", None) or OPENAI_STD
    cfg = getattr(model.visual, "preprocess_cfg", {}) or {}
    for key, expected in (("resize_mode", "shortest"), ("interpolation", "bicubic")):
        if cfg.get(key, expected) != expected:
            print(f"warning: the checkpoint preprocesses with {key}={cfg[key]!r}; the package "
                  f"declares {expected!r}", file=sys.stderr)
    vocab = args.tokenizer or _package_vocab("open_clip")
    _finish(args, model, args.name or f"open_clip/{args.source}/{args.pretrained}", size, mean, std,
            lambda out: copy_openai_vocab(vocab, out, model.token_embedding.num_embeddings),
            OPENAI_VOCAB_FILE, model.encode_text, model.encode_image)


def export_hf(args) -> None:
    try:
        from transformers import CLIPImageProcessor, CLIPModel, CLIPTokenizerFast
    except ImportError:
        raise SystemExit("`--from hf` needs transformers (pip install transformers tokenizers)")
    hf = CLIPModel.from_pretrained(args.source).float().eval()
    processor = CLIPImageProcessor.from_pretrained(args.source)
    fast = CLIPTokenizerFast.from_pretrained(args.source)
    vocab_size = hf.config.text_config.vocab_size
    if (fast.bos_token_id, fast.eos_token_id) != (vocab_size - 2, vocab_size - 1):
        raise _unsupported("vocabulary whose start/end tokens are not its last two ids")
    crop = processor.crop_size
    size = crop["height"] if isinstance(crop, dict) else crop
    model = clip_from_hf(hf)

    def tokenizer_json(out: str) -> BpeTokenizer:
        with tempfile.TemporaryDirectory() as tmp:
            fast.save_pretrained(tmp)
            shutil.copy(os.path.join(tmp, "tokenizer.json"), os.path.join(out, "tokenizer.json"))
            merges = read_merges(os.path.join(tmp, "merges.txt")) if os.path.exists(
                os.path.join(tmp, "merges.txt")) else None
        if merges is None:
            raise SystemExit("cannot rebuild the BPE for the self-checks (no merges.txt)")
        return BpeTokenizer(merges[:vocab_size - 514])

    def ref_text(ids: Tensor) -> Tensor:  # mask everything after the eot token (id 0 is a real token)
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        return hf.get_text_features(input_ids=ids, attention_mask=(positions <= ids.argmax(-1, keepdim=True)).long())

    _finish(args, model, args.name or f"hf/{args.source}", size, processor.image_mean, processor.image_std,
            tokenizer_json, "tokenizer.json", ref_text,
            lambda px: hf.get_image_features(pixel_values=px))


def export_random(args) -> None:
    model = random_clip(args.random, seed=args.seed)
    if args.tokenizer:
        tokenizer_writer = lambda out: copy_openai_vocab(args.tokenizer, out, model.vocab_size)  # noqa: E731
        tok_file = OPENAI_VOCAB_FILE
    else:
        # No real vocabulary given: write the fixtures' tiny one. Its ids are all < 49408, and the
        # eot token is still the largest id, so the tower pools correctly.
        sys.dont_write_bytecode = True
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from make_fixtures import TINY_VOCAB_FILE, tiny_merges

        def tokenizer_writer(out: str) -> BpeTokenizer:
            merges = tiny_merges()
            write_merges(os.path.join(out, TINY_VOCAB_FILE), merges)
            return BpeTokenizer(merges)
        tok_file = TINY_VOCAB_FILE
    tokenizer = _finish(args, model, args.name or f"random/{args.random}/seed{args.seed}",
                        model.visual.input_resolution, OPENAI_MEAN, OPENAI_STD, tokenizer_writer, tok_file,
                        model.encode_text, model.encode_image)
    if args.checkpoint_out:
        write_open_clip_repo(model, tokenizer, args.checkpoint_out)


def write_open_clip_repo(model: CLIP, tokenizer: BpeTokenizer, out_dir: str, quick_gelu: bool = True) -> None:
    """The model as open_clip publishes on the Hub: open_clip_config.json, open_clip_pytorch_model.bin
    (torch.save of the state dict: this CLIP class has OpenAI's, and so open_clip's, parameter names),
    and the tokenizer as Hugging Face's vocab.json + merges.txt."""
    os.makedirs(out_dir, exist_ok=True)
    v, t = model.visual, model.transformer
    cfg = {
        "model_cfg": {
            "embed_dim": int(model.text_projection.shape[1]),
            "quick_gelu": quick_gelu,
            "vision_cfg": {"image_size": v.input_resolution, "layers": len(v.transformer.resblocks),
                           "width": int(v.conv1.out_channels), "patch_size": int(v.conv1.kernel_size[0]),
                           "head_width": int(v.conv1.out_channels) // v.transformer.resblocks[0].attn.num_heads},
            "text_cfg": {"context_length": model.context_length, "vocab_size": model.vocab_size,
                         "width": t.width, "heads": t.resblocks[0].attn.num_heads, "layers": t.layers},
        },
        "preprocess_cfg": {"mean": OPENAI_MEAN, "std": OPENAI_STD, "interpolation": "bicubic",
                           "resize_mode": "shortest"},
    }
    with open(os.path.join(out_dir, "open_clip_config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    state = OrderedDict((k, w.detach().clone().contiguous()) for k, w in model.state_dict().items())
    torch.save(state, os.path.join(out_dir, "open_clip_pytorch_model.bin"))
    # the same tensors as safetensors, which loaders prefer where both are published (as on the Hub)
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_hub_fixtures import write_safetensors
    write_safetensors(os.path.join(out_dir, "open_clip_model.safetensors"), state)
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer.encoder, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(["#version: 0.2"] + [f"{a} {b}" for a, b in tokenizer.merges]) + "\n")
    print(f"wrote {out_dir}: {', '.join(sorted(os.listdir(out_dir)))}")


def _package_vocab(package: str) -> str:
    try:
        mod = __import__(package)
    except ImportError:
        raise SystemExit(f"no vocabulary: pass --tokenizer PATH/{OPENAI_VOCAB_FILE}")
    return os.path.join(os.path.dirname(mod.__file__), OPENAI_VOCAB_FILE)


def _finish(args, model, name, image_size, mean, std, tokenizer_writer, tokenizer_file,
            ref_text, ref_image) -> None:
    out = args.out
    os.makedirs(out, exist_ok=True)
    tokenizer = tokenizer_writer(out)
    write_package(model, out, name, image_size, mean, std, tokenizer_file)
    print(f"wrote {out}: {', '.join(sorted(os.listdir(out)))}")
    if not args.no_check:
        check_package(out, tokenizer, CHECK_TEXTS, ref_text, ref_image)
    if args.zip:
        print(f"wrote {zip_package(out)}")
    return tokenizer


def main(argv: Optional[Sequence[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="See the module docstring for examples.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--from", dest="kind", choices=["openai", "open_clip", "hf"],
                     help="checkpoint family; the positional SOURCE names the checkpoint")
    src.add_argument("--random", choices=sorted(k for k in PRESETS if k != "tiny"),
                     help="randomly initialised CLIP of this shape (benchmarks)")
    p.add_argument("source", nargs="?", help="model name, hub id or path (with --from)")
    p.add_argument("--pretrained", help="open_clip pretrained tag, e.g. laion2b_s34b_b79k")
    p.add_argument("--out", required=True, help="package directory to write")
    p.add_argument("--name", help="display name written to lookalike-model.json")
    p.add_argument("--tokenizer", help=f"path to OpenAI's {OPENAI_VOCAB_FILE} (openai/random)")
    p.add_argument("--seed", type=int, default=0, help="seed for --random (default 0)")
    p.add_argument("--zip", action="store_true", help="also write OUT.zip")
    p.add_argument("--no-check", action="store_true", help="skip the numeric self-checks")
    p.add_argument("--checkpoint-out", help="with --random: also write the weights as an open_clip Hub repo here")
    args = p.parse_args(argv)
    if args.checkpoint_out and not args.random:
        p.error("--checkpoint-out goes with --random")
    if args.kind and not args.source:
        p.error("--from needs a SOURCE")
    torch.set_num_threads(min(4, torch.get_num_threads()))
    if args.random:
        export_random(args)
    else:
        {"openai": export_openai, "open_clip": export_open_clip, "hf": export_hf}[args.kind](args)


if __name__ == "__main__":
    main()
