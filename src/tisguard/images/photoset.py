"""A second, independent synthetic label set: product photos with a label on them.

Deliberately unlike `images.synthetic` (the set the reader is tuned on): other fonts (Laksaman/Sarabun,
Loma, Kinnari, Norasi, Waree, Umpush, Sawasdee; each must draw Latin digits too: Noto's Thai fonts do not), other layouts (mark left, right or above, the
licence on its own line under the mark and usually without the words "ใบอนุญาตเลขที่", a licensee line,
a QR code beside), white-on-colour labels, a label pasted on a product (a box, a power strip with round
sockets, a helmet: round shapes that are not TIS marks), rotations up to ±20°, perspective, glare, blur,
low contrast and JPEG at quality 40–70, at 600–1600 px. Every row of the manifest is marked synthetic.
Keep this set apart from tuning: it is for measuring only.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

GENERATOR = "photoset-1"
_TLWG = "/usr/share/fonts/truetype/tlwg/"
FONTS = {
    "Sarabun(Laksaman)": (_TLWG + "Laksaman.ttf", _TLWG + "Laksaman-Bold.ttf"),
    "Loma": (_TLWG + "Loma.ttf", _TLWG + "Loma-Bold.ttf"),
    "Kinnari": (_TLWG + "Kinnari.ttf", _TLWG + "Kinnari-Bold.ttf"),
    "Norasi": (_TLWG + "Norasi.ttf", _TLWG + "Norasi-Bold.ttf"),
    "Waree": (_TLWG + "Waree.ttf", _TLWG + "Waree-Bold.ttf"),
    "Umpush": (_TLWG + "Umpush.ttf", _TLWG + "Umpush-Bold.ttf"),
    "Sawasdee": (_TLWG + "Sawasdee.ttf", _TLWG + "Sawasdee-Bold.ttf"),
}
LAYOUTS = ("mark_left", "mark_right", "mark_above", "licence_under_mark", "spec_table")
PRODUCTS = ("box", "power_strip", "helmet", "charger")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
# (label colour, ink colour): dark on light, and white on colour
PALETTES = [
    ((250, 250, 246), (20, 20, 20)),
    ((252, 236, 170), (40, 30, 10)),
    ((205, 208, 212), (15, 15, 30)),
    ((232, 240, 250), (10, 40, 110)),
    ((20, 70, 150), (250, 250, 250)),
    ((170, 25, 30), (255, 255, 255)),
    ((25, 25, 25), (240, 240, 240)),
]
SPECS = ["220-240V~ 50Hz", "10A 2300W", "250V 16A", "5V 2.1A", "IP20", "ผลิตในประเทศจีน", "นำเข้าโดย"]


def _draws_digits(path: str) -> bool:
    """Whether the font has its own glyphs for Latin digits and '/' (a label's numbers must be printable)."""
    font = _font(path, 24)

    def shape(c: str) -> bytes:
        im = Image.new("L", (40, 40), 0)
        ImageDraw.Draw(im).text((4, 4), c, font=font, fill=255)
        return im.tobytes()

    missing = shape("\U000f0000")  # a private-use character: the font's 'no glyph' box
    return all(shape(c) != missing for c in "0123456789/-")


def available_fonts() -> dict[str, tuple[str, str]]:
    found = {k: v for k, v in FONTS.items() if Path(v[0]).exists() and _draws_digits(v[0]) and _draws_digits(v[1])}
    if not found:
        raise FileNotFoundError("no Thai font from fonts-thai-tlwg / fonts-noto: install Debian's fonts-thai-tlwg")
    return found


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def draw_mark(d: ImageDraw.ImageDraw, cx: int, cy: int, r: int, ink, paper, style: str) -> None:
    """The TIS mark (a square turned 45° in a circle), as an outline or inverted (ink disk, paper square)."""
    s = int(r * (0.74 if style == "inverted" else 0.8))
    diamond = [(cx, cy - s), (cx + s, cy), (cx, cy + s), (cx - s, cy)]
    if style == "inverted":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=ink)
        d.polygon(diamond, outline=paper, width=max(3, r // 8))
    else:
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=ink, width=max(3, r // 7))
        d.polygon(diamond, outline=ink, width=max(2, r // 9))


def _qr(text: str, scale: int) -> Image.Image:
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=scale, border=2)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _licence_line(rng: random.Random, licence: str, thai: bool) -> tuple[str, bool]:
    """How the licence is printed; second value: whether a licence keyword is on the line."""
    shown = licence.translate(THAI_DIGITS) if thai else licence
    r = rng.random()
    if r < 0.6:
        return shown, False  # on its own line: what real labels mostly do
    if r < 0.8:
        return f"ใบอนุญาตเลขที่ {shown}", True
    if r < 0.9:
        return f"Lic. No. {shown}", True
    return f"ใบอนุญาต {shown}", True


def draw_label(rng: random.Random, spec: dict, font: tuple[str, str]) -> Image.Image:
    """The label alone (RGB), 760 px wide before it is put on a product; as tall as its content."""
    paper, ink = spec["palette"]
    W = 760
    img = Image.new("RGB", (W, 900), paper)
    d = ImageDraw.Draw(img)
    size = rng.choice([28, 30, 34])
    f, fb = _font(font[0], size), _font(font[1], size + 8)
    small = _font(font[0], max(20, size - 6))
    d.text((28, 18), spec["title"][:30], font=fb, fill=ink)
    lines = []
    if spec.get("standard"):
        std = spec["standard"].translate(THAI_DIGITS) if spec["thai_digits"] else spec["standard"]
        lines.append(rng.choice(["มอก. ", "มอก.", "มอก. "]) + std)
    if spec.get("licence_line"):
        lines.append(spec["licence_line"])
    layout, step = spec["layout"], size + 20
    r = rng.choice([58, 66, 76])
    top = 100
    qr_w = 170 if spec.get("qr") else 0
    if not spec["mark"]:
        y = top
        for t in lines:
            d.text((28, y), t, font=f, fill=ink)
            y += step
        bottom = y
    elif layout in ("mark_left", "mark_right"):
        mx = 30 + r if layout == "mark_left" else W - 30 - r - qr_w
        draw_mark(d, mx, top + r + 6, r, ink, paper, spec["mark_style"])
        tx = 30 + 2 * r + 26 if layout == "mark_left" else 28
        for i, t in enumerate(lines):
            d.text((tx, top + 4 + i * step), t, font=f, fill=ink)
        bottom = max(top + 2 * r + 20, top + 4 + len(lines) * step)
    elif layout == "mark_above":
        draw_mark(d, W // 2 - qr_w // 2, top + r, r, ink, paper, spec["mark_style"])
        y = top + 2 * r + 18
        for t in lines:
            w = d.textlength(t, font=f)
            d.text((max(20, (W - qr_w - w) // 2), y), t, font=f, fill=ink)
            y += step
        bottom = y
    elif layout == "licence_under_mark":
        draw_mark(d, 30 + r, top + r, r, ink, paper, spec["mark_style"])
        std_lines = [t for t in lines if t != spec.get("licence_line")]
        if std_lines:
            d.text((30 + 2 * r + 24, top + r - size // 2 - 6), std_lines[0], font=f, fill=ink)
        bottom = top + 2 * r + 14
        if spec.get("licence_line"):
            d.text((24, bottom), spec["licence_line"], font=f, fill=ink)
            bottom += step
    else:  # spec_table: a small table of ratings with the mark in the corner
        rows = [("รุ่น", spec["model"]), ("กำลังไฟ", rng.choice(SPECS[:4]))]
        rows += [("มาตรฐาน" if t.startswith("มอก") else "", t) for t in lines]
        y = top
        for k, v in rows:
            d.text((28, y), k, font=small, fill=ink)
            d.text((170, y), v, font=f, fill=ink)
            d.line([(24, y + size + 12), (W - 60 - 2 * r - qr_w, y + size + 12)], fill=ink, width=1)
            y += step
        draw_mark(d, W - 40 - r - qr_w, top + r + 10, r, ink, paper, spec["mark_style"])
        bottom = max(y, top + 2 * r + 30)
    y = bottom + 10
    if spec.get("licensee"):
        d.text((28, y), spec["licensee"][:40], font=small, fill=ink)
        y += size + 14
    d.text((28, y), rng.choice(SPECS), font=small, fill=ink)
    y += size + 24
    if spec.get("qr"):
        q = _qr(spec["qr"], scale=rng.choice([3, 4]))
        y = max(y, top + q.height + 20)
        img.paste(q, (W - q.width - 24, top))
    img = img.crop((0, 0, W, y))
    ImageDraw.Draw(img).rectangle([6, 6, W - 7, y - 7], outline=ink, width=3)
    return img


def _product(rng: random.Random, W: int, H: int, kind: str) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """A plain scene with a product; returns it and the area a label may be pasted on."""
    bg = tuple(rng.randrange(120, 235) for _ in range(3))
    img = Image.new("RGB", (W, H), bg)
    d = ImageDraw.Draw(img)
    for i in range(0, H, 6):  # a soft vertical gradient: table and wall
        shade = int(30 * i / H)
        d.line([(0, i), (W, i)], fill=tuple(max(0, c - shade) for c in bg))
    body = tuple(rng.randrange(30, 250) for _ in range(3))
    if kind == "helmet":
        r = int(min(W, H) * 0.46)
        cx, cy = W // 2, int(H * 0.58)
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=body, outline=(20, 20, 20), width=4)
        d.rectangle([0, cy + int(r * 0.55), W, H], fill=bg)
        area = (cx - int(r * 0.8), cy - int(r * 0.55), cx + int(r * 0.8), cy + int(r * 0.5))
    elif kind == "power_strip":
        x0, y0, x1, y1 = int(W * 0.05), int(H * 0.18), int(W * 0.95), int(H * 0.9)
        d.rounded_rectangle([x0, y0, x1, y1], radius=40, fill=(240, 240, 240), outline=(90, 90, 90), width=3)
        sr = max(14, int((x1 - x0) / 22))
        for i in range(4):  # round sockets along the top: circles that are not TIS marks
            cx = x0 + int((i + 0.7) * (x1 - x0) / 4.6)
            d.ellipse([cx - sr, y0 + 20, cx + sr, y0 + 20 + 2 * sr], outline=(40, 40, 40), width=3)
            d.rectangle([cx - sr // 3, y0 + 20 + sr // 2, cx + sr // 3, y0 + 20 + sr], fill=(40, 40, 40))
        area = (x0 + 20, y0 + 2 * sr + 40, x1 - 20, y1 - 20)
    else:  # box or charger: a block with a lit top face
        x0, y0, x1, y1 = int(W * 0.06), int(H * 0.12), int(W * 0.94), int(H * 0.94)
        top = [(x0, y0), (x0 + 40, y0 - 40), (x1 + 40, y0 - 40), (x1, y0)]
        d.polygon(top, fill=tuple(min(255, c + 30) for c in body))
        d.rectangle([x0, y0, x1, y1], fill=body, outline=(30, 30, 30), width=3)
        area = (x0 + 12, y0 + 12, x1 - 12, y1 - 12)
    return img, area


def _perspective(img: Image.Image, rng: random.Random, amount: float) -> Image.Image:
    """Warp the RGBA label as if photographed at an angle."""
    import cv2

    a = np.asarray(img)
    h, w = a.shape[:2]
    j = lambda s: rng.uniform(0, amount) * s  # noqa: E731
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[j(w), j(h)], [w - j(w), j(h)], [w - j(w), h - j(h)], [j(w), h - j(h)]])
    m = cv2.getPerspectiveTransform(src, dst)
    return Image.fromarray(cv2.warpPerspective(a, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0, 0)))


def _glare(img: Image.Image, rng: random.Random) -> Image.Image:
    a = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    cx, cy, s = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h, rng.uniform(0.12, 0.25) * max(w, h)
    yy, xx = np.mgrid[0:h, 0:w]
    g = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * s * s))[..., None] * rng.uniform(0.35, 0.6)
    return Image.fromarray(np.clip(a + (255 - a) * g, 0, 255).astype(np.uint8))


def photo(rng: random.Random, spec: dict, font: tuple[str, str]) -> bytes:
    """A product photo (JPEG bytes) with the label on it, with the spec's rotation, perspective and effects."""
    W = spec["size"]
    H = int(W * rng.choice([0.75, 1.0, 0.8]))
    scene, area = _product(rng, W, H, spec["product"])
    label = draw_label(rng, spec, font).convert("RGBA")
    ax0, ay0, ax1, ay1 = area
    scale = min((ax1 - ax0) * rng.uniform(0.85, 1.0) / label.width, (ay1 - ay0) * 0.95 / label.height)
    label = label.resize((max(1, int(label.width * scale)), max(1, int(label.height * scale))), Image.LANCZOS)
    if spec["perspective"]:
        label = _perspective(label, rng, spec["perspective"])
    label = label.rotate(spec["rotation"], expand=True, resample=Image.BICUBIC)
    f = min(1.0, (ax1 - ax0) / label.width, (ay1 - ay0) / label.height)
    if f < 1.0:
        label = label.resize((max(1, int(label.width * f)), max(1, int(label.height * f))), Image.LANCZOS)
    x = ax0 + rng.randint(0, max(0, (ax1 - ax0) - label.width))
    y = ay0 + rng.randint(0, max(0, (ay1 - ay0) - label.height))
    scene.paste(label, (x, y), label)
    if spec["glare"]:
        scene = _glare(scene, rng)
    if spec["blur"]:
        scene = scene.filter(ImageFilter.GaussianBlur(spec["blur"]))
    if spec["low_contrast"]:
        scene = Image.blend(scene, Image.new("RGB", scene.size, (150, 150, 150)), 0.45)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 6, (H, W, 3))
    scene = Image.fromarray(np.clip(np.asarray(scene).astype(np.float32) + noise, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    scene.save(buf, format="JPEG", quality=spec["quality"])
    return buf.getvalue()


def make_photo_set(out: Path, registry: list[dict], catalogue, n: int = 80, seed: int = 2911) -> Path:
    """Write n product photos (JPEG) and manifest.jsonl (the truth per photo). About one photo in four
    carries no TIS mark (some of them round sockets or a helmet); the rest show the licence in one of
    several ways. `registry`: active licences (dicts as in a registry CSV) the labels show."""
    rng = random.Random(seed)
    fonts = available_fonts()
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        lic = rng.choice(registry)
        std = catalogue.current(lic["tis_number"])
        font_name = rng.choice(sorted(fonts))
        thai = rng.random() < 0.1
        mark = rng.random() >= 0.25
        shows_licence = mark and rng.random() < 0.92
        lic_line, keyword = _licence_line(rng, lic["licence_no"], thai) if shows_licence else (None, False)
        q = rng.random()
        qr = None
        if q < 0.3:
            qr = f"https://www.tisi.go.th/license?no={lic['licence_no']}"
        elif q < 0.4:
            qr = f"https://tisi-verify.example.invalid/v?no={lic['licence_no']}"
        spec = {
            "title": std.name_th if std else lic["tis_number"],
            "model": f"{rng.choice('ABCDKMX')}{rng.choice('ABCDKMX')}-{rng.randrange(100, 999)}",
            "mark": mark,
            "mark_style": rng.choice(["outline", "outline", "inverted"]),
            "standard": f"{lic['tis_number']}-{lic['tis_year']}" if (mark and rng.random() < 0.9) else None,
            "licence_line": lic_line,
            "licensee": lic["licensee"] if (shows_licence and rng.random() < 0.5) else None,
            "qr": qr,
            "thai_digits": thai,
            "layout": rng.choice(LAYOUTS),
            "palette": rng.choice(PALETTES),
            "product": rng.choice(PRODUCTS),
            "rotation": round(rng.uniform(-20, 20), 1),
            "perspective": round(rng.choice([0, 0, 0.04, 0.08]), 2),
            "glare": rng.random() < 0.3,
            "blur": rng.choice([0, 0, 0, 0.6, 1.0]),
            "low_contrast": rng.random() < 0.15,
            "quality": rng.randrange(40, 71),
            "size": rng.choice([600, 800, 1000, 1200, 1600]),
        }
        name = f"photo-{i:03d}-{spec['layout']}.jpg"
        (out / name).write_bytes(photo(rng, spec, fonts[font_name]))
        rows.append(
            {
                "image": name,
                "synthetic": True,
                "generator": GENERATOR,
                "mark": mark,
                "standard": spec["standard"],
                "licence": lic["licence_no"] if shows_licence else None,
                "licence_keyword": keyword,
                "licensee": spec["licensee"],
                "qr": qr,
                "title": spec["title"],
                "brand": (lic.get("brands") or "").split(";")[0] or None,
                "layout": spec["layout"],
                "font": font_name,
                "product": spec["product"],
                "rotation": spec["rotation"],
                "perspective": spec["perspective"],
                "glare": spec["glare"],
                "thai_digits": thai,
                "jpeg_quality": spec["quality"],
                "size": spec["size"],
            }
        )
    with (out / "manifest.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return out / "manifest.jsonl"
