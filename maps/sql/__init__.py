"""The maps app's raw SQL, as named constants with parameters (never values pasted in).

Templates with a `{reports}`, `{points}`, `{cells}` or `{source}` slot take SQL compiled from a
queryset (maps.selectors.map_reports_sql) or another constant of this package; their own
parameters then travel with the caller's, in the order the comments give.
"""
