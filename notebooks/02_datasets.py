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
# # 02 · Datasets
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/02_datasets.ipynb)
#
# *Runs in under half a minute on a 2-core CPU (last full run).*
#
# A model learns only what its data shows it, so before we train anything seriously we get to know MNIST:
# where it comes from, how it sits on disk byte by byte, what the digits look like, which numbers the network
# should see, which images we may learn from and which we must keep aside, and how to hand them to a model quickly.
#
# **You will learn**
#
# - what MNIST is and how the IDX format stores it, by reading the raw bytes yourself;
# - to check that three different readers give *identical* tensors;
# - **scaling**: normalization to [0, 1] and standardization with the training set's statistics, and why
#   learning needs it;
# - to split off the course's validation set, and why the test set is used only once, at the very end;
# - to write in-memory mini-batches yourself, and how much faster they are than a `DataLoader` with per-sample
#   transforms, measured.

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
import torchvision
from torch.utils.data import DataLoader, Subset
from torchvision import transforms
from torchvision.utils import make_grid

from mnist_course import data as course_data  # the package's split_indices and load_splits, compared with ours below
from mnist_course.data import TensorBatches, data_root, load_mnist, mean_std, read_idx, standardize, to_unit
from mnist_course.results import record
from mnist_course.settings import device, pick, seed_everything
from mnist_course.timing import best_time

seed_everything(0)
dev = device()
# downloads the files only if they are missing and reads them once; later loads in this session come from memory
x_train, y_train = load_mnist("train")
x_test, y_test = load_mnist("test")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What MNIST is
#
# MNIST (the *Modified NIST* database) holds 70,000 handwritten digits, each a 28×28 grayscale image with its
# label 0–9: 60,000 for training and 10,000 for testing. Yann LeCun, Corinna Cortes and Christopher J. C. Burges
# assembled it in the 1990s from two collections of the US National Institute of Standards and Technology (NIST):
# Special Database 3, digits written by Census Bureau employees, and Special Database 1, written by high-school
# students. SD-3 is much cleaner than SD-1, and NIST had designated SD-3 for training and SD-1 for testing, so a
# model was tested on harder writing than it had learned from. MNIST mixes the two: half of each split comes from
# SD-3 and half from SD-1 (30,000 + 30,000 training images, 5,000 + 5,000 test images), and no writer appears in
# both the training and the test set.
#
# Each original black-and-white digit was scaled to fit a 20×20 box (keeping its aspect ratio; the anti-aliasing
# of that step created the gray levels), then placed in a 28×28 field so that its centre of mass sits in the middle.
# Sources: Y. LeCun, C. Cortes, C. J. C. Burges, *The MNIST database of handwritten digits*
# (yann.lecun.com/exdb/mnist), and LeCun et al., *Gradient-based learning applied to document recognition*,
# Proc. IEEE, 1998.
#
# `load_mnist` (from `mnist_course.data`) has already loaded both splits above. The sizes, checked:

# %% tags=["nbval-check-output"]
print(f"training set: {len(x_train):,} images, test set: {len(x_test):,} images, {len(x_train) + len(x_test):,} in all")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The raw files
#
# The data lives in four files, one for the images and one for the labels of each split. `data_root()` tells
# where the course keeps them (the folder layout is torchvision's, `MNIST/raw`); we print names relative to it.

# %% tags=["nbval-check-output"]
root = data_root()
raw_dir = root / "MNIST" / "raw"
for path in sorted(raw_dir.glob("*-ubyte")):
    print(f"{path.relative_to(root).as_posix():38s} {path.stat().st_size:>12,} bytes")

# %% [markdown] slideshow={"slide_type": "subslide"}
# These files use the **IDX format**, which is simple enough to read by hand:
#
# | bytes | meaning |
# |---|---|
# | 0–1 | always zero |
# | 2 | the type of each value: `0x08` means unsigned byte (0–255) |
# | 3 | the number of dimensions, *d* |
# | 4 … 4 + 4*d* − 1 | each dimension's size, a 32-bit *big-endian* integer (most significant byte first) |
# | then | the values, row by row (the last index changes fastest) |
#
# The first four bytes read as one integer are the file's *magic number*. Let us look at the first 16 bytes of
# the training images.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room to use the table to say which of the first bytes
# of the training image file will give the value type, the number of dimensions and the number of images.
# Then decode the printed hex bytes together, as the text below the cell does for the image count. A common slip is to
# read the sizes least significant byte first; question 2 of the questionnaire asks what that would give.

# %%
raw = (raw_dir / "train-images-idx3-ubyte").read_bytes()
header = raw[:16]
print("first 16 bytes:", header.hex(" "))
magic = int.from_bytes(header[0:4], "big")
print(f"magic number: {magic} = 0x{magic:08x}  ->  type code 0x{header[2]:02x}, {header[3]} dimensions")
dims = [int.from_bytes(header[4 + 4 * i : 8 + 4 * i], "big") for i in range(header[3])]
print("dimensions:", dims)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Three dimensions: 60,000 images of 28 rows of 28 pixels (`00 00 ea 60` is 14·16³ + 10·16² + 6·16 = 60,000;
# in hexadecimal, e = 14 and a = 10).
# The pixels follow the header directly, so NumPy can view the rest of the bytes as an array of that shape.
# The label file is the same with one dimension (magic number 2049): a header of 8 bytes, then one byte per label.

# %% tags=["nbval-check-output"]
assert magic == 2051 and len(raw) == 16 + np.prod(dims), "not the MNIST training images"
pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(dims)

raw_labels = (raw_dir / "train-labels-idx1-ubyte").read_bytes()
print("label header:", raw_labels[:8].hex(" "), "-> magic", int.from_bytes(raw_labels[:4], "big"),
      "count", int.from_bytes(raw_labels[4:8], "big"))
labels = np.frombuffer(raw_labels, dtype=np.uint8, offset=8)
print("pixels:", pixels.shape, pixels.dtype, "  labels:", labels.shape, labels.dtype)
print("first ten labels:", labels[:10].tolist())

# %% [markdown] slideshow={"slide_type": "subslide"}
# No plotting library is needed to see a digit: print a character per pixel, darker characters for more ink.

# %% tags=["nbval-check-output"]
shades = " .:-=+*#%@"  # 10 levels, from background to full ink
print(f"label {labels[0]}")
for row in pixels[0, 5:25]:  # the top and bottom rows are empty
    print("".join(shades[int(v) * len(shades) // 256] for v in row))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Three readers, one dataset
#
# Nobody reads IDX files by hand twice. `torchvision.datasets.MNIST(root=data_root())` finds the same files and
# reads them into its `.data` and `.targets` tensors, and `mnist_course.data.load_mnist` (which calls
# `read_idx`, our by-hand reading in a function) gives the tensors the rest of the course uses. "Looks the same"
# is not a check: `torch.equal` is true only when the shapes and every single value agree. It does not compare
# dtypes (a `uint8` tensor equals a `float32` one holding the same values), so we print those separately.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Ask the room what *identical* should mean for two readers of the same files: pictures that
# look alike, or every value equal? Before running the next cell, point out that `torch.equal` ignores the dtype,
# which is why the cell prints the dtypes on lines of their own. The same habit, checking equality exactly rather than
# by eye, comes back later in this notebook, when our split and our batches are compared with the package's.

# %% tags=["nbval-check-output"]
tv_train = torchvision.datasets.MNIST(root=data_root(), train=True)  # no download: the files are already there
tv_test = torchvision.datasets.MNIST(root=data_root(), train=False)
by_hand = torch.from_numpy(pixels.copy())  # frombuffer's array is read-only; torch wants its own copy

print("by hand     == load_mnist:", torch.equal(by_hand, x_train), torch.equal(torch.from_numpy(labels.astype(np.int64)), y_train))
print("torchvision == load_mnist:", torch.equal(tv_train.data, x_train), torch.equal(tv_train.targets, y_train))
print("test split  == load_mnist:", torch.equal(tv_test.data, x_test), torch.equal(tv_test.targets, y_test))
print("read_idx    == by hand:   ", np.array_equal(read_idx(raw_dir / "train-images-idx3-ubyte"), pixels))
print("image dtypes (by hand, torchvision, load_mnist):", by_hand.dtype, tv_train.data.dtype, x_train.dtype)
print("label dtypes (torchvision, load_mnist):         ", tv_train.targets.dtype, y_train.dtype)

# %% [markdown] slideshow={"slide_type": "subslide"}
# One difference matters later: indexing a torchvision dataset, `tv_train[i]`, returns *one* example as a
# PIL image (the Python Imaging Library's type; mode `L` means 8-bit grayscale) and a Python int, meant to be
# passed through per-sample transforms. We come back to that at the end.

# %% tags=["nbval-check-output"]
image, label = tv_train[0]
print(type(image).__name__, image.size, image.mode, "label", label)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Shapes, dtypes and value ranges
#
# The images are stored as `uint8`, one byte per pixel: 0 is background and 255 is full ink. The labels are
# `int64`, the type PyTorch expects for class labels (notebook 05's loss uses them).

# %% tags=["nbval-check-output"]
for name, (x, y) in {"train": (x_train, y_train), "test": (x_test, y_test)}.items():
    print(f"{name:5s} images {tuple(x.shape)} {x.dtype}, pixel values {x.min().item()}..{x.max().item()};"
          f" labels {tuple(y.shape)} {y.dtype}, classes {y.unique().tolist()}")
n_bytes = x_train.nelement() * x_train.element_size()
print(f"training images in memory: {n_bytes / 1e6:.1f} MB as uint8, {4 * n_bytes / 1e6:.1f} MB as float32")

# %% [markdown]
# The whole training set is smaller than a phone photo album: it fits in memory many times over, which is why
# this course keeps it there.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A look at the digits
#
# A montage of the first ten training images of each digit, drawn as one picture with torchvision's
# `make_grid` (notebook 03 shows how to build such a grid yourself): row *d* holds digit *d*. Look at how
# differently people write the same digit. (`torch.nonzero(y_train == d)` lists the positions of the images of
# digit *d*; notebook 03 explains such boolean masks and indexing with them.)

# %% alt="A 10 by 10 montage of handwritten digits: row d holds the first ten training images of digit d, digits 0 to 9 from top to bottom, examples 1 to 10 from left to right. Within each row the same digit varies visibly in slant, stroke thickness and shape." slideshow={"slide_type": "subslide"}
first_ten = torch.cat([torch.nonzero(y_train == d).flatten()[:10] for d in range(10)])
# unsqueeze(1): N×28×28 → N×1×28×28, one channel axis (notebook 03 explains unsqueeze)
# make_grid returns 3×302×302 (a gray image copied into 3 channels); [0] keeps one: a 302×302 image
montage = make_grid(x_train[first_ten].unsqueeze(1), nrow=10, padding=2, pad_value=255)[0]
fig, ax = plt.subplots(figsize=(5, 5))
ax.imshow(montage, cmap="gray_r")
ax.set_yticks(16 + 30 * np.arange(10), labels=range(10))
ax.set_xticks(16 + 30 * np.arange(10), labels=range(1, 11))
ax.set_ylabel("digit")
ax.set_xlabel("example")
ax.set_title("The first ten training images of each digit")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# How many of each digit are there? `torch.bincount` counts how often each label occurs.

# %% tags=["nbval-check-output"]
counts_train = torch.bincount(y_train, minlength=10)
counts_test = torch.bincount(y_test, minlength=10)
print("digit:", list(range(10)))
print("train:", counts_train.tolist())
print("test: ", counts_test.tolist())
print(f"train: least common digit {counts_train.argmin().item()}, most common {counts_train.argmax().item()}")

# %% alt="Grouped bar chart of each digit's share of its split in percent, train (60,000) in blue against test (10,000) in orange, with a dashed line at perfectly balanced. Every bar sits close to the line, digit 1 a little above and digit 5 a little below, and the two splits nearly match." slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8, 3.5))
digits = np.arange(10)
ax.bar(digits - 0.2, 100 * counts_train / counts_train.sum(), width=0.4, label="train (60,000)")
ax.bar(digits + 0.2, 100 * counts_test / counts_test.sum(), width=0.4, label="test (10,000)")
ax.axhline(10, color="gray", ls="--", lw=1, label="perfectly balanced")
ax.set_xticks(digits)
ax.set_xlabel("digit")
ax.set_ylabel("share of the split (%)")
ax.set_title("Class shares: MNIST is nearly balanced")
ax.set_ylim(0, 15)  # head room above the bars for the legend
ax.legend(loc="upper center", ncol=3)
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every digit makes up close to a tenth of each split, and the two splits have nearly the same mix. So plain
# accuracy is a fair headline metric here: no class is so rare that a model could ignore it and still look good.
#
# Averaging all images of one digit pixel by pixel gives its **mean image**: a blurry "typical" digit that shows
# where the ink usually is. The last panel averages all digits together.

# %% alt="A row of eleven blurry grey images: the mean training image of each digit 0 to 9, then of all digits together, on one scale of mean pixel value. Each digit's typical shape is easy to recognize, with the darkest ink where most writers put their strokes; the last panel is a paler oval blur."
mean_images = torch.stack([x_train[y_train == d].float().mean(0) for d in range(10)] + [x_train.float().mean(0)])
fig, axes = plt.subplots(1, 11, figsize=(12, 1.9))
for d, ax in enumerate(axes):
    im = ax.imshow(mean_images[d], cmap="gray_r", vmin=0, vmax=255)
    ax.set_title(str(d) if d < 10 else "all", fontsize=10)
    ax.axis("off")
fig.suptitle("The mean image of each digit (training set)")
_ = fig.colorbar(im, ax=axes, fraction=0.015, label="mean pixel value")

# %%
mean_ink = mean_images[:10].mean(dim=(1, 2))
print("mean pixel value per digit:", [round(v, 1) for v in mean_ink.tolist()])
print(f"most ink: digit {mean_ink.argmax().item()}, least ink: digit {mean_ink.argmin().item()}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The lines above print how much ink each digit carries on average (its mean image's mean pixel value) and which
# digits carry the most and the least: the long closed loop of a 0 against the single stroke of a 1. The amount of
# ink alone tells a few digits apart, but several others carry nearly the same amount, so a model has to look at
# *where* the ink is, which is what the mean images show.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Scaling
#
# **[Scaling](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#scaling)** changes the range of the numbers a model sees without changing what they say: every pixel goes
# through the same straight-line map *x* → (*x* − *a*) / *b* with *b* > 0, so the order of the values is kept: more
# ink stays more ink.
# Two kinds are common:
#
# - **normalization** to [0, 1]: divide by 255 (`to_unit`);
# - **standardization**: also subtract the mean pixel value *μ* and divide by the standard deviation *σ*, so
#   the pixels have mean 0 and standard deviation 1 (`standardize`).
#
# *μ* and *σ* are computed **on the training set only**, once, and then used for every split: the test images must
# go through exactly the same map as the images the model learned from, and the test set must not influence any
# choice we make. Here we use one *μ* and one *σ* for all pixels (as most MNIST code does).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cells, ask the room to sketch the histogram of the training pixels
# before and after standardizing: does its shape change, or only the axis under it? The three panels of the figure
# answer it. Also ask what mean the standardized test pixels will have: close to, but not exactly, zero, because they
# are standardized with the training set's statistics, and the test set is a different sample of handwriting.

# %% slideshow={"slide_type": "subslide"}
unit_train = x_train.float() / 255                      # normalize: pixels in [0, 1]
mean, std = unit_train.mean().item(), unit_train.std().item()  # statistics of the TRAINING pixels only
standardized_train = (unit_train - mean) / std             # standardize
standardized_test = (x_test.float() / 255 - mean) / std    # the TRAINING mean and std, also for the test set
print(f"training pixels in [0, 1]: mean {mean:.4f}, std {std:.4f}")

# The package's to_unit, mean_std and standardize do exactly this; later notebooks call them.
assert torch.equal(to_unit(x_train), unit_train)
assert max(abs(a - b) for a, b in zip(mean_std(x_train), (mean, std))) < 1e-6
assert torch.allclose(standardize(x_test, mean, std), standardized_test)
splits_shown = {"normalized train": unit_train, "standardized train": standardized_train, "standardized test": standardized_test}
for name, t in splits_shown.items():
    print(f"{name:18s}: range {t.min().item():7.4f} .. {t.max().item():.4f}, mean {t.mean().item():7.4f}, std {t.std().item():.4f}")

centred = abs(standardized_train.mean().item()) < 1e-3 and abs(standardized_train.std().item() - 1) < 1e-3
print(f"standardized training pixels have mean 0 and std 1: {centred}")

# %% [markdown]
# The test set's mean and standard deviation come out close to, but not exactly, 0 and 1: it is a different sample
# of handwriting. That is expected and correct.
#
# The histograms show what scaling does: the *shape* of the distribution is the same in all three panels, only
# the axis moves and stretches. Note the logarithmic count axis: most pixels are background. Each bar holds four
# whole pixel values (0–3, 4–7, …, 252–255, with its edges halfway between two values), so every bar counts the
# same number of possible values in every panel, and a taller bar is not an artefact of the binning. The few
# taller bars in the middle are in the data: some single values, 64, 128 and 191 (about a quarter, a half and
# three quarters of 255) among them, occur from about twice to more than four times as often as their neighbours
# (counts printed below).

# %% alt="Three histograms of the training pixels on a log count axis: raw, normalized to [0, 1] and standardized, each with a dashed red line at its mean. All three have the same shape, tall bars at background and full ink, a low floor between with a few taller single bars; only the x axis moves and stretches." slideshow={"slide_type": "subslide"} tags=["slides-hide-input"]
zero_share = (x_train == 0).float().mean().item()
print(f"{100 * zero_share:.1f}% of all training pixels are exactly 0 (background)")
value_counts = torch.bincount(x_train.flatten(), minlength=256)  # how many pixels have each value 0..255
for v in (64, 128, 191):
    print(f"pixel value {v}: {value_counts[v].item():,} pixels; its neighbours {v - 1} and {v + 1}: "
          f"{value_counts[v - 1].item():,} and {value_counts[v + 1].item():,}")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
edges = np.arange(-0.5, 256, 4)  # 64 bins of 4 raw values each: -0.5, 3.5, ..., 255.5
panels = [  # (title, pixels, their mean, the same bin edges in these pixels' units)
    ("raw uint8 pixels", x_train.float(), 255.0 * mean, edges),
    ("normalized to [0, 1]", unit_train, mean, edges / 255),
    ("standardized: mean 0, std 1", standardized_train, 0.0, (edges / 255 - mean) / std),
]
for ax, (title, t, m, e) in zip(axes, panels):
    counts = torch.histc(t, bins=len(e) - 1, min=e[0], max=e[-1])  # equal-width bins from e[0] to e[-1]
    ax.stairs(counts.numpy(), e, fill=True, alpha=0.8)
    ax.axvline(m, color="C3", ls="--", label=f"mean = {m:.3g}")
    ax.set_yscale("log")
    ax.set_title(title)
    ax.set_xlabel("pixel value")
    ax.legend()
axes[0].set_ylabel("number of pixels (log scale)")
fig.suptitle("Training pixels before and after scaling")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why scaling matters for learning
#
# Scaling changes nothing that a picture shows, yet it changes how a model learns. Notebook 01's linear scorer
# shows why. Its scores are dot products of templates with the pixels, so raw pixels (0–255) make every score 255
# times larger than pixels in [0, 1] do, and a change of a template by a given amount moves the scores 255 times
# as far. Let us measure that on 512 training images scaled three ways, with one step of notebook 01's random walk:
# Gaussian noise of size 0.02 added to the template of one digit.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room how much further the same step moves a score with
# raw pixels than with pixels in [0, 1], and whether standardized pixels come closer to one or to the other. The
# scores are linear in the pixels, so the raw ratio is exactly 255, as the cell asserts. Live knob: change the seed in
# `manual_seed(0)` and re-run; the raw ratio stays the same, while the standardized one moves with the step drawn, as
# the text below the cell says.

# %%
n_demo = 512
demo_inputs = {
    "raw 0..255": x_train[:n_demo].float().flatten(1),
    "normalized [0, 1]": unit_train[:n_demo].flatten(1),
    "standardized": standardized_train[:n_demo].flatten(1),
}
gen = torch.Generator().manual_seed(0)
step = torch.zeros(10, 784)
step[3] = 0.02 * torch.randn(784, generator=gen)  # one random-walk step: nudge the template of digit 3
moved = {name: (inputs @ step.T)[:, 3].abs().mean().item() for name, inputs in demo_inputs.items()}
for name, m in moved.items():
    print(f"{name:18s}: the step moves the digit's score by {m:8.4f} on average")
raw_over_unit = moved["raw 0..255"] / moved["normalized [0, 1]"]
std_over_unit = moved["standardized"] / moved["normalized [0, 1]"]
print(f"raw / normalized: {raw_over_unit:.1f}×   standardized / normalized: {std_over_unit:.1f}×")
assert abs(raw_over_unit - 255) < 0.01  # scores are linear in the pixels: exactly 255 times as far

# %% [markdown] slideshow={"slide_type": "subslide"}
# For this one step, standardized pixels move the score about twice as far as normalized ones (the ratio is
# printed). Dividing by the standard deviation stretches them 1 / 0.3081 ≈ 3.2-fold; subtracting the mean first
# changes that again, here taking some of it back, by an amount that depends on the step drawn. Either way it is
# nowhere near the factor of 255 of raw pixels.
#
# The random walk does not mind the factor of 255: it only compares scores, and multiplying all of them by 255
# changes no prediction (exercise 2 of notebook 01 makes the same point about the weights). **Gradient descent**, which
# notebook 04 builds and uses to train this very scorer, does mind. It changes the weights *W* in small steps,
# *W* ← *W* − lr · ∂loss/∂*W*, with a learning rate *lr*, where the loss is a single number that measures how
# wrong the scores are, smooth in the weights (notebook 04 defines it). For a linear scorer the gradient
# ∂loss/∂*W* is a sum over the images of each input *x* times a factor that depends on the image's scores and
# label. With raw pixels the gradient grows with the pixels, and the step it makes then moves the scores further
# again, as measured above: two factors that both grow with the pixels. A learning rate that suits pixels
# in [0, 1] therefore takes steps some tens of thousands of times too big for raw ones (255 · 255 ≈ 65,000, give
# or take: scores that large also change how the loss responds, so the gradient is not exactly 255 times the
# scaled one). A learning rate small enough for raw pixels leaves scaled ones crawling. This is an argument, not
# yet a measurement: notebook 04, once it has built gradient descent, runs it at one learning rate on raw, [0, 1]
# and standardized pixels and measures what happens.
#
# Centring the inputs around 0 helps as well: when no input is negative, every weight of one output that moves at
# all moves in the same direction on each example, and the weights can only zigzag towards their best values
# (LeCun et al., *Efficient BackProp*, 1998). Standardized pixels are centred as a whole, with a spread of about 1, the size that
# PyTorch's default weight initializations also assume, so from now on the course feeds standardized pixels to
# its networks. Centred *as a whole* only: one mean serves all 784 positions, so a pixel that is blank in an image
# sits at the printed minimum, −0.4241, and a border pixel that is blank in every image sits there in all of
# them; no single pixel position is centred on its own. Blank pixels and faint ink (below the mean, about 33 of
# 255) are now negative and stronger ink positive, so an image's inputs are no longer all of one sign. (Exercise 3
# centres each position separately.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A validation split
#
# Training choices (learning rate, model size, number of epochs, …; an *epoch* is one pass over all the training
# images, in mini-batches) are made by trying several and keeping the one that scores best *on data the model did
# not train on*. That data is the **[validation set](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#validation-split)**. The course's
# validation set is 10,000 images split off the 60,000 training images at random, which leaves 50,000 to fit the
# models with. The split is seeded with its own `torch.Generator` (a private random stream), so it is the same on
# every run (and on every machine with the same PyTorch version; PyTorch does not promise identical random streams
# across releases): re-running the cell cannot shuffle images between the two parts.

# %%
def split_indices(n: int, n_val: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded random split of range(n) into (fit indices, validation indices)."""
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return perm[n_val:], perm[:n_val]


fit_idx, val_idx = split_indices(len(x_train), n_val=10_000, seed=0)
x_fit, y_fit = x_train[fit_idx], y_train[fit_idx]
x_val, y_val = x_train[val_idx], y_train[val_idx]

# %% tags=["nbval-check-output"]
again_fit, again_val = split_indices(len(x_train), n_val=10_000, seed=0)
print("fit:", tuple(x_fit.shape), " validation:", tuple(x_val.shape))
# torch.isin(a, b) is True where an element of a occurs anywhere in b: the sum counts validation indices that are
# also fitting indices (should be 0). .unique() drops repeated indices, .numel() counts the rest: 60,000 means
# the two parts together cover every training image exactly once.
print("overlap:", torch.isin(val_idx, fit_idx).sum().item(), " images covered:", torch.cat([fit_idx, val_idx]).unique().numel())
print("same split when re-run:", torch.equal(again_fit, fit_idx) and torch.equal(again_val, val_idx))

# %% [markdown] slideshow={"slide_type": "subslide"}
# This is the one validation split of the whole course. The package holds the same function,
# `mnist_course.data.split_indices`, and `load_splits()` returns the three splits it makes: `(x_train, y_train),
# (x_val, y_val), (x_test, y_test) = load_splits()`; there `x_train` holds the 50,000 fitting images, not all
# 60,000. Every later notebook that trains a network loads its data that way, chooses its settings and watches its
# epochs on the validation set, and touches the test set once, at the end. Here is the proof that the package's
# split is ours, image for image:

# %% tags=["nbval-check-output"]
course_fit_idx, course_val_idx = course_data.split_indices(len(x_train), 10_000, seed=0)
splits = course_data.load_splits()
same_indices = torch.equal(course_fit_idx, fit_idx) and torch.equal(course_val_idx, val_idx)
same_images = all(torch.equal(a, b) for a, b in [
    (splits.train[0], x_fit), (splits.train[1], y_fit), (splits.val[0], x_val), (splits.val[1], y_val),
    (splits.test[0], x_test), (splits.test[1], y_test),
])
assert same_indices and same_images
print("the package's split_indices gives our indices:", same_indices)
print("load_splits() gives our train / val / test images and labels:", same_images)
print("sizes:", {name: len(images) for name, (images, _) in splits._asdict().items()})

# %% [markdown] slideshow={"slide_type": "subslide"}
# A random split keeps the class mix: the share of each digit in the validation set is close to the whole
# training set's (the largest difference is printed below). And the statistics for standardization barely move
# when computed on the 50,000 fitting images only, so it makes no practical difference which of the two sets they
# come from. From notebook 04 on, the course computes them on the 50,000 training images that `load_splits()`
# returns, so neither the validation nor the test images play any part in them.

# %%
share_val = torch.bincount(y_val, minlength=10) / len(y_val)
share_all = counts_train / counts_train.sum()
print(f"largest difference in a digit's share: {100 * (share_val - share_all).abs().max().item():.2f} percentage points")
mean_fit, std_fit = mean_std(x_fit)
print(f"mean/std on all 60,000: {mean:.4f} / {std:.4f};  on the {len(x_fit):,} fitting images: {mean_fit:.4f} / {std_fit:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Why the test set is used only at the end.** Every time we pick the best of several options by their score on
# a set of images, the winner's score on *that* set is flattered: part of why it won is luck on exactly those
# images. A score on images that influenced no decision is the only honest estimate of how the model does on new
# handwriting. So we choose everything with the validation set, and look at the test set once, for the final
# number. (Later notebooks print the validation accuracy after every epoch, and evaluate on the test set once, at
# the very end.)
#
# A small experiment shows the flattering in its purest form. 200 "models" ignore the image and guess a digit at
# random, so each is right 10% of the time in the long run, whatever we measure. We pick the one that scores best
# on 500 validation images, then measure every model on the other validation images, which played no part in the
# choice.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the experiment, ask the room to predict the winner's accuracy on the images
# that chose it and on the fresh images. Every model guesses at random, so nothing about the winner carries over: it
# looks clever on the images that picked it and falls back to chance on the others. Live knob: raise `n_choose` to a
# few thousand and re-run; the winner's score on the images that chose it comes down towards chance, since a larger
# choosing set leaves less room for luck, and its score on the fresh images stays near chance. Do not lower it much:
# with fewer choosing images the winner's flattered score can pass the right edge of the scatter plot, whose axes are
# fixed.

# %%
n_choose = 500
gen = torch.Generator().manual_seed(1)
guesses = torch.randint(0, 10, (200, len(y_val)), generator=gen)  # each row: one model's answers
correct = (guesses == y_val).float()
acc_choose, acc_fresh = correct[:, :n_choose].mean(1), correct[:, n_choose:].mean(1)
n_fresh = len(y_val) - n_choose
winner = acc_choose.argmax().item()
print(f"the winner on the {n_choose} images it was chosen by: {acc_choose[winner].item():.3f}")
print(f"the winner on {n_fresh:,} images it never saw:       {acc_fresh[winner].item():.3f}")
print(f"all 200 models on those {n_fresh:,}, on average:     {acc_fresh.mean().item():.3f}")

# %% alt="Scatter plot of 200 models that guess at random: accuracy on the 500 images used to choose (x) against accuracy on 9,500 fresh images (y), with dashed chance lines at 1 in 10. The points spread widely along x but stay close to chance on y; the red winner, the rightmost point, sits back at chance on y." slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(5.5, 5))
ax.scatter(acc_choose.numpy(), acc_fresh.numpy(), s=12, alpha=0.6, label="a model that guesses at random")
ax.scatter([acc_choose[winner].item()], [acc_fresh[winner].item()], s=80, color="C3", label="the winner, chosen by its x value")
ax.axvline(0.1, color="gray", ls="--", lw=1)
ax.axhline(0.1, color="gray", ls="--", lw=1, label="chance: 1 in 10")
lim = (0.05, 0.15)  # the same scale on both axes
ax.set_xlim(lim)
ax.set_ylim(lim)
ax.set_aspect("equal")
ax.set_xlabel(f"accuracy on the {n_choose} images used to choose")
ax.set_ylabel(f"accuracy on {n_fresh:,} fresh images")
ax.set_title("Choosing by a score flatters that score")
ax.legend(fontsize=8, loc="upper left")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# On the images it was chosen by, the winner looks as if it had learned something; on fresh images it is back at
# chance. Trying many learning rates or architectures (network designs) on one validation set does the same, more
# mildly: the best validation score is a little optimistic. The untouched test set gives the honest final number.
#
# %% [markdown] slideshow={"slide_type": "slide"}
# ## Feeding batches: `DataLoader` against in-memory tensors
#
# Training takes the data in **mini-batches**: a mini-batch is a small random group of examples stacked into one
# tensor, and an epoch hands out all the training images once, batch after batch.
# PyTorch's general tool for that is the `DataLoader`. It asks the dataset for one example at a time
# (`dataset[i]`). The dataset turns image *i* of its in-memory `.data` into a PIL image and runs it through its own
# per-sample transforms (torchvision's `ToTensor` turns it into a float tensor in [0, 1] of shape 1×28×28,
# `Normalize` standardizes it), and the `DataLoader` stacks `batch_size` of them into a batch. The cost is this
# Python work for every single example, not reading the disk.
# That flexibility is essential when data lives in files on disk or every example gets a random augmentation.
#
# For MNIST, which fits in memory, it is a detour: every image passes through Python code one by one. The
# alternative takes a few lines: standardize all images in one tensor operation, then, each epoch, draw a random
# order of the examples, reorder the whole tensor once (fancy indexing, which notebook 03 explains) and hand out
# consecutive slices. `yield` makes the function a Python *generator* (nothing to do with its `torch.Generator`
# argument, the private random stream): a `for` loop over it receives one batch at a time.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before the room reads this slide, ask where a `DataLoader` spends its time on MNIST: reading
# the disk, or something else? The slide's first paragraph answers it: the data is already in memory, and the cost is
# the Python work done for every single example, turning it into a PIL image and passing it through the transforms.
# Before the timing cell, ask for a guess of the speed-up, then compare it with the printed ratio and the verdict
# recorded against the course's target.

# %%
def memory_batches(x: torch.Tensor, y: torch.Tensor, batch_size: int, generator: torch.Generator):
    """One epoch of shuffled mini-batches from tensors already in memory."""
    order = torch.randperm(len(x), generator=generator)  # a fresh random order each epoch
    x, y = x[order], y[order]  # one reordered copy of the whole set
    for start in range(0, len(x), batch_size):
        yield x[start : start + batch_size], y[start : start + batch_size]  # slices: nothing more is copied


# %% [markdown] slideshow={"slide_type": "subslide"}
# The course package has the same thing as a class, `TensorBatches` from `mnist_course.data` (it can also move
# the data to a GPU once, or drop a last short batch). With the same seed it must hand out the very same batches,
# epoch after epoch; we check two epochs.

# %% tags=["nbval-check-output"]
ours_gen = torch.Generator().manual_seed(0)
# fixed_seed=True: exactly seed 0, like ours (otherwise the package adds the offset `make spread` sets for re-runs)
package_batches = TensorBatches(x_fit, y_fit, batch_size=128, seed=0, fixed_seed=True)
for epoch in range(2):
    ours, theirs = list(memory_batches(x_fit, y_fit, 128, ours_gen)), list(package_batches)
    same = len(ours) == len(theirs) and all(
        torch.equal(xa, xb) and torch.equal(ya, yb) for (xa, ya), (xb, yb) in zip(ours, theirs)
    )
    assert same
    print(f"epoch {epoch}: {len(ours)} batches, the same as TensorBatches: {same}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now the two ways of feeding batches side by side, both over all 60,000 training images (only to compare the two
# feeders; training from notebook 04 on uses the 50,000 training-split images). First, both give the same
# standardized values (checked on the first image) and batches of the same shape:

# %% tags=["nbval-check-output"]
transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((mean,), (std,))])
tv_standardized = torchvision.datasets.MNIST(root=data_root(), train=True, transform=transform)
sample_image, sample_label = tv_standardized[0]
print("one sample:", tuple(sample_image.shape), sample_image.dtype, "label", sample_label)
print("equal to standardize():", torch.equal(sample_image, standardize(x_train[:1], mean, std)))

loader = DataLoader(tv_standardized, batch_size=128, shuffle=True, generator=torch.Generator().manual_seed(0))
batches = TensorBatches(standardized_train.unsqueeze(1), y_train, batch_size=128, seed=0)
xb_loader, _ = next(iter(loader))
xb_memory, _ = next(iter(batches))
print("a batch from each:", tuple(xb_loader.shape), tuple(xb_memory.shape), " batches per epoch:", len(loader), len(batches))

# %% [markdown]
# Now one epoch of each, timed with `best_time` from `mnist_course.timing`. To keep this notebook quick, the epoch
# runs over a fixed subset of the training set (the first 20,000 images) for both; a full epoch scales with the
# size. To be fair, the in-memory version includes standardizing the images each epoch, although in practice that
# is done once. The `DataLoader` epoch runs
# once (it is the slow one); the in-memory epoch takes the best of three. Both run in this one process
# (`num_workers=0`, the default) and on a single core (`torch.set_num_threads(1)`), so the difference comes from
# the way the data is fed, not from the number of cores. The course expects the in-memory epoch to be at least 5×
# faster; the last cells record that check.

# %% slideshow={"slide_type": "subslide"}
n_time = pick(20_000, 2_000)  # 20,000 normally, 2,000 in a quick smoke run (MNIST_COURSE_QUICK=1)
# Subset(ds, idx) shows only those examples of ds: here the first n_time (a fixed subset, to keep the notebook quick)
timed_loader = DataLoader(Subset(tv_standardized, range(n_time)), batch_size=128, shuffle=True,
                          generator=torch.Generator().manual_seed(0))


def epoch_dataloader() -> None:
    for _batch in timed_loader:
        pass


def epoch_in_memory() -> None:
    for _batch in TensorBatches(standardize(x_train[:n_time], mean, std).unsqueeze(1), y_train[:n_time], batch_size=128):
        pass


threads = torch.get_num_threads()
torch.set_num_threads(1)  # one core for both: the DataLoader's Python work uses one, so we compare like with like
try:
    seconds_loader = best_time(epoch_dataloader, repeat=1)
    seconds_memory = best_time(epoch_in_memory, repeat=3)
finally:
    torch.set_num_threads(threads)  # back to all cores
ratio = seconds_loader / seconds_memory
print(f"one epoch over {n_time:,} images: DataLoader {seconds_loader:.2f} s, in-memory {seconds_memory:.3f} s")
print(f"in-memory batches are {ratio:.1f}× faster")
print(f"(at that rate, a DataLoader epoch over all {len(x_train):,} training images takes about {seconds_loader * len(x_train) / n_time:.0f} s)")

# %% alt="Horizontal bar chart of seconds per epoch over 20,000 images: the DataLoader with per-sample transforms (orange) takes several times as long as the in-memory TensorBatches (green). The bar labels give both times and the title gives the speed-up." slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7, 2.4))
bars = ax.barh(["in-memory\nTensorBatches", "DataLoader +\nper-sample transforms"], [seconds_memory, seconds_loader], color=["C2", "C1"])
ax.bar_label(bars, fmt="%.2f s", padding=3)
ax.set_xlim(0, 1.25 * seconds_loader)
ax.set_xlabel("seconds per epoch")
ax.set_title(f"One epoch over {n_time:,} images: {ratio:.1f}× faster in memory")
fig.tight_layout()

# %%
result = record("in-memory speed-up", ratio, 5)

# %% tags=["nbval-check-output"]
print(result.verdict)

# %% [markdown]
# Seconds spent feeding batches are seconds the model is not learning. With `TensorBatches` the cost of an epoch
# is almost entirely the model's own work, which is what lets this course train its networks in seconds to a few
# minutes on an ordinary CPU.
# (Worker processes, `num_workers > 0`, can speed a `DataLoader` up, and on a GPU `TensorBatches(..., device=dev)`
# keeps the whole dataset on the GPU.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - MNIST is 70,000 handwritten digits from NIST's two databases, remixed by LeCun, Cortes and Burges into a
#   60,000-image training set and a 10,000-image test set with disjoint writers. It is nearly balanced.
# - The IDX format is a magic number, the dimensions as big-endian integers, then raw bytes. Reading it by hand,
#   through torchvision and through `mnist_course.data` gives identical tensors, checked with `torch.equal`.
# - **Scaling** maps pixels to a range that suits learning. Normalization divides by 255; standardization uses the
#   training set's mean and standard deviation for every split. The histograms keep their shape; only the axis
#   changes. A linear scorer's scores, and how far a step of its weights moves them, grow with the pixels: 255
#   times with raw pixels, which gradient descent (notebook 04) feels twice over.
# - The course's validation split, 10,000 of the 60,000 training images chosen by a seeded permutation, is the
#   place to make choices; every later notebook that trains a network gets it from `load_splits()`. Choosing by
#   a score flatters it (the best of the random guessers looked clever on the images that chose it and was back
#   at chance on fresh ones), so the test set is used only once, at the end.
# - In-memory mini-batches take six lines (`memory_batches`, the same batches as the package's `TensorBatches`)
#   and were many times faster than a `DataLoader` with per-sample transforms over the same epoch (the ratio is
#   printed above), with the same standardized values (checked on the first image).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# The exercises whose answer is a value, a tensor or a function check it for you: run
# `from mnist_course.exercises import notebook02 as ex` once, then the check the exercise names, such as
# `ex.q1.check(...)`, prints "Correct" or what is still wrong; `ex.q1.hint()` gives a hint and
# `ex.q1.solution()` says where the solution is. The other exercises are open: compare your answer with the
# sample answer under them.
#
# 1. Read the **test** label file by hand: check its magic number and count, and that its labels equal `y_test`,
#    as an int64 tensor like `y_test`. Check your labels with `ex.q1.check(test_labels)`; `ex.q1.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook02 as ex
#
#    b = (raw_dir / "t10k-labels-idx1-ubyte").read_bytes()
#    print(int.from_bytes(b[:4], "big"), int.from_bytes(b[4:8], "big"))  # 2049 10000
#    test_labels = torch.from_numpy(np.frombuffer(b, dtype=np.uint8, offset=8).astype(np.int64))
#    print(torch.equal(test_labels, y_test))  # True
#    ex.q1.check(test_labels)
#    ```
#    </details>
#
# 2. Notebook 01's yardstick, the nearest mean image, done the course's way: compute the mean images from the
#    50,000 fitting images only, predict the digit whose mean image is nearest (Euclidean distance) to each image,
#    and measure the accuracy on the **validation** set. Check your ten mean images with
#    `ex.q2.check(centres, x_fit, y_fit)`; `ex.q2.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook02 as ex
#
#    centres = torch.stack([x_fit[y_fit == d].float().mean(0) for d in range(10)]).flatten(1)
#    distances = torch.cdist(x_val.float().flatten(1), centres)  # 10,000 × 10
#    print(f"validation accuracy {(distances.argmin(1) == y_val).float().mean().item():.1%}")
#    ex.q2.check(centres, x_fit, y_fit)
#    ```
#
#    Compare the printed accuracy with the nearest mean image's training and test accuracies that notebook 01
#    printed: it lands within about a percentage point of them. The yardstick is the same; what changed is that
#    the score now comes from the validation split, so the test set stays untouched for the end.
#    </details>
#
# 3. Standardize *per pixel* instead: a mean and a standard deviation for each of the 784 positions, from the
#    training set. What goes wrong at the border pixels, and how do you fix it? Check your standardized images with
#    `ex.q3.check(per_pixel)`; `ex.q3.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    Some border pixels are 0 in every training image, so their standard deviation is 0 and dividing by it gives
#    NaN (0/0). Clamp the standard deviation from below:
#
#    ```python
#    from mnist_course.exercises import notebook02 as ex
#
#    u = to_unit(x_train)
#    mu, sigma = u.mean(0), u.std(0)
#    print((sigma == 0).sum().item(), "pixels never change")
#    per_pixel = (u - mu) / sigma.clamp(min=1e-2)
#    print(per_pixel.isnan().any().item())  # False
#    ex.q3.check(per_pixel)
#    ```
#
#    (Pixels inked in only a few images still get large values with this floor; a larger floor, or setting never-
#    and rarely-inked pixels to 0, tames them.)
#    </details>
#
# 4. Make a *stratified* validation split: exactly 500 images of each digit, seeded. Check the counts, then your
#    indices with `ex.q4.check(strat_val_idx, y_train)`; `ex.q4.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook02 as ex
#
#    g = torch.Generator().manual_seed(0)
#    strat_val_idx = torch.cat([
#        torch.nonzero(y_train == d).flatten()[torch.randperm(int(counts_train[d]), generator=g)[:500]]
#        for d in range(10)
#    ])
#    strat_fit_mask = torch.ones(len(y_train), dtype=torch.bool)
#    strat_fit_mask[strat_val_idx] = False  # everything not in the validation set is for fitting
#    print(torch.bincount(y_train[strat_val_idx]).tolist(), strat_fit_mask.sum().item())  # 500 each, 55000
#    ex.q4.check(strat_val_idx, y_train)
#    ```
#    </details>
#
# 5. Time the `DataLoader` epoch again with `num_workers=2`. Is it faster here? Why can worker processes not close
#    the gap to in-memory batches?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    loader2 = DataLoader(Subset(tv_standardized, range(n_time)), batch_size=128, shuffle=True, num_workers=2)
#    seconds_workers = best_time(lambda: [None for _ in loader2], repeat=1)
#    print(f"DataLoader with 2 workers {seconds_workers:.2f} s, without workers {seconds_loader:.2f} s, "
#          f"in memory {seconds_memory:.3f} s")
#    ```
#
#    Workers split the per-sample work between processes, so with *k* free cores the loader can approach *k*
#    times faster, minus the cost of starting the workers and passing batches between processes; whether that
#    wins here depends on how many cores are free (compare the printed times). But every image still goes through
#    Python one at a time, while the in-memory version handles all of them in a few large tensor operations:
#    workers can shrink the gap, not close it (the in-memory time is printed beside them).
#    </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questionnaire
#
# Answer each question in your own words first, then open the answer to compare.
#
# 1. NIST had designated its cleaner collection, SD-3, for training and SD-1 for testing. Why did MNIST's makers mix
#    the two instead?
#
#    <details><summary>Answer</summary>
#
#    SD-3 (Census Bureau employees) is much cleaner than SD-1 (high-school students), so a model trained on one and
#    tested on the other would be judged on harder writing than it learned from: the test would measure the gap
#    between the two collections as much as the model. MNIST puts half of each into both splits, so training and
#    test come from the same mix, while no writer appears in both, so the test writers are still new.
#    </details>
#
# 2. The first bytes of the training image file are `00 00 08 03 00 00 ea 60`. What do they tell a reader, and why
#    does it matter that the sizes are big-endian?
#
#    <details><summary>Answer</summary>
#
#    Two zero bytes, the value type (`08`: unsigned bytes), the number of dimensions (3), then each dimension's size
#    as a 32-bit integer, most significant byte first: `00 00 ea 60` is 60,000 images. Read with the least
#    significant byte first, the same four bytes give a wrong, huge number, and the pixels would be cut into the
#    wrong shape.
#    </details>
#
# 3. Why compare the three readers with `torch.equal` rather than by looking at a few pictures, and what does
#    `torch.equal` not compare?
#
#    <details><summary>Answer</summary>
#
#    Pictures that look the same can still differ in a few values, a shifted row or a swapped label; `torch.equal`
#    is true only when the shapes and every single value agree. It does not compare dtypes (a `uint8` tensor equals
#    a `float32` one holding the same values), which is why the notebook prints those separately.
#    </details>
#
# 4. Every digit makes up close to a tenth of each split. Why does that matter for using plain accuracy as the
#    headline number?
#
#    <details><summary>Answer</summary>
#
#    If one class were rare, a model could ignore it and still score a high accuracy, and the number would hide the
#    failure. With the classes nearly balanced, accuracy weighs every digit about equally, so it is a fair summary.
#    </details>
#
# 5. Standardizing maps every pixel through the same straight line and keeps the histogram's shape. If it changes
#    nothing a picture shows, why does it change how a model learns?
#
#    <details><summary>Answer</summary>
#
#    A linear scorer's scores are dot products with the pixels, so with raw pixels from 0 to 255 every score, and
#    how far a given change of the weights moves it, is 255 times what it is with pixels in [0, 1]. Gradient descent
#    feels that twice: its gradient grows with the pixels, and the step it takes then moves the scores further
#    again, so a learning rate that suits one scaling is far too large or far too small for another. The random walk
#    does not care: multiplying all scores by the same positive number changes no prediction.
#    </details>
#
# 6. Why are the mean and standard deviation computed on the training images only, and then used for the
#    validation and test images too?
#
#    <details><summary>Answer</summary>
#
#    The model learned from images that went through one particular map, so new images must go through exactly the
#    same map, or it sees inputs shifted and stretched differently from anything it learned. And statistics taken
#    from the test set would let the test set influence the model. That is also why the standardized test pixels
#    come out close to, but not exactly at, mean 0 and standard deviation 1.
#    </details>
#
# 7. Why does it help gradient descent that standardized pixels are centred around 0, and is every pixel position
#    centred on its own?
#
#    <details><summary>Answer</summary>
#
#    When no input is negative, every weight of one output that moves at all moves in the same direction on each
#    example, so the weights can only zigzag towards their best values; with centred inputs the signs are mixed.
#    But one mean serves all 784 positions: the pixels are centred as a whole, and a border pixel that is blank in every image sits at
#    the same negative value in all of them (exercise 3 centres each position separately).
#    </details>
#
# 8. Why does the course need a validation split when it already has a test set?
#
#    <details><summary>Answer</summary>
#
#    Training choices (learning rate, model size, number of epochs) are made by trying several and keeping the best
#    on images the model did not train on. If those were the test images, the test set would take part in the
#    choices and its score would stop being an honest estimate. The validation split does the choosing, and the test
#    set is scored once, at the end.
#    </details>
#
# 9. Two hundred "models" that guess at random are scored on a few hundred validation images, and the best one is
#    kept. Why does it look better than chance there and fall back to chance on fresh images? What does that say
#    about the best of many runs scored on one validation set?
#
#    <details><summary>Answer</summary>
#
#    Each guesser is right one time in ten in the long run, but on a few hundred images some are lucky, and picking
#    the highest score picks the luckiest. Luck does not carry over to images that played no part in the choice.
#    Trying many learning rates or architectures (network designs) on one validation set does the same, more
#    mildly: the best validation score is a little optimistic, and only the untouched test set gives the honest final number.
#    </details>
#
# 10. The split is drawn with its own seeded `torch.Generator`. What would go wrong if it used the global random
#     stream instead?
#
#     <details><summary>Answer</summary>
#
#     The global stream's state depends on everything drawn from it before, so re-running the cell, or running
#     cells in another order, could give another split. Images could then move between training and validation
#     from one run to the next: a model could be scored on images it trained on, and results would not be
#     comparable. A private stream, seeded once, gives the same split every time.
#     </details>
#
# 11. Why is a `DataLoader` with per-sample transforms so much slower than in-memory batches for MNIST, and when is
#     the `DataLoader` still the right tool?
#
#     <details><summary>Answer</summary>
#
#     The `DataLoader` asks the dataset for one example at a time: a PIL image, converted and normalized in Python,
#     then stacked into a batch. In memory, all images are standardized in one tensor operation, and each epoch
#     reorders the whole tensor once and hands out slices. The `DataLoader`'s flexibility is essential when the data
#     lives in files on disk or every example gets its own random augmentation.
#     </details>
