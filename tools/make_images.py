# ruff: noqa: E501  (SVG path data reads best one shape per line)
"""Draw the storefront's product images: assets/img/products/{slug}-{n}.svg, n = 1..4.

The app tier's seed points every product at these paths (docs/contracts.md), so the set is
fixed: 12 category slugs x 4 colourways. Run `python -m tools.make_images` after changing a
drawing; the files are committed, nothing draws them at deploy time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "img" / "products"

CATEGORIES = (
    "shoes shirts trousers dresses jackets bags watches jewelry hats sunglasses belts scarves"
).split()

# (background top, background bottom, item colour, accent colour) per colourway n.
PALETTES = {
    1: ("#f6f1e9", "#e9dfcf", "#2f4858", "#e0a458"),
    2: ("#eef5f1", "#d5e8de", "#0b5d4b", "#f2c14e"),
    3: ("#f7eef4", "#eadbe4", "#7a2e5a", "#f4a261"),
    4: ("#eef2f8", "#d9e1ee", "#1f3b73", "#e76f51"),
}

# Each drawing uses {c} (item) and {a} (accent) on a 400 x 400 canvas; "#0002" is shade.
DRAWINGS = {
    "shoes": (
        '<path d="M70 250c0-40 20-80 40-95 25 20 60 25 90 20l40 35c40 5 90 15 100 40v20H70z" fill="{c}"/>'
        '<rect x="62" y="270" width="286" height="26" rx="13" fill="{a}"/>'
        '<path d="M140 175l20 20M160 170l20 22M182 168l18 24" stroke="#fff" stroke-width="7" stroke-linecap="round"/>'
    ),
    "shirts": (
        '<path d="M150 80l-70 35-30 70 50 20 15-30v165h170V175l15 30 50-20-30-70-70-35c-5 25-30 40-50 40s-45-15-50-40z" fill="{c}"/>'
        '<path d="M150 80c5 25 30 40 50 40s45-15 50-40" fill="none" stroke="{a}" stroke-width="10"/>'
    ),
    "trousers": (
        '<path d="M125 70h150l25 270h-70l-30-180-30 180h-70z" fill="{c}"/>'
        '<rect x="125" y="70" width="150" height="22" fill="{a}"/>'
        '<path d="M200 92v60" stroke="#0003" stroke-width="5"/>'
    ),
    "dresses": (
        '<path d="M165 60h70l-5 55 25 40 55 185H90l55-185 25-40z" fill="{c}"/>'
        '<path d="M145 155h110" stroke="{a}" stroke-width="14"/>'
        '<path d="M178 60c4 18 12 26 22 26s18-8 22-26" fill="#fff6"/>'
    ),
    "jackets": (
        '<path d="M150 70l-60 30-25 215h70v30h130v-30h70l-25-215-60-30-50 60z" fill="{c}"/>'
        '<path d="M200 130v215" stroke="{a}" stroke-width="8"/>'
        '<path d="M150 70l50 60 50-60" fill="none" stroke="#0003" stroke-width="8"/>'
        '<rect x="145" y="230" width="35" height="8" rx="4" fill="{a}"/><rect x="220" y="230" width="35" height="8" rx="4" fill="{a}"/>'
    ),
    "bags": (
        '<path d="M150 160v-30a50 50 0 0 1 100 0v30" fill="none" stroke="{a}" stroke-width="16" stroke-linecap="round"/>'
        '<rect x="90" y="150" width="220" height="180" rx="26" fill="{c}"/>'
        '<rect x="180" y="200" width="40" height="26" rx="6" fill="{a}"/>'
    ),
    "watches": (
        '<rect x="165" y="40" width="70" height="320" rx="20" fill="{a}"/>'
        '<circle cx="200" cy="200" r="92" fill="{c}"/><circle cx="200" cy="200" r="74" fill="#fff"/>'
        '<path d="M200 200V148M200 200l38 22" stroke="{c}" stroke-width="9" stroke-linecap="round"/>'
        '<circle cx="200" cy="200" r="8" fill="{c}"/>'
    ),
    "jewelry": (
        '<circle cx="200" cy="235" r="90" fill="none" stroke="{a}" stroke-width="24"/>'
        '<path d="M160 120l15-35h50l15 35-40 45z" fill="{c}"/>'
        '<path d="M160 120h80M185 85l15 80 15-80" fill="none" stroke="#fff8" stroke-width="4"/>'
    ),
    "hats": (
        '<ellipse cx="200" cy="270" rx="150" ry="40" fill="{c}"/>'
        '<path d="M115 265c0-60 10-130 85-130s85 70 85 130z" fill="{c}"/>'
        '<path d="M118 232h164v26H118z" fill="{a}"/>'
        '<path d="M160 150c20 15 60 15 80 0" fill="none" stroke="#0003" stroke-width="6"/>'
    ),
    "sunglasses": (
        '<path d="M60 170h280" stroke="{c}" stroke-width="12" stroke-linecap="round"/>'
        '<path d="M75 170h105c0 55-20 80-55 80s-50-30-50-80zM220 170h105c0 50-15 80-50 80s-55-25-55-80z" fill="{c}"/>'
        '<path d="M95 185c5 25 15 40 35 45M240 185c5 25 15 40 35 45" fill="none" stroke="{a}" stroke-width="7" stroke-linecap="round"/>'
    ),
    "belts": (
        '<rect x="40" y="175" width="320" height="50" rx="10" fill="{c}"/>'
        '<rect x="95" y="160" width="80" height="80" rx="12" fill="none" stroke="{a}" stroke-width="14"/>'
        '<path d="M135 200h60" stroke="{a}" stroke-width="10" stroke-linecap="round"/>'
        '<circle cx="250" cy="200" r="7" fill="#fff8"/><circle cx="285" cy="200" r="7" fill="#fff8"/><circle cx="320" cy="200" r="7" fill="#fff8"/>'
    ),
    "scarves": (
        '<path d="M120 80c60 30 100 30 160 0l-10 60c-40 20-100 20-140 0z" fill="{c}"/>'
        '<path d="M170 130c0 70 10 140-10 210h60c10-70 0-140 0-210z" fill="{c}"/>'
        '<path d="M175 180h40M173 230h44M170 280h48" stroke="{a}" stroke-width="10"/>'
        '<path d="M165 340v25M180 340v25M195 340v25M210 340v25" stroke="{c}" stroke-width="5"/>'
    ),
}


def product_svg(slug: str, n: int) -> str:
    """The SVG text of one product image."""
    top, bottom, colour, accent = PALETTES[n]
    body = DRAWINGS[slug].format(c=colour, a=accent)
    name = slug.replace("-", " ").capitalize()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400"'
        f' role="img" aria-labelledby="t"><title id="t">{name}, colourway {n}</title>'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{top}"/>'
        f'<stop offset="1" stop-color="{bottom}"/></linearGradient></defs>'
        '<rect width="400" height="400" fill="url(#g)"/>'
        '<ellipse cx="200" cy="360" rx="130" ry="14" fill="#0001"/>'
        f"{body}</svg>\n"
    )


BANNER = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 320" width="640" height="320">
<rect width="640" height="320" fill="#123c5a"/>
<circle cx="520" cy="60" r="140" fill="#0b5d4b"/><circle cx="120" cy="330" r="120" fill="#1b4f72"/>
<g transform="translate(170 30) scale(.65)">{bag}</g>
<g transform="translate(360 120) scale(.45)">{hat}</g>
<g transform="translate(40 110) scale(.45)">{shoe}</g>
</svg>
"""

PLACEHOLDER = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400">'
    '<rect width="400" height="400" fill="#f5f3ef"/>'
    '<path d="M120 260l60-70 45 50 30-30 45 50z" fill="#d9d4cc"/><circle cx="250" cy="150" r="22"'
    ' fill="#d9d4cc"/></svg>\n'
)


def write_all(out: Path = OUT) -> list[Path]:
    """Write every product image, the banner and the placeholder; return the product paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for slug in CATEGORIES:
        for n in PALETTES:
            path = out / f"{slug}-{n}.svg"
            path.write_text(product_svg(slug, n))
            written.append(path)
    img = out.parent
    banner = BANNER.format(
        bag=DRAWINGS["bags"].format(c="#f2c14e", a="#f6f1e9"),
        hat=DRAWINGS["hats"].format(c="#e76f51", a="#f6f1e9"),
        shoe=DRAWINGS["shoes"].format(c="#f6f1e9", a="#e0a458"),
    )
    (img / "banner.svg").write_text(banner)
    (img / "placeholder.svg").write_text(PLACEHOLDER)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    paths = write_all(args.out)
    print(f"wrote {len(paths)} product images to {args.out}")


if __name__ == "__main__":
    main()
