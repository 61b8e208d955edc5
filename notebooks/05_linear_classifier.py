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
# # 05 · Classify MNIST Linear
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/05_linear_classifier.ipynb)
#
# *Runs in under half a minute on a 2-core CPU (last full run).*
#
# Notebooks 01 and 04 trained a linear scorer, by a random walk and then by full-batch gradient descent on 3,000
# images. Here it becomes a complete classifier, **softmax regression**, with a bias, trained on all 50,000
# training images: each digit gets one score, a weighted sum of the 784 pixels plus a bias; softmax turns the ten
# scores into probabilities, and cross-entropy measures how wrong those probabilities are. We build every piece by
# hand, derive the gradient on paper, train it with a loop we write ourselves, and only then hand the same job to
# PyTorch.
#
# **You will learn**
#
# - how a linear classifier turns an image into ten probabilities: logits $Z = XW^\top + b$, softmax and
#   cross-entropy, each written out;
# - why the textbook softmax overflows, and how the log-sum-exp trick makes it safe;
# - to derive the **gradient** of the loss by hand, check it against autograd, and compute it **vectorized**;
# - mini-batch stochastic gradient descent (**optimization** by hand), then the same model with `nn.Linear`,
#   `torch.optim` and `fit`, reproduced to float rounding before anything else changes, then improved one change
#   at a time;
# - to choose a recipe on a **validation** split and score the test set once, at the end;
# - to read what the model learned: ten weight templates, a confusion matrix and its most confident mistakes;
# - that the same model, unchanged, also classifies pictures of clothes (Fashion-MNIST), less well.

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
import math
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from mnist_course.data import FASHION_CLASSES, TensorBatches, load_splits, mean_std, standardize
from mnist_course.plot import plot_confusion, plot_history, show_images, show_weights
from mnist_course.results import check, record
from mnist_course.settings import device, is_quick, pick, seed_everything
from mnist_course.timing import speedup
from mnist_course.train import History, evaluate, fit, predict

seed_everything(0)
dev = device()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data as one matrix
#
# A linear model does not care that pixels sit on a grid: each image becomes one row of 784 numbers, and a
# batch of $N$ images a matrix $X$ of shape $N \times 784$. We use the course's three splits (notebook 02):
# 50,000 images to train on, 10,000 **validation** images to watch training and choose between recipes, and the
# 10,000 test images, which we score once, at the very end, with the recipe the validation images chose. We
# standardize the pixels with the training split's mean and standard deviation, because gradient descent
# converges much faster when the inputs are centred and of unit scale. Quick mode trains on a tenth of the
# training split.

# %%
(images_train, labels_train), (images_val, y_val), (images_test, y_test) = load_splits()
mean, std = mean_std(images_train)  # statistics of the training split only

n_train = pick(50_000, 5_000)
X_train = standardize(images_train[:n_train], mean, std).reshape(-1, 784)
y_train = labels_train[:n_train]
X_val = standardize(images_val, mean, std).reshape(-1, 784)
X_test = standardize(images_test, mean, std).reshape(-1, 784)

# %% tags=["nbval-check-output"]
print(f"pixel mean {mean:.4f}, std {std:.4f}")
print("one row per image:", tuple(X_train.shape[1:]), X_train.dtype, "| validation", tuple(X_val.shape),
      "| test", tuple(X_test.shape))
print(f"standardized training pixels: mean {X_train.mean():.2f}, std {X_train.std():.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Logits: one score per digit
#
# Softmax regression keeps a weight matrix $W$ of shape $10 \times 784$ (one row of weights per digit) and a
# bias vector $b$ of 10 numbers. The score, or **[logit](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#logit)**, of digit $k$ for image $x$ is
# $z_k = w_k \cdot x + b_k$, a weighted vote of all pixels. For a whole batch this is one matrix product,
#
# $$Z = X W^\top + b \qquad (N \times 784)\,(784 \times 10) + (10) \;\to\; N \times 10,$$
#
# with $b$ broadcast over the rows. Writing the computation as whole-matrix operations instead of Python
# loops over images and classes is **vectorization**: the loops still happen, but inside optimized C code.
# The model has $10 \cdot 784 + 10 = 7850$ parameters.

# %%
g = torch.Generator().manual_seed(0)
W = 0.01 * torch.randn(10, 784, generator=g)  # small random weights, only to have something to look at
b = torch.zeros(10)

Z = X_train[:5] @ W.T + b

# %% tags=["nbval-check-output"]
print("W", tuple(W.shape), "b", tuple(b.shape), "-> logits Z", tuple(Z.shape))
print("parameters:", W.numel() + b.numel())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Softmax, and why the obvious version breaks
#
# Logits can be any real numbers. **[Softmax](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#softmax)** turns a row of them into probabilities that are positive and
# sum to one: $p_k = e^{z_k} / \sum_j e^{z_j}$. Written exactly like that, it fails as soon as a logit is
# large: in float32, $e^{z}$ overflows to infinity for $z$ above about 88.7, and $\infty / \infty$ is `nan`.
#
# The fix uses the fact that softmax does not change when the same constant $c$ is subtracted from every logit:
# $e^{z_k - c} / \sum_j e^{z_j - c} = e^{-c} e^{z_k} / (e^{-c} \sum_j e^{z_j}) = e^{z_k} / \sum_j e^{z_j}$.
# Subtracting the row maximum $m$ makes every exponent at most 0, so nothing overflows, and the sum then holds
# the term $e^0 = 1$, so it is at least 1 and its logarithm never sees 0. The logarithm of the denominator is
# the **log-sum-exp**,
#
# $$\operatorname{LSE}(z) = \log \sum_j e^{z_j} = m + \log \sum_j e^{z_j - m},$$
#
# and the log-probabilities are simply $\log p_k = z_k - \operatorname{LSE}(z)$.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cells, ask the room what `softmax_naive` returns for the row
# `[1000, 999, 0]`, entry by entry: the right probabilities, an error, or something else? The slide says the overflow
# ends in `nan`, but not every entry does: the first two are `inf / inf`, hence `nan`, while the last is a finite number
# divided by `inf`, exactly zero. Nothing raises an error or even a warning, so a broken row can pass unnoticed. Then
# ask why the harmless second row comes out the same in both versions.

# %% slideshow={"slide_type": "subslide"}
def softmax_naive(Z):
    """Softmax straight from the formula: overflows for large logits."""
    E = Z.exp()
    return E / E.sum(dim=1, keepdim=True)


def logsumexp(Z):
    """log Σ_j exp(z_j) for each row, computed without overflow by factoring out the row maximum."""
    m = Z.max(dim=1, keepdim=True).values
    return m + (Z - m).exp().sum(dim=1, keepdim=True).log()


def log_softmax(Z):
    """Log-probabilities z_k - LSE(z), with the row maximum subtracted first: (z_k - m) - log Σ_j exp(z_j - m)."""
    S = Z - Z.max(dim=1, keepdim=True).values
    return S - S.exp().sum(dim=1, keepdim=True).log()


def softmax(Z):
    """Probabilities: the same formula as the naive version, applied to logits shifted so their maximum is 0."""
    E = (Z - Z.max(dim=1, keepdim=True).values).exp()
    return E / E.sum(dim=1, keepdim=True)


big = torch.tensor([[1000.0, 999.0, 0.0], [1.0, 2.0, 3.0]])

# %% tags=["nbval-check-output"]
print("exp(89) in float32:", torch.tensor(89.0).exp())
print("naive  softmax:", softmax_naive(big))
print("stable softmax:", softmax(big))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The second row is harmless and both versions agree on it; the first row breaks the naive version
# completely. The stable functions agree with PyTorch's own on logits of every size:

# %%
g_wild = torch.Generator().manual_seed(2)  # this cell's own random numbers: a re-run draws the same logits
Z_wild = torch.randn(1000, 10, generator=g_wild) * torch.logspace(0, 4, 1000).unsqueeze(1)  # logit scales 1 … 10⁴
assert not torch.isfinite(softmax_naive(Z_wild)).all()
assert torch.allclose(softmax(Z_wild), torch.softmax(Z_wild, dim=1), atol=1e-6)
assert torch.allclose(logsumexp(Z_wild).squeeze(1), torch.logsumexp(Z_wild, dim=1), rtol=1e-6, atol=1e-5)
assert torch.allclose(log_softmax(Z_wild), torch.log_softmax(Z_wild, dim=1), rtol=1e-6, atol=1e-5)
print("naive softmax: rows with nan or inf =", (~torch.isfinite(softmax_naive(Z_wild))).any(dim=1).sum().item())
print("stable softmax: rows with nan or inf =", (~torch.isfinite(softmax(Z_wild))).any(dim=1).sum().item())
print("largest difference to torch.softmax:", f"{(softmax(Z_wild) - torch.softmax(Z_wild, dim=1)).abs().max():.1e}")

# %% [markdown]
# The picture: scale one fixed row of logits by a growing factor. The probability of the top class should
# climb smoothly towards 1; the naive version follows it until the largest logit passes about 88, then has
# nothing left to show (matplotlib skips `nan`).

# %% alt="Line plot 'Softmax of growing logits': the probability of the top class against the largest logit. The stable curve (thick, light blue) and the naive one (black dashes) rise together towards 1, but the naive curve ends at the red line where exp overflows float32, while the stable one runs on to the right edge." slideshow={"slide_type": "subslide"}
scales = torch.linspace(1, 60, 300)
z_row = torch.tensor([2.0, 1.5, 0.5, -1.0])
rows = scales.unsqueeze(1) * z_row  # 300 rows of logits, the last with a top logit of 120
fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.plot(rows[:, 0], softmax(rows)[:, 0], lw=4, alpha=0.4, label="stable (max subtracted)")
ax.plot(rows[:, 0], softmax_naive(rows)[:, 0], "k--", label="naive exp / sum exp")
ax.axvline(math.log(torch.finfo(torch.float32).max), color="red", lw=1, label="exp overflows float32")
ax.set_xlabel("largest logit")
ax.set_ylabel("probability of the top class")
ax.set_title("Softmax of growing logits")
ax.legend()
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Cross-entropy, the loss
#
# A good model gives the true digit $y$ a high probability. The **[cross-entropy](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#cross-entropy)** loss of one image is the
# negative log of that probability, $L = -\log p_y = \operatorname{LSE}(z) - z_y$, averaged over the batch.
# It is 0 for a perfectly confident correct answer and grows without bound as $p_y \to 0$. With all weights
# and biases zero, every digit gets probability $1/10$, so the loss must be exactly $\log 10$.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** The slide already gives the loss of the all-zero model, $\log 10$. Before running the next
# cell, ask the room to predict the loss with the small random weights `W` drawn earlier: near $\log 10$, or far from
# it? Their logits are all close to zero, so every digit gets close to one tenth, and the printed loss lands just above
# $\log 10$ (the cell after it prints that value). This is the loss to expect at the start of training with ten classes;
# a first loss far above it points to a bug in the loss or a bad start.

# %%
def cross_entropy(Z, y):
    """Mean of -log p_y over the rows of Z: pick each row's log-probability at its true label."""
    return -log_softmax(Z)[torch.arange(len(y)), y].mean()


Z_batch = X_train[:256] @ W.T + b
assert torch.allclose(cross_entropy(Z_batch, y_train[:256]), F.cross_entropy(Z_batch, y_train[:256]))
print(f"cross-entropy with small random weights: {cross_entropy(Z_batch, y_train[:256]):.4f} (F.cross_entropy agrees)")

# %% tags=["nbval-check-output"]
loss_at_zero = cross_entropy(X_train[:256] @ torch.zeros(784, 10), y_train[:256])
print(f"loss with all weights zero: {loss_at_zero:.4f} = log 10 = {math.log(10):.4f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gradient, derived by hand
#
# Training means moving $W$ and $b$ downhill on the loss. The **gradient** is the vector of partial
# derivatives: how fast the loss changes when each parameter is nudged. For one image,
# $L = \log \sum_j e^{z_j} - z_y$, so
#
# $$\frac{\partial L}{\partial z_k} = \frac{e^{z_k}}{\sum_j e^{z_j}} - [k = y] = p_k - [k = y].$$
#
# Here $[k = y]$ is 1 when $k$ is the true digit and 0 otherwise. A step downhill therefore pushes every wrong
# digit's logit down in proportion to its probability and the true digit's logit up in proportion to $1 - p_y$.
# Because $z_k = w_k \cdot x + b_k$, the chain rule gives $\partial L / \partial w_{kj} = (p_k - [k=y])\, x_j$ and
# $\partial L / \partial b_k = p_k - [k=y]$. For a batch, stack the rows $G = (P - Y)/N$, with $Y$ the **one-hot**
# labels (row $i$ all zeros except a 1 in column $y_i$) and the $1/N$ from the mean. Then, vectorized,
#
# $$\nabla_W L = G^\top X \quad (10 \times 784), \qquad \nabla_b L = \textstyle\sum_i G_i \quad (10).$$

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** A common misconception is that a wrong gradient makes training crash. It rarely does: the
# model still learns, only worse, and nothing says why, which is why the next slides check the derivation against
# autograd before using it. Ask the room which images push the weights hardest: those the model gets confidently
# wrong, where $p_y$ is close to 0.

# %%
def loss_and_gradients(X, y, W, b):
    """Cross-entropy of softmax regression on a batch, its gradient for W and b, and the logits."""
    Z = X @ W.T + b
    G = softmax(Z)
    G[torch.arange(len(y)), y] -= 1  # P - Y, without building the one-hot matrix
    G /= len(y)
    return cross_entropy(Z, y), G.T @ X, G.sum(dim=0), Z


# %% [markdown] slideshow={"slide_type": "subslide"}
# Autograd (notebook 04) computes the same gradient by following the computation backwards. If our
# derivation is right, the two agree up to float32 rounding:

# %%
xb, yb = X_train[:512], y_train[:512]
g_check = torch.Generator().manual_seed(1)  # this cell's own random numbers: a re-run draws the same weights
W_check = (0.01 * torch.randn(10, 784, generator=g_check)).requires_grad_()
b_check = (0.01 * torch.randn(10, generator=g_check)).requires_grad_()

loss, grad_W, grad_b, _ = loss_and_gradients(xb, yb, W_check.detach(), b_check.detach())
F.cross_entropy(xb @ W_check.T + b_check, yb).backward()

diff = max((grad_W - W_check.grad).abs().max().item(), (grad_b - b_check.grad).abs().max().item())
print(f"largest |hand-derived gradient - autograd gradient|: {diff:.2e}")
print(f"largest gradient entry, for scale: {grad_W.abs().max():.2e}")
assert diff < 1e-5

# %% tags=["nbval-check-output"]
print("gradient shapes:", tuple(grad_W.shape), tuple(grad_b.shape))
print("hand-derived gradient matches autograd:", diff < 1e-5)

# %% [markdown]
# What a partial derivative *means*: take the weight with the steepest gradient, move only that one, and
# plot the loss. At the current weights the curve has exactly the slope our formula predicts: the dashed
# tangent touches it there. Away from that point the two part ways, because the loss is curved and the tangent
# is straight. The gradient is only a good guide for small steps, which is why gradient descent takes small
# steps and then looks again.

# %% alt="Line plot 'The gradient is the slope of the loss': cross-entropy on the batch as one weight, W[3, 350], is changed. The loss is a bowl-shaped curve whose bottom lies a little right of the current weights (black dot), and the dashed tangent through the dot, with the hand-derived gradient as its slope, touches the curve there." slideshow={"slide_type": "subslide"}
k, j = divmod(grad_W.abs().argmax().item(), 784)
steps = torch.linspace(-3, 3, 61)
with torch.no_grad():
    losses = []
    for step in steps:
        W_moved = W_check.clone()
        W_moved[k, j] += step
        losses.append(F.cross_entropy(xb @ W_moved.T + b_check, yb).item())
fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.plot(steps, losses, label="loss")
ax.plot(steps, loss.item() + grad_W[k, j].item() * steps, "--", label="tangent: slope = hand-derived gradient")
ax.plot([0], [loss.item()], "ko", label="current weights")
ax.set_xlabel(f"change of weight W[{k}, {j}] (digit {k}, pixel row {j // 28}, column {j % 28})")
ax.set_ylabel("cross-entropy on the batch")
ax.set_title("The gradient is the slope of the loss")
ax.legend()
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Vectorized, not looped
#
# The formula $\nabla_W L = \frac1N \sum_i (p_i - Y_i)\, x_i^\top$ can also be computed the way it reads: a
# Python loop over the images, adding one **outer product** at a time: for a row $g$ of 10 numbers and an image
# $x$ of 784, the outer product $g\,x^\top$ (`torch.outer(g, x)`) is the 10×784 matrix of every product $g_k x_j$.
# Same numbers, but the matrix product
# hands the whole sum to an optimized routine at once. Both versions, timed back to back:

# %%
def gradient_looped(X, y, W, b):
    """The same weight gradient, one image at a time."""
    grad = torch.zeros_like(W)
    for x_i, y_i in zip(X, y):
        g_i = softmax((x_i @ W.T + b).unsqueeze(0))[0]
        g_i[y_i] -= 1
        grad += torch.outer(g_i, x_i)
    return grad / len(X)


W0, b0 = W_check.detach(), b_check.detach()
assert torch.allclose(gradient_looped(xb, yb, W0, b0), grad_W, atol=1e-6)
t = speedup(lambda: gradient_looped(xb, yb, W0, b0), lambda: loss_and_gradients(xb, yb, W0, b0), repeat=5)
print(f"looped {t['slow'] * 1e3:.1f} ms, vectorized {t['fast'] * 1e3:.2f} ms: {t['ratio']:.0f}× faster")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Mini-batch SGD, by hand
#
# **Optimization** here means finding the $W, b$ with the lowest average loss over all training images.
# Gradient descent repeats one step: $W \leftarrow W - \eta\, \nabla_W L$ (and the same for $b$), with a
# learning rate $\eta$. Computing the exact gradient over all 50,000 training images for every step would be wasteful;
# **[mini-batch stochastic gradient descent](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#mini-batch)** estimates it from a small random batch instead, and takes many
# cheap, slightly noisy steps. One pass over the training set is an **[epoch](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#epoch)**.
#
# We start from all weights zero. Two facts make that safe here. The loss of softmax regression is **convex** (a
# bowl with no false valleys: every lowest point has the same loss), so no starting point can trap gradient descent
# in a worse minimum than another. And there is no **symmetry** to break: the model has no hidden units that would
# start identical and, receiving identical gradients, stay identical. Each row of $W$ belongs to one digit, and its
# gradient, the batch average of $(p_k - [k = y])\,x$, differs from row to row from the very first step: at zero
# weights every $p_k = 0.1$, so one image alone would push its nine wrong rows identically, but the labels differ
# across the batch, and row $k$ is pulled towards the images of digit $k$.
#
# Notebook 06 adds a hidden layer, and there neither kind of uniform start works, for two different reasons. From
# all zeros the hidden units (notebook 06's ReLU units) output 0 and the output weights are 0, so every gradient
# except the output bias's is exactly zero: only that bias learns, and the network can do no better than always
# predicting the most frequent digit. From a constant start that is not zero, every hidden unit computes the same
# function and receives the same gradient, so the units stay identical however long we train, and the whole hidden
# layer is no better than a single unit: that is the **symmetry** a random start breaks. Notebook 06 shows the
# constant start, and its exercises the all-zero one.
#
# The loop below keeps the same per-epoch record that `fit` will keep later: training loss and accuracy
# averaged over the epoch's batches, **validation** accuracy at its end, and the seconds spent training. The
# validation accuracy tells us how training is going without touching the test set. The rows go into a `History`
# from `mnist_course.train`: a list of per-epoch dicts with `.last` (the final row), `.column(key)` (one key over
# all epochs) and `.seconds` (total training time).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** The knob to turn live is the learning rate. Ask the room to predict what a rate ten times
# smaller and one ten times larger than `lr=0.05` will do, then run exercise 1's solution, which trains each for two
# epochs: the small rate learns more slowly, and the large one overshoots: its loss stays well above the middle rate's
# and its validation accuracy drops from the first epoch to the second, yet nothing blows up. Leave this cell's call as
# it is: the next section must reproduce exactly this run.

# %% slideshow={"slide_type": "subslide"}
def train_by_hand(epochs, lr, batch_size, seed=0):
    """Softmax regression with plain mini-batch SGD and the hand-derived gradient."""
    W = torch.zeros(10, 784)
    b = torch.zeros(10)
    batches = TensorBatches(X_train, y_train, batch_size=batch_size, seed=seed)
    history = History()
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        total_loss = correct = 0.0
        for xb, yb in batches:
            loss, grad_W, grad_b, Z = loss_and_gradients(xb, yb, W, b)
            W -= lr * grad_W  # the whole of gradient descent is these two lines
            b -= lr * grad_b
            total_loss += loss.item() * len(yb)
            correct += (Z.argmax(dim=1) == yb).sum().item()
        seconds = time.perf_counter() - start
        val_accuracy = ((X_val @ W.T + b).argmax(dim=1) == y_val).float().mean().item()
        history.append({"epoch": epoch, "loss": total_loss / len(X_train), "train_accuracy": correct / len(X_train),
                        "val_accuracy": val_accuracy, "seconds": seconds})
        print(f"epoch {epoch:2d}  loss {history.last['loss']:.4f}  train acc {history.last['train_accuracy']:.4f}"
              f"  val acc {val_accuracy:.4f}  ({seconds:.1f} s)")
    return W, b, history


epochs = pick(10, 2)
W_hand, b_hand, history_hand = train_by_hand(epochs, lr=0.05, batch_size=128)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same model with `nn.Linear`, `torch.optim` and `fit`
#
# Everything above is standard equipment in PyTorch. `nn.Linear(784, 10)` holds a `weight` of shape
# $10 \times 784$ and a `bias` of 10, and computes exactly $XW^\top + b$. `F.cross_entropy` is our stable
# log-softmax plus negative log-likelihood (picking $-\log p_y$ at the true label) in one call, autograd
# replaces the hand-derived gradient, and an optimizer from `torch.optim` performs the update. First a check that
# `nn.Linear` is the model we trained:

# %%
linear = nn.Linear(784, 10)
with torch.no_grad():
    linear.weight.copy_(W_hand)
    linear.bias.copy_(b_hand)
    linear_matches = torch.allclose(linear(X_val[:100]), X_val[:100] @ W_hand.T + b_hand, atol=1e-5)
assert linear_matches

# %% tags=["nbval-check-output"]
print(linear)
print("weight", tuple(linear.weight.shape), "bias", tuple(linear.bias.shape))
print("nn.Linear computes X Wᵀ + b:", linear_matches)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### First the same run, then one change at a time
#
# `mnist_course.train.fit` is the loop we just wrote, generalized: autograd replaces the hand-derived gradient, it
# keeps the same per-epoch record, and given `val=(X_val, y_val)` it scores the validation images after every
# epoch. Inside `fit`, each step is `loss = F.cross_entropy(model(xb), yb)`, `optimizer.zero_grad()`,
# `loss.backward()`, `optimizer.step()`, then `scheduler.step()` if a schedule is given. Swapping our loop for
# `nn.Linear`, autograd, `torch.optim.SGD` and `fit` replaces four pieces of machinery at once, so before improving
# anything we check that nothing else changed. Same start (all zeros), same learning rate, the same batches in the
# same order (`TensorBatches` with the same seed): the two runs are then the same computation, and their records
# must agree up to float rounding. The cell builds a fresh model, so running it again trains from scratch.

# %% slideshow={"slide_type": "subslide"}
seed_everything(0)
model_sgd = nn.Linear(784, 10).to(dev)  # on the same device as the recipes below, so their seconds compare
nn.init.zeros_(model_sgd.weight)  # the hand loop's start
nn.init.zeros_(model_sgd.bias)
optimizer_sgd = torch.optim.SGD(model_sgd.parameters(), lr=0.05)
batches_128 = TensorBatches(X_train, y_train, batch_size=128, seed=0, device=dev)
# For every batch xb, yb, fit runs the four lines our hand loop replaced by loss_and_gradients and two updates:
#     loss = F.cross_entropy(model_sgd(xb), yb)  # forward: logits, then stable log-softmax and -log p_y
#     optimizer_sgd.zero_grad()                  # clear the previous batch's gradients
#     loss.backward()                            # autograd: the gradient we derived by hand
#     optimizer_sgd.step()                       # W -= lr * grad_W, b -= lr * grad_b
history_sgd = fit(model_sgd, optimizer_sgd, batches_128, epochs=epochs, val=(X_val, y_val))

# %% slideshow={"slide_type": "subslide"}
gaps = {key: max(abs(a - b) for a, b in zip(history_hand.column(key), history_sgd.column(key)))
        for key in ("loss", "train_accuracy", "val_accuracy")}
weight_gap = max((model_sgd.weight.detach().cpu() - W_hand).abs().max().item(),
                 (model_sgd.bias.detach().cpu() - b_hand).abs().max().item())
for key, gap in gaps.items():
    print(f"largest difference per epoch, {key:15s}: {gap:.1e}")
print(f"largest difference between the final weights: {weight_gap:.1e} (largest weight {W_hand.abs().max():.2f})")
assert gaps["loss"] < 1e-4 and gaps["train_accuracy"] < 1e-3 and gaps["val_accuracy"] < 1e-3 and weight_gap < 1e-3

# %% tags=["nbval-check-output"]
print("nn.Linear + torch.optim.SGD + fit retrace the hand loop:", all(gap < 1e-3 for gap in gaps.values()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The records coincide: every per-epoch difference printed above is at float-rounding level, because the
# hand-derived gradient and autograd differ only in rounding, so the machinery is a
# faithful copy of what we wrote. Now the improvements, each added on top of the previous one, each judged
# on the validation images after the same number of epochs:
#
# 1. **Adam** instead of plain SGD (learning rate 0.003): it adapts a separate step size for every weight from
#    running averages of its gradients and their squares (notebook 04). Because it divides each step by a running
#    measure of the gradient's own size, Adam moves every weight by roughly the learning rate whatever the
#    gradient's size, so its rate is not comparable with SGD's and is chosen much smaller;
# 2. a **[cosine schedule](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#learning-rate-schedule)**, $\eta_t = \tfrac{\eta_0}{2}(1+\cos(\pi t/T))$, where $t$ counts batches and $T$ is the
#    total number of batches (`fit` steps it after every batch), which lowers the learning rate smoothly to zero
#    over training, so the last epochs settle into the bottom of the bowl instead of bouncing around it;
# 3. batches of 512 instead of 128: four times fewer, larger matrix products per epoch, which a CPU computes
#    faster (the `seconds` column).
#
# The start stays at zeros throughout. `nn.Linear` on its own starts from small random weights, which networks
# with hidden units need (notebook 06); this model does not, so that is one change we do not need to make.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before revealing the table, ask the room to rank the four recipes by their final validation
# accuracy. Many expect the switch to Adam to win outright; on its own, at a constant learning rate, it ends last, and
# the gain comes only with the cosine schedule. Then point at the noise scale printed under the table: a difference
# smaller than that, from a single seed, is not a finding, however tempting.

# %% slideshow={"slide_type": "subslide"}
def train_recipe(optimizer_name, cosine, batch_size, train=(X_train, y_train), val=(X_val, y_val)):
    """A fresh zero-initialized nn.Linear(784, 10), trained with fit for `epochs` epochs; returns model and history."""
    seed_everything(0)
    model = nn.Linear(784, 10).to(dev)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    batches = TensorBatches(*train, batch_size=batch_size, seed=0, device=dev)
    if optimizer_name == "SGD":
        optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(batches)) if cosine else None
    history = fit(model, optimizer, batches, epochs=epochs, val=val, scheduler=scheduler, verbose=False)
    return model, history


recipes = {
    "SGD (the hand loop)": ("SGD", False, 128),
    "+ Adam": ("Adam", False, 128),
    "+ cosine schedule": ("Adam", True, 128),
    "+ batches of 512": ("Adam", True, 512),
}
ladder = {"SGD (the hand loop)": (model_sgd, history_sgd)}  # trained above
for name, recipe in recipes.items():
    if name not in ladder:
        ladder[name] = train_recipe(*recipe)
print(f"{'recipe':22s} {'val acc':>8s} {'best epoch':>11s} {'training loss':>14s} {'seconds':>8s}")
for name, (_, h) in ladder.items():
    best_epoch = max(h, key=lambda row: row["val_accuracy"])["epoch"]
    print(f"{name:22s} {h.last['val_accuracy']:8.4f} {best_epoch:11d} {h.last['loss']:14.4f} {h.seconds:8.1f}")
final_val = [h.last["val_accuracy"] for _, h in ladder.values()]
p_val, n_val = ladder["+ cosine schedule"][1].last["val_accuracy"], len(y_val)
standard_error = math.sqrt(p_val * (1 - p_val) / n_val)  # binomial: how much one run's accuracy varies by chance
print(f"noise scale of one validation accuracy, sqrt(p(1 - p)/n): {standard_error:.4f}, "
      f"about {standard_error * n_val:.0f} of the {n_val:,} validation images")
if not is_quick():  # these claims are about the full training split; quick mode trains on a tenth of it
    check(0.90 < min(final_val) and max(final_val) < 0.93, "every recipe ends between 90% and 93% validation accuracy")
    check(ladder["+ cosine schedule"][1].last["val_accuracy"] > ladder["+ Adam"][1].last["val_accuracy"],
          "the cosine schedule ends above Adam at a constant learning rate")

# %% alt="Two line plots against epoch for the four recipes: training loss (left) and validation accuracy (right). All losses fall steeply, then level off, the cosine schedule's lowest at the end; on the right, Adam at a constant rate zigzags and ends lowest, while the cosine schedule climbs over the last epochs and ends on top." slideshow={"slide_type": "subslide"}
fig = plot_history({name: h for name, (_, h) in ladder.items()}, keys=("loss", "val_accuracy"),
                   title="Softmax regression: the hand loop's recipe, then one change at a time")
fig.axes[0].set_ylabel("training loss (mean over the epoch's batches)")
handles, names = fig.axes[0].get_legend_handles_labels()
for ax in fig.axes:  # one legend below both panels, so it hides none of the curves
    ax.get_legend().remove()
fig.legend(handles, names, loc="lower center", ncol=len(names), frameon=False)
fig.tight_layout(rect=(0, 0.08, 1, 1))

# %% [markdown] slideshow={"slide_type": "subslide"}
# All four runs train the same 7850 parameters, and they end within about a point of each other (the
# table above). Adam alone is not better than plain SGD here: at a constant learning rate neither one's steps
# shrink towards the end, so the weights keep jittering around the bottom and their validation accuracy wobbles
# from epoch to epoch instead of settling (see the right panel; Adam's best epoch is the 4th). The schedule is what
# helps: as the learning rate glides to zero, the last epochs settle into the bottom of the bowl, and the training
# loss ends lower too. Batches of 512 make an epoch cheaper; they end a little below the schedule with batches of
# 128, but by about two dozen validation images, which one seed cannot tell apart from noise (the binomial
# standard error $\sqrt{p(1-p)/n}$ of one validation accuracy, printed under the table, is about as large).
# Whatever the optimizer, softmax regression tops out around 92% on MNIST: the limit is the model, not the
# optimizer, as the next notebook will show.
#
# The validation images choose the final recipe: the one with the highest validation accuracy after the last
# epoch. Only that model meets the test set, once. `evaluate(model, X, y)` returns a dict
# `{"loss": ..., "accuracy": ...}` of the mean loss and the accuracy; `predict(model, X)` returns the logits, computed in batches without gradients. The test target is 92%, a little
# below what the chosen recipe measured in the stored run, to leave room for other machines.

# %%
chosen = max(ladder, key=lambda name: ladder[name][1].last["val_accuracy"])
model, history = ladder[chosen]
test_accuracy = evaluate(model, X_test, y_test)["accuracy"]
print(f"chosen on validation: {chosen} (validation accuracy {history.last['val_accuracy']:.4f})")
print(f"its test accuracy, measured once: {test_accuracy:.4f}; training took {history.seconds:.1f} s for {epochs} epochs")
result = record("test accuracy", test_accuracy, 0.92)

# %% tags=["nbval-check-output"]
print(result.verdict)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What the model learned: ten templates
#
# Each row of $W$ has one weight per pixel, so it can be shown as a 28×28 image. Red: ink at that pixel raises
# the digit's logit; blue: ink there lowers it. The logit of digit $k$ is the pixel-by-pixel match between the
# standardized image and template $k$, $w_k \cdot x$, plus its bias $b_k$. A blank pixel is not neutral:
# standardization turns its 0 into $-\text{mean}/\text{std}$ (both printed at the top), a negative value, so under
# a red weight it lowers the logit a little, the opposite of ink. A handful of pixels near the border, inked in only a few training images, get extreme weights
# and would set each template's colour scale, so we clip each template at its 98th percentile for display. Each
# template has its own colour scale, symmetric about zero (white is exactly 0): compare the colours within one
# template, not across two, since the deepest red of one may stand for a larger weight than that of another.
# Look for the blue centre of the 0 (zeros have no ink there, most other digits do). The border pixels, blank in
# every training image, share one flat shade: they always hold the same value, so they receive the same gradient
# (notebook 04). The templates are not pictures of digits: each one is tuned to tell its digit *apart from the
# other nine*, which is why the strokes of competing digits show up in blue.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** As this slide appears, before the room has read it to the end, ask what they expect the
# template of the 0 to look like. Many expect a picture of a zero; point instead to its blue centre, where zeros have no
# ink but most other digits do, and to the strokes of competing digits showing up in blue. Each template is tuned to
# tell its digit apart from the other nine, not to draw it.

# %% alt="Ten heat maps titled digit 0 to digit 9, each a row of W drawn as an image: red where ink favours the digit, blue where it counts against it, white at zero. None looks like a clean digit; the template of the 0 has a blue centre, and each border is one flat pale shade." slideshow={"slide_type": "subslide"}
weights = model.weight.detach().cpu()
clip = weights.abs().quantile(0.98, dim=1, keepdim=True)
fig = show_weights(weights.clamp(-clip, clip), ncols=5, size=2.0, titles=[f"digit {d}" for d in range(10)],
                   title="Rows of W as images (red: ink here favours the digit, blue: it counts against; "
                         "white is 0)\neach template on its own colour scale")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where it goes wrong
#
# A **confusion matrix** counts, for every true digit (row), how often each digit was predicted (column).
# The diagonal holds the correct answers (left white, their counts in green: they are so much larger than the
# errors that colouring them would wash out the colour scale of everything else); the off-diagonal cells show
# which pairs the model mixes up, and their colour grows darker with the number of mistakes. From here on we study the test images the final model
# has already been scored on; nothing is chosen from them any more.

# %% alt="Confusion matrix 'Softmax regression on the 10,000 test images': true digit by row, predicted digit by column, correct counts in green on a white diagonal and errors shaded red by count. The darkest cells are a 2 read as an 8, and a 5 read as a 3 or an 8." slideshow={"slide_type": "subslide"}
logits_test = predict(model, X_test)
probs_test = torch.softmax(logits_test, dim=1)
confidence, pred_test = probs_test.max(dim=1)
fig = plot_confusion(y_test, pred_test, title="Softmax regression on the 10,000 test images")
fig.set_size_inches(7.5, 6.5)
ax = fig.axes[0]
for cell in ax.texts:  # larger digits, so every count reads easily
    cell.set_fontsize(10)
fig.tight_layout()

# %% slideshow={"slide_type": "subslide"}
# the matrix above, as counts: each (true, predicted) pair becomes one number, 10·true + predicted; counting
# them fills the 10×10 matrix
errors = torch.bincount(y_test * 10 + pred_test, minlength=100).reshape(10, 10)
errors.fill_diagonal_(0)
true_digit, predicted = divmod(errors.argmax().item(), 10)
wrong = pred_test != y_test
assert wrong.sum() == errors.sum()
assert abs(1 - wrong.float().mean().item() - test_accuracy) < 1e-6
article = {d: "an" if d == 8 else "a" for d in range(10)}
print(f"{wrong.sum().item()} test images are wrong; the most frequent mistake is {article[true_digit]} {true_digit} "
      f"read as {article[predicted]} {predicted} ({errors[true_digit, predicted].item()} times)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The most instructive mistakes are the **confident** ones: images where the model put almost all its
# probability on the wrong digit. Some are genuinely ambiguous or badly written; others are clear to us but
# drawn in a position or style a single template cannot match, the basic weakness of a linear model.

# %% alt="Two rows of ten handwritten test digits, the 20 most confidently wrong, each labelled in red with its true and predicted digit. Many are drawn in unusual styles, such as 7s with a crossbar read as 2 and thick or open 8s read as 4."
wrong_idx = wrong.nonzero().squeeze(1)
worst = wrong_idx[confidence[wrong_idx].argsort(descending=True)[:20]]
fig = show_images(images_test[worst], y_test[worst], pred_test[worst], ncols=10,
                  title="The 20 most confidently wrong test images (true→predicted)")
print("their confidence in the wrong digit:", " ".join(f"{c:.3f}" for c in confidence[worst].tolist()))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same model on clothes: Fashion-MNIST
#
# Fashion-MNIST was made as a drop-in replacement for MNIST: 70,000 grey 28×28 images in the same format and
# the same split sizes, but of ten kinds of fashion item (clothes, shoes and bags) instead of ten digits.
# Nothing in our model knows it is looking at digits, so the same code, with the recipe the validation images
# chose above, trains on them unchanged. `load_splits(dataset="fashion")` gives the same 50,000 / 10,000 /
# 10,000 split of it. Everything is computed afresh from the new images (the standardization too), and the test
# set is again scored once, at the end. The images download here on first use, from Zalando's host or else from
# the copy in the dataset's GitHub repository; an instructor can fetch and verify both datasets before class
# with `python -m mnist_course.data --download`.

# %% alt="A row of ten Fashion-MNIST training images titled with their classes: a dress, an ankle boot, a pair of trousers, two T-shirts, three sandals, a coat and a bag, small grey pictures like the digits." slideshow={"slide_type": "subslide"}
(f_images_train, f_labels_train), (f_images_val, f_y_val), (f_images_test, f_y_test) = load_splits(dataset="fashion")
f_mean, f_std = mean_std(f_images_train)
FX_train = standardize(f_images_train[:n_train], f_mean, f_std).reshape(-1, 784)
FX_val = standardize(f_images_val, f_mean, f_std).reshape(-1, 784)
FX_test = standardize(f_images_test, f_mean, f_std).reshape(-1, 784)
fig = show_images(f_images_train[:10], [FASHION_CLASSES[int(k)] for k in f_labels_train[:10]], ncols=10, size=1.3,
                  title="Fashion-MNIST: ten training images and their classes")

fashion_model, fashion_history = train_recipe(*recipes[chosen], train=(FX_train, f_labels_train[:n_train]),
                                              val=(FX_val, f_y_val))
fashion_test = evaluate(fashion_model, FX_test, f_y_test)["accuracy"]
print(f"Fashion-MNIST with the recipe '{chosen}': validation accuracy {fashion_history.last['val_accuracy']:.4f}, "
      f"test accuracy {fashion_test:.4f} (digits: {test_accuracy:.4f})")
fashion_result = record("Fashion-MNIST test accuracy", fashion_test, 0.82)
f_pred = predict(fashion_model, FX_test).argmax(dim=1)
f_errors = torch.bincount(f_y_test * 10 + f_pred, minlength=100).reshape(10, 10)
f_errors.fill_diagonal_(0)
check(fashion_test < test_accuracy, "the linear model does worse on clothes than on digits")
print("the most frequent confusions on the test set:")
for cell in f_errors.flatten().argsort(descending=True)[:4].tolist():
    print(f"  {FASHION_CLASSES[cell // 10]:12s} read as {FASHION_CLASSES[cell % 10]:12s} {f_errors.flatten()[cell]:4d} times")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The linear model gets most pieces of clothing right, but clearly fewer than digits (the two test accuracies
# are printed side by side), and its most frequent mistakes mix up classes that share an outline. The target,
# 82%, sits about three points below what this recipe measured in the stored run (printed above), to leave room
# for other machines; chance is 10%. Fashion-MNIST is harder because several classes share a shape: a shirt, a
# T-shirt, a pullover and a coat have much the same outline and differ in details such as sleeves, collars and
# buttons, and a single template per class cannot express "this outline, but with a collar". The networks of the
# next notebooks can.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# The numbers this notebook measured, in one place:

# %%
print(f"hand-derived gradient vs autograd: largest difference {diff:.1e}")
print(f"vectorized gradient: {t['ratio']:.0f}× faster than the Python loop")
print(f"hand loop vs nn.Linear + SGD + fit: largest weight difference {weight_gap:.1e}")
for name, (_, h) in ladder.items():
    print(f"validation accuracy, {name:22s} {h.last['val_accuracy']:.2%}  ({h.seconds:.1f} s)")
print(f"chosen on validation: {chosen}; test accuracy, measured once: {test_accuracy:.2%}")
print(f"Fashion-MNIST, the same recipe: test accuracy {fashion_test:.2%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **Softmax regression** scores each digit with a weighted sum of pixels, $Z = XW^\top + b$, turns the
#   scores into probabilities with softmax and is trained by minimizing cross-entropy.
# - Softmax straight from the formula overflows; subtracting the row maximum (the **log-sum-exp** trick)
#   gives the same probabilities safely. `F.cross_entropy` does this for you, so always pass it logits.
# - The **gradient** of cross-entropy with respect to the logits is simply $p - \text{onehot}(y)$ per image,
#   $(P - Y)/N$ for the batch mean; the chain rule turns it into $G^\top X$ for the weights. It agreed with
#   autograd to float32 rounding, and the **vectorized** version beat a Python loop by the factor printed above.
# - Mini-batch SGD written by hand and `nn.Linear` + `torch.optim.SGD` + `fit` are the same computation: with
#   the same start and batches their curves agree to float rounding. Only after checking that did we change the
#   recipe, one piece at a time: Adam, a cosine schedule, larger batches. All of them, the hand loop's plain SGD
#   included, end within about a point of each other, around 92% on the validation images; the schedule, not
#   the optimizer, made the difference. **Optimization** of a convex loss is easy: the bowl has no false valleys,
#   and the recipe mostly decides how fast and how precisely we reach its bottom.
# - The validation images watched every epoch and chose the final recipe; the test set was scored once, at the
#   end, and that is the number recorded against the 92% target.
# - The weights are ten templates, one per digit, each tuned to tell its digit apart from the other nine. A
#   template cannot cope with a digit that is shifted, slanted or written in an unusual style, and many of the
#   confident mistakes above are of that kind. Notebook 06 adds a hidden layer so the model can combine many
#   features instead of matching one template per class.
# - The same model, unchanged, sorts pictures of clothes too, but clearly less well than digits: a shirt and a
#   pullover differ in details that one template per class cannot capture.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# The exercises whose answer is a value, a tensor or a function check it for you: run
# `from mnist_course.exercises import notebook05 as ex` once, then the check the exercise names, such as
# `ex.q2.check(...)`, prints "Correct" or what is still wrong; `ex.q2.hint()` gives a hint and
# `ex.q2.solution()` says where the solution is. The other exercises are open: compare your answer with the
# sample answer under them.
#
# 1. Train by hand with learning rates 0.005, 0.05 and 0.5 (same batch size, two epochs each). Which one is
#    too timid, and what goes wrong with the large one?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    for lr in (0.005, 0.05, 0.5):
#        print(f"learning rate {lr}:")
#        W_lr, b_lr, h = train_by_hand(epochs=2, lr=lr, batch_size=128)
#        print(f"  largest weight {W_lr.abs().max():.2f}")
#    ```
#    With 0.005 the loss falls slowly and the validation accuracy stays behind that of 0.05 after both epochs.
#    With 0.5 the steps overshoot the bottom of the bowl: the training loss stays well above that of 0.05, and
#    the validation accuracy goes down from the first epoch to the second instead of up. It does not blow up,
#    though, unlike the convex quadratic in notebook 04's exercise on the largest stable learning rate, whose
#    loss explodes once the step is above $2/\kappa$: there the gradient grows with the distance from the bottom,
#    so each overshoot lands further out. The gradient of cross-entropy with respect to the logits is
#    $p - \text{onehot}(y)$, every entry between $-1$ and $1$ however wrong the model is, so one step can move the
#    weights only so far (the largest weight printed is larger than with 0.05, but nothing runs off to
#    infinity): the loss bounces around at a higher level instead of exploding. A schedule that shrinks the rate
#    (as in the cosine-schedule run) lets it settle.
#    </details>
#
# 2. Add L2 weight decay to the hand-written update: the loss gets an extra $\frac{\lambda}{2}\lVert W
#    \rVert^2$. What does that add to the gradient? Write it as a function `decay_gradient(W, lam)` and check it
#    with `ex.q2.check(decay_gradient)` (`ex.q2.hint()` gives a hint). Train one epoch with $\lambda = 0$ and
#    $\lambda = 10^{-3}$ and compare the validation accuracy.
#
#    <details><summary>Solution</summary>
#
#    The extra term's gradient is $\lambda W$ (the bias is usually left alone), so each step also shrinks the
#    weights a little towards zero:
#    ```python
#    from mnist_course.exercises import notebook05 as ex
#
#    def decay_gradient(W, lam):
#        return lam * W  # the derivative of (lam / 2) * W_ij ** 2 for every weight
#
#    for lam in (0.0, 1e-3):
#        W_decay, b_decay = torch.zeros(10, 784), torch.zeros(10)
#        for xb_decay, yb_decay in TensorBatches(X_train, y_train, batch_size=128, seed=0):
#            _, grad_W_decay, grad_b_decay, _ = loss_and_gradients(xb_decay, yb_decay, W_decay, b_decay)
#            W_decay -= 0.05 * (grad_W_decay + decay_gradient(W_decay, lam))
#            b_decay -= 0.05 * grad_b_decay
#        train_accuracy_decay = ((X_train @ W_decay.T + b_decay).argmax(dim=1) == y_train).float().mean().item()
#        accuracy_decay = ((X_val @ W_decay.T + b_decay).argmax(dim=1) == y_val).float().mean().item()
#        print(f"lambda = {lam:g}: training accuracy {train_accuracy_decay:.4f}, validation accuracy "
#              f"{accuracy_decay:.4f}, largest weight {W_decay.abs().max():.3f}")
#    ex.q2.check(decay_gradient)
#    ```
#    The two validation accuracies printed differ by a couple of images, and the largest weight barely shrinks.
#    One epoch at this $\lambda$ hardly changes the model: each step multiplies $W$ by $1 - \eta\lambda$, a factor
#    just below 1, and one epoch takes a few hundred such steps. There is also little overfitting to cure: the
#    training accuracy printed is within about a point of the validation accuracy. Notebook 06 meets a model where
#    there is more.
#    </details>
#
# 3. Softmax maps 10 logits to 10 probabilities, so its derivative is a 10×10 **Jacobian**: the matrix $J$ of
#    every partial derivative $J_{kj} = \partial p_k / \partial z_j$ of an output probability with respect to an
#    input logit. Show that it equals
#    $\operatorname{diag}(p) - p\,p^\top$, using `torch.autograd.functional.jacobian` on one row of logits. Write
#    the formula as a function `softmax_jacobian(z)` of one row of 10 logits and check it with
#    `ex.q3.check(softmax_jacobian)`; `ex.q3.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook05 as ex
#
#    def softmax_jacobian(z):
#        p = softmax(z.unsqueeze(0))[0]  # notebook 05's softmax takes a batch of rows
#        return torch.diag(p) - torch.outer(p, p)
#
#    z = torch.randn(10)
#    J = torch.autograd.functional.jacobian(lambda v: softmax(v.unsqueeze(0))[0], z)
#    print("Jacobian == diag(p) - p pᵀ:", torch.allclose(J, softmax_jacobian(z), atol=1e-6))
#    ex.q3.check(softmax_jacobian)
#
#    # the chain rule back to the logits: dL/dz = Jᵀ · dL/dp, for the loss L = -log p_y of one label y
#    y_one, p = 3, softmax(z.unsqueeze(0))[0]
#    dL_dp = torch.zeros(10)
#    dL_dp[y_one] = -1 / p[y_one]  # the derivative of -log p_y with respect to p_k is -[k = y] / p_y
#    onehot = F.one_hot(torch.tensor(y_one), 10).float()
#    print("Jᵀ · dL/dp == p - onehot(y):", torch.allclose(J.T @ dL_dp, p - onehot, atol=1e-6))
#    ```
#    Multiplying the transposed Jacobian by the derivative of the loss $-\log p_y$ with respect to the probabilities,
#    $-[k=y]/p_y$, gives the gradient with respect to the logits, $p - \text{onehot}(y)$: the formula derived in
#    the notebook (the last line printed checks it).
#    </details>
#
# 4. Train the same `nn.Linear` model with the chosen recipe on pixels scaled to [0, 1] instead of
#    standardized ones. How does the validation accuracy after each epoch compare, and why?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.data import to_unit
#    U_train = to_unit(images_train[:n_train]).reshape(-1, 784)
#    U_val = to_unit(images_val).reshape(-1, 784)
#    _, history_unit = train_recipe(*recipes[chosen], train=(U_train, y_train), val=(U_val, y_val))
#    unit_vs_standard = list(zip(history_unit.column("val_accuracy"), history.column("val_accuracy")))
#    for epoch, (unit, standard) in enumerate(unit_vs_standard, start=1):
#        print(f"epoch {epoch}: pixels in [0, 1] {unit:.4f}, standardized {standard:.4f}")
#    print(f"largest gap {max(abs(u - s) for u, s in unit_vs_standard):.4f}; "
#          f"[0, 1] ahead after {sum(u > s for u, s in unit_vs_standard)} of {len(unit_vs_standard)} epochs")
#    ```
#    With the chosen recipe the two columns stay within a point of each other (the largest gap is printed), and
#    the [0, 1] run is even ahead after some epochs, though the standardized run ends ahead: Adam's per-weight
#    step sizes absorb most of the difference. Plain gradient descent
#    has no such help; try `train_recipe("SGD", False, 128, ...)` on both inputs and compare. Why inputs in
#    [0, 1] are harder for it: for one image, the gradient of class $k$'s 784 weights is $(p_k - [k = y])\,x$,
#    one number times the image, so with all pixels $\geq 0$ every weight of that class is pushed the same way. A
#    mini-batch averages such rows over images with different labels, so its signs are mixed, but they stay
#    strongly correlated: the weights of a class tend to move up or down together, and the loss is badly
#    conditioned along that shared direction. Centring the pixels weakens that shared component. Our
#    standardization subtracts one mean for all pixels, so it only reduces it (the border pixels, always 0, become
#    negative); subtracting each pixel's own mean would remove it.
#    </details>
#
# 5. Why does `loss_and_gradients` divide by `len(y)`, and what would happen to plain SGD with the learning
#    rate kept at 0.05 if you summed instead of averaged over a batch of 128?
#
#    <details><summary>Solution</summary>
#
#    The loss is the *mean* over the batch, so its gradient carries the factor $1/N$. Summing would make every
#    step 128 times larger, equivalent to a learning rate of 6.4. One epoch of each:
#    ```python
#    for reduction in ("mean", "sum"):
#        W_red, b_red = torch.zeros(10, 784), torch.zeros(10)
#        for xb_red, yb_red in TensorBatches(X_train, y_train, batch_size=128, seed=0):
#            _, grad_W_red, grad_b_red, _ = loss_and_gradients(xb_red, yb_red, W_red, b_red)
#            scale = len(yb_red) if reduction == "sum" else 1  # the summed loss's gradient is N times the mean's
#            W_red -= 0.05 * scale * grad_W_red
#            b_red -= 0.05 * scale * grad_b_red
#        Z_red = X_val @ W_red.T + b_red
#        print(f"{reduction:4s}: validation loss {cross_entropy(Z_red, y_val):.3f}, "
#              f"validation accuracy {(Z_red.argmax(dim=1) == y_val).float().mean():.4f}, "
#              f"largest weight {W_red.abs().max():.2f}")
#    ```
#    The summed run's validation loss is some twenty times higher, while its accuracy is only one or two points
#    lower: the largest logit is still often the right one, but the oversized steps have blown the logits up, so
#    the images it gets wrong are wrong with great confidence, and cross-entropy charges them dearly. Averaging
#    also keeps the good learning rate roughly independent of the batch size.
#    </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questionnaire
#
# Answer each question in your own words first, then open the answer to compare.
#
# 1. Softmax written straight from the formula returns `nan` for large logits. Why, and why does subtracting each
#    row's maximum fix it without changing the answer?
#
#    <details><summary>Answer</summary>
#
#    In float32, $e^{z}$ overflows to infinity once $z$ is large, and infinity divided by infinity is `nan`.
#    Subtracting the same constant from every logit of a row multiplies numerator and denominator by the same
#    factor, so the probabilities do not change. After subtracting the maximum every exponent is at most 0, so
#    nothing overflows, and the sum contains $e^0 = 1$, so its logarithm never sees 0.
#    </details>
#
# 2. With all weights and biases zero, the loss is exactly $\log 10$. Why, and what is that number good for?
#
#    <details><summary>Answer</summary>
#
#    Zero logits give every digit the same probability, one tenth, and the cross-entropy of each image is then
#    $-\log(1/10) = \log 10$. It is the loss of a model that knows nothing, so it is the value to expect at the start
#    of training and a quick check that the loss is wired correctly; a trained model should be far below it.
#    </details>
#
# 3. The gradient of the loss with respect to the logits is $p - \text{onehot}(y)$. What does a step downhill do to
#    the true digit's logit and to the others, and which images push hardest?
#
#    <details><summary>Answer</summary>
#
#    The true digit's logit goes up in proportion to $1 - p_y$, and every wrong digit's logit goes down in proportion
#    to its probability. An image the model already gets right with confidence pushes almost nothing; an image it
#    gets confidently wrong pushes hardest.
#    </details>
#
# 4. The hand-derived gradient and autograd's differ by a tiny amount. Why check them against each other at all,
#    and why is a tiny difference no cause for worry?
#
#    <details><summary>Answer</summary>
#
#    A wrong gradient rarely crashes anything: the model still trains, only worse, and nothing tells you why.
#    Agreement on a batch is strong evidence that the derivation and its code are right. The two compute the same
#    sums in different orders, so float32 rounding makes them differ slightly; what matters is that the difference
#    is tiny next to the gradient's own entries (both are printed).
#    </details>
#
# 5. Why train with mini-batches instead of computing the exact gradient over all 50,000 training images for every
#    step?
#
#    <details><summary>Answer</summary>
#
#    A random batch gives a noisy estimate of the full gradient at a small fraction of its cost. Many cheap,
#    slightly noisy steps make far more progress per pass over the data than one exact step per pass.
#    </details>
#
# 6. Softmax regression starts from all-zero weights. Why is that safe here, and why would it fail for a network
#    with a hidden layer?
#
#    <details><summary>Answer</summary>
#
#    The loss is convex, a bowl without false valleys, so no start can trap it; and there is no symmetry to break,
#    because each row of the weights belongs to one digit and receives a different gradient from the first step.
#    With a hidden layer, an all-zero start makes the hidden units output 0 and blocks every gradient except the
#    output bias's; a constant non-zero start keeps all hidden units identical forever.
#    </details>
#
# 7. Before trying Adam or a schedule, the notebook first reproduces the hand loop with `nn.Linear`,
#    `torch.optim.SGD` and `fit`. Why bother?
#
#    <details><summary>Answer</summary>
#
#    The switch replaces four pieces of machinery at once. If the results had changed together with an improvement,
#    there would be no telling whether the improvement or a bug in the switch caused it. Reproducing the hand loop
#    to float rounding proves the new machinery is the same computation; after that, each change is made alone, so
#    its effect can be attributed to it.
#    </details>
#
# 8. Adam alone did not beat plain SGD here, but the cosine schedule helped. Why?
#
#    <details><summary>Answer</summary>
#
#    At a constant learning rate neither optimizer's steps shrink towards the end, so the weights keep jittering
#    around the bottom of the bowl and the validation accuracy wobbles from epoch to epoch. The schedule lowers the
#    learning rate smoothly to zero, so the last epochs settle into the bottom, and the training loss ends lower too.
#    </details>
#
# 9. Batches of 512 ended a little below batches of 128 with the same schedule. Should you conclude that larger
#    batches are worse for this model?
#
#    <details><summary>Answer</summary>
#
#    No. The difference is a couple of dozen validation images, which a single seed cannot tell apart from
#    run-to-run noise; a difference inside the noise is not a finding. What the larger batches clearly bought is
#    cheaper epochs (the `seconds` column).
#    </details>
#
# 10. The test set meets only the recipe that the validation images chose, and the mistakes are studied on the
#     test images only after that. Why in that order?
#
#     <details><summary>Answer</summary>
#
#     Choosing among recipes by their test scores would flatter the winner's test score, as the random guessers of
#     notebook 02 showed, so the choice is made on validation images and the test set scores one model, once.
#     Looking at test mistakes afterwards is harmless, because nothing is chosen from them any more.
#     </details>
#
# 11. The learned templates are not pictures of digits, and their borders are one flat shade. Why?
#
#     <details><summary>Answer</summary>
#
#     Each template is tuned to tell its digit apart from the other nine, so ink where competing digits have their
#     strokes counts against it and shows in blue. A border pixel that is blank in every training image holds the
#     same standardized value in all of them, so all such pixels receive the same gradient and move together.
#     </details>
#
# 12. The same model, unchanged, does clearly worse on Fashion-MNIST than on digits. What limits it there?
#
#     <details><summary>Answer</summary>
#
#     Several classes share an outline: a shirt, a T-shirt, a pullover and a coat differ in details such as sleeves,
#     collars and buttons. One template per class cannot express "this outline, but with a collar", and the most
#     frequent confusions the notebook prints are between such classes. Networks with hidden units can combine
#     features that way.
#     </details>
