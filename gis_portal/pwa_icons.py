"""Draws the phone app's icons (gis_portal/static/pwa/*.png): a white map pin on the portal's red.
Run again after changing the drawing: `.venv/bin/python -m gis_portal.pwa_icons`."""

from pathlib import Path

# The URL configuration reads the two constants below: Pillow loads only to draw.
THEME_COLOUR = "#8b1a1a"  # the header's and buttons' red in css/portal.css
ICON_SIZES = (192, 512)
FOLDER = Path(__file__).resolve().parent / "static" / "pwa"
# Drawn large and scaled down: Pillow draws shapes without anti-aliasing.
SCALE = 4


def _pin(draw, size: int, extent: float) -> None:
    """A pin filling `extent` of the icon's height, centred (maskable icons keep their content
    inside the middle 80 %, which launchers never crop)."""
    height = size * extent
    radius = height * 0.36
    cx, top = size / 2, (size - height) / 2
    cy = top + radius
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill="white")
    draw.polygon(
        [
            (cx - radius * 0.82, cy + radius * 0.55),
            (cx + radius * 0.82, cy + radius * 0.55),
            (cx, top + height),
        ],
        fill="white",
    )
    hole = radius * 0.42
    draw.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=THEME_COLOUR)


def icon_draw(size: int, *, maskable: bool):
    from PIL import Image, ImageDraw

    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:  # full bleed: the launcher cuts its own shape out of it
        draw.rectangle((0, 0, big, big), fill=THEME_COLOUR)
        _pin(draw, big, 0.56)
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.18, fill=THEME_COLOUR)
        _pin(draw, big, 0.7)
    return image.resize((size, size), Image.LANCZOS)


def icons_write(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in ICON_SIZES:
        for kind, maskable in (("icon", False), ("maskable", True)):
            target = folder / f"{kind}-{size}.png"
            icon_draw(size, maskable=maskable).save(target, optimize=True)
            written.append(target)
    return written


if __name__ == "__main__":
    for written in icons_write():
        print(written)
