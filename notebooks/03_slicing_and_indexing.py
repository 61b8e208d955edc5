# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 03 · Slicing and Indexing
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/03_slicing_and_indexing.ipynb)
#
# *Runs in under half a minute on a 2-core CPU (last full run).*
#
# Almost every line of deep learning code picks parts of arrays, rearranges them, or combines arrays of different
# shapes. This notebook is the toolbox: first on a colour photograph, where every mistake is visible at a glance,
# then on MNIST, where the same moves select, sort, crop, batch and standardize digits.
#
# **You will learn**
#
# - **slicing and indexing** in NumPy and PyTorch: elements, rows, channels, crops, flips and strides, and
#   writing into slices;
# - to select examples with boolean masks and integer ("fancy") indexing, and to sort them by a computed key;
# - to reshape, flatten and permute, and to tell a *view* (shared memory) from a *copy*;
# - to compute with pixel **coordinates** and broadcasting;
# - **vectorization**: replacing Python loops by whole-tensor operations, with the speed-up measured.

# %% slideshow={"slide_type": "subslide"}
# Colab only: install the course package from the same ref as this notebook (main). Colab already has torch,
# NumPy and the rest, so --no-deps leaves them alone. Elsewhere this cell does nothing: in a checkout, `make lab`
# installs the package into .venv and opens the notebooks (see the README).
import sys

if "google.colab" in sys.modules:
    import importlib.util

    from IPython import get_ipython

    get_ipython().system("pip install --no-deps git+https://github.com/mnist-course/mnist-course@main")
    importlib.invalidate_caches()
    if get_ipython().user_ns.get("_exit_code") or importlib.util.find_spec("mnist_course") is None:
        raise RuntimeError(
            "The course package did not install from mnist-course@main (pip's error is above). Check the runtime's "
            "internet connection and that the ref main exists, then use Runtime → Disconnect and delete "
            "runtime and run this cell again; if it still fails, report it at https://github.com/mnist-course/mnist-course/issues"
        )

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib import cbook

from mnist_course.data import load_mnist, to_unit
from mnist_course.plot import show_images
from mnist_course.results import record
from mnist_course.settings import device, pick, seed_everything
from mnist_course.timing import best_time

seed_everything(0)
dev = device()
x, y = load_mnist("train")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A photograph is an array
#
# Matplotlib ships a few sample files with its installation, among them a portrait of the computer scientist
# Grace Hopper. `plt.imread` decodes the JPEG into a NumPy array of bytes. It hands back a read-only array, so we
# copy it into one we own (`np.array` copies).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room to predict the shape that `plt.imread` returns for
# a colour photograph, and in which order its axes come. Many expect the width first, as screen sizes are quoted; the
# printed shape puts the rows, the height, first. Stress that `photo[r, c]` is drawn at (x, y) = (c, r): the text
# below calls mixing the two the most common indexing bug in image code.

# %% tags=["nbval-check-output"]
with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = np.array(plt.imread(f))
height, width, channels = photo.shape
print(type(photo).__name__, photo.shape, photo.dtype)
print(f"{height} rows × {width} columns × {channels} channels (red, green, blue)")

# %% [markdown]
# A colour image has three axes: rows, columns and channels. Each pixel sits at a **[coordinate](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#coordinate)** (*r*, *c*): row
# *r* counted from the **top**, column *c* from the left, both starting at 0. When we draw the image, the column is
# the horizontal position *x* and the row the vertical position *y*, measured downwards: `photo[r, c]` is drawn at
# (*x*, *y*) = (*c*, *r*). Mixing up (row, column) with (*x*, *y*) is the most common indexing bug in image code.
#
# **[Indexing](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#slicing-and-indexing)** with one integer per axis picks one value; leaving axes out (or writing `:`) keeps them whole, and
# `...` stands for as many whole axes as needed (in `photo[..., 0]`, all the axes before the last).

# %%
r, c = 100, 420  # a pixel in the blue background, top right
print("photo[r, c]      ->", photo[r, c], "  one pixel: its red, green and blue values")
print("photo[r, c, 2]   ->", photo[r, c, 2], "        its blue value alone")

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print("photo[r].shape      ->", photo[r].shape, "  one row of pixels")
print("photo[:, c].shape   ->", photo[:, c].shape, "  one column")
print("photo[..., 0].shape ->", photo[..., 0].shape, "  the red channel of every pixel")

# %% [markdown]
# To keep this notebook small, the figures draw large pictures at half resolution (every second row and column,
# a stride you will meet below); the axes still count the shown array's own rows and columns (a crop starts again
# at 0).

# %% alt="Four panels of a portrait of Grace Hopper with axes in row r (downwards) and column c: the colour photo with pixel photo[100, 420] circled in the blue background, then its red, green and blue channels in gray. The blue background is dark in the red channel and bright in the blue one; the flag's red stripes the reverse." slideshow={"slide_type": "subslide"}
def show_photo(ax, img: np.ndarray, **kwargs) -> plt.Axes:
    """Draw an image at half resolution when it is large, with axes in the image's own row and column numbers."""
    step = 2 if min(img.shape[:2]) > 300 else 1
    extent = (-0.5, img.shape[1] - 0.5, img.shape[0] - 0.5, -0.5)  # left, right, bottom, top
    return ax.imshow(img[::step, ::step], extent=extent, **kwargs)


fig, axes = plt.subplots(1, 4, figsize=(12, 3.8))
show_photo(axes[0], photo)
axes[0].plot(c, r, "o", mfc="none", mec="yellow", ms=12, mew=2)
axes[0].annotate(f"photo[{r}, {c}]\n= {photo[r, c].tolist()}", (c, r), xytext=(505, 330), color="yellow", ha="right",
                 fontsize=8, bbox={"facecolor": "black", "alpha": 0.6}, arrowprops={"color": "yellow", "arrowstyle": "->"})
axes[0].set_title("photo (rows × columns × RGB)")
axes[0].set_xlabel("column c (x)")
axes[0].set_ylabel("row r (y, downwards)")
for k, (ax, name) in enumerate(zip(axes[1:], ["red", "green", "blue"])):
    im = show_photo(ax, photo[..., k], cmap="gray", vmin=0, vmax=255)
    ax.set_title(f"photo[..., {k}]: {name}")
    ax.set_xlabel("column c (x)")
fig.colorbar(im, ax=axes[1:], fraction=0.02, label="channel value (0 = none, 255 = full)")
_ = fig.suptitle("One photograph, three channels")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The flag's red stripes are bright in the red channel and dark in the blue one; the blue background is the
# reverse; white stars and the white collar are bright in all three.
#
# ## Crops, flips and strides
#
# A **slice** `start:stop:step` picks every `step`-th index from `start` up to, but not including, `stop`.
# Leave out `start` or `stop` to run to the edge; a negative step walks backwards. One slice per axis gives crops
# (a range of rows and columns), flips (step −1) and subsampling (step > 1, here every 16th row and column: one
# pixel in 256). (NumPy's `strides`, below, are something else: bytes per step.)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before revealing the figure, ask the room to sketch what `photo[..., ::-1]` looks like: which
# colours change, and which stay? Reversing the channels swaps red and blue, so the red stripes turn blue, while
# white, which has equal red, green and blue, stays white. A common misconception is that a slice copies the pixels:
# the cell after the figure prints each result's strides and confirms with `np.shares_memory` that all five are views
# of the photo's memory.

# %% alt="Six panels of the portrait, each titled by its slice: the whole photo, a crop of the face, the photo upside down, mirrored left to right, with its channels reversed so the red stripes turn blue and the backdrop orange-brown, and every 16th row and column, a coarse blocky version." slideshow={"slide_type": "subslide"}
views = {
    "photo[120:340, 130:370]": photo[120:340, 130:370],  # the face
    "photo[::-1]": photo[::-1],  # rows reversed: upside down
    "photo[:, ::-1]": photo[:, ::-1],  # columns reversed: a mirror image
    "photo[..., ::-1]": photo[..., ::-1],  # channels reversed: RGB becomes BGR
    "photo[::16, ::16]": photo[::16, ::16],  # every 16th row and column
}
fig, axes = plt.subplots(1, 6, figsize=(12, 2.9))
show_photo(axes[0], photo)
axes[0].set_title("photo", fontsize=9)
for ax, (expr, img) in zip(axes[1:], views.items()):
    show_photo(ax, img)
    ax.set_title(expr, fontsize=9)
for ax in axes:
    ax.set_xlabel("column")
axes[0].set_ylabel("row")
fig.suptitle("Slicing: crop, flips and a stride")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Reversing the channels swaps red and blue: the flag's red stripes turn blue and the blue backdrop turns
# orange-brown. Libraries disagree on the
# order (OpenCV, for example, stores BGR), and this one slice converts between them. The stride keeps the picture
# but loses detail: it is the crudest way to shrink an image.
#
# How can a slice be so cheap? The array is one block of bytes, and its `strides` say how many bytes to jump for
# one step along each axis. A slice changes only the starting point and the strides: no pixel is copied.

# %% tags=["nbval-check-output"]
assert (photo[:, ::-1][:, 0] == photo[:, -1]).all() and (photo[::-1][0] == photo[-1]).all()
print(f"{'photo':24s} shape {str(photo.shape):14s} strides {photo.strides}")
for expr, img in views.items():
    print(f"{expr:24s} shape {str(img.shape):14s} strides {img.strides}  shares memory: {np.shares_memory(img, photo)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# One step down a column of `photo`, to the next row, jumps 1,536 bytes (a whole row: 512 pixels × 3 channels);
# one step along a row, to the next pixel, jumps 3 bytes; a step to the next channel 1 byte. The upside-down
# view walks the rows backwards (−1,536), the mirror image walks the columns backwards (−3), and the stride jumps
# 16 times as far along both. `np.shares_memory` confirms that all five are **views** of the photo's memory.
#
# ## The same in PyTorch
#
# `torch.from_numpy` wraps the array without copying it. Crops and strides are written exactly as in NumPy.
# PyTorch convolutions expect channels *first* (C×H×W for one image, N×C×H×W for a batch), which `permute`
# provides, again as a view. PyTorch's `stride()` counts elements, not bytes; for one-byte uint8 the two agree.
# One difference: PyTorch does not allow negative steps, so a flip is `torch.flip`, which
# makes a copy. `data_ptr()` is the address of a tensor's first value, and *contiguous* means stored row after row
# with no gaps (see *Views and copies*).

# %%
t = torch.from_numpy(photo)  # a view of the same memory, no copy
chw = t.permute(2, 0, 1)  # channels first: 3×600×512, still a view
try:
    t[:, ::-1]
except ValueError as e:
    print("t[:, ::-1] raises ValueError:", e)

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print("t:  ", tuple(t.shape), t.dtype, "strides", t.stride())
print("chw:", tuple(chw.shape), "strides", chw.stride(), "contiguous:", chw.is_contiguous())
print("t shares the NumPy array's memory:", np.shares_memory(t.numpy(), photo), " chw starts where t starts:",
      t.data_ptr() == chw.data_ptr())
print("crop equal: ", torch.equal(t[120:340, 130:370], torch.from_numpy(photo[120:340, 130:370].copy())))
print("stride equal:", torch.equal(t[::16, ::16], torch.from_numpy(photo[::16, ::16].copy())))
print("flip equal: ", torch.equal(t.flip(1), torch.from_numpy(photo[:, ::-1].copy())))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Writing into slices: stripes and a frame
#
# A slice on the left of `=` writes into the array. Three assignments, one per third of the columns, each
# switching on one channel, make a red, green and blue flag. The same in PyTorch with channels first makes
# horizontal bands of float values in [0, 1]. Their brighter-of-the-two mix shows the additive colours: red and
# green light make yellow, green and blue make cyan, blue and red make magenta. Finally we frame the face in the
# photo by writing red into four thin slices of a copy.

# %% alt="Four images made by assigning to slices: vertical red, green and blue stripes; horizontal red, green and blue bands; their brighter-of-the-two mix, a three-by-three grid that adds yellow, magenta and cyan where two colours meet; and the portrait with a red frame around the face." slideshow={"slide_type": "subslide"} tags=["slides-split-output"]
h, w = 120, 180
stripes = np.zeros((h, w, 3), dtype=np.uint8)  # rows × columns × channels, all black
stripes[:, : w // 3, 0] = 255  # left third: red channel on
stripes[:, w // 3 : 2 * w // 3, 1] = 255  # middle third: green
stripes[:, 2 * w // 3 :, 2] = 255  # right third: blue

bands = torch.zeros(3, h, w)  # channels × rows × columns, floats
bands[0, : h // 3] = 1.0  # top band: red
bands[1, h // 3 : 2 * h // 3] = 1.0  # middle band: green
bands[2, 2 * h // 3 :] = 1.0  # bottom band: blue
bands_hwc = (bands.permute(1, 2, 0) * 255).to(torch.uint8).numpy()  # back to rows × columns × channels, bytes
mix = np.maximum(stripes, bands_hwc)

framed = photo.copy()  # never paint on the original
top, bottom, left, right, t_px = 120, 340, 130, 370, 5
framed[top : top + t_px, left:right] = [255, 0, 0]  # a list of 3 values is written into every pixel of the slice
framed[bottom - t_px : bottom, left:right] = [255, 0, 0]
framed[top:bottom, left : left + t_px] = [255, 0, 0]
framed[top:bottom, right - t_px : right] = [255, 0, 0]

fig, axes = plt.subplots(1, 4, figsize=(12, 3.2), gridspec_kw={"width_ratios": [1, 1, 1, 0.8]})
for ax, img, title in zip(axes, [stripes, bands_hwc, mix, framed],
                          ["stripes[:, a:b, k] = 255", "bands[k, a:b] = 1.0", "np.maximum(stripes, bands)", "a frame: four slices"]):
    show_photo(ax, img)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("column")
axes[0].set_ylabel("row")
fig.suptitle("Images made by assigning to slices")
fig.tight_layout()

# %% tags=["nbval-check-output"]
centres, columns = [h // 6, h // 2, 5 * h // 6], [w // 6, w // 2, 5 * w // 6]
print("pixels at rows", centres, "and columns", columns, "(the middle of each stripe and band):")
for rr in centres:
    print(f"row {rr:3d}:", "  ".join(str(mix[rr, cc].tolist()) for cc in columns))
print("framed is a copy, the photo is untouched:", not np.shares_memory(framed, photo))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## MNIST: selecting with a boolean mask
#
# Back to digits. `x` holds 60,000 images (N×28×28, uint8) and `y` their labels. A comparison such as `y == 3`
# gives a **boolean mask**: one True or False per example. Indexing with the mask keeps the examples where it is
# True. Masks combine with `&` (and), `|` (or) and `~` (not).

# %% tags=["nbval-check-output"]
is_three = y == 3
threes = x[is_three]
print("mask:", is_three.dtype, tuple(is_three.shape), "first ten:", is_three[:10].tolist())
print("threes:", tuple(threes.shape), "=", is_three.sum().item(), "images")
three_or_eight = (y == 3) | (y == 8)
print("threes or eights:", three_or_eight.sum().item(), "=", (y == 3).sum().item(), "+", (y == 8).sum().item())

# %% alt="Two rows of ten handwritten threes, the first twenty MNIST training images selected by the mask y == 3, differing in slant, thickness and style."
fig = show_images(threes[:20], ncols=10, size=0.8, title="x[y == 3][:20]: the first twenty threes")

# %% [markdown] slideshow={"slide_type": "subslide"}
# A mask can also select *pixels*. `torch.nonzero` turns a mask into the coordinates of its True entries, one
# (row, column) pair per line. With two index tensors, one per axis, `first[coords[:, 0], coords[:, 1]]` pairs
# them up: value *k* is `first[coords[k, 0], coords[k, 1]]` (fancy indexing, next section). That reads the pixels
# back at those coordinates.

# %% tags=["nbval-check-output"]
first = x[0]
bright = first > 128  # a 28×28 mask
coords = torch.nonzero(bright)  # K×2: (row, column) of each bright pixel
print("bright pixels:", bright.sum().item(), " coordinates:", tuple(coords.shape), " first three:", coords[:3].tolist())
print("bounding box: rows", coords[:, 0].min().item(), "to", coords[:, 0].max().item(),
      " columns", coords[:, 1].min().item(), "to", coords[:, 1].max().item())
values = first[coords[:, 0], coords[:, 1]]  # pixel values at those coordinates
print("all of them > 128:", bool((values > 128).all()), " same as first[bright]:", torch.equal(values, first[bright]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Fancy indexing
#
# Indexing with a tensor (or list) of integers picks those examples, **in that order**, repeats allowed. A
# classic use: the first example of each digit. The loop asks "where is the first *d*?" ten times. The second
# version compares every label with every digit at once (a 10×60,000 mask, thanks to broadcasting, explained
# below) and lets `argmax` find the first True in each row. `t[:, None]` inserts an axis of size 1 (the same as
# `t.unsqueeze(1)`), turning the 10 digits into a 10×1 column.

# %% tags=["nbval-check-output"]
first_loop = torch.stack([torch.nonzero(y == d)[0, 0] for d in range(10)])
first_each = (y == torch.arange(10)[:, None]).int().argmax(dim=1)  # argmax returns the first maximum
print("indices:", first_each.tolist())
print("labels: ", y[first_each].tolist(), " same as the loop:", torch.equal(first_loop, first_each))
print("repeats and any order:", y[torch.tensor([7, 7, 0, 42])].tolist())

# %% alt="One row of ten MNIST digits labelled 0 to 9: the first example of each digit in the training set, picked by fancy indexing with first_each."
fig = show_images(x[first_each], y[first_each], size=0.9, title="x[first_each]: the first example of each digit")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sorting digits by ink
#
# Sorting is fancy indexing with a computed order: `argsort` returns the indices that would sort a tensor,
# and indexing with them reorders anything aligned with it. Here the key is the total ink of each image, the sum
# of its pixels (summing uint8 gives int64, so nothing overflows). A *stable* sort keeps ties in their original
# order, so the result is the same on every machine.

# %% tags=["nbval-check-output"]
ink = x.sum(dim=(1, 2))
order = torch.argsort(ink, stable=True)
lightest, heaviest = order[:10], order[-10:]
print("ink:", ink.dtype, tuple(ink.shape))
print("lightest:", ink[lightest].tolist(), " digits", y[lightest].tolist())
print("heaviest:", ink[heaviest].tolist(), " digits", y[heaviest].tolist())

# %% alt="Two rows of ten MNIST digits sorted by ink. Top row, the ten lightest: all labelled 1, each a single thin stroke. Bottom row, the ten heaviest: bold, blotted digits labelled 0, with two labelled 8." slideshow={"slide_type": "subslide"}
fig = show_images(x[torch.cat([lightest, heaviest])], y[torch.cat([lightest, heaviest])], size=0.9,
                  title="Sorted by ink: the ten lightest (top) and the ten heaviest (bottom) digits")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The ten lightest digits are all ones (see the printed labels), single thin strokes; the heaviest are bold,
# blotted zeros and eights. Sorting by a simple statistic is a quick way to find odd examples in any dataset.
#
# ## Crop and pad
#
# MNIST's makers fitted each digit into a 20×20 box, then placed it in the 28×28 field by its centre of mass, so the
# box is not always the central 20×20. Cropping all 60,000 images at once is one slice (a view), and the ink the
# crop loses is a subtraction.

# %%
centre = x[:, 4:24, 4:24]  # the central 20×20 of every image: a view, nothing is copied
lost = ink - centre.sum(dim=(1, 2))
print("crop:", tuple(centre.shape))
print(f"{100 * lost.sum().item() / ink.sum().item():.1f}% of all ink lies outside the central 20×20;"
      f" {100 * (lost == 0).float().mean().item():.1f}% of the images lose none")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Because `centre` is a view of `x`, writing into it would write into `x`, which every later cell reads: we never
# write into it (writing through a view is shown on a copy of our own below, in *Views and copies*).
#
# **Padding** adds a border. `F.pad(t, (left, right, top, bottom))` pads the last axis, then the one before it.
# It is the same as writing the crop into a slice of a blank canvas. Cropping one side and padding the other
# shifts the digit; notebook 10 shifts digits this way to test its network, and notebook 11 augments its data with
# random shifts and rotations.

# %% tags=["nbval-check-output"]
n = 1000
padded = F.pad(centre[:n], (4, 4, 4, 4))  # back to 28×28, zeros around
canvas = torch.zeros(n, 28, 28, dtype=torch.uint8)
canvas[:, 4:24, 4:24] = centre[:n]  # the same by assignment to a slice
print("padded:", tuple(padded.shape), " equal to the canvas:", torch.equal(padded, canvas))
shifted = F.pad(x[:n, :, :-3], (3, 0))  # drop the 3 right-most columns, add 3 empty ones on the left
print("shifted right by 3:", tuple(shifted.shape), torch.equal(shifted[:, :, 3:], x[:n, :, :-3]))

# %% alt="Five MNIST digits titled 'Crop and pad': image 8104, which has the most ink outside the centre, then the same cropped and padded, losing the ends of its strokes; then image 0, a five, and the same five shifted right by 3 and shifted up by 3 pixels." slideshow={"slide_type": "subslide"}
worst = lost.argmax().item()  # the image that loses the most ink to the crop
pair = [x[worst], F.pad(centre[worst], (4, 4, 4, 4)), x[0], F.pad(x[0, :, :-3], (3, 0)), F.pad(x[0, 3:], (0, 0, 0, 3))]
titles = [f"image {worst}: most\nink outside centre", "cropped, padded", "image 0", "shifted right 3", "shifted up 3"]
fig = show_images(torch.stack(pair), titles, ncols=5, size=1.6, title="Crop and pad")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Reshape, flatten and permute
#
# A linear layer wants each image as one row of 784 numbers; a convolution wants N×C×H×W. `flatten`, `reshape`,
# `unsqueeze` and `squeeze` change the shape without touching the values (they are read in the same order, row
# by row). `permute` reorders the axes themselves.

# %% tags=["nbval-check-output"]
batch = x[:64]
flat = batch.flatten(1)  # 64×784: all axes from 1 on merged
print("batch", tuple(batch.shape), "-> flat", tuple(flat.shape), "-> back", tuple(flat.reshape(64, 28, 28).shape),
      torch.equal(flat.reshape(64, 28, 28), batch))
print("unsqueeze(1):", tuple(batch.unsqueeze(1).shape), " squeeze(1) again:", tuple(batch.unsqueeze(1).squeeze(1).shape))
print("row 3 of image 0 is flat[0, 84:112]:", torch.equal(flat[0, 3 * 28 : 4 * 28], batch[0, 3]))

# %% [markdown]
# A montage of 64 digits as one 224×224 image shows why `permute` is needed. Split the batch axis into a grid of
# 8×8: axes (grid row *i*, grid column *j*, pixel row *r*, pixel column *c*). One row of the big image runs
# through pixel row *r* of all eight images in grid row *i*, so the axes must be in the order (*i*, *r*, *j*, *c*)
# before the final reshape. Reshaping without the permute reads each image's rows one after another and scrambles
# the picture.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before revealing the figure, ask the room to predict what `batch.reshape(224, 224)` alone,
# without the `permute`, will show: the digits in a grid, the digits in the wrong places, or no digits at all? Then
# look at the left panel. The values are read in memory order, image by image and row by row, so each row of the big
# image strings eight consecutive rows of the digits side by side, and no digit survives; the ink of those rows falls
# in the middle of each 28-pixel stretch, which is why the scrambled picture shows eight vertical strips.

# %% alt="Two versions of 64 MNIST digits as one 224 by 224 image. Left, reshape(224, 224) only: scrambled dashes in eight vertical strips, no digit recognisable. Right, with permute(0, 2, 1, 3) between two reshapes: an eight by eight grid of readable digits." slideshow={"slide_type": "subslide"}
grid = batch.reshape(8, 8, 28, 28).permute(0, 2, 1, 3).reshape(8 * 28, 8 * 28)
scrambled = batch.reshape(8 * 28, 8 * 28)
fig, axes = plt.subplots(1, 2, figsize=(9, 4.6))
for ax, img, title in [(axes[0], scrambled, "reshape(224, 224) only: scrambled"),
                       (axes[1], grid, "reshape, permute(0, 2, 1, 3), reshape")]:
    ax.imshow(img, cmap="gray_r")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
fig.suptitle("64 digits as one image")
fig.tight_layout()

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print("grid:", tuple(grid.shape), " grid row 1, column 2 is image 10:", torch.equal(grid[28:56, 56:84], batch[10]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Views and copies
#
# Like NumPy, PyTorch keeps a tensor's values in a block of memory (its *storage*) and describes the shape by a
# starting point and strides. A **view** shares the storage of another tensor: it costs nothing to make, and
# writing into it writes into the original. A **copy** has its own storage. Slices, `unsqueeze`, `permute`, and
# `reshape`/`flatten` when the merged axes lie one after another in memory, give views; boolean masks, fancy
# indexing, `clone` and a change of dtype give copies. This is about reading. On the left of `=`, a mask or an
# index list writes into the original: `base[2, base[2] < 50] = 0` changes `base` (shown below).
# `untyped_storage().data_ptr()` is the address of the storage, so comparing it tells which is which.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the table below, ask the room to vote, expression by expression, on whether
# each result is a view or a copy, and whether it is contiguous. The usual surprises are `base.permute(0, 2, 1)`, a
# view that is not contiguous, and the same permute followed by `reshape(-1, 784)`, which copies. A common
# misconception is that `reshape` always returns a view: it copies whenever the memory order leaves no other way.

# %%
def same_memory(a: torch.Tensor, b: torch.Tensor) -> bool:
    """True when a and b share one storage, i.e. one is a view of the other."""
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
base = x[:1000].clone()  # our own copy: safe to write into
ops = {
    "base[:10]": base[:10],
    "base[:, 4:24, 4:24]": base[:, 4:24, 4:24],
    "base[::2]": base[::2],
    "base.flatten(1)": base.flatten(1),
    "base.unsqueeze(1)": base.unsqueeze(1),
    "base.permute(0, 2, 1)": base.permute(0, 2, 1),
    "base[y[:1000] == 3]": base[y[:1000] == 3],
    "base[[0, 5, 9]]": base[[0, 5, 9]],
    "base.permute(0, 2, 1).reshape(-1, 784)": base.permute(0, 2, 1).reshape(-1, 784),
    "base.float()": base.float(),
}
print(f"{'expression':40s} {'view':6s} contiguous")
for expr, out in ops.items():
    print(f"{expr:40s} {same_memory(out, base)!s:6s} {out.is_contiguous()}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# A permuted tensor is a view but not *contiguous* (its rows are not stored one after another), so merging its
# permuted axes into rows of 784 has to copy. `reshape` does that silently; `view` refuses. Writing shows the
# difference between views and copies directly, and `data_ptr` (the address of a tensor's first element) shows
# where a view starts.

# %% tags=["nbval-check-output"]
corner = base[0, :2, :2]  # a view
corner[:] = 255  # writes into base
picked = base[[1]]  # a copy
picked[:] = 255  # base is untouched
print("base[0] changed through the view:", bool((base[0, :2, :2] == 255).all()))
print("base[1] unchanged by the copy:   ", torch.equal(base[1], x[1]))
base[2, base[2] < 50] = 0  # a mask on the left of =: writes into base
print("base[2] changed by a masked write:", not torch.equal(base[2], x[2]))
print("base[5:] starts", base[5:].data_ptr() - base.data_ptr(), "bytes after base (5 images × 784 one-byte pixels)")
try:
    base.permute(0, 2, 1).view(-1, 784)
except RuntimeError:
    print("view() of the permuted tensor raises RuntimeError (no 784-long rows exist in its memory order);"
          " reshape() copies instead")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Writing through a view changes the original for everyone who holds it. That is why a library hands out copies
# of data it keeps: `load_mnist` hands you a copy, so writing into it cannot change what the next load returns.
# Inside this notebook, though, every later cell reads `x`, so we wrote into `base`, a `.clone()` of our own, and
# left `x` alone.
#
# ## Broadcasting: standardizing a batch
#
# Arithmetic between tensors of different shapes follows the **[broadcasting](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#broadcasting)** rules: line the shapes up from the
# right; two axes fit when they are equal or one of them is 1 (or missing), and the size-1 axis is repeated,
# without copying. So an N×28×28 batch minus a 28×28 mean image subtracts that mean from every image, and an
# N×1×1 tensor of per-image means subtracts each image's own mean from all its pixels.
#
# Notebook 02 standardized with one mean and one standard deviation for all pixels. Here we standardize *each
# pixel position* with its own mean and standard deviation over the batch. Pixels that are background in every
# image of the batch have standard deviation 0, so we clamp it from below at 0.1 to avoid dividing by zero. The
# clamp also means no value can exceed (1 − 0) / 0.1 = 10; the printed maximum, 10.0, is just under that cap
# (rounded to one decimal). `mean(dim=(1, 2), keepdim=True)` keeps the summed axes as size 1, giving N×1×1; a 28×1
# tensor would broadcast one value along each row.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Ask the room what `images - images.mean(dim=(1, 2))` would do without `keepdim=True`: the
# means then have shape N, which lines up with the last axis, the columns, so the subtraction fails (unless N happens
# to be 28, when it silently subtracts the wrong numbers). Writing the shapes right-aligned on the board shows the
# rule. Live knob: lower the clamp `min=0.1` and re-run; the printed largest standardized value grows, since the clamp
# is what caps it. Keep it above zero: at zero, a pixel that is blank in every image gives 0 / 0, NaN.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
images = to_unit(x[:5000])  # N×28×28 floats in [0, 1]
pixel_mean = images.mean(dim=0)  # 28×28: the mean of each pixel position over the batch
pixel_std = images.std(dim=0)  # 28×28
per_pixel = (images - pixel_mean) / pixel_std.clamp(min=0.1)  # N×28×28 with 28×28: broadcast over N
image_mean = images.mean(dim=(1, 2), keepdim=True)  # N×1×1: one mean per image
per_image = images - image_mean  # N×28×28 with N×1×1: broadcast over rows and columns
print("shapes:", tuple(images.shape), "-", tuple(pixel_mean.shape), "->", tuple(per_pixel.shape))
print("shapes:", tuple(images.shape), "-", tuple(image_mean.shape), "->", tuple(per_image.shape))
print("broadcast_shapes((5000, 28, 28), (28, 1)) =", tuple(torch.broadcast_shapes((5000, 28, 28), (28, 1))))
print("every pixel position has mean 0 over the batch (largest |mean| below 1e-4):",
      bool(per_pixel.mean(dim=0).abs().max() < 1e-4))
print("every image has mean 0 over its pixels (largest |mean| below 1e-6):", bool(per_image.mean(dim=(1, 2)).abs().max() < 1e-6))
print(f"per-pixel standardized values run from {per_pixel.min().item():.1f} to {per_pixel.max().item():.1f}")

# %% alt="Four 28 by 28 heat maps: the mean of each pixel over the batch, a blurred digit-shaped blob; the standard deviation of each pixel, a wider blob near zero at the border; image 0, a five, in [0, 1]; and image 0 standardized per pixel in red and blue, clipped at \u00b13, deepest red where strokes reach the blob's edges." slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 4, figsize=(12, 3.2))
panels = [(pixel_mean, "mean of each pixel", "gray_r", "mean value over the batch"),
          (pixel_std, "std of each pixel", "gray_r", "standard deviation"),
          (images[0], "image 0 in [0, 1]", "gray_r", "pixel value"),
          (per_pixel[0], "image 0, per-pixel standardized", "RdBu_r", "clipped at ±3")]
for ax, (img, title, cmap, label) in zip(axes, panels):
    if cmap == "RdBu_r":  # rarely inked pixels reach far beyond ±3: clip the scale so the common values show
        im = ax.imshow(img, cmap=cmap, vmin=-3, vmax=3)
        fig.colorbar(im, ax=ax, fraction=0.046, extend="both", label=label)
    else:
        im = ax.imshow(img, cmap=cmap, vmin=0, vmax=float(img.max()))
        fig.colorbar(im, ax=ax, fraction=0.046, label=label)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("column")
axes[0].set_ylabel("row")
fig.suptitle("Broadcasting: (N×28×28 − 28×28) / 28×28")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# After per-pixel standardization, a stroke where ink is rare (the edges of the mean image) stands out strongly
# (deep red), while ink where most digits have it counts for less, and missing ink where most digits have some is
# negative (blue). The colour scale stops at ±3 (the arrow ends of the colour bar): where ink is very rare, the
# small standard deviation makes a stroke's value run far above 3, and a scale stretched to fit it would wash the
# blue out to white.
#
# ### Notebook 01's population, taken apart
#
# Reshaping and broadcasting together explain the one-line population evaluation of notebook 01. There, P
# candidate weight matrices form one tensor `Ws` of shape P×10×784, and every candidate must score N images and be
# graded against their labels. One plain 2-D matrix product can score every template at once, if we first stack
# the templates as the rows of one matrix (`@` also works on whole stacks of matrices, but notebook 01 uses the 2-D
# form):
#
# 1. `Ws.reshape(P * 10, 784)` merges the first two axes (a view): the P·10 templates become the rows of one
#    (P·10)×784 matrix, read row by row, so candidate *p*'s template for digit *k* is row 10·*p* + *k*;
# 2. `X @ templates.T` scores every image against every template: N×784 times 784×(P·10) gives N×(P·10);
# 3. `.reshape(N, P, 10)` splits each image's row of P·10 scores back into P groups of 10, in the order step 1
#    merged them: candidate by candidate, digit by digit;
# 4. `.argmax(2)` picks each candidate's prediction for each image, N×P, and `== Y[:, None]` compares it with the
#    labels as an N×1 column, which broadcasting repeats across the P candidates;
# 5. `.float().mean(0)` averages over the images: one accuracy per candidate.
#
# The check: the same accuracies as scoring one candidate at a time. The two ways add up the products in different
# orders, which can flip a near-tie between two digits' scores, so, as in notebook 01, we allow a few images' worth
# of difference.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
X_small, Y_small = to_unit(x[:1000]).flatten(1), y[:1000]  # N×784 images, N labels
Ws = torch.randn(4, 10, 784, generator=torch.Generator().manual_seed(0))  # P = 4 random candidates
P, K, D = Ws.shape
templates = Ws.reshape(P * K, D)  # step 1: (P·10)×784, a view
scores = (X_small @ templates.T).reshape(len(X_small), P, K)  # steps 2 and 3: N×(P·10), then N×P×10
accuracies = (scores.argmax(2) == Y_small[:, None]).float().mean(0)  # steps 4 and 5: N×P, then P
one_at_a_time = torch.stack([((X_small @ W.T).argmax(1) == Y_small).float().mean() for W in Ws])
print("Ws", tuple(Ws.shape), "-> templates", tuple(templates.shape), "-> scores", tuple(scores.shape),
      "-> predictions", tuple(scores.argmax(2).shape), "-> accuracies", tuple(accuracies.shape))
print("candidate 2's template for digit 7 is row 10·2 + 7 = 27:", torch.equal(templates[27], Ws[2, 7]))
print("the same scores as candidate 2 alone:", torch.allclose(scores[:, 2], X_small @ Ws[2].T, atol=1e-4))
print("the same accuracies as one candidate at a time (within 3 images):",
      bool((accuracies - one_at_a_time).abs().max() <= 3 / len(X_small)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Coordinates: the centre of mass
#
# Broadcasting also turns pixel **coordinates** into arithmetic. Inside the function below,
# `coords = torch.arange(28)` holds the coordinate of each row (and of each column). The centre of mass of an
# image's ink is its ink-weighted average coordinate: the centre row is
# *r̄* = Σ *r*·*I*[*r*, *c*] / Σ *I*[*r*, *c*], summed over all pixels, and the centre column *c̄* likewise with *c*.
# Since *r* is the same along a row, the row sum can come first: add up each row of each image across its 28
# columns (`sum(dim=2)`) to get the ink in each row (N×28), multiply by `coords` (the 28 broadcast against N×28),
# and add up.
#
# We compute three integer **moments** per image (the ink Σ *I*, the row moment Σ *r*·*I*, the column moment
# Σ *c*·*I*). Sums of uint8 tensors are int64, so the results are exact integers, and two ways of computing them can
# be compared with `torch.equal`.

# %%
def moments_vectorized(images: torch.Tensor) -> torch.Tensor:
    """N×3 int64: ink, row moment and column moment of each uint8 image, for the whole batch at once."""
    coords = torch.arange(28)  # the coordinate of each row, and of each column
    ink_per_row = images.sum(dim=2)  # N×28 int64: the ink in each row
    ink_per_col = images.sum(dim=1)  # N×28: the ink in each column
    return torch.stack([ink_per_row.sum(dim=1), (ink_per_row * coords).sum(dim=1), (ink_per_col * coords).sum(dim=1)], dim=1)


m = moments_vectorized(x)  # all 60,000 images at once
centre_r, centre_c = m[:, 1] / m[:, 0], m[:, 2] / m[:, 0]
print(f"centres of mass over all {len(x):,} images: rows {centre_r.min().item():.3f} to {centre_r.max().item():.3f},"
      f" columns {centre_c.min().item():.3f} to {centre_c.max().item():.3f}")
inside = ((centre_r - 14).abs() <= 0.5) & ((centre_c - 14).abs() <= 0.5)
print(f"within half a pixel of (14, 14): {inside.sum().item():,} of {len(x):,}")

# %% alt="Left: six MNIST digits in two rows of three, a red plus marking each one's centre of mass. Right: a 2-D histogram of the centres of mass of all 60,000 training digits; both axes span about one pixel, and the counts spread fairly evenly over that square." slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(11, 4), gridspec_kw={"width_ratios": [1.3, 1]})
for k in range(6):
    i, j = divmod(k, 3)  # place digit k at grid row i, grid column j
    axes[0].imshow(x[k], cmap="gray_r", extent=(28 * j - 0.5, 28 * j + 27.5, 28 * i + 27.5, 28 * i - 0.5))
    axes[0].plot(28 * j + centre_c[k], 28 * i + centre_r[k], "r+", ms=14, mew=2)
axes[0].set_xlim(-0.5, 3 * 28 - 0.5)
axes[0].set_ylim(2 * 28 - 0.5, -0.5)
axes[0].set_title("Six digits and their centres of mass (+)")
axes[0].set_xlabel("column (x), 28 per digit")
axes[0].set_ylabel("row (y), 28 per digit")
hist = axes[1].hist2d(centre_c.numpy(), centre_r.numpy(), bins=40, cmap="Blues")
axes[1].invert_yaxis()  # rows grow downwards, as in the images
axes[1].set_title(f"Centres of mass of all {len(x):,} training digits\n(the axes span about one pixel)", fontsize=10)
axes[1].set_xlabel("column of the centre (x)")
axes[1].set_ylabel("row of the centre (y)")
fig.colorbar(hist[3], ax=axes[1], label="images")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# In these coordinates the exact middle of the field is (13.5, 13.5). Practically every centre (the count is
# printed above) lies between 13.5 and 14.5 in both directions, inside pixel (14, 14), spread evenly across it. That
# is the centring MNIST's makers applied (notebook 02): they aimed at pixel (14, 14), 28/2, and shifted by whole
# pixels, so each centre lands within half a pixel of 14, half a pixel below and right of the exact middle.
#
# ## Vectorization: loops against whole-tensor operations
#
# **[Vectorization](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#vectorization)** means writing an operation on whole arrays instead of looping over their elements in Python.
# The loop runs the Python interpreter once per pixel; the vectorized version makes a few calls into compiled
# code that runs through memory in tight loops (often on several cores at once). Here are three versions of the
# same moments: a pure Python loop over every pixel, a loop over images with tensor operations inside, and
# `moments_vectorized` above on the whole batch. All three must give identical answers. We time them on a single
# core (`torch.set_num_threads(1)`), since the Python loops cannot use more: the speed-up then comes from
# vectorization alone, and with more cores the vectorized version could run faster still.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before the timing cell runs, ask the room to guess how much faster the vectorized version
# will be than the pure Python loop: a few times, tens of times, or more? Compare the guesses with the printed
# speed-ups. Live knob: delete the `torch.set_num_threads(1)` line and re-run; the loops cannot use more than one
# core, so only the vectorized version can get faster, which is why the notebook compares them on one core.

# %% slideshow={"slide_type": "subslide"}
def moments_loop(images: torch.Tensor) -> torch.Tensor:
    """The same moments with a Python loop over every image, row and column."""
    out = []
    for image in images.tolist():  # nested Python lists of ints
        ink = row_moment = col_moment = 0
        for r, row in enumerate(image):
            for c, value in enumerate(row):
                ink += value
                row_moment += r * value
                col_moment += c * value
        out.append([ink, row_moment, col_moment])
    return torch.tensor(out)


def moments_per_image(images: torch.Tensor) -> torch.Tensor:
    """A loop over images, each image handled by tensor operations."""
    coords = torch.arange(28)
    out = []
    for image in images:
        ink_per_row, ink_per_col = image.sum(dim=1), image.sum(dim=0)  # 28 each, int64
        out.append(torch.stack([ink_per_row.sum(), (ink_per_row * coords).sum(), (ink_per_col * coords).sum()]))
    return torch.stack(out)


n_loop = pick(1_000, 100)
sample = x[:n_loop]

# %% tags=["nbval-check-output"]
answers = [moments_loop(sample), moments_per_image(sample), moments_vectorized(sample)]
print("answers:", [tuple(a.shape) for a in answers], [a.dtype for a in answers])
print("pixel loop == per-image loop == vectorized:", torch.equal(answers[0], answers[1]) and torch.equal(answers[1], answers[2]))

# %% slideshow={"slide_type": "subslide"}
threads = torch.get_num_threads()
torch.set_num_threads(1)  # one core for all three: the loops cannot use more, so we compare like with like
try:
    seconds = {  # the best of 3 runs for the loops; the fast version: the best of 5 rounds of 5 runs
        "Python loop over pixels": best_time(lambda: moments_loop(sample), repeat=3),
        "loop over images": best_time(lambda: moments_per_image(sample), repeat=3),
        "vectorized": best_time(lambda: moments_vectorized(sample), repeat=5, number=5),
    }
finally:
    torch.set_num_threads(threads)  # back to the previous thread count
for name, s in seconds.items():
    print(f"{name:24s} {1e3 * s:9.2f} ms for {n_loop:,} images  ({seconds['Python loop over pixels'] / s:7.1f}× the pixel loop's speed)")
speedup_vectorized = seconds["Python loop over pixels"] / seconds["vectorized"]

# %% alt="Horizontal bar chart of the milliseconds each version takes for 1,000 images on one core: the Python loop over pixels has by far the longest bar, the loop over images a much shorter one, and the vectorized version a bar barely visible beside zero. Each bar is labelled with its time." slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8, 2.8))
names = list(seconds)
bars = ax.barh(names, [1e3 * seconds[k] for k in names], color=["C1", "C0", "C2"])
ax.bar_label(bars, labels=[f"{1e3 * seconds[k]:.2f} ms" for k in names], padding=3)
ax.set_xlim(0, 1.25e3 * max(seconds.values()))  # a linear axis: bar lengths compare as the times do
ax.invert_yaxis()
ax.set_xlabel(f"milliseconds for {n_loop:,} images")
ax.set_title("The same moments computed three ways, on one core")
fig.tight_layout()

# %%
result = record("vectorized speed-up over Python loop", speedup_vectorized, 20)

# %% tags=["nbval-check-output"]
print(result.verdict)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The pure Python loop and the vectorized version agree to the last digit, and the vectorized one is many times
# faster (the measured factor is printed above; the course requires at least 20×). The loop over images sits in
# between: vectorizing the inside of a loop already helps, but each iteration still pays Python's overhead. Every
# model in this course processes whole batches for this reason.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - **Slicing and indexing** read and write parts of arrays: an integer picks, `start:stop:step` slices (crops,
#   flips with step −1, strides), `...` skips axes, and a slice on the left of `=` writes, which made the stripes,
#   the bands and the frame (`np.maximum` then mixed stripes and bands into the additive colours).
# - NumPy and PyTorch share the syntax. PyTorch has no negative steps (`flip` copies instead), puts channels first
#   (`permute`), and `torch.from_numpy` shares memory with the array.
# - Boolean masks select examples (all the threes) or pixels; `nonzero` turns a mask into coordinates; integer
#   tensors pick and reorder (fancy indexing), which with `argsort` sorted the digits by ink.
# - Slices, permutes and reshapes of contiguous tensors are views: free, and writing through them changes the
#   original; reading with masks or fancy indexing, and `clone`, make copies (on the left of `=`, a mask or an
#   index list writes into the original). `data_ptr` and `shares_memory` tell them apart.
# - Broadcasting lines shapes up from the right; it standardized a batch per pixel and per image, graded a whole
#   population of weight matrices (two reshapes around one matrix product, notebook 01's `population_accuracy`),
#   and turned pixel **coordinates** into centres of mass.
# - **Vectorization** gave the same exact moments as a pure Python loop, many times faster (measured above).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# The exercises whose answer is a value, a tensor or a function check it for you: run
# `from mnist_course.exercises import notebook03 as ex` once, then the check the exercise names, such as
# `ex.q1.check(...)`, prints "Correct" or what is still wrong; `ex.q1.hint()` gives a hint and
# `ex.q1.solution()` says where the solution is. All five exercises here check your answer.
#
# 1. Convert the photo to grayscale with the weights 0.299 (red), 0.587 (green), 0.114 (blue), using broadcasting
#    and no loop. Check the result's shape, then the result with `ex.q1.check(gray, photo)`; `ex.q1.hint()` gives a
#    hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook03 as ex
#
#    weights = np.array([0.299, 0.587, 0.114])  # shape (3,) broadcasts against (600, 512, 3)
#    gray = (photo * weights).sum(axis=-1)
#    print(gray.shape)  # (600, 512)
#    plt.imshow(gray, cmap="gray")
#    ex.q1.check(gray, photo)
#    ```
#    </details>
#
# 2. Select the sevens that use more ink than the median seven, with one combined mask. How many are there? Check
#    the images you selected with `ex.q2.check(heavy_sevens, x, y)`; `ex.q2.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook03 as ex
#
#    median_seven = ink[y == 7].median()
#    heavy_sevens = x[(y == 7) & (ink > median_seven)]
#    print(len(heavy_sevens), "of", (y == 7).sum().item(), "sevens")  # at most half: strictly above the median
#    ex.q2.check(heavy_sevens, x, y)
#    ```
#    </details>
#
# 3. Build notebook 02's montage yourself (without the gaps between images): the first ten images of each digit
#    as one 280×280 image, with fancy indexing, `reshape` and `permute`. Check it with `ex.q3.check(montage, x, y)`;
#    `ex.q3.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook03 as ex
#
#    idx = torch.cat([torch.nonzero(y == d)[:10, 0] for d in range(10)])  # 100 indices, digit by digit
#    montage = x[idx].reshape(10, 10, 28, 28).permute(0, 2, 1, 3).reshape(280, 280)
#    plt.imshow(montage, cmap="gray_r")
#    ex.q3.check(montage, x, y)
#    ```
#    </details>
#
# 4. Vectorize the vertical extent of the bounding box: for every image, the first and last row that contains any
#    ink, without a Python loop. Check it against `torch.nonzero` on a few images, then on all of them with
#    `ex.q4.check(first_row, last_row, x)`; `ex.q4.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook03 as ex
#
#    has_ink = x.sum(dim=2) > 0  # N×28: does row r contain ink?
#    first_row = has_ink.int().argmax(dim=1)  # the first True
#    last_row = 27 - has_ink.flip(1).int().argmax(dim=1)  # the first True from the bottom
#    for k in range(5):
#        rows = torch.nonzero(x[k])[:, 0]
#        assert rows.min() == first_row[k] and rows.max() == last_row[k]
#    ex.q4.check(first_row, last_row, x)
#    ```
#    </details>
#
# 5. `x[:5].view(5, 784)` works but `x[:5].permute(0, 2, 1).view(5, 784)` fails. Explain, and show that
#    `reshape` gives a tensor whose rows are the *transposed* images: check that tensor with `ex.q5.check(t5, x)`;
#    `ex.q5.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    `x[:5]` is contiguous, so its 784 values per image lie one after another and a view can regroup them. The
#    permuted tensor walks memory column by column, which no strides of a 5×784 shape can describe, so `view`
#    refuses and `reshape` copies.
#
#    ```python
#    from mnist_course.exercises import notebook03 as ex
#
#    t5 = x[:5].permute(0, 2, 1).reshape(5, 784)
#    print(same_memory(t5, x), torch.equal(t5[0].reshape(28, 28), x[0].T))  # False True
#    ex.q5.check(t5, x)
#    ```
#    </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questionnaire
#
# Answer each question in your own words first, then open the answer to compare.
#
# 1. `photo[r, c]` is drawn at which point (*x*, *y*) of the figure, and why is mixing the two orders such a common
#    bug?
#
#    <details><summary>Answer</summary>
#
#    At (*x*, *y*) = (*c*, *r*): the column is the horizontal position, and the row the vertical one, counted
#    downwards from the top. Code that passes (*x*, *y*) where (row, column) is expected reads the wrong pixel or
#    transposes the image, and on a square image nothing crashes to warn you.
#    </details>
#
# 2. Why does a slice such as `photo[::-1]` or `photo[::16, ::16]` cost almost nothing, however large the image?
#
#    <details><summary>Answer</summary>
#
#    An array is one block of bytes described by a starting point and strides, the number of bytes to jump for one
#    step along each axis. A slice only changes the starting point and the strides (negative to walk backwards,
#    larger to skip), so no pixel is copied: the result is a view of the same memory.
#    </details>
#
# 3. PyTorch refuses `t[:, ::-1]`. What do you use instead, and how does the result differ in memory from NumPy's
#    flipped slice?
#
#    <details><summary>Answer</summary>
#
#    `torch.flip` (or `t.flip(1)`), which makes a copy with its own memory, while NumPy's negative-step slice is a
#    view of the original. The values are the same; writing into the flipped PyTorch tensor leaves the original
#    alone.
#    </details>
#
# 4. You select the threes with `x[y == 3]` and write into the result. Does `x` change? What if you write into
#    `x[:, 4:24, 4:24]` instead?
#
#    <details><summary>Answer</summary>
#
#    Reading with a boolean mask makes a copy, so `x` is untouched. (Writing with the mask itself, `x[y == 3] = 0`,
#    would write into `x`: on the left of `=` a mask writes into the original.) The crop is a slice, a view of
#    `x`'s memory, so writing into it writes into `x`, and every later cell that reads `x` would see the change. That is why the
#    notebook writes only into `base`, a `.clone()` of its own.
#    </details>
#
# 5. How do `argsort` and fancy indexing sort the digits by ink, and why ask for a *stable* sort?
#
#    <details><summary>Answer</summary>
#
#    `argsort` returns the indices that would sort the ink totals; indexing with them reorders anything aligned with
#    those totals, the images and their labels alike. A stable sort keeps images with equal ink in their original
#    order, so the result is the same on every machine; an unstable one may order such ties differently.
#    </details>
#
# 6. Reshaping a batch of 64 digits straight into one 224×224 image scrambles the picture. Why, and what does the
#    `permute` fix?
#
#    <details><summary>Answer</summary>
#
#    `reshape` reads the values in memory order, image by image and row by row, so the big image's first row would
#    hold the first eight rows of image 0, side by side. A row of the montage must run through pixel row *r* of all eight images
#    in grid row *i*, so the axes must be in the order (*i*, *r*, *j*, *c*) before the final reshape; `permute`
#    reorders the axes to get there.
#    </details>
#
# 7. `view` refuses to flatten a permuted tensor into rows of 784, while `reshape` succeeds. What is the difference?
#
#    <details><summary>Answer</summary>
#
#    A permuted tensor is not contiguous: the values that would form one row of 784 lie in memory in an order that
#    no strides of the new shape can describe. `view` only reinterprets the existing memory, so it
#    refuses; `reshape` silently makes a copy when it has to. So `reshape` may or may not give you a view, and
#    writing into its result may or may not change the original.
#    </details>
#
# 8. With broadcasting, what do N×28×28 − 28×28 and N×28×28 − N×1×1 each compute, and why does `keepdim=True`
#    matter for the second?
#
#    <details><summary>Answer</summary>
#
#    Shapes are lined up from the right. The first subtracts one 28×28 mean image from every image, a mean per pixel
#    position; the second subtracts each image's own mean from all of its pixels. `keepdim=True` keeps the summed
#    axes as size 1, giving N×1×1. Without it the means have shape N, which lines up with the last axis, the
#    columns: the subtraction fails, unless N happens to be 28, when it silently subtracts the wrong numbers.
#    </details>
#
# 9. Per-pixel standardization divides by each position's standard deviation. Why must that be clamped from below,
#    and why do strokes where ink is rare stand out so strongly?
#
#    <details><summary>Answer</summary>
#
#    Positions that are blank in every image of the batch have mean and standard deviation 0, and dividing
#    gives 0/0 = `nan`; near-blank positions, with a tiny deviation, give huge values. Where ink is rare the
#    standard deviation is small, so an image that does have ink there gets a large standardized value: rare
#    strokes count for more than ink where most digits have it.
#    </details>
#
# 10. Notebook 01 scores a population of shape P×10×784 with `Ws.reshape(P * 10, 784)`. Which row holds candidate
#     *p*'s template for digit *k*, and why must the scores be reshaped back to N×P×10 and not N×10×P?
#
#     <details><summary>Answer</summary>
#
#     Row 10·*p* + *k*: the reshape merges the axes row by row, candidate by candidate, digit by digit. The N×(P·10)
#     scores come out in that same order, so splitting them as N×P×10 gives back each candidate's ten scores;
#     splitting them as N×10×P would mix the templates of different candidates.
#     </details>
#
# 11. The centre of mass needs Σ *r*·*I*[*r*, *c*] over all pixels. Why may each row be summed first, and why can
#     two ways of computing these moments be compared with `torch.equal` rather than `allclose`?
#
#     <details><summary>Answer</summary>
#
#     The coordinate *r* is the same along a whole row, so it can be multiplied in after the row's ink has been
#     added up: the ink per row (N×28) times `torch.arange(28)`, broadcast, then summed. Sums of uint8 tensors are
#     int64, so the moments are exact integers: two correct computations agree to the last digit, with no rounding
#     that an `allclose` would have to forgive.
#     </details>
#
# 12. The loop over images sits between the pure Python loop and the vectorized version. Why, and why are all three
#     timed on a single core?
#
#     <details><summary>Answer</summary>
#
#     The pure loop runs the Python interpreter once per pixel; the loop over images hands each image's work to
#     compiled tensor operations but still pays Python's overhead once per image; the vectorized version makes a few
#     calls for the whole batch. The Python loops cannot use more than one core, so timing all three on one core
#     shows the gain from vectorization alone, not from extra cores.
#     </details>
