"""Product photos for the demo, drawn with Pillow: no downloads, the same every time.

A photo is a side view of a vessel: a profile of (height, radius) points from rim to foot,
shaded like a glazed pot under a window, on a wall and a table, with film grain. The JPEG goes
through domain.images.store_image like any upload, so it gets the real resize pipeline.
"""
import io
import math
import multiprocessing
import os
import random
import sys
from concurrent.futures import ProcessPoolExecutor

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .. import images
from .catalogue import GLAZES

SIZE = 1024  # the stored photo's width and height; a smaller size draws and stores faster
SHAPES = {  # name: (height / width, rim tilt, profile, extra part)
    "mug": (1.05, .22, [(0, .92), (.5, .95), (.94, .92), (1, .84)], "handle"),
    "espresso": (.75, .24, [(0, 1), (.6, .88), (.92, .7), (1, .6)], "handle"),
    "cup": (1.0, .22, [(0, 1), (.6, .9), (.94, .78), (1, .7)], ""),
    "teacup": (.6, .26, [(0, 1), (.5, .86), (.9, .62), (1, .5)], ""),
    "chawan": (.66, .28, [(0, .96), (.3, 1), (.75, .86), (.92, .56), (1, .5)], ""),
    "bowl": (.5, .3, [(0, 1), (.35, .94), (.7, .72), (.92, .46), (1, .4)], ""),
    "deep_bowl": (.6, .3, [(0, 1), (.5, .9), (.85, .62), (1, .42)], ""),
    "dish": (.25, .34, [(0, 1), (.6, .86), (1, .62)], ""),
    "plate": (.08, .36, [(0, 1), (.6, .9), (1, .66)], ""),
    "deep_plate": (.14, .36, [(0, 1), (.6, .84), (1, .6)], ""),
    "platter": (.07, .26, [(0, 1), (.6, .92), (1, .76)], ""),
    "stand": (.45, .34, [(0, 1), (.08, .92), (.14, .16), (.86, .14), (1, .5)], ""),
    "moonjar": (1.0, .2, [(0, .32), (.06, .32), (.1, .52), (.2, .8), (.35, .96), (.5, 1),
                          (.66, .95), (.8, .8), (.92, .58), (1, .46)], ""),
    "bottle": (1.9, .2, [(0, .16), (.05, .13), (.35, .14), (.6, .7), (.8, 1), (.95, .86),
                         (1, .62)], ""),
    "cylinder": (2.1, .2, [(0, .8), (.05, .78), (.95, .8), (1, .74)], ""),
    "bud": (1.3, .2, [(0, .22), (.08, .18), (.35, .3), (.7, 1), (.9, .86), (1, .6)], ""),
    "vase": (1.4, .2, [(0, .6), (.1, .5), (.4, .9), (.7, 1), (.92, .8), (1, .64)], ""),
    "pebble": (.85, .2, [(0, .2), (.06, .22), (.15, .6), (.3, .88), (.55, 1), (.8, .9),
                         (1, .55)], ""),
    "jar": (.95, .2, [(0, .62), (.08, .62), (.14, .84), (.25, .97), (.6, 1), (.85, .86),
                      (1, .62)], "lid"),
    "teapot": (.8, .2, [(0, .45), (.1, .64), (.25, .88), (.45, 1), (.7, .97), (.9, .8), (1, .62)],
               "teapot"),
    "sidepot": (.8, .2, [(0, .45), (.1, .64), (.25, .88), (.45, 1), (.7, .97), (.9, .8), (1, .62)],
                "sidepot"),
    "pitcher": (1.1, .22, [(0, .8), (.2, .86), (.7, 1), (.95, .85), (1, .78)], "spout"),
}
BACKDROPS = [((236, 230, 220), (206, 192, 174)), ((228, 229, 225), (188, 184, 176)),
             ((240, 234, 226), (170, 140, 108)), ((220, 224, 228), (198, 202, 204)),
             ((232, 222, 208), (140, 116, 92))]


def photo_plan(spec, rng):
    """1-3 photos: the piece in its first glaze; for featured pieces also in their second glaze;
    often a close-up of the glaze. Close-ups show the glaze, not the shape, so pieces with the
    same glaze share one (drawing and storing a photo is the slow part of the demo)."""
    title, glazes = spec["title"], spec["glazes"]
    backdrop = rng.randrange(len(BACKDROPS))
    plan = [(spec["shape"], glazes[0], backdrop, 1.0, rng.getrandbits(32),
             f"{title} in {glazes[0]}")]
    if len(glazes) > 1 and spec.get("featured"):
        plan.append((spec["shape"], glazes[1], (backdrop + 2) % len(BACKDROPS), 1.0,
                     rng.getrandbits(32), f"{title} in {glazes[1]}"))
    if spec.get("featured") or rng.random() < 0.6:
        seed = sum(map(ord, glazes[0]))
        plan.append(("cup", glazes[0], seed % len(BACKDROPS), 3.2, seed,
                     f"Close-up of the {glazes[0]} glaze"))
    return plan


def render_all(jobs, upload_dir, size=SIZE):
    """Start drawing and storing the photos of photo_plan() jobs, in worker processes where
    the platform forks cheaply, so the catalogue can be written meanwhile. Returns a function
    that waits for them: [(key, width, height, alt)], one per job."""
    unique = list(dict.fromkeys(job[:5] for job in jobs))
    work = [(job, upload_dir, size) for job in unique]
    workers = min(4, os.cpu_count() or 1)
    if workers > 1 and sys.platform == "linux" and len(work) > 8:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        pending = pool.map(_render_one, work, chunksize=2)  # submits every job right away
    else:
        pool, pending = None, map(_render_one, work)

    def collect():
        try:
            done = dict(zip(unique, pending))
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        return [(*done[job[:5]], job[5]) for job in jobs]
    return collect


def _render_one(item):
    (shape, glaze, backdrop, scale, seed), upload_dir, size = item
    speckle = glaze in ("Speckled Oat", "Buncheong")
    photo = draw(shape, GLAZES[glaze][1], BACKDROPS[backdrop], scale, random.Random(seed), speckle,
                 size)
    return images.store_image(photo, upload_dir)


def _tone(rgb, f):
    return tuple(max(0, min(255, int(c * f))) for c in rgb)


def _profile(points, steps=8):
    """A smooth (Catmull-Rom) curve through the profile points: [(t, radius)]."""
    out = []
    for i in range(len(points) - 1):
        p0, p1, p2 = points[max(i - 1, 0)], points[i], points[i + 1]
        p3 = points[min(i + 2, len(points) - 1)]
        for s in (j / steps for j in range(steps)):
            out.append(tuple(0.5 * (2 * b + (c - a) * s + (2 * a - 5 * b + 4 * c - d) * s * s
                                    + (3 * b - a - 3 * c + d) * s ** 3)
                             for a, b, c, d in zip(p0, p1, p2, p3)))
    return out + [points[-1]]


def _glazed(size, x0, x1, colour):
    """The colour lit from the left: a soft highlight, darkening towards the right."""
    row, left, right = [], max(0, int(x0)), min(size[0], int(x1) + 1)
    for x in range(left, right):
        u = min(1.0, max(0.0, (x - x0) / max(1, x1 - x0)))
        highlight = 0.22 * math.exp(-((u - 0.24) / 0.07) ** 2)
        row.append(_tone(colour, 1.1 - 0.5 * u ** 1.5 + highlight))
    row = [row[0]] * left + row + [row[-1]] * (size[0] - right)
    return _stretch(row, size, vertical=False)


def _stretch(colours, size, vertical):
    """A layer of size whose columns (or rows, if vertical) have these colours."""
    line = Image.new("RGB", (1, len(colours)) if vertical else (len(colours), 1))
    line.putdata(colours)
    return line.resize(size, Image.NEAREST)


def draw(shape, glaze, backdrop, scale, rng, speckle=False, size=SIZE):
    """JPEG bytes of a size x size photo (1024 px by default) of one vessel."""
    W = H = size // 2  # drawn at half size and enlarged, which softens the edges like a lens
    ratio, tilt, points, extra = SHAPES[shape]
    wall, table = backdrop
    horizon = int(H * 0.58)
    rows = [_tone(wall, 1.02 - 0.1 * y / horizon) if y < horizon
            else _tone(table, 0.9 + 0.12 * (y - horizon) / (H - horizon)) for y in range(H)]
    img = _stretch(rows, (W, H), vertical=True)
    d = ImageDraw.Draw(img)
    wide = ratio < 0.2 or shape == "stand"  # plates fill the frame; pots stand in it
    width = W * (0.78 if wide else 0.5) * scale * min(1, 1.3 / ratio)
    height = width * ratio
    cx, bottom = W / 2 + rng.uniform(-8, 8), H * 0.8
    if scale > 2:  # a close-up: the rim near the top of the frame, the foot out of it
        bottom = H * 0.25 + height
    top = bottom - height
    rim, foot = points[0][1] * width, points[-1][1] * width
    shadow = Image.new("L", (W // 4, H // 4), 0)
    ImageDraw.Draw(shadow).ellipse([(cx - foot * .7 + 16) / 4, (bottom - foot * .12) / 4,
                                    (cx + foot * .8 + 30) / 4, (bottom + foot * .15) / 4], fill=130)
    img.paste(_tone(table, 0.55), mask=shadow.filter(ImageFilter.GaussianBlur(4)).resize((W, H)))
    curve = _profile(points)
    outline = [(cx + r * width / 2, top + t * height) for t, r in curve]
    outline += [(cx - r * width / 2, top + t * height) for t, r in reversed(curve)]
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).polygon(outline, fill=255)
    ImageDraw.Draw(mask).ellipse([cx - foot / 2, bottom - foot * tilt / 2, cx + foot / 2,
                                  bottom + foot * tilt / 2], fill=255)
    w, h, dark, light = width, height, _tone(glaze, .8), _tone(glaze, 1.05)
    if extra in ("handle", "teapot"):
        d.ellipse([cx + w * .34, top + h * .2, cx + w * .7, top + h * .72], outline=dark,
                  width=int(max(5, w * .07)))
    if extra in ("teapot", "sidepot"):
        d.polygon([(cx - w * .42, top + h * .55), (cx - w * .74, top + h * .05),
                   (cx - w * .66, top), (cx - w * .34, top + h * .35)], fill=light)
    if extra == "sidepot":
        d.polygon([(cx + w * .45, top + h * .4), (cx + w * .9, top + h * .15),
                   (cx + w * .93, top + h * .26), (cx + w * .46, top + h * .58)], fill=dark)
    if extra == "spout":
        d.polygon([(cx - rim * .45, top + 4), (cx - rim * .7, top - rim * .1),
                   (cx - rim * .38, top + rim * .2)], fill=light)
    img.paste(_glazed((W, H), cx - w / 2, cx + w / 2, glaze), mask=mask)
    foot_band = Image.new("L", (W, H), 0)
    ImageDraw.Draw(foot_band).rectangle([0, bottom - max(5, h * 0.06), W, max(H, bottom)], fill=255)
    img.paste(_glazed((W, H), cx - w / 2, cx + w / 2, (188, 162, 130)),  # the unglazed foot
              mask=ImageChops.multiply(mask, foot_band))
    d = ImageDraw.Draw(img)
    for _ in range(260 if speckle else 40):
        x, y = rng.uniform(cx - w / 2, cx + w / 2), rng.uniform(top, bottom - 1)
        if 0 <= x < W and 0 <= y < H and mask.getpixel((int(x), int(y))) == 255:
            r = rng.uniform(0.5, 1.6)
            d.ellipse([x - r, y - r, x + r, y + r],
                      fill=_tone(glaze, .45 if sum(glaze) > 300 else 1.6))
    ry = rim * tilt / 2
    d.ellipse([cx - rim / 2, top - ry, cx + rim / 2, top + ry], fill=_tone(glaze, 1.12))
    open_ = extra not in ("lid", "teapot", "sidepot") and not wide  # an inside in shadow
    inner = (0.78 if sum(glaze) > 450 else 0.6) if open_ else 0.96
    d.ellipse([cx - rim * .45, top - ry * .88, cx + rim * .45, top + ry * .88],
              fill=_tone(glaze, inner))
    if extra in ("lid", "teapot", "sidepot"):
        d.ellipse([cx - rim * .1, top - ry - rim * .1, cx + rim * .1, top - ry + rim * .05],
                  fill=light)  # the knob of the lid
    grain = Image.frombytes("L", (W, H), rng.randbytes(W * H)).point(lambda v: v * 12 // 255)
    img = img.filter(ImageFilter.GaussianBlur(0.7))  # drawn edges are jagged; a lens is not
    # Grain on the glaze only: a smooth backdrop keeps every stored copy quick to encode.
    img = Image.composite(ImageChops.add(img, grain.convert("RGB"), 1.0, -6), img, mask)
    img = img.resize((W * 2, H * 2), Image.BICUBIC)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()
