#!/usr/bin/python3
"""Generate the image fixtures and golden CLIP tensors under src/test/resources/images/.

The golden tensors are what the Python reference (Pillow + torchvision, the transform CLIP ships with)
produces, so the Java decoder and preprocessor can be checked against it without Python at test time.
Run with Debian's interpreter, which has Pillow, numpy, torch and torchvision:

    /usr/bin/python3 tools/make_image_fixtures.py

Everything is deterministic (fixed seeds, no timestamps), so rerunning it rewrites identical files
unless the Pillow/torchvision versions change; the versions used are recorded in expected.json.
"""

import hashlib
import io
import json
import pathlib
import struct
import zlib

import numpy as np
import PIL
import torch
import torchvision
from PIL import Image, ImageDraw, ImageOps, features
from torchvision.transforms import CenterCrop, Compose, InterpolationMode, Normalize, Resize, ToTensor

OUT = pathlib.Path(__file__).resolve().parent.parent / "src" / "test" / "resources" / "images"
MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def photo_like(width, height, seed):
    """Gradients, a few hard-edged shapes and mild noise: exercises both smooth and ringing regions."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 255 * x / max(width - 1, 1)
    g = 255 * y / max(height - 1, 1)
    b = 128 + 100 * np.sin(x / 9.0) * np.cos(y / 13.0)
    base = np.stack([r, g, b], axis=-1) + rng.normal(0, 6, size=(height, width, 3))
    im = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(im)
    for _ in range(6):
        x0, y0 = rng.randint(0, width), rng.randint(0, height)
        x1, y1 = x0 + rng.randint(3, max(4, width // 3)), y0 + rng.randint(3, max(4, height // 3))
        colour = tuple(int(c) for c in rng.randint(0, 256, size=3))
        if rng.rand() < 0.5:
            draw.rectangle([x0, y0, x1, y1], fill=colour)
        else:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
    draw.line([0, 0, width - 1, height - 1], fill=(255, 255, 255), width=1)
    return im


def quadrants(width, height, colours):
    """Four solid quadrants (top-left, top-right, bottom-left, bottom-right): orientation is easy to see."""
    im = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(im)
    hw, hh = width // 2, height // 2
    draw.rectangle([0, 0, hw - 1, hh - 1], fill=colours[0])
    draw.rectangle([hw, 0, width - 1, hh - 1], fill=colours[1])
    draw.rectangle([0, hh, hw - 1, height - 1], fill=colours[2])
    draw.rectangle([hw, hh, width - 1, height - 1], fill=colours[3])
    return im


QUAD_COLOURS = [(220, 30, 30), (30, 200, 40), (30, 40, 220), (240, 220, 30)]


def clip_transform(size, interpolation):
    return Compose([
        Resize(size, interpolation=interpolation),
        CenterCrop(size),
        lambda im: im.convert("RGB"),
    ]), Compose([ToTensor(), Normalize(MEAN, STD)])


def write_golden(name, im, size, interpolation, suffix=""):
    """Writes NAME.sSIZE.u8 (the 8-bit crop, HWC) and NAME.sSIZE.f32 (the normalised CHW tensor)."""
    geometric, tensor = clip_transform(size, interpolation)
    crop = geometric(im)
    (OUT / f"{name}.s{size}{suffix}.u8").write_bytes(np.asarray(crop, dtype=np.uint8).tobytes())
    t = tensor(crop).numpy().astype("<f4")
    assert t.shape == (3, size, size)
    (OUT / f"{name}.s{size}{suffix}.f32").write_bytes(t.tobytes())


def composite_on_white(rgba):
    """Integer alpha compositing on white, rounded: the rule the Java decoder documents."""
    a = np.asarray(rgba, dtype=np.int64)
    alpha = a[..., 3:4]
    rgb = (a[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255
    return rgb.astype(np.uint8)


def samples(rgb_array, points):
    """[{x, y, rgb}] at the given points of an HxWx3 array."""
    return [{"x": x, "y": y, "rgb": [int(v) for v in rgb_array[y, x]]} for x, y in points]


def corner_points(width, height, inset):
    return [(inset, inset), (width - 1 - inset, inset), (inset, height - 1 - inset),
            (width - 1 - inset, height - 1 - inset)]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def raw_png(width, height, bit_depth, colour_type, rows):
    """A PNG written by hand, for what Pillow cannot write (16-bit RGB) or must not (a bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(rows, 9))
            + png_chunk(b"IEND", b""))


def riff_chunks(webp):
    """[(fourcc, payload)] of a WebP file's top-level chunks."""
    assert webp[:4] == b"RIFF" and webp[8:12] == b"WEBP"
    chunks, at = [], 12
    while at + 8 <= len(webp):
        kind, size = webp[at:at + 4], struct.unpack("<I", webp[at + 4:at + 8])[0]
        chunks.append((kind, webp[at + 8:at + 8 + size]))
        at += 8 + size + (size & 1)
    return chunks


def riff_chunk(kind, payload):
    return kind + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) & 1 else b"")


def u24(v):
    return struct.pack("<I", v)[:3]


def animated_webp(canvas, frames):
    """An animated WebP written by hand, so the first frame can be a sub-rectangle at an offset (Pillow's
    encoder would choose its own). frames: [(x, y, still WebP file)]; each still's ALPH and VP8/VP8L chunks
    become the frame's data; frames blend, are not disposed, last 100 ms."""
    width, height = canvas
    body = riff_chunk(b"VP8X", bytes([0x10 | 0x02, 0, 0, 0]) + u24(width - 1) + u24(height - 1))
    body += riff_chunk(b"ANIM", struct.pack("<IH", 0xFFFFFFFF, 0))
    for x, y, still in frames:
        inner = [(k, v) for k, v in riff_chunks(still) if k in (b"ALPH", b"VP8 ", b"VP8L")]
        fw, fh = Image.open(io.BytesIO(still)).size
        header = u24(x // 2) + u24(y // 2) + u24(fw - 1) + u24(fh - 1) + u24(100) + bytes([0])
        body += riff_chunk(b"ANMF", header + b"".join(riff_chunk(k, v) for k, v in inner))
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def pillow_rgb(data):
    """What Pillow decodes (first frame), as the app's RGB: alpha composited on white. (mode, HxWx3 array)"""
    im = Image.open(io.BytesIO(data))
    im.load()
    rgb = composite_on_white(im) if im.mode == "RGBA" else np.asarray(im.convert("RGB"))
    return im.mode, rgb


def save_bytes(im, fmt, **kwargs):
    buf = io.BytesIO()
    im.save(buf, fmt, **kwargs)
    return buf.getvalue()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    expected = {
        "generator": "tools/make_image_fixtures.py",
        "versions": {"pillow": PIL.__version__, "torch": torch.__version__,
                     "torchvision": torchvision.__version__, "libwebp": features.version("webp")},
        "mean": MEAN, "std": STD,
        "golden": [], "decode": {},
    }

    # --- Golden tensors for the preprocessing: lossless PNG sources so decoding cannot differ.
    sources = {
        "photo_320x240": photo_like(320, 240, 1),
        "portrait_181x257": photo_like(181, 257, 2),
        "tiny_20x12": photo_like(20, 12, 3),
    }
    for name, im in sources.items():
        (OUT / f"{name}.png").write_bytes(save_bytes(im, "PNG", optimize=True))
        for size in (224, 32):
            write_golden(name, im, size, InterpolationMode.BICUBIC)
            expected["golden"].append({"image": f"{name}.png", "size": size, "interpolation": "bicubic",
                                       "u8": f"{name}.s{size}.u8", "f32": f"{name}.s{size}.f32"})
    for name in ("photo_320x240", "portrait_181x257"):
        write_golden(name, sources[name], 32, InterpolationMode.BILINEAR, suffix=".bilinear")
        expected["golden"].append({"image": f"{name}.png", "size": 32, "interpolation": "bilinear",
                                   "u8": f"{name}.s32.bilinear.u8", "f32": f"{name}.s32.bilinear.f32"})

    # Every sample value through ToTensor + Normalize alone: pins the float32 arithmetic per channel.
    ramp = Image.fromarray(np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 3, axis=2), "RGB")
    _, tensor = clip_transform(1, InterpolationMode.BICUBIC)
    (OUT / "normalisation.f32").write_bytes(tensor(ramp).numpy().astype("<f4").tobytes())
    expected["normalisation"] = "normalisation.f32"

    decode = expected["decode"]

    def expect(file_name, data, fmt, image_rgb, points, tolerance):
        (OUT / file_name).write_bytes(data)
        h, w = image_rgb.shape[:2]
        decode[file_name] = {"format": fmt, "width": w, "height": h, "tolerance": tolerance,
                             "pixels": samples(image_rgb, points)}

    # --- EXIF orientation: a 60x40 quadrant image stored in each of the 8 EXIF orientations.
    quad = quadrants(60, 40, QUAD_COLOURS)
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[0x0112] = orientation
        data = save_bytes(quad, "JPEG", quality=95, exif=exif.tobytes())
        upright = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))
        h, w = upright.shape[:2]
        expect(f"exif_orientation_{orientation}.jpg", data, "jpeg", upright, corner_points(w, h, 4), 12)

    # --- JPEG variants.
    photo = sources["photo_320x240"]
    baseline = save_bytes(quad, "JPEG", quality=95)
    expect("quadrants.jpg", baseline, "jpeg", np.asarray(Image.open(io.BytesIO(baseline)).convert("RGB")),
           corner_points(60, 40, 4), 12)
    progressive = save_bytes(quad, "JPEG", quality=95, progressive=True)
    expect("progressive.jpg", progressive, "jpeg",
           np.asarray(Image.open(io.BytesIO(progressive)).convert("RGB")), corner_points(60, 40, 4), 12)
    grey_jpeg = save_bytes(quad.convert("L"), "JPEG", quality=95)
    expect("greyscale.jpg", grey_jpeg, "jpeg", np.asarray(Image.open(io.BytesIO(grey_jpeg)).convert("RGB")),
           corner_points(60, 40, 4), 12)
    # Pillow converts RGB to CMYK naively and the Java side goes through a CMYK ICC profile, so the
    # colours only agree roughly: the test checks which channel dominates, with a wide tolerance here.
    cmyk = save_bytes(quad.convert("CMYK"), "JPEG", quality=95)
    expect("cmyk.jpg", cmyk, "jpeg", np.asarray(quad), corner_points(60, 40, 4), 80)

    # --- PNG variants.
    rgba = Image.new("RGBA", (48, 32), (0, 0, 0, 0))
    ImageDraw.Draw(rgba).rectangle([0, 0, 23, 31], fill=(200, 20, 20, 255))
    ImageDraw.Draw(rgba).rectangle([24, 0, 47, 15], fill=(20, 20, 200, 128))
    expect("rgba.png", save_bytes(rgba, "PNG"), "png", composite_on_white(rgba),
           corner_points(48, 32, 2) + [(30, 8)], 0)

    grey = quad.convert("L")
    expect("greyscale.png", save_bytes(grey, "PNG"), "png", np.asarray(grey.convert("RGB")),
           corner_points(60, 40, 2), 0)

    la = Image.merge("LA", (grey, Image.fromarray(
        np.tile(np.linspace(0, 255, 60).astype(np.uint8), (40, 1)), "L")))
    expect("grey_alpha.png", save_bytes(la, "PNG"), "png", composite_on_white(la.convert("RGBA")),
           corner_points(60, 40, 2) + [(30, 20)], 0)

    # 16-bit RGB (Pillow cannot write it): the reference value of a sample is its high byte, which is
    # what Pillow keeps when it opens such a file.
    rng = np.random.RandomState(16)
    rgb16 = rng.randint(0, 65536, size=(20, 30, 3)).astype(">u2")
    rows = b"".join(b"\x00" + rgb16[y].tobytes() for y in range(20))
    expect("rgb16.png", raw_png(30, 20, 16, 2, rows), "png", (rgb16 >> 8).astype(np.uint8),
           corner_points(30, 20, 0) + [(13, 7)], 0)

    grey16 = (np.arange(30 * 20, dtype=np.uint32).reshape(20, 30) * 109).astype(">u2")
    rows = b"".join(b"\x00" + grey16[y].tobytes() for y in range(20))
    grey16_rgb = np.repeat((grey16 >> 8).astype(np.uint8)[..., None], 3, axis=2)
    expect("grey16.png", raw_png(30, 20, 16, 0, rows), "png", grey16_rgb, corner_points(30, 20, 0), 0)

    palette = quad.convert("P", palette=Image.ADAPTIVE, colors=4)
    transparent_index = palette.getpixel((0, 0))
    palette_data = save_bytes(palette, "PNG", transparency=transparent_index)
    palette_rgba = Image.open(io.BytesIO(palette_data)).convert("RGBA")
    expect("palette_transparent.png", palette_data, "png", composite_on_white(palette_rgba),
           corner_points(60, 40, 2), 0)

    # --- WebP.
    if features.check("webp"):
        lossless = save_bytes(quad, "WEBP", lossless=True)
        expect("lossless.webp", lossless, "webp", np.asarray(quad), corner_points(60, 40, 2), 0)
        lossy = save_bytes(quad, "WEBP", quality=90)
        expect("lossy.webp", lossy, "webp", np.asarray(Image.open(io.BytesIO(lossy)).convert("RGB")),
               corner_points(60, 40, 4), 12)
        webp_alpha = save_bytes(rgba, "WEBP", lossless=True)
        expect("alpha.webp", webp_alpha, "webp", composite_on_white(rgba), corner_points(48, 32, 2), 0)
        # Lossy colour with a lossless alpha plane (VP8X + ALPH + VP8), the usual shop WebP with transparency.
        lossy_alpha = save_bytes(rgba, "WEBP", quality=90)
        expect("lossy_alpha.webp", lossy_alpha, "webp", pillow_rgb(lossy_alpha)[1], corner_points(48, 32, 2), 12)
        # Animated: a 30x20 first frame at (6, 4) of a 48x32 canvas (the rest transparent, so white), then
        # a full green frame that must not show.
        first_frame = save_bytes(quadrants(30, 20, QUAD_COLOURS[::-1]).convert("RGBA"), "WEBP", quality=90)
        green = save_bytes(Image.new("RGBA", (48, 32), (30, 200, 40, 255)), "WEBP", lossless=True)
        animated = animated_webp((48, 32), [(6, 4, first_frame), (0, 0, green)])
        assert Image.open(io.BytesIO(animated)).n_frames == 2
        mode, first = pillow_rgb(animated)
        assert (first[0:4, :] == 255).all() and (first[:, 0:6] == 255).all(), "outside the first frame is white"
        expect("animated.webp", animated, "webp", first, [(1, 1), (10, 7), (28, 8), (10, 20), (28, 20), (46, 30)], 12)
        # Pillow's pixels of every WebP, byte for byte: the libwebp path must reproduce them exactly.
        webp_pillow = expected["webp_pillow"] = {}
        for name in ("lossless.webp", "lossy.webp", "alpha.webp", "lossy_alpha.webp", "animated.webp"):
            mode, rgb = pillow_rgb((OUT / name).read_bytes())
            h, w = rgb.shape[:2]
            webp_pillow[name] = {"pillow_mode": mode, "width": w, "height": h,
                                 "rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
                                 "pixels": samples(rgb, [(0, 0), (w // 3, h // 3), (w // 2, h // 2),
                                                         (2 * w // 3, 2 * h // 3), (w - 1, h - 1)])}
    else:
        raise SystemExit("this Pillow has no WebP support; install python3-pil with libwebp")

    # --- GIF: two frames; the first has a transparent corner which must come out white.
    frame1 = Image.new("P", (40, 30), 0)
    frame1.putpalette([255, 255, 255, 200, 30, 30, 30, 30, 200] + [0] * (253 * 3))
    ImageDraw.Draw(frame1).rectangle([0, 0, 19, 29], fill=1)
    ImageDraw.Draw(frame1).rectangle([20, 15, 39, 29], fill=2)
    frame2 = Image.new("P", (40, 30), 2)
    frame2.putpalette(frame1.getpalette())
    gif = save_bytes(frame1, "GIF", save_all=True, append_images=[frame2], transparency=0, duration=100,
                     loop=0)
    first = composite_on_white(Image.open(io.BytesIO(gif)).convert("RGBA"))  # frame 0
    assert (first[0:15, 20:40] == 255).all(), "index 0 should be transparent, so white"
    expect("animated.gif", gif, "gif", first, corner_points(40, 30, 1), 0)

    # --- BMP.
    expect("quadrants.bmp", save_bytes(quad, "BMP"), "bmp", np.asarray(quad), corner_points(60, 40, 1), 0)

    # --- Files that must be refused, with the message the test expects.
    refused = expected["refused"] = {}
    photo_jpeg = save_bytes(photo, "JPEG", quality=90)
    (OUT / "truncated.jpg").write_bytes(photo_jpeg[: len(photo_jpeg) * 6 // 10])
    refused["truncated.jpg"] = "truncated image"
    (OUT / "empty.jpg").write_bytes(b"")
    refused["empty.jpg"] = "empty file"
    (OUT / "html_page.jpg").write_bytes(
        b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>404 Not Found</title></head>\n"
        b"<body><h1>Not Found</h1><p>The requested image was not found on this server.</p></body></html>\n")
    refused["html_page.jpg"] = "not an image: looks like HTML"
    garbage = bytes(np.random.RandomState(7).randint(0, 256, size=4096, dtype=np.uint8))
    garbage = b"\x00\x17" + garbage[2:]  # no magic number can match by chance
    (OUT / "garbage.jpg").write_bytes(garbage)
    refused["garbage.jpg"] = "unsupported or corrupt image data"
    # A decompression bomb: a valid header claiming 50000x50000 RGB, followed by a tiny IDAT.
    (OUT / "bomb.png").write_bytes(raw_png(50000, 50000, 8, 2, b"\x00" * 1024))
    refused["bomb.png"] = "image too large: 50000\u00d750000 pixels (limit 40000000)"
    # The same in a JPEG: a real small file whose SOF0 frame header is patched to 60000x60000.
    sof = baseline.index(b"\xff\xc0")
    bomb_jpeg = bytearray(baseline)
    bomb_jpeg[sof + 5:sof + 9] = struct.pack(">HH", 60000, 60000)
    (OUT / "bomb.jpg").write_bytes(bytes(bomb_jpeg))
    refused["bomb.jpg"] = "image too large: 60000\u00d760000 pixels (limit 40000000)"

    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"wrote {len(list(OUT.iterdir()))} files, {total / 1e6:.2f} MB, to {OUT}")


if __name__ == "__main__":
    main()
