"""Synthetic label photos (marked synthetic in the manifest): the TIS mark, standard and licence lines,
a QR code, drawn with a Thai font, then rotated, blurred, noised, dimmed or put on a busy background."""

from __future__ import annotations

import json
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tisguard.images.fonts import thai_font

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
VARIANTS = [
    "clean",
    "rotate",
    "blur",
    "noise",
    "low_contrast",
    "busy",
    "small",
    "dark",
    "rotate_large",  # 10–20° either way
    "no_keyword",  # the licence on its own line, without 'ใบอนุญาตเลขที่'
    "on_colour",  # white text on a coloured label
    "perspective",  # photographed at an angle, with JPEG loss
]


def draw_tis_mark(d: ImageDraw.ImageDraw, cx: int, cy: int, r: int, ink=(20, 20, 20)) -> tuple[int, int, int, int]:
    """The TIS mark as TISI shows it: a square turned 45° inside a circle."""
    w = max(3, r // 10)
    d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=w)
    s = int(r * 0.78)
    d.polygon([(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)], outline=ink, width=w)
    return cx - r, cy - r, cx + r, cy + r


def qr_image(text: str, scale: int = 4) -> Image.Image:
    import io

    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=2)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def label_image(rng: random.Random, spec: dict, variant: str) -> Image.Image:
    W, H = 800, 560
    bg = {"dark": (30, 30, 40), "on_colour": (30, 80, 160)}.get(variant, (255, 255, 255))
    ink = (240, 240, 240) if variant in ("dark", "on_colour") else (15, 15, 15)
    img = Image.new("RGB", (W, H), bg)
    d = ImageDraw.Draw(img)
    if variant == "busy":
        for _ in range(40):
            x, y = rng.randrange(W), rng.randrange(H)
            d.rectangle(
                [x, y, x + rng.randrange(20, 120), y + rng.randrange(10, 60)],
                fill=tuple(rng.randrange(150, 256) for _ in range(3)),
            )
    size = 30 if variant != "small" else 20
    font = ImageFont.truetype(str(thai_font()), size)
    bold = ImageFont.truetype(str(thai_font(True)), size + 6)
    y = 40
    d.text((40, y), spec["product"], font=bold, fill=ink)
    y += 70
    if spec.get("mark"):
        draw_tis_mark(d, 110, y + 80, 70, ink)
    x0 = 230 if spec.get("mark") else 40
    if spec.get("standard"):
        t = f"มอก. {spec['standard']}"
        d.text((x0, y + 30), t.translate(THAI) if spec.get("thai_digits") else t, font=font, fill=ink)
    if spec.get("licence"):
        words = "" if variant == "no_keyword" else "ใบอนุญาตเลขที่ "
        d.text((x0, y + 90), f"{words}{spec['licence']}", font=font, fill=ink)
    if spec.get("qr"):
        q = qr_image(spec["qr"])
        img.paste(q, (W - q.width - 40, H - q.height - 40))
    d.text((40, H - 60), "ผลิตในประเทศไทย  220V~ 50Hz", font=font, fill=ink)
    if variant == "rotate":
        img = img.rotate(rng.choice([-4, -3, 3, 4, 90, 180]), expand=True, fillcolor=bg)
    elif variant == "blur":
        img = img.filter(ImageFilter.GaussianBlur(1.2))
    elif variant == "noise":
        px = img.load()
        for _ in range(W * H // 25):
            px[rng.randrange(W), rng.randrange(H)] = tuple(rng.randrange(256) for _ in range(3))
    elif variant == "low_contrast":
        img = Image.blend(img, Image.new("RGB", img.size, (170, 170, 170)), 0.55)
    elif variant == "rotate_large":
        img = img.rotate(rng.choice([-1, 1]) * rng.uniform(10, 20), expand=True, fillcolor=bg, resample=Image.BICUBIC)
    elif variant == "perspective":
        img = _perspective(img, rng, bg)
    return img


def _perspective(img: Image.Image, rng: random.Random, bg) -> Image.Image:
    """Photographed at an angle (one side nearer), then saved as a JPEG at quality 50."""
    import io

    w, h = img.size
    d = [rng.uniform(0.03, 0.08) * w for _ in range(4)]
    quad = (d[0], d[1], d[2], h - d[3], w - d[0], h, w, 0)  # PIL QUAD: the source corners for the output box
    img = img.transform((w, h), Image.QUAD, quad, resample=Image.BICUBIC, fillcolor=bg)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=50)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def make_image_set(out: Path, n: int = 40, seed: int = 5, registry: list[dict] | None = None) -> Path:
    """Write n synthetic label images and manifest.jsonl (truth per image)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    lics = registry or [
        {"licence_no": f"ท{1000 + i}-{i % 90 + 1}/2432", "tis_number": "2432", "tis_year": 2555} for i in range(20)
    ]
    products = ["ปลั๊กพ่วง 4 ช่อง", "พาวเวอร์แบงค์ 10000mAh", "หมวกกันน็อค", "ไดร์เป่าผม", "เตารีดไฟฟ้า"]
    rows = []
    for i in range(n):
        lic = rng.choice(lics)
        spec = {
            "product": rng.choice(products),
            "mark": rng.random() < 0.75,
            "standard": f"{lic['tis_number']}-{lic['tis_year']}" if rng.random() < 0.85 else None,
            "licence": lic["licence_no"] if rng.random() < 0.8 else None,
            "qr": None,
            "thai_digits": rng.random() < 0.1,
        }
        r = rng.random()
        if r < 0.4:
            spec["qr"] = f"https://www.tisi.go.th/license?no={lic['licence_no']}"
        elif r < 0.55:
            spec["qr"] = f"https://tisi-check.example.invalid/verify?no={lic['licence_no']}"  # a fake licence page
        variant = VARIANTS[i % len(VARIANTS)]
        name = f"label-{i:03d}-{variant}.png"
        label_image(rng, spec, variant).save(out / name, optimize=True)
        rows.append(
            {
                "image": name,
                "variant": variant,
                "synthetic": True,
                "mark": spec["mark"],
                "standard": spec["standard"],
                "licence": spec["licence"],
                "qr": spec["qr"],
            }
        )
    with (out / "manifest.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return out / "manifest.jsonl"
