"""The portal's OpenAPI generator.

DRF leaves every `.{format}` URL out of a schema (for most APIs they only repeat another URL);
GeoReport v2 (Open311) has no other URLs, so here they are kept, with `format` a path parameter.
"""

from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator

FORMAT_SUFFIX = ".{format}"


class FormatSuffixEnumerator(EndpointEnumerator):
    def should_include_endpoint(self, path, callback):
        return super().should_include_endpoint(path.removesuffix(FORMAT_SUFFIX), callback)


class PortalSchemaGenerator(SchemaGenerator):
    endpoint_inspector_cls = FormatSuffixEnumerator
