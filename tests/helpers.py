"""Test helpers: a tiny stand-in model and photo generators."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageOps
from skimage import data

from photofind.core.models import MODELS, ModelSpec, register

TINY = "test-tiny"
TINY_B = "test-tiny-b"


def _build_tiny(weights: Path | None, grid: int = 4):
    import torch
    from torch import nn

    class Tiny(nn.Module):
        """Colour layout on a 4x4 grid as features; a fixed random projection as logits.

        Resampled to the grid (not adaptive pooling) so an exported graph takes any shape.
        """

        def __init__(self) -> None:
            super().__init__()
            gen = torch.Generator().manual_seed(0)
            self.fc = nn.Linear(3 * grid * grid, 1000)
            with torch.no_grad():
                self.fc.weight.copy_(torch.randn(1000, 3 * grid * grid, generator=gen))
                self.fc.bias.zero_()

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            grid_x = nn.functional.interpolate(x, size=(grid, grid), mode="bilinear")
            pooled = grid_x.flatten(1)
            return pooled, self.fc(pooled)

    return Tiny()


def register_tiny() -> None:
    """Two tiny models: colour on a 4x4 grid (48-d) and on a 2x2 grid (12-d)."""
    for model_id, grid in ((TINY, 4), (TINY_B, 2)):
        if model_id not in MODELS:
            register(
                ModelSpec(
                    model_id,
                    f"tiny test model, {grid}x{grid} colour grid",
                    3 * grid * grid,
                    32,
                    mean=(127.0,) * 3,
                    std=(128.0,) * 3,
                    resample=Image.Resampling.BILINEAR,
                    build=functools.partial(_build_tiny, grid=grid),
                )
            )


def make_photo(path: Path, seed: int, size: tuple[int, int] = (320, 240), **save: object) -> Path:
    """A distinct synthetic photo: smooth colour gradients plus a few blocks."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = rng.uniform(0, 255, 3)
    slope = rng.uniform(-1, 1, (2, 3))
    img = base + xx[..., None] * slope[0] * 255 / w + yy[..., None] * slope[1] * 255 / h
    for _ in range(4):
        x0, y0 = rng.integers(0, w // 2), rng.integers(0, h // 2)
        img[y0 : y0 + h // 3, x0 : x0 + w // 3] = rng.uniform(0, 255, 3)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path, **save)
    return path


def framings(img: Image.Image) -> list[Image.Image]:
    """Six different framings of one photo: whole, mirrored, four crops of 60-75%."""
    w, h = img.size
    return [
        img,
        ImageOps.mirror(img),
        img.crop((0, 0, w * 3 // 4, h * 3 // 4)),
        img.crop((w // 4, h // 4, w, h)),
        ImageOps.mirror(img.crop((w // 5, 0, w * 4 // 5, h * 3 // 5))),
        img.crop((0, h // 4, w * 2 // 3, h)).resize((w // 2, h // 2)),
    ]


def real_photo(name: str) -> Image.Image:
    """A photo scikit-image ships (`chelsea`, `coffee`, `astronaut`...), in RGB."""
    return Image.fromarray(getattr(data, name)()).convert("RGB")


def crop_rotated(img: Image.Image, area: float, degrees: float) -> Image.Image:
    w, h = img.size
    side = area**0.5
    cw, ch = round(w * side), round(h * side)
    turned = img.rotate(degrees, resample=Image.Resampling.BICUBIC)
    x0, y0 = (w - cw) // 3, (h - ch) // 2
    return turned.crop((x0, y0, x0 + cw, y0 + ch))


def make_copies(root: Path) -> Path:
    """Originals, the copies people make of them, and look-alikes that are not copies."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("chelsea", "coffee", "astronaut", "rocket", "camera"):
        real_photo(name).save(root / f"{name}.jpg", quality=92)
    crop_rotated(real_photo("chelsea"), 0.5, 5).save(root / "chelsea crop.jpg", quality=90)
    real_photo("coffee").save(root / "coffee q10.jpg", quality=10)
    small = real_photo("astronaut").resize((128, 128))
    ImageEnhance.Brightness(small).enhance(1.3).save(root / "astronaut small.jpg", quality=85)
    ImageOps.grayscale(real_photo("rocket")).save(root / "rocket grey.jpg", quality=85)
    left, right, _ = data.stereo_motorcycle()  # one scene, two shots: similar, not a copy
    Image.fromarray(left).save(root / "motorcycle left.jpg", quality=90)
    Image.fromarray(right).save(root / "motorcycle right.jpg", quality=90)
    return root


def screenshot(img: Image.Image, scale: float = 0.6) -> Image.Image:
    """The photo shown in a photo viewer's window, as a screenshot captures it."""
    screen = Image.new("RGB", (1280, 800), (236, 236, 236))
    draw = ImageDraw.Draw(screen)
    draw.rectangle((0, 0, 1280, 36), fill=(50, 50, 60))
    draw.rectangle((0, 36, 220, 800), fill=(210, 214, 220))
    draw.text((240, 48), "IMG_2041.JPG - Photos", fill="black")
    fit = min(980 / img.width, 680 / img.height) * scale
    screen.paste(img.resize((round(img.width * fit), round(img.height * fit))), (250, 90))
    return screen
