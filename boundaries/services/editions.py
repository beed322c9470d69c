from datetime import date

from boundaries.models import Edition

EDITION_2025 = {
    "slug": "2025",
    "name": "Ranh giới hành chính sau sắp xếp năm 2025",
    "valid_from": date(2025, 7, 1),
    "source": (
        "vietnamese-provinces-database (Thang Le Quoc, MIT), theo Bản đồ đơn vị hành chính "
        "Việt Nam (sapnhap.bando.com.vn)"
    ),
}
# The day the former districts stopped being administrations.
DISTRICTS_ABOLISHED_ON = date(2025, 6, 30)


def edition_ensure(
    *, slug: str, name: str, valid_from: date, valid_to: date | None = None, source: str = ""
) -> Edition:
    """The edition with this slug, created on first use; an existing one is left as it is."""
    edition, _ = Edition.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "valid_from": valid_from, "valid_to": valid_to, "source": source},
    )
    return edition
