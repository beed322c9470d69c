# The public map's report set of tests/maps, for the tile peer bench's test.
from tests.maps.conftest import (  # noqa: F401
    citizen,
    env_category,
    make_report,
    public_set,
    road_category,
    ubnd_mt,
)
