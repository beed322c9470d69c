import factory
from factory.django import DjangoModelFactory

from reports.models import Role, User
from routing_rules.models import Agency, Category


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-category-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử {n}")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-agency-{n}")
    name = factory.Sequence(lambda n: f"Cơ quan thử {n}")
    kind = Agency.Kind.DEPARTMENT


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.test")
    role = Role.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
