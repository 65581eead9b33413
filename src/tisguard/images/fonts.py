"""Thai TrueType fonts from Debian's packages (fonts-thai-tlwg, fonts-noto-core)."""

from __future__ import annotations

from pathlib import Path

THAI_FONTS = [
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",
    "/usr/share/fonts/truetype/tlwg/Kinnari.ttf",
]
THAI_BOLD = ["/usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf", "/usr/share/fonts/truetype/noto/NotoSansThai-Bold.ttf"]


def thai_font(bold: bool = False) -> Path:
    for p in (THAI_BOLD if bold else []) + THAI_FONTS:
        if Path(p).exists():
            return Path(p)
    raise FileNotFoundError("no Thai font: install Debian's fonts-thai-tlwg")
