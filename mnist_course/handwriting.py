"""Your own handwriting: a photo or drawing of a digit, made to look like an MNIST digit (notebook 10).

MNIST's digits were made in a fixed way (LeCun, Cortes and Burges, the MNIST database page): each written digit
was cropped to its ink, scaled so that its longer side is 20 pixels (keeping its shape), and placed in a 28×28
field so that the centre of mass of its ink sits at the centre, white ink on black. A network trained on MNIST
has only ever seen digits made that way, so a new digit must be made that way too. Notebook 10 writes these steps
out on screen and proves them equal to :func:`mnist_style` here; the package adds what is not the lesson: reading
an image file, a canvas to draw on in Colab, and the example drawing the stored run uses.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "BOX",
    "FIELD",
    "PAPER",
    "centre_by_mass",
    "crop_to_ink",
    "draw_digit",
    "example_photo",
    "fit_box",
    "ink_on_black",
    "load_image",
    "mnist_style",
    "to_gray",
]

#: The longer side of the digit's box in MNIST, in pixels.
BOX = 20
#: The side of MNIST's field, in pixels.
FIELD = 28
#: Shades fainter than this share of the brightest ink count as paper (uneven light, shadows, sensor noise).
PAPER = 0.15


def to_gray(image: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Any image (H×W, H×W×C or C×H×W; uint8 0–255 or float 0–1) as one float H×W channel in [0, 1] (notebook 10).

    Colour images are averaged over their channels; an alpha channel is dropped.
    """
    t = torch.as_tensor(np.asarray(image)) if not isinstance(image, torch.Tensor) else image
    if t.ndim == 3:
        if t.shape[0] in (1, 3, 4) and t.shape[-1] not in (1, 3, 4):
            t = t.permute(1, 2, 0)  # C×H×W -> H×W×C
        t = t[..., :3].float().mean(dim=-1) if t.shape[-1] >= 3 else t[..., 0]
    if t.ndim != 2:
        raise ValueError(f"expected an image of shape H×W, H×W×C or C×H×W, got shape {tuple(t.shape)}")
    t = t.float()
    if t.max() > 1.0:
        t = t / 255.0
    return t.clamp(0.0, 1.0)


def ink_on_black(gray: torch.Tensor) -> torch.Tensor:
    """White ink on a black background, as in MNIST: inverted when the background is bright (notebook 10).

    The background is read from the image's border, which a digit rarely touches: its median brightness above 0.5
    means dark ink on light paper. The background is then pulled to exactly 0 (its median subtracted), the
    brightest ink scaled to 1, and everything fainter than :data:`PAPER` of it set to 0, so that paper that is
    not evenly lit adds no ink.
    """
    border = torch.cat([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    ink = 1.0 - gray if border.median() > 0.5 else gray
    background = torch.cat([ink[0], ink[-1], ink[:, 0], ink[:, -1]]).median()
    ink = (ink - background).clamp(min=0.0)
    top = ink.max()
    if top <= 0:
        return ink
    return ((ink / top - PAPER) / (1 - PAPER)).clamp(min=0.0)  # the faintest shades are uneven paper, not ink


def crop_to_ink(ink: torch.Tensor, threshold: float = 0.2) -> torch.Tensor:
    """The smallest rectangle holding every pixel brighter than ``threshold`` (notebook 10).

    Raises ``ValueError`` when no pixel is that bright (an empty drawing).
    """
    rows = torch.nonzero((ink > threshold).any(dim=1)).flatten()
    cols = torch.nonzero((ink > threshold).any(dim=0)).flatten()
    if len(rows) == 0:
        raise ValueError(
            f"no ink found: no pixel is brighter than {threshold} after inversion. Draw or photograph a darker digit "
            "(or a lighter one on a dark background)."
        )
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def fit_box(ink: torch.Tensor, box: int = BOX) -> torch.Tensor:
    """Scale the cropped digit so that its longer side is ``box`` pixels, keeping its shape (notebook 10)."""
    h, w = ink.shape
    scale = box / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    out = F.interpolate(ink[None, None], size=size, mode="bilinear", antialias=True, align_corners=False)
    return out[0, 0].clamp(0.0, 1.0)


def centre_by_mass(digit: torch.Tensor, field: int = FIELD) -> torch.Tensor:
    """Place the digit in a ``field``×``field`` image so that its centre of mass is at the centre (notebook 10).

    The centre is pixel (14, 14) of 28, where the centre of mass of MNIST's own digits lies on average; the shift
    is rounded to whole pixels. Ink shifted past the edge is cut off.
    """
    h, w = digit.shape
    mass = digit.sum()
    if mass <= 0:
        raise ValueError("the digit has no ink to centre: check the crop's threshold")
    cy = float((digit.sum(dim=1) * torch.arange(h, dtype=digit.dtype)).sum() / mass)
    cx = float((digit.sum(dim=0) * torch.arange(w, dtype=digit.dtype)).sum() / mass)
    top, left = round(field / 2 - cy), round(field / 2 - cx)
    out = torch.zeros(field, field, dtype=digit.dtype)
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + h, field), min(left + w, field)
    if y1 > y0 and x1 > x0:
        out[y0:y1, x0:x1] = digit[y0 - top : y1 - top, x0 - left : x1 - left]
    return out


def mnist_style(image: torch.Tensor | np.ndarray) -> torch.Tensor:
    """A photo or drawing of one digit as an MNIST digit: 28×28 floats in [0, 1], white on black (notebook 10).

    The four steps of notebook 10: :func:`to_gray` and :func:`ink_on_black`, :func:`crop_to_ink`,
    :func:`fit_box` (longer side 20 pixels), :func:`centre_by_mass` (in a 28×28 field).
    """
    return centre_by_mass(fit_box(crop_to_ink(ink_on_black(to_gray(image)))))


def load_image(path: str | Path) -> torch.Tensor:
    """A PNG or JPEG file as an H×W×3 uint8 tensor (notebook 10); a clear error if it is missing or unreadable."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"no image at {path}: give the path of a PNG or JPEG photo of one digit")
    try:
        with Image.open(path) as image:
            return torch.from_numpy(np.array(image.convert("RGB")))
    except UnidentifiedImageError:
        raise ValueError(f"{path} is not a PNG or JPEG image that Pillow can read") from None


def _segment_distance(yy: np.ndarray, xx: np.ndarray, a: tuple[float, float], b: tuple[float, float]) -> np.ndarray:
    """Distance from every pixel to the segment from ``a`` to ``b`` (points as (y, x))."""
    (ay, ax), (by, bx) = a, b
    dy, dx = by - ay, bx - ax
    length2 = dy * dy + dx * dx
    t = np.clip(((yy - ay) * dy + (xx - ax) * dx) / length2, 0.0, 1.0) if length2 > 0 else np.zeros_like(yy)
    return np.hypot(yy - (ay + t * dy), xx - (ax + t * dx))


def example_photo(size: int = 240, seed: int = 0) -> torch.Tensor:
    """A drawn 7 that looks like a phone photo of paper: dark ink, light uneven paper, off-centre (notebook 10).

    The course draws it itself (two pen strokes, a lighting gradient and a little noise), so the stored run needs no
    image file and no front end. Returns a ``size``×``size`` uint8 tensor.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    s = size / 240
    strokes = [((62 * s, 70 * s), (58 * s, 150 * s)), ((58 * s, 150 * s), (170 * s, 112 * s))]  # the bar, the stem
    distance = np.min([_segment_distance(yy, xx, a, b) for a, b in strokes], axis=0)
    pen = 7.0 * s
    ink = np.clip((pen - distance) / (2.0 * s) + 0.5, 0.0, 1.0)  # a pen stroke with soft edges
    paper = 0.93 - 0.18 * (yy + xx) / (2 * size)  # a lamp at the top left
    photo = paper * (1 - 0.8 * ink) + rng.normal(0.0, 0.015, size=(size, size))
    return torch.from_numpy(np.clip(photo * 255, 0, 255).round().astype(np.uint8))


_CANVAS_JS = """
async function drawDigit(size) {
  const div = document.createElement('div');
  const canvas = document.createElement('canvas');
  canvas.width = size; canvas.height = size;
  canvas.style.border = '1px solid #888'; canvas.style.touchAction = 'none';
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'white'; ctx.fillRect(0, 0, size, size);
  ctx.lineWidth = size / 14; ctx.lineCap = 'round'; ctx.strokeStyle = 'black';
  const done = document.createElement('button'); done.textContent = 'Done';
  const clear = document.createElement('button'); clear.textContent = 'Clear';
  div.append(canvas, document.createElement('br'), done, clear);
  document.body.appendChild(div);
  let drawing = false;
  const at = e => { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  canvas.onpointerdown = e => { drawing = true; ctx.beginPath(); ctx.moveTo(...at(e)); };
  canvas.onpointermove = e => { if (drawing) { ctx.lineTo(...at(e)); ctx.stroke(); } };
  canvas.onpointerup = () => { drawing = false; };
  clear.onclick = () => { ctx.fillStyle = 'white'; ctx.fillRect(0, 0, size, size); };
  await new Promise(resolve => done.onclick = resolve);
  const data = canvas.toDataURL('image/png');
  div.remove();
  return data;
}
"""


def draw_digit(size: int = 280) -> torch.Tensor | None:
    """In Google Colab: a canvas to draw a digit on with the mouse or a finger; returns it as H×W×3 uint8 (notebook 10).

    Anywhere else (Jupyter, a terminal, CI) there is no canvas: it prints how to give the notebook a photo instead
    and returns ``None``.
    """
    try:
        from google.colab import output  # type: ignore[import-not-found]
        from IPython.display import Javascript, display
    except ImportError:
        print(
            "No drawing canvas here (it needs Google Colab). To try your own digit: write it on paper, take a "
            "photo, save it as a PNG or JPEG next to this notebook, and set MY_DIGIT = 'my_digit.png' above."
        )
        return None
    import base64
    import io

    from PIL import Image

    display(Javascript(_CANVAS_JS))
    data_url = output.eval_js(f"drawDigit({int(size)})")
    png = base64.b64decode(data_url.split(",", 1)[1])
    with Image.open(io.BytesIO(png)) as image:
        return torch.from_numpy(np.array(image.convert("RGB")))
