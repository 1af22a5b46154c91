"""The deterministic demo catalog: 12 categories, N products, BRL prices, storefront images.

The same N always yields the same rows (ids, SKUs, prices, timestamps), so a re-seed keeps
every ETag and cached copy valid, and tests can name products by id.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

#: (slug, display name, price range in whole reais, nouns for product names)
CATEGORIES: tuple[tuple[str, str, tuple[int, int], tuple[str, ...]], ...] = (
    ("shoes", "Shoes", (149, 899), ("Sneaker", "Loafer", "Oxford", "Boot", "Sandal")),
    ("shirts", "Shirts", (59, 349), ("Oxford Shirt", "Polo", "Linen Shirt", "Tee", "Henley")),
    ("trousers", "Trousers", (99, 499), ("Chinos", "Jeans", "Cargo Pants", "Trousers")),
    ("dresses", "Dresses", (129, 899), ("Midi Dress", "Maxi Dress", "Wrap Dress", "Slip Dress")),
    ("jackets", "Jackets", (199, 1499), ("Bomber", "Denim Jacket", "Parka", "Blazer")),
    ("bags", "Bags", (89, 1299), ("Tote", "Backpack", "Crossbody Bag", "Clutch", "Duffel")),
    ("watches", "Watches", (199, 2999), ("Chronograph", "Diver Watch", "Field Watch")),
    ("jewelry", "Jewelry", (49, 1999), ("Necklace", "Bracelet", "Ring", "Earrings")),
    ("hats", "Hats", (39, 249), ("Cap", "Bucket Hat", "Fedora", "Beanie", "Panama Hat")),
    ("sunglasses", "Sunglasses", (99, 899), ("Aviators", "Wayfarers", "Round Sunglasses")),
    ("belts", "Belts", (49, 299), ("Leather Belt", "Woven Belt", "Dress Belt")),
    ("scarves", "Scarves", (39, 349), ("Silk Scarf", "Wool Scarf", "Bandana", "Shawl")),
)
CATEGORY_SLUGS = tuple(slug for slug, *_ in CATEGORIES)

_ADJECTIVES = (
    "Classic", "Urban", "Coastal", "Midnight", "Everyday", "Heritage", "Tropical", "Minimal",
    "Vintage", "Weekend", "Studio", "Rio", "Paulista", "Ipanema", "Serra", "Atlântico",
)  # fmt: skip
_COLORS = (
    "black", "white", "navy", "olive", "sand", "terracotta", "ivory", "charcoal", "indigo",
    "burgundy", "mustard", "teal",
)  # fmt: skip
_MATERIALS = ("cotton", "linen", "leather", "wool", "denim", "silk", "recycled polyester")

IMAGES_PER_PRODUCT = 4
# Fixed, so re-seeding yields byte-identical products (and identical ETags).
_EPOCH = datetime(2025, 1, 1, tzinfo=UTC).replace(tzinfo=None)


def image_paths(slug: str) -> list[str]:
    """Every storefront image a product of this category may show."""
    return [f"/img/products/{slug}-{n}.svg" for n in range(1, IMAGES_PER_PRODUCT + 1)]


@dataclass(frozen=True)
class SeedProduct:
    """One catalog row as the seed writes it."""

    id: int
    sku: str
    category: str
    name: str
    description: str
    price: Decimal
    stock: int
    images: list[str]
    timestamp: datetime

    def row(self, category_id: int) -> tuple:
        return (
            self.id, self.sku, category_id, self.name, self.description, self.price, "BRL",
            self.stock, json.dumps(self.images), 1, self.timestamp, self.timestamp,
        )  # fmt: skip


def product(i: int) -> SeedProduct:
    """The i-th product (1-based) of the catalog."""
    slug, _, (low, high), nouns = CATEGORIES[(i - 1) % len(CATEGORIES)]
    rng = random.Random(f"vitrine-product-{i}")  # noqa: S311 - demo data, not security
    adjective, color, material = (
        rng.choice(_ADJECTIVES), rng.choice(_COLORS), rng.choice(_MATERIALS)
    )  # fmt: skip
    noun = rng.choice(nouns)
    images = image_paths(slug)
    first = i % IMAGES_PER_PRODUCT  # products of a category do not all open on one picture
    return SeedProduct(
        id=i,
        sku=f"VT-{slug[:3].upper()}-{i:06d}",
        category=slug,
        name=f"{adjective} {noun} in {color} {material}",
        description=(
            f"A {color} {noun.lower()} made of {material}, from the {adjective} collection. "
            f"Designed in Brazil; ships in 2 business days."
        ),
        # Brazilian retail pricing ends in ,90.
        price=Decimal(rng.randrange(low, high)) + Decimal("0.90"),
        stock=rng.randrange(0, 250),
        images=images[first:] + images[:first],
        timestamp=_EPOCH + timedelta(minutes=i),
    )
