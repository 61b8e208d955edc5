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
# # 09 · Convolution
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/09_convolution.ipynb)
#
# *Runs in under half a minute on a 2-core CPU (last full run).*
#
# The fully connected networks of notebooks 05 and 06 looked at a digit as 784 unrelated numbers: move the digit
# one pixel to the right and its ink lands on different inputs, which such a network treats as unrelated.
# (Notebooks 07 and 08 borrowed convolutional layers as a black box; here we open it.) Images have structure that
# these networks ignore: neighbouring pixels belong together, and a stroke is a stroke wherever it sits.
# **Convolution** is the operation that uses this structure. It is the building block of the convolutional
# networks of notebooks 10 and 11, and in this notebook we take it apart by hand before any network is trained
# with it.
#
# **You will learn**
#
# - what a **convolution** computes, first on a noisy 1-D signal, then on images, written with plain loops;
# - **vectorization**: turning the loops into one matrix product with `unfold` (im2col), and how that compares
#   with PyTorch's `F.conv2d` in agreement and in speed;
# - what classic kernels do to digits and to a photo (blur, sharpen, Sobel edges), and how kernel size, stride and
#   padding set the output size;
# - how a layer combines several input channels, what a 1×1 convolution does, and how gradient descent can learn a
#   kernel from examples;
# - the difference between convolution and cross-correlation (the flip), max pooling, and the transposed
#   convolution that makes images larger, and why it is the *transpose* of the convolution's matrix;
# - to find a digit inside a large image by template matching, and report where it is as a (row, column) coordinate
#   (notebook 03), drawn with the (x, y) swap that plotting needs.

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
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from mnist_course.data import load_mnist, to_unit
from mnist_course.results import check, record
from mnist_course.settings import device, seed_everything
from mnist_course.timing import best_time

seed_everything(0)
dev = device()  # not used below: everything here is small and runs on the CPU
x_test, y_test = load_mnist("test")
digits = to_unit(x_test)  # 10,000 × 28 × 28 floats in [0, 1]; 0 is background, 1 full ink

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Convolution in 1-D: smoothing a noisy signal
#
# Take a signal sampled at 200 points and add noise to it. A simple way to remove much of the noise is to
# replace every sample by the average of itself and its neighbours. Written out, with a **[kernel](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#kernel)** `w` of `k`
# weights (for a moving average all equal to 1/k; we also try a Gaussian bell, whose weights fall off away from
# the centre):
#
# $$\text{out}[i] = \sum_{j=0}^{k-1} w[j]\; x[i + j], \qquad i = 0, 1, \dots, n - k.$$
#
# This sliding weighted sum is a **[convolution](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#convolution)**: the same small set of weights is applied at every position of
# the input. (Strictly, the formula above is *cross-correlation*; the difference, a flip of the kernel, is the
# subject of a later section. For the symmetric kernels used here the two are the same.) Without padding the
# output is `k − 1` samples shorter than the input: the kernel must fit entirely inside the signal.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room which kernel will leave the smaller error against
# the clean signal: the moving average with its equal weights, or the Gaussian bell that favours near neighbours. Many
# expect the Gaussian to win because it looks more refined; the printed errors show the moving average ahead here, and
# the paragraph after the figure explains why. Also ask why both smoothed curves stop short of the ends of the signal:
# without padding the kernel must fit inside it.

# %% slideshow={"slide_type": "subslide"}
def conv1d_loop(signal: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Slide `kernel` along `signal`: out[i] = sum_j kernel[j] * signal[i + j] (no padding, stride 1)."""
    n, k = len(signal), len(kernel)
    out = torch.empty(n - k + 1)
    for i in range(n - k + 1):
        out[i] = (kernel * signal[i : i + k]).sum()
    return out


g = torch.Generator().manual_seed(0)
t = torch.linspace(0, 4 * torch.pi, 200)
clean = torch.sin(t) + 0.5 * torch.sin(3 * t)
noisy = clean + 0.4 * torch.randn(200, generator=g)

box = torch.full((9,), 1 / 9)  # moving average of 9 samples
offsets = torch.arange(-6, 7, dtype=torch.float32)
gauss = torch.exp(-0.5 * (offsets / 2.0) ** 2)  # Gaussian bell, 13 weights
gauss = gauss / gauss.sum()  # weights that sum to 1 keep the signal's level

smooth_box, smooth_gauss = conv1d_loop(noisy, box), conv1d_loop(noisy, gauss)


def rms_error(smoothed: torch.Tensor, k: int) -> float:
    """RMS distance to the clean signal; out[i] is centred on input sample i + k // 2."""
    return (smoothed - clean[k // 2 : k // 2 + len(smoothed)]).pow(2).mean().sqrt().item()


errors = {"noisy": (noisy - clean).pow(2).mean().sqrt().item(), "box, 9": rms_error(smooth_box, 9),
          "Gaussian, 13": rms_error(smooth_gauss, 13)}
for name, e in errors.items():
    print(f"RMS error to the clean signal, {name:12s}: {e:.3f}")
assert errors["box, 9"] < errors["noisy"] / 2 and errors["Gaussian, 13"] < errors["noisy"] / 2

# NumPy has the same operation built in; 'valid' means no padding. (np.convolve flips the kernel, the difference
# explained later; for this symmetric kernel the flip changes nothing.)
assert np.allclose(conv1d_loop(noisy, gauss).numpy(), np.convolve(noisy.numpy(), gauss.numpy(), mode="valid"), atol=1e-5)
print("our loop agrees with np.convolve:", True)

# %% alt="Two panels. Left: value against t, grey noisy samples scattered around a dashed clean signal, with the moving-average (9) and Gaussian (13) outputs following it closely and stopping short of both ends. Right: stem plot of the kernel weights against offset, nine equal moving-average weights and a Gaussian bell peaking at the centre." slideshow={"slide_type": "subslide"}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 3.6), gridspec_kw={"width_ratios": [3, 1]})
ax1.plot(t, noisy, ".", color="0.6", ms=4, label="noisy samples")
ax1.plot(t, clean, "k--", lw=1, label="clean signal")
ax1.plot(t[4:-4], smooth_box, lw=2, label="moving average (9)")
ax1.plot(t[6:-6], smooth_gauss, lw=2, label="Gaussian (13)")
ax1.set(xlabel="t", ylabel="value", title="Smoothing by convolution: the output is shorter by k − 1 samples")
ax1.legend(ncol=2, fontsize=8)
ax2.stem(np.arange(-4, 5), box.numpy(), linefmt="C0-", markerfmt="C0o", basefmt=" ", label="moving average")
ax2.stem(offsets.numpy(), gauss.numpy(), linefmt="C1-", markerfmt="C1s", basefmt=" ", label="Gaussian")
ax2.set(xlabel="offset j − k//2", ylabel="weight w[j]", title="The two kernels")
ax2.legend(fontsize=8)
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Both kernels more than halve the error (the printed numbers). The Gaussian weighs near neighbours more than far
# ones, the moving average weighs them all the same. The moving average even wins here: what remains is mostly
# noise, and its 9 equal weights ($\sum w^2 = 1/9 \approx 0.11$) cancel more of it than the Gaussian's
# ($\sum w^2 \approx 0.14$), whose outer weights are tiny. Near the ends the outputs stop short: there the kernel
# would reach past the data.
#
# ## Convolution in 2-D, with loops
#
# An image is a 2-D signal, so the kernel becomes a small 2-D array, and it slides along both axes. The output
# at row `i`, column `j` is the sum of the kernel times the image patch whose top-left corner is at `(i, j)`:
#
# $$\text{out}[i, j] = \sum_{a=0}^{k_h-1} \sum_{b=0}^{k_w-1} w[a, b]\; x[i + a, j + b].$$
#
# Positions in an image are **coordinates** `(row, column)`, as in notebook 03: the row counts down from the top,
# the column across from the left, both from 0. (Plotting libraries speak of `(x, y)` instead, where `x` is the
# column and `y` the row: we will need that swap when we draw boxes.) Here is the formula as two loops, applied
# with the Sobel kernel, which responds where the brightness changes from left to right.

# %% slideshow={"slide_type": "subslide"}
def conv2d_loops(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Slide a kh×kw `kernel` over an H×W `image` (no padding, stride 1): one weighted sum per output pixel."""
    (h, w), (kh, kw) = image.shape, kernel.shape
    out = torch.empty(h - kh + 1, w - kw + 1)
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out


sobel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
digit = digits[0]
edges = conv2d_loops(digit, sobel_x)
i, j = 14, 15  # one output position, to follow by hand
by_hand = (digit[i : i + 3, j : j + 3] * sobel_x).sum()
assert edges[i, j] == by_hand

# %% tags=["nbval-check-output"]
print("image", tuple(digit.shape), "* kernel", tuple(sobel_x.shape), "→ output", tuple(edges.shape))

# %% alt="Three panels. Left: a handwritten 7 with an orange box on the 3\u00d73 patch at row 14, column 15. Middle: the Sobel x kernel, with columns \u22121, \u22122, \u22121, then 0, then 1, 2, 1. Right: the 26\u00d726 output, red along the left side of each stroke and blue along the right, the marked pixel equal to 3.91." slideshow={"slide_type": "subslide"}
def annotate(ax, values, im, fmt=lambda v: f"{v:g}", skip_zeros: bool = False, **text_kw) -> None:
    """Write each value of a 2-D array on its cell of `im` (the imshow of that array), in a colour readable on the
    cell: white on a dark cell, black on a light one (judged by the cell colour's luminance)."""
    for (row, col), v in np.ndenumerate(np.asarray(values)):
        if skip_zeros and v == 0:
            continue
        red, green, blue, _ = im.cmap(im.norm(v))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(col, row, fmt(v), ha="center", va="center", color="white" if dark else "black", **text_kw)


fig, axes = plt.subplots(1, 3, figsize=(11, 3.8))
axes[0].imshow(digit, cmap="gray_r")
# Rectangle takes (x, y) = (column, row); imshow centres pixel (row, col) on (col, row), so its corner is at −0.5
axes[0].add_patch(Rectangle((j - 0.5, i - 0.5), 3, 3, fill=False, ec="C1", lw=2))
axes[0].set(title=f"input: patch with top-left corner (row {i}, col {j})", xlabel="column", ylabel="row")
annotate(axes[1], sobel_x, axes[1].imshow(sobel_x, cmap="bwr", vmin=-2, vmax=2), fontsize=14)
axes[1].set(title="kernel (Sobel x)", xlabel="b", ylabel="a", xticks=range(3), yticks=range(3))
v = edges.abs().max().item()
im = axes[2].imshow(edges, cmap="bwr", vmin=-v, vmax=v)
axes[2].add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="C1", lw=2))
axes[2].set(title=f"output: pixel (row {i}, col {j}) = {by_hand:.2f}", xlabel="column", ylabel="row")
fig.colorbar(im, ax=axes[2], fraction=0.046, label="response")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Red marks where ink starts as we move right (the left side of a stroke), blue where it ends. The output is
# 26×26, two pixels smaller than the input in each direction, for the same reason as in 1-D.
#
# ## Vectorization: the convolution as one matrix product (im2col)
#
# The loops run 676 tiny Python steps for one small image. **Vectorization** (notebooks 01 and 03) replaces the
# Python loop by a few operations on whole arrays; the work then runs in compiled code. For a convolution the
# classic trick is called *im2col* ("image to columns"): copy every patch the kernel visits into one column of a
# matrix. `F.unfold` does exactly that. After it, every output pixel is the dot product of the flattened kernel
# with one column, so all of them together are a single matrix product.

# %%
def conv2d_unfold(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """The same convolution, vectorized: patches as columns (im2col), then one matrix product."""
    (h, w), (kh, kw) = image.shape, kernel.shape
    cols = F.unfold(image[None, None], kernel_size=(kh, kw))[0]  # (kh·kw) × (number of patches)
    return (kernel.reshape(1, -1) @ cols).reshape(h - kh + 1, w - kw + 1)


cols = F.unfold(digit[None, None], kernel_size=3)[0]
# The patch with top-left corner (i, j) is column i · 26 + j: rows of the output are laid end to end.
assert torch.equal(cols[:, i * 26 + j], digit[i : i + 3, j : j + 3].reshape(-1))

# %% tags=["nbval-check-output"]
print("im2col matrix:", tuple(cols.shape), "= 3·3 pixels per patch × 26·26 patches")
print("values stored:", cols.numel(), "for an image of", digit.numel(), "pixels")

# %% alt="Grayscale heat map of part of the im2col matrix: nine rows, one per pixel of a 3\u00d73 patch, and one column per patch, for output rows 8 to 13 of the digit. Dark bands of ink repeat about every 26 columns, one group per output row; the wide bands on the left come from the 7's top bar." slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(12, 2.6))
first, last = 26 * 8, 26 * 14  # the patches of output rows 8 to 13
im = ax.imshow(cols[:, first:last], cmap="gray_r", aspect="auto", extent=(first - 0.5, last - 0.5, 8.5, -0.5))
ax.set(title="im2col: each column is one 3×3 patch (output rows 8 to 13 of the digit shown)",
       xlabel="column of the im2col matrix = patch number i · 26 + j (patch with top-left corner (i, j))",
       ylabel="pixel in patch\n(0–2 top row, 3–5 middle,\n6–8 bottom)", yticks=range(9))
fig.colorbar(im, ax=ax, fraction=0.02, label="ink")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The price of im2col is memory: every pixel is copied once per kernel position that covers it, here up to nine
# times. What we get back is speed, because matrix products are the most optimized operation in numerical
# computing. The same matrix serves many kernels at once: stack K flattened kernels as the rows of a K×9 matrix,
# and one product gives K output images. A convolutional layer computes exactly this, K kernels on one input
# giving K maps, though the library may not build the im2col matrix to do it (see below).
#
# ## Three implementations, one answer
#
# PyTorch's own `F.conv2d` takes a batch of images N×C×H×W and a stack of kernels (out channels × in channels
# × kh × kw). We compare all three on a 5×5 random kernel: they must agree to within float rounding, 1e-5.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before the timing cell runs, ask the room to guess how much faster one matrix product will be
# than the Python loops, and which vectorized version will win on one tiny image and which on a batch. Write the guesses
# down, then run it: the ratios are printed (they depend on the machine), on one image the two-line im2col can even beat
# `F.conv2d`, and on the batch `F.conv2d` usually wins. A common misconception is that vectorized code does less
# arithmetic: unfold + matmul does exactly the loops' multiplications (and copies pixels first), only in compiled code
# instead of Python steps.

# %%
kernel5 = torch.randn(5, 5, generator=torch.Generator().manual_seed(1))
out_loops = conv2d_loops(digit, kernel5)
out_unfold = conv2d_unfold(digit, kernel5)
out_torch = F.conv2d(digit[None, None], kernel5[None, None])[0, 0]
diffs = {"loops vs unfold": (out_loops - out_unfold).abs().max().item(),
         "loops vs F.conv2d": (out_loops - out_torch).abs().max().item()}
assert all(d < 1e-5 for d in diffs.values()), diffs

# %% tags=["nbval-check-output"]
print("output shape:", tuple(out_torch.shape))
for name, d in diffs.items():
    print(f"{name}: max difference < 1e-5: {d < 1e-5}")

# %% alt="Two horizontal bar charts of time per convolution. Left, one 28\u00d728 image and one 5\u00d75 kernel, in microseconds on a log scale: the Python loops bar is far longer than the unfold + matmul and F.conv2d bars. Right, 1,000 images and 16 kernels, in milliseconds: the F.conv2d bar is shorter than unfold + matmul." slideshow={"slide_type": "subslide"} tags=["slides-split-output"]
# The loops run on one core, so the vectorized versions get one core too: like is compared with like, and a
# busy machine cannot starve one side more than the other. (The batch comparison further down uses all threads.)
threads = torch.get_num_threads()
torch.set_num_threads(1)
try:
    times = {
        "Python loops": best_time(lambda: conv2d_loops(digit, kernel5), repeat=3),
        "unfold + matmul": best_time(lambda: conv2d_unfold(digit, kernel5), repeat=5, number=50),
        "F.conv2d": best_time(lambda: F.conv2d(digit[None, None], kernel5[None, None]), repeat=5, number=50),
    }
finally:
    torch.set_num_threads(threads)
for name, s in times.items():
    ratio = "" if name == "Python loops" else f"   ({times['Python loops'] / s:.0f}× faster than the loops)"
    print(f"one image, {name:16s} {s * 1e6:9.1f} µs{ratio}")

# A more realistic job: 1,000 digits and 16 kernels at once. im2col now gives a batch of matrices.
batch = digits[:1000, None]  # N × 1 × 28 × 28
bank = torch.randn(16, 1, 5, 5, generator=torch.Generator().manual_seed(4))


def conv_bank_unfold(images: torch.Tensor, kernels: torch.Tensor) -> torch.Tensor:
    """N×1×28×28 images, K×1×5×5 kernels → N×K×24×24, as (K × 25) @ (N × 25 × 576)."""
    cols = F.unfold(images, kernel_size=5)
    return (kernels.reshape(len(kernels), -1) @ cols).reshape(len(images), len(kernels), 24, 24)


assert (conv_bank_unfold(batch, bank) - F.conv2d(batch, bank)).abs().max() < 1e-4
times_batch = {
    "unfold + matmul": best_time(lambda: conv_bank_unfold(batch, bank), repeat=5),
    "F.conv2d": best_time(lambda: F.conv2d(batch, bank), repeat=5),
}
for name, s in times_batch.items():
    print(f"1,000 images × 16 kernels, {name:16s} {s * 1e3:7.2f} ms")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 2.8))
ax1.barh(list(times), [s * 1e6 for s in times.values()], color=["C3", "C0", "C2"])
ax1.set_xscale("log")
ax1.set_xlim(left=1)  # bars start at 1 µs, so their lengths compare on the log scale
ax1.invert_yaxis()
ax1.set(xlabel="microseconds (log scale)", title="one 28×28 image, one 5×5 kernel")
ax2.barh(list(times_batch), [s * 1e3 for s in times_batch.values()], color=["C0", "C2"])
ax2.invert_yaxis()
ax2.set(xlabel="milliseconds", title="1,000 images, 16 kernels of 5×5")
fig.suptitle("Time per convolution: loops against vectorized code (best of several runs)")
fig.tight_layout()

# %%
result = record("im2col speed-up over the loops", times["Python loops"] / times["unfold + matmul"], 20)

# %% tags=["nbval-check-output"]
print(result.verdict)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The vectorized versions are tens to hundreds of times faster than the loops (the exact ratios depend on your
# machine; they are printed above). On one tiny image, fixed overheads dominate, and our two-line im2col can even
# beat `F.conv2d`. On a real batch, `F.conv2d` uses carefully optimized code for the processor (it never holds
# the whole im2col matrix in memory at once, whose 1,000 × 25 × 576 values must otherwise be written and read
# again) and usually
# wins; compare the right-hand panel.
#
# ## Kernels at work: blur, sharpen, edges
#
# Long before neural networks, image processing designed kernels by hand. Four classic kernels,
# and one map built from two of them:
#
# - **blur**: a small Gaussian bell, weights summing to 1 (a weighted local average);
# - **sharpen**: the pixel times 5 minus its four neighbours, which exaggerates differences (sum 1);
# - **Sobel x** and **Sobel y**: differences across three columns (rows), smoothed along the other axis (sum 0),
#   an estimate of the brightness gradient;
# - **gradient magnitude** $\sqrt{g_x^2 + g_y^2}$: edge strength in any direction.
#
# We apply them with padding `k // 2` (zeros around the border), so the output has the input's size, to a digit
# and to a photograph of the computer scientist Grace Hopper that ships with matplotlib as sample data.

# %% slideshow={"slide_type": "subslide"}
ax_ = torch.arange(-2, 3, dtype=torch.float32)
blur = torch.exp(-0.5 * (ax_[:, None] ** 2 + ax_[None, :] ** 2))
blur = blur / blur.sum()
sharpen = torch.tensor([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]])
sobel_y = sobel_x.T  # differences down the rows: responds to horizontal edges
kernels = {"blur": blur, "sharpen": sharpen, "Sobel x": sobel_x, "Sobel y": sobel_y}


def apply(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """Convolve an H×W image with a kernel, zero padding k // 2 so that the size is kept."""
    return F.conv2d(image[None, None], kernel[None, None], padding=kernel.shape[-1] // 2)[0, 0]


with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = torch.from_numpy(plt.imread(f, format="jpg").copy()).float().mean(dim=-1) / 255  # gray, 600×512
photo = photo[:440, 36:476][::2, ::2]  # head and shoulders, every second row and column

# A kernel whose weights sum to s turns a flat image of brightness c into s·c (away from the border),
# and the Sobel kernels see a vertical edge only in x.
flat = torch.full((12, 12), 0.7)
step = torch.zeros(12, 12)
step[:, 6:] = 1.0  # dark on the left, bright on the right: a vertical edge
for k in kernels.values():
    assert torch.allclose(apply(flat, k)[3:-3, 3:-3], 0.7 * k.sum() * torch.ones(6, 6), atol=1e-6)
assert apply(step, sobel_x)[3:-3, 5:7].min() == 4 and apply(step, sobel_y)[1:-1].abs().max() == 0

# %% tags=["nbval-check-output"]
print("kernel sums:", {name: round(k.sum().item(), 4) for name, k in kernels.items()})
print("photo:", tuple(photo.shape))

# %% alt="Two rows of six panels, a handwritten 7 on top and a photo of Grace Hopper below: original, blur, sharpen, Sobel x and Sobel y as red-blue maps, and gradient magnitude. Sobel x marks vertical edges, Sobel y horizontal ones, the magnitude outlines both; the photo's Sobel and magnitude panels show lines along its borders." slideshow={"slide_type": "subslide"} tags=["slides-hide-input"]
def kernel_gallery(image: torch.Tensor, axes, cmap: str) -> None:
    """Original, the four kernels' outputs and the gradient magnitude, on one row of axes."""
    gx, gy = apply(image, sobel_x), apply(image, sobel_y)
    panels = [("original", image), ("blur", apply(image, blur)), ("sharpen", apply(image, sharpen)),
              ("Sobel x (gₓ)", gx), ("Sobel y (g_y)", gy), ("magnitude √(gₓ² + g_y²)\n(darker = stronger)", (gx**2 + gy**2).sqrt())]
    for ax, (title, img) in zip(axes, panels):
        if title.startswith("Sobel"):
            v = img.abs().quantile(0.995).item()  # a robust scale: the few strongest edges would wash out the rest
            im = ax.imshow(img, cmap="bwr", vmin=-v, vmax=v)
            ax.figure.colorbar(im, ax=ax, fraction=0.046, label="response")
        elif title.startswith("magnitude"):
            ax.imshow(img, cmap="gray_r", vmin=0, vmax=img.quantile(0.995).item())  # the same on both rows
        else:
            ax.imshow(img, cmap=cmap, vmin=0, vmax=1)  # brightness in [0, 1]; sharpening overshoots are clipped
        ax.set_title(title, fontsize=10)
        ax.axis("off")


fig, axes = plt.subplots(2, 6, figsize=(13, 5))
kernel_gallery(digit, axes[0], "gray_r")
kernel_gallery(photo, axes[1], "gray")
fig.suptitle("Hand-made kernels on a digit (top) and a photo (bottom)\n"
             "Sobel: red where the value grows to the right / below (digit: more ink, drawn darker; photo: brighter), "
             "blue where it falls")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Sobel x lights up the vertical parts of the strokes and of the face, Sobel y the horizontal ones; the magnitude
# outlines both. On the photo the blur is subtle, because 5×5 pixels is small next to the whole photo
# (its size is printed above), while on the 28×28 digit it smears the strokes. The lines along the photo's borders
# in the Sobel and magnitude panels are an artefact of zero padding: just outside the image the "brightness"
# drops to 0, which looks like a strong edge. (The digit has no such lines: its border is blank already.)
#
# ### Random kernels
#
# A convolutional network does not use hand-made kernels: it starts from *random* ones and learns them from data
# (notebook 10). Here is what eight random 3×3 kernels do to a digit. Some already act as rough edge or blob
# detectors. Whatever the weights, convolution is **linear**: convolving a sum of images gives the sum of their
# convolutions, which we check too.

# %% alt="Two rows of eight panels: eight random 3\u00d73 kernels on top, drawn as blue-red weight grids, and below each its output on the digit 7, blue negative, white 0, red positive. Some outputs light up the whole stroke in one colour, others mark its edges in red and blue." slideshow={"slide_type": "subslide"}
gk = torch.Generator().manual_seed(2)
random_kernels = torch.randn(8, 1, 3, 3, generator=gk)
responses = F.conv2d(digit[None, None], random_kernels, padding=1)[0]  # 8 kernels at once → 8 × 28 × 28

other = digits[1]
lhs = F.conv2d((2 * digit - 3 * other)[None, None], random_kernels, padding=1)
rhs = 2 * F.conv2d(digit[None, None], random_kernels, padding=1) - 3 * F.conv2d(other[None, None], random_kernels, padding=1)
assert torch.allclose(lhs, rhs, atol=1e-5)

fig, axes = plt.subplots(2, 8, figsize=(12, 3.4))
for k in range(8):
    w = random_kernels[k, 0]
    v = w.abs().max().item()
    axes[0, k].imshow(w, cmap="bwr", vmin=-v, vmax=v)
    axes[0, k].set_title(f"kernel {k}", fontsize=9)
    v = responses[k].abs().max().item()
    axes[1, k].imshow(responses[k], cmap="bwr", vmin=-v, vmax=v)
    for ax in axes[:, k]:
        ax.axis("off")
fig.suptitle("Random 3×3 kernels (top) and their outputs on the digit (bottom); blue negative, white 0, red positive\n"
             "(each panel on its own colour scale)")
fig.tight_layout()

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print("8 kernels", tuple(random_kernels.shape), "→ responses", tuple(responses.shape))
print("linear: conv(2a − 3b) == 2·conv(a) − 3·conv(b):", torch.allclose(lhs, rhs, atol=1e-5))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Learning a kernel by gradient descent
#
# How does a network turn random kernels into useful ones? By gradient descent (notebook 04), like any other
# weight. A small experiment shows the principle: we give 32 digits and their Sobel-x edge maps as (input, target)
# pairs, start from a kernel of zeros, and minimize the mean squared difference between `F.conv2d(digit, kernel)`
# and the target, with SGD and momentum. Nobody tells the kernel what Sobel x looks like; the pairs are enough.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Ask the room what gradient descent will find when it starts from a kernel of zeros and sees
# only digits and their edge maps: Sobel x exactly, something merely similar, or nothing useful? The figure shows the
# learned weights matching Sobel x and the loss falling by many orders of magnitude. Use it against a common
# misconception, that a network's kernels are designed by hand: in notebook 10 they are learned in this way, except
# that the only target is the label.

# %% alt="Three panels. Left: mean squared error of the 3\u00d73 kernel against step, on a log scale, falling in waves from near 10\u2070 to near 10\u207b\u00b9\u2070 over 200 steps. Middle and right: the learned kernel and Sobel x, annotated with the same weights, \u22121, 0, 1 in the outer rows and \u22122, 0, 2 in the middle." slideshow={"slide_type": "subslide"}
edge_inputs = digits[:32, None]  # 32 × 1 × 28 × 28
edge_targets = F.conv2d(edge_inputs, sobel_x[None, None])  # the edge maps we want: 32 × 1 × 26 × 26
learned = torch.zeros(1, 1, 3, 3, requires_grad=True)
kernel_opt = torch.optim.SGD([learned], lr=0.5, momentum=0.9)
kernel_losses = []
for _ in range(200):
    kernel_loss = F.mse_loss(F.conv2d(edge_inputs, learned), edge_targets)
    kernel_opt.zero_grad()
    kernel_loss.backward()
    kernel_opt.step()
    kernel_losses.append(kernel_loss.item())
learned_error = (learned.detach()[0, 0] - sobel_x).abs().max().item()
check(learned_error < 1e-3, "gradient descent recovers Sobel x to within 0.001")

fig, axes = plt.subplots(1, 3, figsize=(10, 3), gridspec_kw={"width_ratios": [2, 1, 1]})
axes[0].semilogy(kernel_losses)
axes[0].set(xlabel="step", ylabel="mean squared error (log scale)", title="Fitting a 3×3 kernel to edge maps")
for ax, (title, k) in zip(axes[1:], [("learned kernel", learned.detach()[0, 0]), ("Sobel x", sobel_x)]):
    annotate(ax, k, ax.imshow(k, cmap="bwr", vmin=-2, vmax=2), fmt=lambda v: f"{0.0 if abs(v) < 0.005 else v:.2f}",
             fontsize=9)  # 0.0 for tiny values: no "-0.00"
    ax.set(title=title, xticks=[], yticks=[])
fig.tight_layout()
orders = np.log10(kernel_losses[0] / kernel_losses[-1])
print(f"loss {kernel_losses[0]:.3f} → {kernel_losses[-1]:.1e} ({orders:.0f} orders of magnitude); "
      f"largest difference to Sobel x: {learned_error:.1e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The loss falls by many orders of magnitude (the count is printed above), and the learned weights equal Sobel x
# up to the tiny difference printed on the same line. A convolutional network does the same with many kernels at
# once, except that nobody hands it the edge maps: the only target is the digit's label, and the kernels become
# whatever helps to predict it (notebook 10 shows what they become).
#
# ## Several input channels, and 1×1 convolutions
#
# So far one kernel turned one image into one output. A colour image has three **channels** (red, green, blue), and
# a network's inner layers have dozens. A convolutional layer `nn.Conv2d(c_in, c_out, k)` holds `c_out` kernels,
# each of shape `c_in × k × k`: kernel `o` convolves every input channel with its own k × k slice and **adds** the
# results, plus one bias per output channel (switched off in our check with `bias=False`), giving output channel
# `o`. We check this by hand with our loop `conv2d_loops` on a random three-channel image. A **1×1 convolution**
# (k = 1) sees no neighbours at all: at every pixel it multiplies the vector of `c_in` channel values by a
# `c_out × c_in` matrix. It mixes channels, not positions, and is how deep networks change their number of
# channels cheaply.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
torch.manual_seed(0)
rgb = torch.rand(3, 10, 10)  # a small random image with 3 channels
layer3 = torch.nn.Conv2d(3, 4, kernel_size=3, bias=False)  # 4 kernels of shape 3 × 3 × 3
with torch.no_grad():
    out_layer = layer3(rgb[None])[0]  # 4 × 8 × 8
    w3 = layer3.weight  # 4 × 3 × 3 × 3: output channel, input channel, rows, columns
    per_channel_sum = torch.stack([sum(conv2d_loops(rgb[c], w3[o, c]) for c in range(3)) for o in range(4)])
    pointwise = torch.nn.Conv2d(3, 2, kernel_size=1)  # a 2 × 3 matrix (and 2 biases) at every pixel
    matrix = pointwise.weight[:, :, 0, 0]
    # every pixel's 3 channel values as one column of a 3 × 100 matrix: one matrix product serves all 100 pixels
    per_pixel = (matrix @ rgb.reshape(3, -1)).reshape(2, 10, 10) + pointwise.bias[:, None, None]
    same_1x1 = torch.allclose(pointwise(rgb[None])[0], per_pixel, atol=1e-6)
assert torch.allclose(out_layer, per_channel_sum, atol=1e-5) and same_1x1
print("weights", tuple(w3.shape), ": output channel o = sum over the 3 input channels of conv(channel c, w[o, c])")
print("nn.Conv2d(3, 4, 3) equals the per-channel sums:", torch.allclose(out_layer, per_channel_sum, atol=1e-5))
print("nn.Conv2d(3, 2, 1) equals a 2 × 3 matrix applied at every pixel:", same_1x1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Output size: kernel, stride and padding
#
# Three settings decide how big the output is:
#
# - the **kernel size** `k`: the kernel must fit inside the (padded) input;
# - the **padding** `p`: rows and columns of zeros added on every side;
# - the **stride** `s`: how many pixels the kernel jumps between positions (stride 2 roughly halves the size).
#
# Along each axis, an input of `n` pixels gives
#
# $$n_\text{out} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1.$$
#
# The padded input has `n + 2p` pixels, the first position uses `k` of them, and each further position needs
# `s` more. We check the formula against PyTorch for several settings.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before the table prints, have the room work out a few of its rows from the formula by hand,
# for instance a 28-pixel input with a 3×3 kernel, stride 2 and padding 1. Knob: add your own (n, k, s, p) tuple to
# `settings`, re-run that cell and the table; each row prints the formula next to PyTorch's answer (an assert stops
# the cell if they ever differ), so the room can check its predictions. A common slip is to forget that padding is
# added on both sides, hence the 2p.

# %%
def conv_output_size(n: int, k: int, s: int = 1, p: int = 0) -> int:
    """Output length of a convolution along one axis: input n, kernel k, stride s, padding p."""
    return (n + 2 * p - k) // s + 1


settings = [(28, 3, 1, 0), (28, 3, 1, 1), (28, 5, 1, 2), (28, 5, 1, 0), (28, 3, 2, 1),
            (28, 5, 2, 0), (28, 4, 3, 1), (28, 2, 2, 0), (7, 3, 2, 0), (14, 7, 1, 3)]

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print("   n   k   s   p   formula   PyTorch")
for n, k, s, p in settings:
    ours = conv_output_size(n, k, s, p)
    theirs = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p).shape[-1]
    assert ours == theirs
    print(f"{n:4d}{k:4d}{s:4d}{p:4d}{ours:10d}{theirs:10d}")

# %% alt="Four panels of the 7 after a 3\u00d73 average filter, with row and column axes: stride 1 and padding 0 give 26\u00d726, stride 1 and padding 1 give 28\u00d728, stride 2 and padding 1 give 14\u00d714, and stride 3 and padding 0 give a blocky 9\u00d79 image." slideshow={"slide_type": "subslide"}
box3 = torch.full((1, 1, 3, 3), 1 / 9)
cases = [(1, 0), (1, 1), (2, 1), (3, 0)]
fig, axes = plt.subplots(1, 4, figsize=(11, 3))
for ax, (s, p) in zip(axes, cases):
    out = F.conv2d(digit[None, None], box3, stride=s, padding=p)[0, 0]
    ax.imshow(out, cmap="gray_r")
    ax.set(title=f"stride {s}, padding {p}: {out.shape[0]}×{out.shape[1]}", xlabel="column", ylabel="row")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # pixel indices are whole numbers
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
fig.suptitle("A 3×3 average filter on the 28×28 digit: the output size follows the formula")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Convolution or cross-correlation? The flip
#
# Everything so far except `np.convolve` in the 1-D section, `F.conv2d` included, computed
# $\sum w[a, b]\, x[i + a, j + b]$. In mathematics and signal processing this is called **cross-correlation**. The
# **convolution** of the textbooks flips the kernel first, upside down and left to right:
#
# $$(w * x)[i, j] = \sum_{a, b} w[a, b]\; x[i - a, j - b],$$
#
# where, in this section, a and b count from the kernel's centre (−1, 0, 1 for a 3×3 kernel, which is what
# padding 1 does in the code below), so output pixel (i, j) sits on input pixel (i, j). The flip is easy to see on an *impulse*, an image that is zero except for a single 1: convolution stamps
# a copy of the kernel around the impulse, cross-correlation stamps it rotated by 180°. Convolution is
# cross-correlation with a flipped kernel, and we check exactly that.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** The slide above already says that `F.conv2d`, being cross-correlation, stamps the kernel
# rotated by 180°; before running the impulse cell, ask the room to work out why. Take an image that is zero except for
# a single 1 in the middle and the kernel 1 … 9: which weight lands on the output pixel just above and to the left of
# the 1? That pixel's window has the 1 in its bottom-right corner, so it picks up the bottom-right weight, 9; the figure
# shows the 9 there and the whole stamp rotated, and only the flipped kernel gives the textbook convolution. Then stress
# that for a network the difference does not matter, because its kernels are learned.

# %%
impulse = torch.zeros(7, 7)
impulse[3, 3] = 1.0
asym = torch.arange(1.0, 10.0).reshape(3, 3)  # 1 … 9, no symmetry at all
xcorr = F.conv2d(impulse[None, None], asym[None, None], padding=1)[0, 0]  # what deep learning calls convolution
conv = F.conv2d(impulse[None, None], asym.flip(0, 1)[None, None], padding=1)[0, 0]  # the textbook convolution

# %% tags=["nbval-check-output"]
print("convolution of an impulse reproduces the kernel:", torch.equal(conv[2:5, 2:5], asym))
print("cross-correlation reproduces it rotated by 180°:", torch.equal(xcorr[2:5, 2:5], asym.flip(0, 1)))
print("np.convolve == np.correlate with the kernel reversed:",
      np.array_equal(np.convolve([1, 2, 3, 4], [1, 0, 5]), np.correlate([1, 2, 3, 4], [5, 0, 1], mode="full")))

# %% alt="Three annotated grids. Left: the 3\u00d73 kernel w, holding 1 to 9 row by row. Middle: cross-correlation of a single-pixel impulse in a 7\u00d77 image stamps the kernel rotated by 180\u00b0, 9 in the stamp's top-left cell. Right: convolution, F.conv2d with w flipped, stamps it as it is, 1 in the stamp's top-left cell." slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(10, 3.4))
for ax, (title, img) in zip(axes, [("kernel w", asym), ("cross-correlation of an impulse\n(F.conv2d)", xcorr),
                                   ("convolution of an impulse\n(F.conv2d with w flipped)", conv)]):
    annotate(ax, img, ax.imshow(img, cmap="Blues", vmin=0, vmax=9), skip_zeros=True, fontsize=11)
    ax.set(title=title, xlabel="column", ylabel="row", xticks=range(img.shape[1]), yticks=range(img.shape[0]))
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# For a network the difference does not matter: its kernels are learned, and learning a kernel or its flipped
# copy is equally easy. That is why deep-learning libraries compute cross-correlation and call it convolution,
# and so will we from now on. Convolution has the nicer mathematics (it is commutative and associative, so two
# blurs in a row equal one blur whose kernel is the two kernels convolved; cross-correlation is neither, which
# makes such rules messier to state).
#
# ## Max pooling
#
# A **[max pooling](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#max-pooling)** layer shrinks a feature map by keeping only the largest value in each window, usually 2×2
# windows with stride 2: the size halves, and a feature that moves by a pixel inside its window gives the same
# output. It has no weights. Vectorized by hand, it is a reshape that puts every 2×2 window on two axes of its
# own, followed by a maximum over those two axes; we check it against `F.max_pool2d`.

# %%
def max_pool_2x2(image: torch.Tensor) -> torch.Tensor:
    """2×2 max pooling, stride 2, of an H×W image with even H and W."""
    h, w = image.shape
    return image.reshape(h // 2, 2, w // 2, 2).amax(dim=(1, 3))


gx, gy = apply(digit, sobel_x), apply(digit, sobel_y)
magnitude = (gx**2 + gy**2).sqrt()
pooled = [digit, max_pool_2x2(digit), max_pool_2x2(max_pool_2x2(digit))]
pooled_edges = [magnitude, max_pool_2x2(magnitude), max_pool_2x2(max_pool_2x2(magnitude))]
assert torch.equal(max_pool_2x2(magnitude), F.max_pool2d(magnitude[None, None], 2)[0, 0])

# %% tags=["nbval-check-output"]
print("pooling sizes:", [tuple(p.shape) for p in pooled])
print("matches F.max_pool2d:", torch.equal(max_pool_2x2(digit), F.max_pool2d(digit[None, None], 2)[0, 0]))

# %% alt="Grid of two rows and three columns: the digit 7 on top and its edge magnitude map below, at 28\u00d728, 14\u00d714 and 7\u00d77 after zero, one and two rounds of 2\u00d72 max pooling. Each round makes the images blockier, yet the 7\u00d77 edge map still shows where the strokes are." slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(2, 3, figsize=(8, 5.4))
for col in range(3):
    axes[0, col].imshow(pooled[col], cmap="gray_r")
    axes[1, col].imshow(pooled_edges[col], cmap="magma")
    axes[0, col].set_title(f"digit, {pooled[col].shape[0]}×{pooled[col].shape[1]}")
    axes[1, col].set_title(f"edge magnitude, {pooled_edges[col].shape[0]}×{pooled_edges[col].shape[1]}")
    for ax in axes[:, col]:
        ax.axis("off")
fig.suptitle("2×2 max pooling, applied zero, one and two times")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# After two poolings the 7×7 edge map still says where the strokes are, coarsely. This is the pattern of the
# convolutional networks of the next notebook: convolutions find local features, pooling shrinks the maps and
# makes them less sensitive to exact positions, and the next convolution combines features over a larger area.
#
# ## Transposed convolution: going up in size
#
# The autoencoders and generators of notebooks 07 and 08 grew images back from small maps with
# `nn.ConvTranspose2d`. Here is what it computes, in the **stamp** view: every input pixel stamps a copy of the
# kernel (not flipped), scaled by the pixel's value, onto the output, at position (stride · row, stride · column);
# where stamps overlap, they add, and a padding `p` then crops `p` pixels from every side. With stride 2 the stamps
# are placed two pixels apart, so the image roughly doubles. Along each axis an input of `n` pixels gives
#
# $$n_\text{out} = (n - 1)\,s - 2p + k,$$
#
# the output size formula of a convolution solved for its input: a convolution with the same k, s and p maps
# `n_out` pixels back to `n`. The way back is not unique: since that formula rounds down, inputs of `n_out` to
# `n_out + s − 1` pixels all give `n`, and the transposed convolution returns the smallest. PyTorch's
# `output_padding` adds the missing pixels: notebook 07's layers (k = 3, s = 2, p = 1, `output_padding=1`) turn 7
# pixels into (7 − 1)·2 − 2 + 3 + 1 = 14, where the formula alone gives 13. We check the stamps against
# `F.conv_transpose2d` and the size formula.

# %% slideshow={"slide_type": "subslide"}
def conv_transpose2d_stamps(image: torch.Tensor, kernel: torch.Tensor, stride: int = 1) -> torch.Tensor:
    """Transposed convolution of an H×W image (no padding): add image[i, j] · kernel at (stride·i, stride·j)."""
    (h, w), k = image.shape, kernel.shape[0]
    out = torch.zeros((h - 1) * stride + k, (w - 1) * stride + k)
    for i in range(h):
        for j in range(w):
            out[i * stride : i * stride + k, j * stride : j * stride + k] += image[i, j] * kernel
    return out


small = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
ones3 = torch.ones(3, 3)
stamped = {s: conv_transpose2d_stamps(small, ones3, s) for s in (1, 2, 3)}
for s, out in stamped.items():
    assert torch.equal(out, F.conv_transpose2d(small[None, None], ones3[None, None], stride=s)[0, 0])
    assert out.shape[0] == (2 - 1) * s + 3
    stamp_kernel = torch.arange(9.0).reshape(3, 3)  # a kernel with no symmetry: the stamp is not flipped
    assert torch.equal(conv_transpose2d_stamps(small, stamp_kernel, s),
                       F.conv_transpose2d(small[None, None], stamp_kernel[None, None], stride=s)[0, 0])

# %% tags=["nbval-check-output"]
print("stamps equal F.conv_transpose2d for strides 1, 2, 3; output sizes:",
      [tuple(out.shape) for out in stamped.values()], "= (2 − 1)·s + 3")

# %% alt="Four annotated grids: a 2\u00d72 input holding 1, 2, 3, 4, and its transposed convolution with a 3\u00d73 kernel of ones at stride 1 (4\u00d74, the four middle cells 10), stride 2 (5\u00d75, overlapping in one middle row and column) and stride 3 (6\u00d76, four separate 3\u00d73 blocks of 1, 2, 3 and 4)." slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 4, figsize=(11, 2.9))
for ax, (title, img) in zip(axes, [("input 2×2", small)]
                            + [(f"stride {s}: {out.shape[0]}×{out.shape[1]}", out) for s, out in stamped.items()]):
    annotate(ax, img, ax.imshow(img, cmap="Blues", vmin=0, vmax=10), fontsize=9)
    ax.set(title=title, xticks=[], yticks=[])
fig.suptitle("Transposed convolution with a 3×3 kernel of ones: each input pixel stamps 3×3 copies of its value")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# With stride 1 the four stamps overlap heavily (the four middle pixels collect all four values, 1 + 2 + 3 + 4 = 10);
# with stride 2 they overlap in one row and one column; with stride 3 they tile the output without overlap. The
# uneven overlap at stride 2 is the source of the "checkerboard" patterns that generated images sometimes show.
#
# ### Why "transposed": the convolution as a matrix
#
# A convolution is linear in its input, so for a fixed kernel it is a matrix product, `out = W x`. In 1-D without
# padding, `W` has one row per output sample, and row `i` holds the kernel at columns `s·i` to `s·i + k − 1`, with
# zeros elsewhere. We build `W` for the kernel (1, 2, 3) twice: on a signal of 6 samples with stride 1 (4 outputs)
# and on one of 7 samples with stride 2 (3 outputs). Then we compare `F.conv1d` of a random signal `x` with
# `W @ x`, and `F.conv_transpose1d` of a random vector `v` of the output's size with `Wᵀ @ v`.

# %% alt="Three annotated matrices for the kernel (1, 2, 3). Left and middle: W for stride 1 (6 samples to 4) and stride 2 (7 samples to 3), each row holding 1, 2, 3 shifted right by the stride, zeros elsewhere. Right: W\u1d40 for stride 2 (3 samples to 7), each column holding the kernel two rows below the previous one." slideshow={"slide_type": "subslide"} tags=["slides-split-output"]
def conv_matrix_1d(kernel: torch.Tensor, n: int, stride: int = 1) -> torch.Tensor:
    """The matrix W of a 1-D convolution of an n-sample signal, no padding: W @ x == F.conv1d(x, kernel, stride)."""
    k = len(kernel)
    W = torch.zeros((n - k) // stride + 1, n)  # one row per output sample
    for i in range(len(W)):
        W[i, i * stride : i * stride + k] = kernel  # output i sees input samples stride·i … stride·i + k − 1
    return W


taps = torch.tensor([1.0, 2.0, 3.0])  # a kernel with no symmetry, so a flip would show
conv_matrices = {1: conv_matrix_1d(taps, 6, stride=1), 2: conv_matrix_1d(taps, 7, stride=2)}
gm = torch.Generator().manual_seed(8)
matrix_diffs = {}  # stride → (largest |F.conv1d − W @ x|, largest |F.conv_transpose1d − Wᵀ @ v|)
for stride, W in conv_matrices.items():
    x_vec = torch.randn(W.shape[1], generator=gm)  # a signal of the input's size
    v_vec = torch.randn(W.shape[0], generator=gm)  # a vector of the output's size
    down = F.conv1d(x_vec[None, None], taps[None, None], stride=stride)[0, 0]
    up = F.conv_transpose1d(v_vec[None, None], taps[None, None], stride=stride)[0, 0]
    assert torch.allclose(down, W @ x_vec, atol=1e-6) and torch.allclose(up, W.T @ v_vec, atol=1e-6)
    matrix_diffs[stride] = ((down - W @ x_vec).abs().max().item(), (up - W.T @ v_vec).abs().max().item())
for stride, (d_conv, d_transposed) in matrix_diffs.items():
    print(f"stride {stride}: W is {tuple(conv_matrices[stride].shape)}; largest |F.conv1d − W @ x| = {d_conv:.1e}, "
          f"largest |F.conv_transpose1d − Wᵀ @ v| = {d_transposed:.1e}")

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), gridspec_kw={"width_ratios": [6, 7, 3]})
w_labels = ("input sample (column)", "output sample (row)")
wt_labels = ("v index (= conv output sample)", "conv input sample\n(= transposed conv output)")
for ax, (name, M, (xlabel, ylabel)) in zip(axes, [("W, stride 1", conv_matrices[1], w_labels),
                                                  ("W, stride 2", conv_matrices[2], w_labels),
                                                  ("Wᵀ, stride 2", conv_matrices[2].T, wt_labels)]):
    annotate(ax, M, ax.imshow(M, cmap="Blues", vmin=0, vmax=3.5), fmt=lambda v: f"{v:.0f}", fontsize=10)
    ax.set(title=f"{name}: {M.shape[1]} samples → {M.shape[0]}", xlabel=xlabel, ylabel=ylabel,
           xticks=range(M.shape[1]), yticks=range(M.shape[0]))
fig.suptitle("A 1-D convolution with kernel (1, 2, 3) as a matrix: each row holds the kernel, shifted by the stride")
fig.tight_layout()

# %% tags=["nbval-check-output"]
print("W shapes:", {stride: tuple(W.shape) for stride, W in conv_matrices.items()})
print("F.conv1d == W @ x and F.conv_transpose1d == Wᵀ @ v (within 1e-6) for strides 1 and 2:",
      all(max(d) < 1e-6 for d in matrix_diffs.values()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Read `Wᵀ` (the right-hand panel) column by column: column `i` holds the kernel at rows `s·i` to `s·i + k − 1`,
# so `Wᵀ v` adds `v[i]` times the kernel at position `s·i`, for every `i`. These are exactly the stamps of the
# transposed convolution, and `F.conv_transpose1d` agrees with `Wᵀ @ v` to float rounding (the largest
# differences are printed above the figure). That is where the name comes from, and it explains the sizes too:
# `W` maps the input's length to the output's, `Wᵀ` maps the output's length back to the input's. No library
# builds `W` for real images: for a 28×28 digit and a 3×3 kernel it would be a 676×784 matrix whose every row
# holds the kernel's 9 weights and zeros everywhere else (no padding: each output pixel sees exactly 9 inputs).
#
# The matrix view also says what backpropagation does with a convolution. For `y = W x` and the gradient `g` of
# the loss with respect to `y`, the gradient with respect to `x` is `Wᵀ g`: the transposed convolution of `g`.
# We check this in 2-D with autograd, for a stride-2 convolution with the 5×5 kernel from earlier.

# %%
# The gradient of <conv2d(x), g> with respect to x is the transposed convolution of g.
x_in = torch.randn(1, 1, 9, 9, generator=torch.Generator().manual_seed(6), requires_grad=True)
g_out = torch.randn(1, 1, 3, 3, generator=torch.Generator().manual_seed(7))  # (9 − 5) // 2 + 1 = 3
(F.conv2d(x_in, kernel5[None, None], stride=2) * g_out).sum().backward()
as_gradient = torch.allclose(x_in.grad, F.conv_transpose2d(g_out, kernel5[None, None], stride=2), atol=1e-5)
assert as_gradient

# %% tags=["nbval-check-output"]
print("gradient of a stride-2 convolution w.r.t. its input == F.conv_transpose2d of the output gradient:",
      as_gradient)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Template matching: finding a digit in a larger image
#
# Cross-correlation measures how well the kernel matches each patch of the image, so a kernel that *is* an image
# finds that image. We scatter 24 test digits over a 144×216 canvas, pick one of them as the **template**, and
# slide it over the whole canvas. The answer we want is a **coordinate**: the (row, column) of the patch's
# top-left corner, which is exactly the index of the output pixel.
#
# The plain score $\sum t \cdot x$ is large wherever there is much ink, so a bold digit can beat the right one.
# *Normalized* cross-correlation removes this: subtract the means of template and patch and divide by both
# norms. For a template $t$ and a patch $x$ of $n$ pixels, with means $\bar t$ and $\bar x$, the score is
#
# $$\text{ncc} = \frac{\sum (t - \bar t)(x - \bar x)}{\lVert t - \bar t\rVert\, \lVert x - \bar x\rVert},
# \qquad \lVert x - \bar x\rVert^2 = \sum x^2 - \frac{\left(\sum x\right)^2}{n},$$
#
# the **correlation coefficient** of the two sets of pixel values: the cosine of the angle between template and
# patch once each has its mean removed. It lies between −1 and 1, and is 1 only for a perfect match (the patch
# equals the template up to brightness and contrast). All its parts are convolutions: the numerator is one
# (because $t - \bar t$ sums to zero, $\sum (t - \bar t)(x - \bar x) = \sum (t - \bar t)\, x$), and the window
# sums of $x$ and of $x^2$ (convolutions with a kernel of ones) give the denominator.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** The slide above warns that a bold digit can beat the right one; ask the room whether that will
# happen here, where the template is an exact copy of one digit on the canvas: surely the copy itself scores highest?
# Run the cells and compare the two boxes on the canvas: in the recorded run the plain score peaks on a different,
# heavily inked digit, while the normalized score finds the true position. Then point at the drawing code, where
# `Rectangle` takes (x, y) = (column, row) while the tensor is indexed [row, column], one of the most common bugs with
# images.

# %% slideshow={"slide_type": "subslide"}
gc = torch.Generator().manual_seed(3)
rows, cols_, cell = 4, 6, 36
canvas = torch.zeros(rows * cell, cols_ * cell)
chosen = torch.randperm(len(digits), generator=gc)[: rows * cols_]
corners = []  # (row, column) of each digit's top-left corner
for n, idx in enumerate(chosen.tolist()):
    r = (n // cols_) * cell + int(torch.randint(0, cell - 28 + 1, (1,), generator=gc))
    c = (n % cols_) * cell + int(torch.randint(0, cell - 28 + 1, (1,), generator=gc))
    canvas[r : r + 28, c : c + 28] = digits[idx]
    corners.append((r, c))

target = 17  # the digit we look for: the 18th one placed
template = digits[chosen[target]]
true_corner = corners[target]


def normalized_cross_correlation(image: torch.Tensor, template: torch.Tensor) -> torch.Tensor:
    """Correlation coefficient between `template` and every patch of `image` (no padding), in float64."""
    image, template = image.double()[None, None], template.double()
    n = template.numel()
    t = template - template.mean()
    t = (t / t.norm())[None, None]
    ones = torch.ones_like(t)
    window_sum = F.conv2d(image, ones)
    window_sq = F.conv2d(image**2, ones)
    # float64: window_sq − window_sum²/n subtracts two nearly equal numbers on flat patches, and float32 would lose
    # the difference
    patch_norm = (window_sq - window_sum**2 / n).clamp_min(1e-12).sqrt()  # ‖patch − its mean‖
    # t sums to zero, so t · (patch − mean) = t · patch: one more convolution.
    return (F.conv2d(image, t) / patch_norm)[0, 0]


def argmax_2d(scores: torch.Tensor) -> tuple[int, int]:
    """The (row, column) coordinate of the largest value of a 2-D tensor."""
    flat = int(scores.argmax())
    return flat // scores.shape[1], flat % scores.shape[1]


plain = F.conv2d(canvas[None, None], template[None, None])[0, 0]
ncc = normalized_cross_correlation(canvas, template)
found_plain, found = argmax_2d(plain), argmax_2d(ncc)
assert found == true_corner

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print("canvas", tuple(canvas.shape), "template", tuple(template.shape), "→ score map", tuple(ncc.shape))
print(f"looking for a {int(y_test[chosen[target]])} whose top-left corner is at (row, column) = {true_corner}")
print("normalized cross-correlation finds", found, "with score", round(ncc.max().item(), 4))
print("found == true position:", found == true_corner)

# %% alt="Left: a canvas of 24 handwritten digits, a green box on the 1 that normalized cross-correlation finds at (72, 182), a red dashed box on the 9 where plain cross-correlation peaks, at (4, 44). Right: both score maps, a red + on each peak: plain on the heavily inked 9, normalized on the 1." slideshow={"slide_type": "subslide"}
print("plain cross-correlation's best match:", found_plain,
      "(the right digit)" if found_plain == true_corner else "(a different place)")
elsewhere = ncc.clone()
elsewhere[max(found[0] - 14, 0) : found[0] + 15, max(found[1] - 14, 0) : found[1] + 15] = -1  # hide the true hit
print(f"normalized score: {ncc.max().item():.3f} at the true position, at most {elsewhere.max().item():.3f} elsewhere")

fig, axes = plt.subplot_mosaic([["canvas", "plain"], ["canvas", "ncc"]], figsize=(12, 6.2),
                                width_ratios=[1.2, 1])
ax = axes["canvas"]
ax.imshow(canvas, cmap="gray_r")
ax.add_patch(Rectangle((found[1] - 0.5, found[0] - 0.5), 28, 28, fill=False, ec="C2", lw=3,
                       label=f"normalized: best match at {found}"))
ax.add_patch(Rectangle((found_plain[1] - 0.5, found_plain[0] - 0.5), 28, 28, fill=False, ec="C3", lw=2,
                       ls="--", label=f"plain: best match at {found_plain}"))
ax.set(title=f"canvas of 24 digits; the template is the {int(y_test[chosen[target]])} in the green box",
       xlabel="column (x)", ylabel="row (y)")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=9)
for key, scores, title in [("plain", plain, "plain cross-correlation"), ("ncc", ncc, "normalized cross-correlation")]:
    im = axes[key].imshow(scores, cmap="viridis")
    r, c = argmax_2d(scores)
    axes[key].plot(c, r, "r+", ms=14, mew=2)
    axes[key].set(title=f"{title}: peak (red +) at {(r, c)}", xlabel="column of the patch's top-left corner",
                  ylabel="row")
    fig.colorbar(im, ax=axes[key], fraction=0.035, label="score")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Note the coordinate swap in the drawing code: a `Rectangle` takes `(x, y) = (column, row)`, the opposite
# order of the tensor index `[row, column]`. Mixing the two up is one of the most common bugs with images.
#
# The normalized score reaches 1 at the template's true position and stays clearly lower everywhere else (both
# printed above), even on the three other 1s of the canvas. Template matching works here because the template is
# an exact copy; a different person's handwriting of the same digit matches less well (exercise 4). A
# convolutional network does not look for whole digits: it learns many small kernels, stacks them and pools in
# between, and so becomes tolerant to the variations of handwriting. That is notebook 10.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A **convolution** slides a small kernel over a signal or image and takes a weighted sum at every position;
#   the same weights are used everywhere. In 1-D a kernel with positive weights that sum to 1 smooths a noisy
#   signal, here more than halving the error.
# - Written as Python loops it is simple and slow. **Vectorization** with im2col (`F.unfold`) turns it into one
#   matrix product, and `F.conv2d` is PyTorch's optimized version; all three agreed to within 1e-5, and the
#   vectorized versions were tens to hundreds of times faster than the loops (the timings printed above).
# - Hand-made kernels blur, sharpen and find edges (Sobel x and y, gradient magnitude); random kernels already give
#   feature-like maps, and a network will learn its own.
# - The output size is ⌊(n + 2p − k)/s⌋ + 1, which matched PyTorch for every setting we tried.
# - Deep learning's "convolution" is cross-correlation: the textbook convolution flips the kernel. For learned
#   kernels it makes no difference.
# - Gradient descent recovered the Sobel-x kernel from nothing but (digit, edge map) pairs: kernels are weights
#   like any other.
# - A layer with several input channels sums one convolution per channel; a 1×1 convolution is a matrix applied
#   at every pixel, mixing channels.
# - Max pooling keeps the largest value of each window, halving the map and tolerating small shifts.
# - A transposed convolution stamps the kernel once per input pixel, giving (n − 1)s − 2p + k pixels (plus
#   `output_padding`). Written as matrices, a convolution is `W x` and the transposed convolution is `Wᵀ v`, which
#   is also the backward pass of a convolution, from output gradient to input gradient.
# - Normalized cross-correlation found the hidden digit at its exact **coordinate** (row, column), where the plain
#   score is fooled by heavy ink.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# The exercises whose answer is a value, a tensor or a function check it for you: run
# `from mnist_course.exercises import notebook09 as ex` once, then the check the exercise names, such as
# `ex.q1.check(...)`, prints "Correct" or what is still wrong; `ex.q1.hint()` gives a hint and
# `ex.q1.solution()` says where the solution is. The other exercises are open: compare your answer with the
# sample answer under them.
#
# 1. Add a `padding` argument to `conv2d_loops` (pad the image with zeros first, e.g. with `F.pad`) and check it
#    against `F.conv2d(..., padding=p)` for `p = 1` and `p = 2`.
#    Check your `conv2d_loops_padded(image, kernel, padding)` with `ex.q1.check(conv2d_loops_padded)`;
#    `ex.q1.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook09 as ex
#
#    def conv2d_loops_padded(image, kernel, padding=0):
#        return conv2d_loops(F.pad(image, (padding,) * 4), kernel)
#
#    for pad in (1, 2):
#        padded_ours = conv2d_loops_padded(digit, kernel5, pad)
#        padded_theirs = F.conv2d(digit[None, None], kernel5[None, None], padding=pad)[0, 0]
#        print(f"padding {pad}: output {tuple(padded_ours.shape)}, equal to F.conv2d within 1e-5:",
#              (padded_ours - padded_theirs).abs().max().item() < 1e-5)
#    ex.q1.check(conv2d_loops_padded)
#    ```
#    `F.pad` takes (left, right, top, bottom) for the last two dimensions. Padding 1 gives 26×26 and padding 2 gives
#    28×28 with the 5×5 kernel, as ⌊(n + 2p − k)/s⌋ + 1 says.
#    </details>
#
# 2. Make `conv2d_unfold` work with a stride: `F.unfold` accepts `stride=`. Check your version against
#    `F.conv2d(..., stride=2)` and the output size against `conv_output_size`.
#    Check your `conv2d_unfold_strided(image, kernel, stride)` with `ex.q2.check(conv2d_unfold_strided)`;
#    `ex.q2.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook09 as ex
#
#    def conv2d_unfold_strided(image, kernel, stride=1):
#        (h, w), k = image.shape, kernel.shape[0]
#        cols = F.unfold(image[None, None], kernel_size=k, stride=stride)[0]
#        n_h, n_w = conv_output_size(h, k, stride), conv_output_size(w, k, stride)
#        return (kernel.reshape(1, -1) @ cols).reshape(n_h, n_w)
#
#    strided_ours = conv2d_unfold_strided(digit, kernel5, stride=2)
#    strided_theirs = F.conv2d(digit[None, None], kernel5[None, None], stride=2)[0, 0]
#    print("output", tuple(strided_ours.shape), "conv_output_size:", conv_output_size(28, 5, 2),
#          "equal to F.conv2d within 1e-5:", (strided_ours - strided_theirs).abs().max().item() < 1e-5)
#    ex.q2.check(conv2d_unfold_strided)
#    ```
#    Both give 12×12: ⌊(28 − 5)/2⌋ + 1 = 12.
#    </details>
#
# 3. Design a 3×3 kernel that responds to diagonal strokes running from bottom-left to top-right (like the
#    stroke of a 7 or a 4), with weights summing to 0. Try it on small test patterns, then show its output on a
#    few digits.
#    Check your kernel, `diag`, with `ex.q3.check(diag)`; `ex.q3.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook09 as ex
#
#    diag = torch.tensor([[-1.0, -1.0, 2.0], [-1.0, 2.0, -1.0], [2.0, -1.0, -1.0]])
#    print("weights sum to", diag.sum().item())
#    vertical = torch.zeros(5, 5)
#    vertical[:, 2] = 1.0
#    patterns = {"flat (all ink)": torch.ones(5, 5), "rising diagonal": torch.eye(5).flip(1),
#                "falling diagonal": torch.eye(5), "vertical line": vertical}
#    for name, pattern in patterns.items():
#        print(f"{name:16s}: response at the centre {apply(pattern, diag)[2, 2].item():g}")
#
#    fig, axes = plt.subplots(2, 5, figsize=(10, 4.4))
#    for m in range(5):
#        axes[0, m].imshow(digits[m], cmap="gray_r")
#        axes[0, m].set_title(f"a {int(y_test[m])}")
#        axes[1, m].imshow(apply(digits[m], diag).clamp_min(0), cmap="magma")
#        axes[1, m].set_title("positive response")
#        for ax in axes[:, m]:
#            ax.axis("off")
#    fig.suptitle("A kernel for strokes rising from bottom-left to top-right (bright = strong response)")
#    fig.tight_layout()
#    ex.q3.check(diag)
#    ```
#    The kernel is a line of 2s along the anti-diagonal and −1 elsewhere. The printed responses show what it
#    does: 2 + 2 + 2 = 6 on a rising diagonal line, 0 on a flat patch (the weights sum to 0), and 0 on a falling
#    diagonal or a vertical line, where the one 2 on the line is cancelled by two −1s. On the digits it lights up
#    the rising strokes.
#    </details>
#
# 4. Use a *different* handwritten example of the same digit as the template (another test image with the same
#    label). Does normalized cross-correlation still find a digit of that class? What is its best score now?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    label = int(y_test[chosen[target]])
#    others = [n for n in range(len(digits)) if y_test[n] == label and n not in chosen.tolist()]
#    hits = []
#    for alt in others[:5]:  # new names, so the lesson's variables (i, j, other, scores) keep their values
#        other_scores = normalized_cross_correlation(canvas, digits[alt])
#        best_row, best_col = argmax_2d(other_scores)
#        nearest = min(range(len(corners)),
#                      key=lambda n: abs(corners[n][0] - best_row) + abs(corners[n][1] - best_col))
#        hits.append(int(y_test[chosen[nearest]]))
#        print(f"template {alt}: best score {other_scores.max():.2f} at {(best_row, best_col)}, on a {hits[-1]}")
#    print(f"{hits.count(label)} of {len(hits)} best matches land on a {label}")
#    ```
#    Every best score is below the exact copy's 1 (the five printed scores), and the last line counts how
#    many of the best matches still land on a digit of the right class. One fixed template matches new
#    handwriting less well than its exact copy; learned, layered kernels are what copes with the variety of
#    handwriting.
#    </details>
#
# 5. The 5×5 Gaussian `blur` is *separable*: it equals a 5×1 kernel followed by a 1×5 kernel (its outer
#    product). Check that both give the same output, and compare the number of multiplications per pixel.
#    Check your 1-D kernel `g1` with `ex.q5.check(g1, blur)`; `ex.q5.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook09 as ex
#
#    g1 = torch.exp(-0.5 * ax_**2)
#    g1 = g1 / g1.sum()
#    assert torch.allclose(torch.outer(g1, g1), blur)
#    two_pass = F.conv2d(F.conv2d(digit[None, None], g1.reshape(1, 1, 5, 1), padding=(2, 0)),
#                        g1.reshape(1, 1, 1, 5), padding=(0, 2))[0, 0]
#    print("two 1-D passes equal the 5×5 blur within 1e-6:", (two_pass - apply(digit, blur)).abs().max().item() < 1e-6)
#    print("multiplications per pixel: one 5×5 pass", blur.numel(), "| two 1-D passes", 2 * g1.numel())
#    ex.q5.check(g1, blur)
#    ```
#    One 5×5 pass costs 25 multiplications per pixel, the two 1-D passes 5 + 5 = 10 (both printed). For a k×k
#    kernel it is k² against 2k, which is why large blurs are usually done in two passes.
#    </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questionnaire
#
# Answer each question in your own words first, then open the answer to compare.
#
# 1. What makes a sliding weighted sum a convolution, and why is the output without padding `k − 1` samples
#    shorter than the input?
#
#    <details><summary>Answer</summary>
#
#    The same small set of weights, the kernel, is applied at every position of the input. Without padding the
#    kernel must fit entirely inside the signal, so its first position starts at sample 0 and its last ends at the
#    last sample: there are `n − k + 1` positions, `k − 1` fewer than samples.
#    </details>
#
# 2. Both smoothing kernels more than halve the error, yet the moving average beats the Gaussian here. Why?
#
#    <details><summary>Answer</summary>
#
#    What remains after smoothing is mostly noise, and averaging cancels more of it the more evenly the weights are
#    spread: the moving average's equal weights have a smaller sum of squares than the Gaussian's, whose outer
#    weights are tiny. Weights that sum to 1 keep the signal's level in both cases.
#    </details>
#
# 3. What does im2col do, and what does it trade for its speed?
#
#    <details><summary>Answer</summary>
#
#    It copies every patch the kernel visits into one column of a matrix (`F.unfold`), so every output pixel is a
#    dot product of the flattened kernel with one column, and all of them together one matrix product, the most
#    optimized operation in numerical computing. The price is memory: every pixel is copied once per kernel position
#    that covers it.
#    </details>
#
# 4. On one tiny image the two-line im2col can beat `F.conv2d`, but on a batch of 1,000 images and 16 kernels
#    `F.conv2d` usually wins. Why?
#
#    <details><summary>Answer</summary>
#
#    On one small image, fixed overheads dominate the time. On a real batch the im2col matrix is large and must be
#    written to memory and read again, while `F.conv2d` uses code optimized for the processor that never holds the
#    whole matrix in memory at once.
#    </details>
#
# 5. A kernel's weights sum to 1 for blur and sharpen and to 0 for Sobel. What does that sum tell you about the
#    output on a flat region?
#
#    <details><summary>Answer</summary>
#
#    A kernel whose weights sum to $s$ turns a flat image of brightness $c$ into $s \cdot c$ away from the border.
#    So blur and sharpen keep flat regions as they are and change only places where the brightness varies, while a
#    Sobel kernel answers 0 on flat regions and responds only where the brightness changes, at edges.
#    </details>
#
# 6. Why do the Sobel and magnitude panels of the photo show lines along its borders, but not those of the digit?
#
#    <details><summary>Answer</summary>
#
#    Zero padding puts a frame of zeros around the image, so just outside the photo the brightness drops to 0, which
#    the kernels read as a strong edge. The digit's border is blank already, so padding it with zeros changes
#    nothing.
#    </details>
#
# 7. Gradient descent recovered the Sobel-x kernel from nothing but pairs of digits and their edge maps. What does
#    that show, and what is different in a convolutional network?
#
#    <details><summary>Answer</summary>
#
#    A kernel is weights like any other: the loss depends smoothly on them, so gradient descent can fit them to
#    examples. In a convolutional network nobody hands over the edge maps; the only target is the label, and the
#    kernels become whatever helps to predict it.
#    </details>
#
# 8. How does a layer with several input channels combine them, and what does a 1×1 convolution do?
#
#    <details><summary>Answer</summary>
#
#    Each output channel has one kernel slice per input channel; it convolves every input channel with its own slice
#    and adds the results, plus a bias. A 1×1 convolution sees no neighbours: at every pixel it multiplies the vector
#    of channel values by the same matrix, mixing channels but not positions, a cheap way to change the number of
#    channels.
#    </details>
#
# 9. Deep-learning libraries compute cross-correlation and call it convolution. What is the difference, and why
#    does it not matter for a network?
#
#    <details><summary>Answer</summary>
#
#    The textbook convolution flips the kernel upside down and left to right before sliding it; on an impulse it
#    stamps the kernel as it is, cross-correlation rotated by 180°. A network learns its kernels, and learning a
#    kernel or its flipped copy is equally easy, so either operation serves.
#    </details>
#
# 10. What does 2×2 max pooling give a network, and what does it cost?
#
#     <details><summary>Answer</summary>
#
#     It keeps the largest value of each window, so a feature map halves in size, and a feature that moves by a pixel
#     inside its window gives the same output: the map becomes coarser and less sensitive to exact positions, and
#     the next convolution combines features over a larger area. It has no weights to learn; what it gives up is the
#     exact position within each window.
#     </details>
#
# 11. Why is the transposed convolution called *transposed*, and where else does it appear?
#
#     <details><summary>Answer</summary>
#
#     A convolution with a fixed kernel is linear, so it is a matrix product `W x`, each row of `W` holding the
#     kernel shifted by the stride. The transposed convolution computes `Wᵀ v`: each input value stamps the kernel
#     onto the output, mapping the output's length back to the input's. It is also the backward pass of a
#     convolution: the gradient with respect to the input is `Wᵀ g`, as the notebook checks with autograd.
#     </details>
#
# 12. Why does plain cross-correlation with a digit template find the wrong place, while the normalized version
#     finds the right one, and what would make even the normalized version struggle?
#
#     <details><summary>Answer</summary>
#
#     The plain score $\sum t \cdot x$ is large wherever there is much ink, so a bold digit can beat the right one.
#     Subtracting the means and dividing by both norms turns the score into a correlation coefficient, which is 1
#     only for a patch that equals the template up to brightness and contrast. It works here because the template is
#     an exact copy; another person's handwriting of the same digit matches less well (exercise 4).
#     </details>
