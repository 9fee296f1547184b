"""A small, deterministic set of households for the demo and the tests' walk-throughs."""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from minzheng.core.idnumber import check_digit
from minzheng.regions.models import Region
from minzheng.registry.models import Household, Membership, Person, Relationship, Sex

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红玉兰海燕志忠"


def make_id_number(area: str, born: date, sequence: int) -> str:
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


def ensure_demo_people(per_county: int = 6, seed: int = 2020) -> int:
    """Households in the first villages of each county; does nothing if people exist."""
    if Person.objects.exists():
        return 0
    rng = random.Random(seed)
    created = 0
    counties = Region.objects.filter(level="county").order_by("code")
    with transaction.atomic():
        for county in counties:
            villages = list(
                Region.objects.filter(level="village", code__startswith=county.code[:6]).order_by(
                    "code"
                )[:3]
            )
            for index in range(per_county):
                village = villages[index % len(villages)]
                surname = rng.choice(SURNAMES)
                address = f"{village.parent.name if village.parent else ''}{village.name}{rng.randint(1, 80)}号"
                members = [
                    ("head", 1950 + rng.randint(0, 30)),
                    ("spouse", 1952 + rng.randint(0, 30)),
                ]
                members += [("child", 1985 + rng.randint(0, 25)) for _ in range(rng.randint(0, 2))]
                household = Household.objects.create(region=village, address=address)
                for relation, year in members:
                    male = relation == "head" or (relation == "child" and rng.random() < 0.5)
                    born = date(year, rng.randint(1, 12), rng.randint(1, 28))
                    # The sequence's last digit is odd for men and even for women (GB 11643).
                    sequence = rng.randrange(1, 999, 2) if male else rng.randrange(2, 999, 2)
                    name = (surname if relation != "spouse" else rng.choice(SURNAMES)) + "".join(
                        rng.choice(GIVEN) for _ in range(rng.randint(1, 2))
                    )
                    person = Person(
                        name=name,
                        sex=Sex.MALE if male else Sex.FEMALE,
                        birth_date=born,
                        region=village,
                        hukou_region=village,
                        address=address,
                    )
                    person.set_id_number(make_id_number(county.code[:6], born, sequence))
                    person.set_phone(f"13{rng.randint(100000000, 999999999)}")
                    person.save()
                    Membership.objects.create(
                        household=household,
                        person=person,
                        relationship=Relationship(relation),
                        valid_from=date(2015, 1, 1),
                    )
                    if relation == "head":
                        household.head = person
                        household.save(update_fields=["head"])
                    created += 1
    return created
