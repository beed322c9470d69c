"""GeoReport v2 JSON and XML. Errors are always a list of {code, description}."""

import re
from xml.etree import ElementTree

from rest_framework.renderers import BaseRenderer, JSONRenderer

# How the spec names the elements of a list in XML.
XML_ITEMS = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}


class Open311JSONRenderer(JSONRenderer):
    format = "json"
    ensure_ascii = False
    charset = "utf-8"


# What XML 1.0 cannot carry at all, even escaped: C0 controls but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF. Older rows may hold them (new input refuses controls), and
# one such character would make the whole feed unreadable, so it is dropped from the text.
NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML_CHARS.sub("", str(value))


def _fill(element: ElementTree.Element, value) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ElementTree.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item_name = XML_ITEMS.get(element.tag, "item")
        for child in value:
            _fill(ElementTree.SubElement(element, item_name), child)
    else:
        element.text = _text(value)


def xml_document(root: str, item: str | None, data) -> bytes:
    element = ElementTree.Element(root)
    if isinstance(data, list | tuple):
        for entry in data:
            _fill(ElementTree.SubElement(element, item or "item"), entry)
    else:
        _fill(element, data)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        view = context.get("view")
        if response is not None and response.status_code >= 400:
            return xml_document("errors", "error", data)
        root = getattr(view, "xml_root", "response")
        item = getattr(view, "xml_item", None)
        return xml_document(root, item, data)
