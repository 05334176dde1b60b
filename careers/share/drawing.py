"""
Drawing a share card: texts in, a 1200×630 PNG out. No models, no requests.

The colours are the site's (static/css/site.css, light theme), the fonts are
DejaVu Sans, shipped in fonts/ with their licence: Pillow's bundled font has
no en dash, accents or currency signs, and a system font differs per node.
"""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONTS = Path(__file__).parent / "fonts"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"

# The custom properties of site.css they are named after, light theme.
PALETTE = {
    "text": "#1c2430",
    "muted": "#5a6473",
    "bg": "#ffffff",
    "surface": "#f4f6f9",
    "border": "#d8dde5",
    "accent": "#1d5fd1",
    "accent-strong": "#123f8f",
}

# The title's box, above the panel of facts along the bottom.
TITLE_TOP, TITLE_BOTTOM = 150, 420
PANEL_TOP = 456
# Large first; the smallest still fits a 150-character title in full.
TITLE_SIZES = (72, 64, 56, 50, 44, 40)
VALUE_SIZES = (52, 44, 36, 30)
LINE_SPACING = 1.2


@dataclass(frozen=True)
class Card:
    """What a share card shows."""

    title: str
    # (label, value) pairs along the bottom, e.g. ("Overall score", "8.0/10").
    facts: tuple[tuple[str, str], ...]
    site: str


@dataclass(frozen=True)
class Text:
    """One line of text as drawn: its top-left corner, font and colours."""

    x: int
    y: int
    text: str
    font: ImageFont.FreeTypeFont
    fill: str
    background: str

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        left, top, right, bottom = self.font.getbbox(self.text, anchor="la")
        return (
            self.x + int(left),
            self.y + int(top),
            self.x + int(right),
            self.y + int(bottom),
        )


@functools.cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def width(text: str, face: ImageFont.FreeTypeFont) -> float:
    return face.getlength(text)


def wrap(text: str, face: ImageFont.FreeTypeFont, room: float) -> list[str]:
    """Lines of `text` no wider than `room`, broken between words, and inside
    a word only when it is wider than a line by itself."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if width(candidate, face) <= room:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and width(line + char, face) > room:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines


def fit_title(title: str, room: float, height: int) -> tuple[list[str], int]:
    """The title's lines and font size: the largest size whose lines fit in
    the box; at the smallest, the lines that fit, the last cut with “…”."""
    for size in TITLE_SIZES:
        face = font(BOLD, size)
        lines = wrap(title, face, room)
        if len(lines) * line_height(size) <= height:
            return lines, size
    most = max(height // line_height(size), 1)
    shown = lines[:most]
    if len(lines) > most:
        last = shown[-1]
        while last and width(f"{last}…", face) > room:
            last = last[:-1]
        shown[-1] = f"{last.rstrip()}…"
    return shown, size


def line_height(size: int) -> int:
    return round(size * LINE_SPACING)


def fit_value(value: str, room: float) -> ImageFont.FreeTypeFont:
    """The largest bold font in which `value` fits on one line (or the smallest)."""
    for size in VALUE_SIZES:
        face = font(BOLD, size)
        if width(value, face) <= room:
            return face
    return face


def layout(card: Card) -> list[Text]:
    """Every line the card draws, where and how."""
    bg, surface, text = PALETTE["bg"], PALETTE["surface"], PALETTE["text"]
    room = WIDTH - 2 * MARGIN
    site = font(BOLD, 34)
    texts = [Text(MARGIN, 60, card.site, site, PALETTE["accent-strong"], bg)]
    lines, size = fit_title(card.title, room, TITLE_BOTTOM - TITLE_TOP)
    for number, line in enumerate(lines):
        y = TITLE_TOP + number * line_height(size)
        texts.append(Text(MARGIN, y, line, font(BOLD, size), text, bg))
    label_font = font(REGULAR, 26)
    column = room // max(len(card.facts), 1)
    for number, (label, value) in enumerate(card.facts):
        x = MARGIN + number * column
        value_font = fit_value(value, column - 24)
        texts += [
            Text(x, PANEL_TOP + 32, label, label_font, PALETTE["muted"], surface),
            Text(x, PANEL_TOP + 76, value, value_font, text, surface),
        ]
    return texts


def draw(card: Card) -> bytes:
    """The card as a PNG."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PALETTE["bg"])
    canvas = ImageDraw.Draw(image)
    # A band of the site's accent down the left edge, as its links' colour.
    canvas.rectangle((0, 0, 15, HEIGHT), fill=PALETTE["accent"])
    canvas.rectangle((16, PANEL_TOP, WIDTH, HEIGHT), fill=PALETTE["surface"])
    canvas.line((16, PANEL_TOP, WIDTH, PANEL_TOP), fill=PALETTE["border"], width=2)
    for text in layout(card):
        canvas.text((text.x, text.y), text.text, font=text.font, fill=text.fill)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def code_version() -> str:
    """A digest of what shapes a drawing besides its texts: this module, the
    fonts, and Pillow (which rasterises them)."""
    digest = hashlib.sha256(PIL.__version__.encode())
    for path in (Path(__file__), REGULAR, BOLD):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


VERSION = code_version()
