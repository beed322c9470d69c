"""Raw SQL of the reports app: named fragments with parameters only."""

# A point given as (lon, lat) parameters, as geography for distances in metres.
POINT_GEOGRAPHY = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
# Parameters: lon, lat, radius in metres.
REPORT_WITHIN_M = f"ST_DWithin(reports_report.point::geography, {POINT_GEOGRAPHY}, %s)"
# Parameters: lon, lat.
REPORT_DISTANCE_M = f"ST_Distance(reports_report.point::geography, {POINT_GEOGRAPHY})"
