import factory
from django.contrib.gis.geos import LineString

from routing_rules.models import Agency, Category, Rule, SpecialZone


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-thu-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử {n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"co-quan-thu-{n}")
    name = factory.Sequence(lambda n: f"Cơ quan thử {n}")
    kind = Agency.Kind.DEPARTMENT
    jurisdiction_codes = factory.LazyFunction(lambda: ["11"])


class SpecialZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialZone

    code = factory.Sequence(lambda n: f"vung-thu-{n}")
    name = factory.Sequence(lambda n: f"Vùng thử {n}")
    kind = SpecialZone.Kind.ROAD_CORRIDOR
    geom = factory.LazyFunction(lambda: LineString((103.05, 21.42), (103.06, 21.42), srid=4326))
    buffer_m = 40


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"quy-tac-thu-{n}")
    name = factory.Sequence(lambda n: f"Quy tắc thử {n}")
    priority = factory.Sequence(lambda n: 1000 + n)
    target_kind = Rule.Target.FIXED

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def coordinators(self, create, extracted, **kwargs):
        if create and extracted:
            self.coordinators.set(extracted)

    @factory.post_generation
    def zones(self, create, extracted, **kwargs):
        if create and extracted:
            self.zones.set(extracted)
