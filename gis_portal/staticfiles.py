"""Collected static files under content-hashed names, so nginx can let browsers keep them for a
year (`immutable`) and a deploy still reaches everyone at once: the pages name new files."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class PortalStaticFilesStorage(ManifestStaticFilesStorage):
    # The map core is ES modules importing each other by relative path: those imports are
    # rewritten to the hashed names too, or one page would load a module under two URLs
    # (two instances, each with its own state) and the unhashed one from a stale cache.
    support_js_module_import_aggregation = True

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            # Leaflet finds its marker images by cutting "marker-icon.png" off this CSS URL;
            # under a hashed name it finds none and every default marker is a broken image.
            if matchobj["url"].endswith("/marker-icon.png") and name.endswith("leaflet.css"):
                return matchobj["matched"]
            try:
                return convert(matchobj)
            except ValueError:
                # A vendored bundle names a source map it does not ship (OpenLayers' ol.js):
                # only a developer's debugger would ask for it, so it is no reason to fail.
                if "sourceMappingURL" in matchobj["matched"]:
                    return matchobj["matched"]
                raise

        return converter
