"""factory_boy factories for tests across apps."""

import datetime

import factory

from tongyou.accounts.models import User
from tongyou.accounts.roles import Role
from tongyou.datahub.codes import Ethnicity, GuardianRelationship, Sex
from tongyou.datahub.models import Child, Guardian
from tongyou.privacy.idnumbers import make_id_number
from tongyou.regions.models import Region


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CASEWORKER
    password = factory.django.Password("correct-horse-battery-9")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    name = factory.Sequence(lambda n: f"测试{n}")
    sex = Sex.FEMALE
    birth_date = factory.Sequence(lambda n: datetime.date(2015, 1, 1) + datetime.timedelta(days=n % 3000))
    # Even sequence for girls; the factory sequence keeps numbers unique.
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number("150104", o.birth_date, (2 * n) % 1000)
    )
    ethnicity = Ethnicity.HAN
    residence_region = factory.LazyFunction(lambda: Region.objects.get(code="150104001001001"))
    is_synthetic = True


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    child = factory.SubFactory(ChildFactory)
    name = "王大明"
    relationship = GuardianRelationship.FATHER
    phone = "13812345678"
    is_synthetic = True
