"""The enrolment QR code, drawn on the server as SVG (no script, no inline style, no CDN)."""

from base64 import b32encode

from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    import segno  # ~1 MiB, for the few who enrol a second factor: not in every web worker

    # segno writes only paths and presentation attributes; the encoded text itself never
    # appears in the markup, so it is safe to insert as HTML.
    svg = segno.make(data, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", svgclass="qr", lineclass=None
    )
    return mark_safe(svg)  # noqa: S308


def secret_text(key: bytes) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
