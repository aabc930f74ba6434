"""The demo's photos: drawn the same way every time, one main photo per piece."""
import io
import random

from PIL import Image

from domain.demo.catalogue import GLAZES, PRODUCTS
from domain.demo.photos import BACKDROPS, SHAPES, draw, photo_plan


def test_photos_are_reproducible_square_jpegs():
    """The same seed draws the same bytes (so a reload stores no new files); another differs."""
    args = ("teapot", GLAZES["Celadon"][1], BACKDROPS[0], 1.0)
    first = draw(*args, random.Random(7))
    assert first == draw(*args, random.Random(7))
    assert first != draw(*args, random.Random(8))
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size) == ("JPEG", (1024, 1024))


def test_every_product_gets_one_to_three_photos_and_its_own_main_photo():
    """Reproducible plans of 1-3 photos; no two pieces share a shape in the same glaze."""
    plans = [photo_plan(spec, random.Random(1)) for spec in PRODUCTS]
    assert plans == [photo_plan(spec, random.Random(1)) for spec in PRODUCTS]
    for spec, plan in zip(PRODUCTS, plans):
        assert 1 <= len(plan) <= 3
        assert all(shape in SHAPES and glaze in GLAZES for shape, glaze, *_ in plan)
        assert plan[0][5] == f"{spec['title']} in {spec['glazes'][0]}"
    looks = {(spec["shape"], spec["glazes"][0]) for spec in PRODUCTS}
    assert len(looks) == len(PRODUCTS), "no two pieces look alike in a listing"
