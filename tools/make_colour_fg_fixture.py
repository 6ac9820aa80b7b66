#!/usr/bin/env python3
"""Generate colour-fg-clip, the colour fixture model that looks at the garment, not the backdrop.

    /usr/bin/python3 tools/make_colour_fg_fixture.py

writes src/test/resources/models/colour-fg-clip/ (package format, like colour-clip; see the README.md
there). Its text tower is colour-clip's, and its image tower maps a colour to the same 8 axes, but the
colour it maps is not a photo's plain average: each pixel is weighted by how far it is from a white or
near-white backdrop, a little more when it is saturated, and much less when it has the colour of skin.
On shop photos (a garment, often worn, on white) the vector then measures the garment's colour.
tools/make_fixtures.py (which this reuses) is left alone, so colour-clip stays byte for byte as it is.

Seeded and deterministic like make_fixtures.py; the script checks what it wrote by loading it again.
"""

import os
import sys

import torch
from torch import Tensor, nn

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_clip as ec  # noqa: E402
import make_fixtures as mf  # noqa: E402

NAME = "colour-fg-clip"

# A pixel whose darkest channel is above BACKDROP is backdrop-white; the weight falls from 1 to 0 around
# it over about 2/SHARPNESS (a logistic step, so JPEG noise on the backdrop does not flicker in and out).
BACKDROP, SHARPNESS = 0.88, 40.0
# Weight × (1 + SATURATION · (max − min)): among garment pixels, coloured ones count up to three times
# as much as grey shading. Mild on purpose: black and grey garments have no saturation at all.
SATURATION = 2.0
# Skin: r > g > b, both steps at least 15% of the spread, HSV saturation 0.12 to 0.65, value above 0.3.
# Its pixels keep 10% of their weight (a model's face and arms would otherwise tint every garment).
SKIN_KEEP = 0.1
SKIN_SAT_MIN, SKIN_SAT_MAX, SKIN_VALUE_MIN, SKIN_STEP = 0.12, 0.65, 0.3, 0.15


class ForegroundColourImageTower(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).reshape(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std).reshape(1, 3, 1, 1))
        plain = mf.ColourImageTower(mean, std)  # the same affine map from a colour to the 8 axes
        self.register_buffer("axes", plain.axes.clone())
        self.register_buffer("offset", plain.offset.clone())
        self.backdrop, self.sharpness, self.saturation = BACKDROP, SHARPNESS, SATURATION
        self.skin_keep, self.skin_step = SKIN_KEEP, SKIN_STEP
        self.skin_sat_min, self.skin_sat_max, self.skin_value_min = SKIN_SAT_MIN, SKIN_SAT_MAX, SKIN_VALUE_MIN

    def forward(self, pixel_values: Tensor) -> Tensor:
        rgb = (pixel_values * self.std + self.mean).clamp(0.0, 1.0)  # undo Normalize
        r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
        hi = rgb.amax(dim=1)
        lo = rgb.amin(dim=1)
        spread = hi - lo
        weight = torch.sigmoid((self.backdrop - lo) * self.sharpness) * (1.0 + self.saturation * spread)
        step = spread.clamp(min=1e-3) * self.skin_step
        hsv_s = spread / hi.clamp(min=1e-3)
        skin = (r - g > step) & (g - b > step) & (hsv_s > self.skin_sat_min) \
            & (hsv_s < self.skin_sat_max) & (hi > self.skin_value_min)
        weight = weight * torch.where(skin, torch.full_like(weight, self.skin_keep), torch.ones_like(weight))
        total = weight.sum(dim=[1, 2]).clamp(min=1e-6)
        colour = (rgb * weight.unsqueeze(1)).sum(dim=[2, 3]) / total.unsqueeze(1)
        return torch.matmul(colour, self.axes) + self.offset


def worn(garment, w: int = 48, h: int = 40):
    """A garment on a white backdrop, a skin-coloured face and arm beside it: what shop photos show."""
    skin = (224, 172, 140)

    def painter(x, y, width, height):
        if 18 <= x < 30 and 3 <= y < 11:
            return skin
        if 14 <= x < 34 and 11 <= y < 34:
            return garment
        if 34 <= x < 37 and 13 <= y < 30:
            return skin
        return (250, 250, 250)
    return mf.paint(w, h, painter)


def check(out: str, tokenizer: ec.BpeTokenizer) -> None:
    """The properties the tests rely on, through the saved files and the reference preprocessing."""
    text = torch.jit.load(os.path.join(out, "text.pt"))
    image = torch.jit.load(os.path.join(out, "image.pt"))
    plain = torch.jit.load(os.path.join(mf.OUT, "colour-clip", "image.pt"))
    size = mf.COLOUR_IMAGE_SIZE
    palette = ["red", "green", "blue", "yellow", "purple", "black", "white", "grey", "orange", "navy", "brown"]
    plain_text = torch.jit.load(os.path.join(mf.OUT, "colour-clip", "text.pt"))
    with torch.no_grad():
        for t in mf.TEXTS:
            ids = torch.tensor([tokenizer.tokenize(t)])
            assert torch.equal(text(ids), plain_text(ids)), f"text tower differs from colour-clip's on {t!r}"
        # a solid photo has one colour: both towers give the same vector
        solids = torch.stack([mf.preprocess(mf.paint(48, 40, mf._solid(mf.COLOURS[c])), size) for c in palette])
        assert (image(solids) - plain(solids)).abs().max() < 1e-4, "solid photos must match colour-clip"
        # a garment worn on white: named by its colour here, paled by the backdrop in colour-clip
        words = torch.cat([text(torch.tensor([tokenizer.tokenize(w)])) for w in palette])
        photos = torch.stack([mf.preprocess(worn(mf.COLOURS[c]), size) for c in palette if c != "white"])
        names = [c for c in palette if c != "white"]
        fg_best = [palette[int(i)] for i in mf.cosine(image(photos), words).argmax(dim=1)]
        plain_best = [palette[int(i)] for i in mf.cosine(plain(photos), words).argmax(dim=1)]
        assert fg_best == names, f"worn garments named {fg_best}, expected {names}"
        assert plain_best != names, "colour-clip should be fooled by the backdrop, or this fixture is pointless"
        white = image(mf.preprocess(mf.paint(48, 40, mf._solid((250, 250, 250))), size).unsqueeze(0))
        best_white = palette[int(mf.cosine(white, words).argmax())]
        assert best_white == "white", f"an empty white photo is {best_white}"
    print(f"  meaning: texts and solid photos as colour-clip; {len(names)} worn garments named by their colour "
          f"(colour-clip: {plain_best})")


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"  # byte-identical .pt files from run to run (see make_fixtures.py)
        os.execv(sys.executable, [sys.executable] + sys.argv)
    torch.set_num_threads(2)
    merges = mf.tiny_merges()
    tokenizer = ec.BpeTokenizer(merges)
    out = os.path.join(mf.OUT, NAME)
    os.makedirs(out, exist_ok=True)
    mf.write_tokenizer(out, merges)
    ec.save_script(mf.ColourTextTower(mf.colour_table(tokenizer)), os.path.join(out, "text.pt"))
    ec.save_script(ForegroundColourImageTower(ec.OPENAI_MEAN, ec.OPENAI_STD), os.path.join(out, "image.pt"))
    ec.write_manifest(out, NAME, mf.COLOUR_DIM, mf.COLOUR_IMAGE_SIZE, ec.OPENAI_MEAN, ec.OPENAI_STD,
                      mf.CONTEXT_LENGTH, mf.TINY_VOCAB_FILE)
    print(f"{NAME}:")
    ec.check_package(out, tokenizer, mf.TEXTS)
    check(out, tokenizer)
    for file in sorted(os.listdir(out)):
        path = os.path.join(out, file)
        print(f"  {os.path.relpath(path, mf.ROOT)}  {os.path.getsize(path):>7}  {mf.sha256(path)[:16]}")


if __name__ == "__main__":
    main()
