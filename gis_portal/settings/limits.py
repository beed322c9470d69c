"""Limits of the heavy anonymous pages: statistics, map exports and analysis grids."""

from .env import env_str

# --- heavy anonymous pages: statistics snapshot, map export and grid limits ---
# /thong-ke/ reads the figures of its standard periods (all time, this year, this month) from
# snapshots rebuilt this often by Celery beat; a snapshot older than STATS_SNAPSHOT_MAX_AGE
# (beat stopped) is recomputed by one visit. Other periods are computed on a cache miss, kept
# STATS_CUSTOM_CACHE_SECONDS in Redis; a client (not staff) may cause at most
# THROTTLE_STATS_CUSTOM_RATE such misses.
STATS_SNAPSHOT_MAX_AGE = int(env_str("STATS_SNAPSHOT_MAX_AGE", "1800"))
STATS_CUSTOM_CACHE_SECONDS = int(env_str("STATS_CUSTOM_CACHE_SECONDS", "600"))
# Exports of more reports than this are refused (413, naming the filters to narrow) before the
# file is built: anyone but staff, and staff.
MAPS_EXPORT_PUBLIC_MAX_FEATURES = int(env_str("MAPS_EXPORT_PUBLIC_MAX_FEATURES", "5000"))
MAPS_EXPORT_MAX_FEATURES = int(env_str("MAPS_EXPORT_MAX_FEATURES", "200000"))
# Anyone but staff pages the public GeoJSON list this deep at most (OFFSET costs every row
# skipped); the public map itself never pages, it switches to vector tiles.
MAPS_GEOJSON_PUBLIC_MAX_DEPTH = int(env_str("MAPS_GEOJSON_PUBLIC_MAX_DEPTH", "20000"))
# Heatmap and hotspot grids: at most this many hexagons over the area asked for (250 m cells
# over the whole province are ~59,000; 100 m ones 371,000, 14 s and 0.5 GB for Gi*).
MAPS_HEX_MAX_CELLS = int(env_str("MAPS_HEX_MAX_CELLS", "65000"))
