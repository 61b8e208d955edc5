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

# %% [markdown]
# # 06 · Fully Connected Networks
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/06_fully_connected.ipynb)
#
# The linear classifier of notebook 05 matches each image against one template per digit, and stalls a little
# above 92%. Put one layer of 500 nonlinear units between the pixels and the output, and the same data, the same
# loss and the same optimizers take us past 98%. This notebook shows why that layer helps, builds the network
# twice (from raw tensors, then as an `nn.Module`), measures what width and depth buy, and meets the first
# problem a bigger model brings: overfitting.
#
# **You will learn**
#
# - why a linear model cannot separate some data, and how a hidden layer with ReLU can;
# - to write a 784-500-10 network with raw tensors and autograd, then as an `nn.Module`, and to count its
#   parameters;
# - what width and depth cost and buy, measured in parameters, seconds and accuracy;
# - to recognize overfitting in training and validation curves, and to curb it with weight decay and dropout;
# - a training recipe (**optimization** with momentum, a learning-rate schedule and regularization) that
#   reaches 98% on the MNIST test set in seconds on a CPU.

# %%
# Colab only: install the release of the course package this notebook was written for. Colab already has
# torch, NumPy and the rest, so --no-deps leaves them alone; elsewhere the package is already installed.
import sys

if "google.colab" in sys.modules:
    from IPython import get_ipython

    get_ipython().system("pip install --no-deps git+https://github.com/mnist-course/mnist-course@v0.2.0")

# %%
import math
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from torch import nn

from mnist_course.data import TensorBatches, load_mnist, mean_std, standardize
from mnist_course.models import MLP, count_parameters
from mnist_course.plot import plot_history, show_weights
from mnist_course.results import record
from mnist_course.settings import device, pick, seed_everything
from mnist_course.train import accuracy, evaluate, fit

seed_everything(0)
dev = device()

# %% [markdown]
# ## Where a straight line is not enough
#
# A linear classifier gives class $k$ the score $z_k = w_k \cdot x + b_k$, and predicts the class with the
# largest score. The border between two classes is where their scores tie, $(w_0 - w_1) \cdot x + (b_0 - b_1) =
# 0$: a straight line in the plane (a flat hyperplane in 784 dimensions). Data that no straight line can split
# defeats it, however long we train. Here is such data: a disk of points (class 0) inside a ring (class 1).

# %%
def two_rings(n, generator):
    """n points in the plane: half in a disk of radius 0.6 (class 0), half in a ring from radius 0.9 to 1.4 (class 1)."""
    n0 = n // 2
    radius = torch.cat([0.6 * torch.rand(n0, generator=generator).sqrt(),
                        0.9 + 0.5 * torch.rand(n - n0, generator=generator)])
    angle = 2 * math.pi * torch.rand(n, generator=generator)
    X = torch.stack([radius * angle.cos(), radius * angle.sin()], dim=1)
    y = torch.cat([torch.zeros(n0), torch.ones(n - n0)]).long()
    return X, y


X_toy, y_toy = two_rings(400, torch.Generator().manual_seed(0))

# %%
# NBVAL_CHECK_OUTPUT
print("points", tuple(X_toy.shape), "| per class", y_toy.bincount().tolist())

# %% [markdown]
# We train three models on these 400 points with full-batch Adam: a linear classifier (`nn.Linear(2, 2)`), and
# two networks with one hidden layer of ReLU units, $h = \max(0,\, W_1 x + b_1)$, then a linear output layer.
# `MLP(sizes)` from `mnist_course.models` builds such a network from a list of layer widths; we write one out
# by hand for MNIST below.

# %%
def train_toy(model, steps=400, lr=0.03):
    """Full-batch Adam on the toy points; returns the training accuracy."""
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = F.cross_entropy(model(X_toy), y_toy)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return accuracy(model(X_toy), y_toy)


toy_models = {}
for name, make in [("linear", lambda: nn.Linear(2, 2)),
                   ("4 ReLU units", lambda: MLP((2, 4, 2))),
                   ("32 ReLU units", lambda: MLP((2, 32, 2)))]:
    seed_everything(0)  # each model starts from its own fixed initialization
    model = make()
    toy_models[name] = (model, train_toy(model))
    print(f"{name:14s} training accuracy {toy_models[name][1]:.3f}")


# %%
def plot_regions(ax, model, title):
    """Colour the plane by the model's predicted class and draw the toy points on top."""
    grid = torch.linspace(-1.6, 1.6, 241)
    gx, gy = torch.meshgrid(grid, grid, indexing="xy")
    with torch.no_grad():
        region = model(torch.stack([gx.ravel(), gy.ravel()], dim=1)).argmax(dim=1).reshape(gx.shape)
    ax.contourf(gx, gy, region, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
    for c, colour in ((0, "#2171b5"), (1, "#d94801")):
        ax.scatter(*X_toy[y_toy == c].T, s=8, color=colour, label=f"class {c} ({'disk' if c == 0 else 'ring'})")
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_aspect("equal")


fig, axes = plt.subplots(1, 3, figsize=(12, 4.3))
for ax, (name, (model, acc)) in zip(axes, toy_models.items()):
    plot_regions(ax, model, f"{name}: accuracy {acc:.2f}")
axes[0].set_ylabel("$x_2$")
axes[0].legend(loc="lower left", fontsize=8)
fig.suptitle("Decision regions (shaded: the class each point of the plane would get)")
fig.tight_layout()

# %% [markdown]
# The linear model can only cut the plane in two with one line, so it gets about half the points right. Each
# ReLU unit is zero on one side of its own line and rises like a ramp on the other; the output layer adds these
# ramps up. The result is piecewise linear, so the border is made of straight pieces: four units give it a
# polygon of at most four sides, 32 units an almost round one. Both enclose the disk.
#
# The nonlinearity is essential. Without the ReLU, two linear layers are just one linear layer in disguise:
# $W_2(W_1 x + b_1) + b_2 = (W_2 W_1) x + (W_2 b_1 + b_2)$. The check below builds such a stack, folds it into a
# single matrix and bias, and trains it: no better than the linear model.

# %%
seed_everything(0)
stacked = nn.Sequential(nn.Linear(2, 32), nn.Linear(32, 2))  # two layers, no activation in between
with torch.no_grad():
    W_folded = stacked[1].weight @ stacked[0].weight
    b_folded = stacked[1].weight @ stacked[0].bias + stacked[1].bias
    same_function = torch.allclose(stacked(X_toy), X_toy @ W_folded.T + b_folded, atol=1e-6)
stacked_accuracy = train_toy(stacked)
print(f"two linear layers, trained: accuracy {stacked_accuracy:.3f}")
assert stacked_accuracy < 0.75 and toy_models["4 ReLU units"][1] > 0.95

# %%
# NBVAL_CHECK_OUTPUT
print("two linear layers compute one linear function:", same_function)
print("linear models below 75%:", toy_models["linear"][1] < 0.75 and stacked_accuracy < 0.75)
print("every ReLU network above 95%:", all(acc > 0.95 for name, (m, acc) in toy_models.items() if "ReLU" in name))

# %% [markdown]
# ## MNIST, flat and standardized
#
# As in notebook 05, each image becomes a row of 784 standardized pixels. This time we also hold out a
# **validation set**, the last 10,000 training images. The experiments that *choose* something (which width,
# which regularizer) look only at it; the test set is used once, by the final model, so its score stays an honest
# estimate (notebook 02). Quick mode uses smaller subsets throughout.

# %%
images_train, labels_train = load_mnist("train")
images_test, labels_test = load_mnist("test")
mean, std = mean_std(images_train)
X_all = standardize(images_train, mean, std).reshape(-1, 784)
X_test = standardize(images_test, mean, std).reshape(-1, 784)
y_all, y_test = labels_train, labels_test

n_fit, n_val = pick(50_000, 5_000), pick(10_000, 2_000)
X_fit, y_fit = X_all[:n_fit], y_all[:n_fit]  # for experiments: fit on these ...
X_val, y_val = X_all[50_000:50_000 + n_val], y_all[50_000:50_000 + n_val]  # ... and compare on these

# %%
# NBVAL_CHECK_OUTPUT
print("train", tuple(X_all.shape), "| test", tuple(X_test.shape), "| validation = the last", 60_000 - 50_000, "training images")

# %% [markdown]
# ## A 784-500-10 network from raw tensors
#
# The network has one hidden layer of 500 units. For a batch $X$ ($N \times 784$):
#
# $$H = \operatorname{ReLU}(X W_1^\top + b_1) \quad (N \times 500), \qquad Z = H W_2^\top + b_2 \quad (N \times 10).$$
#
# Two details matter. The weights must start **random**: if all hidden units started equal, they would receive
# equal gradients and stay identical forever. And their scale matters: drawing $W_1$ with standard deviation
# $\sqrt{2 / \text{fan-in}}$ (*He initialization*) keeps the hidden activations at about the scale of the
# inputs, because ReLU zeroes half of them. The whole forward pass is two matrix products, so a batch is
# processed at once (**vectorization** again). Autograd provides the **gradient** of the loss for all four
# tensors, so the training loop is exactly the one from notebook 05 minus the hand derivation.

# %%
def init_layer(fan_in, fan_out, generator):
    """He-initialized weights (fan_out × fan_in) and zero biases, on the device, tracked by autograd."""
    W = torch.randn(fan_out, fan_in, generator=generator) * math.sqrt(2 / fan_in)
    b = torch.zeros(fan_out)
    return W.to(dev).requires_grad_(), b.to(dev).requires_grad_()


def forward(X, params):
    """Logits of the two-layer network: ReLU(X W1ᵀ + b1) W2ᵀ + b2."""
    W1, b1, W2, b2 = params
    H = torch.relu(X @ W1.T + b1)
    return H @ W2.T + b2


# %%
generator = torch.Generator().manual_seed(0)
params = [*init_layer(784, 500, generator), *init_layer(500, 10, generator)]
initial = [p.detach().clone() for p in params]  # kept to compare with the nn.Module version below

with torch.no_grad():
    H0 = torch.relu(X_all[:1000].to(dev) @ params[0].T + params[1])
print(f"input pixels: std {X_all[:1000].std():.2f} | hidden activations at initialization: "
      f"root mean square {H0.pow(2).mean().sqrt():.2f}, share of zeros {(H0 == 0).float().mean():.2f}")

# %%
# NBVAL_CHECK_OUTPUT
for name, p in zip(["W1", "b1", "W2", "b2"], params):
    print(f"{name}: {str(tuple(p.shape)):11s} {p.numel():>7,} parameters")
print(f"total: {sum(p.numel() for p in params):,} parameters (the linear model of notebook 05 had {784 * 10 + 10:,})")

# %% [markdown]
# One epoch of plain mini-batch SGD over the full training set, written out. Each step: forward, loss,
# `backward()` fills every `p.grad`, then a step downhill, then the gradients are cleared for the next batch.
# The cell starts from the saved initial weights, so running it again gives the same result.

# %%
params = [p.clone().requires_grad_() for p in initial]
lr = 0.1
start = time.perf_counter()
for Xb, yb in TensorBatches(X_all[:pick(60_000, 6_000)], y_all[:pick(60_000, 6_000)], batch_size=128, seed=0, device=dev):
    loss = F.cross_entropy(forward(Xb, params), yb)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
raw_seconds = time.perf_counter() - start
with torch.no_grad():
    raw_accuracy = accuracy(forward(X_test.to(dev), params).cpu(), y_test)
print(f"raw-tensor network after one epoch: test accuracy {raw_accuracy:.4f} ({raw_seconds:.1f} s)")

# %% [markdown]
# One epoch already beats everything the linear model reached in ten.
#
# ## The same network as an `nn.Module`
#
# Bookkeeping four tensors by hand does not scale. An `nn.Module` owns its layers: assign `nn.Linear`s in
# `__init__`, and `model.parameters()` finds all their weights for the optimizer; `forward` says how data flows.

# %%
class TwoLayerNet(nn.Module):
    """784 → 500 (ReLU) → 10, the network above as a module."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(784, 500)
        self.output = nn.Linear(500, 10)

    def forward(self, x):
        return self.output(torch.relu(self.hidden(x.flatten(1))))


# %% [markdown]
# `MLP` in `mnist_course.models` is the same idea for any list of layer sizes, with optional dropout (see
# below); later notebooks import it. Given the same initial weights, the raw-tensor function, `TwoLayerNet` and
# `MLP((784, 500, 10))` compute the same logits:

# %%
net, mlp = TwoLayerNet().to(dev), MLP((784, 500, 10)).to(dev)
with torch.no_grad():
    for hidden, output in ((net.hidden, net.output), (mlp.net[1], mlp.net[3])):
        hidden.weight.copy_(initial[0]), hidden.bias.copy_(initial[1])
        output.weight.copy_(initial[2]), output.bias.copy_(initial[3])
    Xs = X_test[:256].to(dev)
    same = torch.allclose(net(Xs), forward(Xs, initial), atol=1e-5) and torch.allclose(mlp(Xs), net(Xs), atol=1e-5)
assert same

# %%
# NBVAL_CHECK_OUTPUT
print(mlp)
for name, p in mlp.named_parameters():
    print(f"{name:14s} {str(tuple(p.shape)):11s} {p.numel():>7,}")
print(f"count_parameters: TwoLayerNet {count_parameters(net):,}, MLP {count_parameters(mlp):,}")
print(f"share of parameters in the first layer: {count_parameters(mlp.net[1]) / count_parameters(mlp):.1%}")
print("raw tensors, TwoLayerNet and MLP compute the same logits:", same)

# %% [markdown]
# Almost all the parameters sit in the first layer, $W_1$: 500 weights for each of the 784 pixels. That is where
# the model's capacity, and most of its computing time, goes.
#
# ## Width and depth on a small budget
#
# Is it better to make the hidden layer wider, or to stack more layers? We train several networks for the same
# short budget (two epochs on 10,000 images, Adam) and compare them on the validation set. The first one has no
# hidden layer at all: it is notebook 05's linear classifier.

# %%
shapes = {
    "linear": (784, 10),
    "1 × 32": (784, 32, 10),
    "1 × 128": (784, 128, 10),
    "1 × 512": (784, 512, 10),
    "2 × 128": (784, 128, 128, 10),
    "3 × 128": (784, 128, 128, 128, 10),
    "2 × 512": (784, 512, 512, 10),
}
n_small = pick(10_000, 2_000)
comparison = {}
for name, sizes in shapes.items():
    seed_everything(0)
    model = MLP(sizes).to(dev)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = TensorBatches(X_fit[:n_small], y_fit[:n_small], batch_size=128, seed=0, device=dev)
    history = fit(model, optimizer, batches, epochs=pick(2, 1), val=(X_val, y_val), verbose=False)  # scored on validation
    comparison[name] = {"parameters": count_parameters(model), "seconds": history.seconds,
                        "accuracy": history.last["val_accuracy"]}

print(f"{'network':9s} {'parameters':>10s} {'seconds':>8s} {'validation accuracy':>20s}")
for name, row in comparison.items():
    print(f"{name:9s} {row['parameters']:>10,} {row['seconds']:>8.2f} {row['accuracy']:>20.4f}")

# %%
# NBVAL_CHECK_OUTPUT
print({name: row["parameters"] for name, row in comparison.items()})

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for ax, key, label in ((axes[0], "parameters", "parameters (log scale)"), (axes[1], "seconds", "training seconds (log scale)")):
    for (name, row), colour in zip(comparison.items(), plt.get_cmap("tab10").colors):
        depth = len(shapes[name]) - 2  # number of hidden layers
        marker = {0: "X", 1: "o"}.get(depth, "s")
        ax.scatter(row[key], row["accuracy"], color=colour, marker=marker, s=60, label=name)
    ax.set_xscale("log")
    ax.set_xlabel(label)
    ax.set_ylabel("validation accuracy")
    ax.grid(alpha=0.3)
axes[1].legend(title="hidden layers × width", loc="center left", bbox_to_anchor=(1.02, 0.5))
fig.suptitle("What width and depth buy on a small budget (circles: one hidden layer, squares: deeper)")
fig.tight_layout()

# %% [markdown]
# Read the table and the two panels together. Every hidden layer beats the linear model, and each step in
# width helps. At a width of 128, a second or third layer adds next to nothing on this budget; the deeper
# network of two 512-unit layers comes out on top, but it is also the most expensive, and most of its
# parameters and seconds go into the first layer again. Width buys accuracy most reliably for a fully
# connected network; depth pays off much more with layers built for images, the convolutions of notebooks 09
# and 10.
#
# ## Overfitting, made visible
#
# A network with hundreds of thousands of parameters can simply memorize a small training set. To see it happen,
# train the 784-500-10 network on just 1,000 images for many epochs, and after every epoch measure the loss and
# accuracy on those training images *and* on validation images it never trains on (both in evaluation mode).

# %%
n_small_train, epochs_small = pick(1_000, 500), pick(30, 5)


def train_and_track(dropout=0.0, weight_decay=0.0, n=n_small_train, epochs=epochs_small):
    """Train MLP(784-500-10) on n training images; after every epoch evaluate it on them and on validation images."""
    seed_everything(0)
    model = MLP((784, 500, 10), dropout=dropout).to(dev)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=weight_decay)
    batches = TensorBatches(X_fit[:n], y_fit[:n], batch_size=100, seed=0, device=dev)
    rows = []
    for epoch in range(1, epochs + 1):
        fit(model, optimizer, batches, epochs=1, verbose=False)
        train, val = evaluate(model, X_fit[:n], y_fit[:n]), evaluate(model, X_val[:2_000], y_val[:2_000])
        rows.append({"epoch": epoch, "train_loss": train["loss"], "val_loss": val["loss"],
                     "train_accuracy": train["accuracy"], "val_accuracy": val["accuracy"]})
    return rows


def plot_overfitting(runs, title):
    """Per epoch: training loss, validation loss, and accuracy (training dashed, validation solid); a colour per run."""
    fig, axes = plt.subplots(1, 3, figsize=(12.5, 3.8))
    for (name, rows), colour in zip(runs.items(), ["tab:red", "tab:blue", "tab:green", "tab:purple"]):
        epochs = [r["epoch"] for r in rows]
        axes[0].plot(epochs, [r["train_loss"] for r in rows], "--", color=colour, label=name)
        axes[1].plot(epochs, [r["val_loss"] for r in rows], "-", color=colour, label=name)
        axes[2].plot(epochs, [r["train_accuracy"] for r in rows], "--", color=colour, label=f"{name}: training")
        axes[2].plot(epochs, [r["val_accuracy"] for r in rows], "-", color=colour, label=f"{name}: validation")
    axes[0].set_yscale("log")
    axes[0].set_title("training images")
    axes[0].set_ylabel("cross-entropy (log scale)")
    axes[1].set_title("validation images")
    axes[1].set_ylabel("cross-entropy")
    axes[2].set_title("accuracy")
    axes[2].set_ylabel("accuracy")
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    axes[2].legend(fontsize=7)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


runs = {"no regularization": train_and_track()}
fig = plot_overfitting(runs, "784-500-10 on 1,000 training images")


# %%
def report(runs):
    """Final training and validation accuracy per run, the gap between them, and where validation loss bottomed out."""
    for name, rows in runs.items():
        best = min(rows, key=lambda r: r["val_loss"])
        print(f"{name:18s} train acc {rows[-1]['train_accuracy']:.3f}  val acc {rows[-1]['val_accuracy']:.3f}  "
              f"gap {rows[-1]['train_accuracy'] - rows[-1]['val_accuracy']:.3f}  | val loss lowest at epoch "
              f"{best['epoch']} ({best['val_loss']:.3f}), last {rows[-1]['val_loss']:.3f}")


report(runs)

# %% [markdown]
# That is **overfitting**: the training loss keeps falling towards zero and the training accuracy reaches
# 100%, while the validation loss stops improving after a few epochs and then *rises* (the middle panel). The network has stopped
# learning about digits and started memorizing these particular images; its growing confidence on the training
# set makes its mistakes on new images ever more expensive. The gap between the dashed and the solid lines is
# the thing to watch.
#
# Two standard remedies:
#
# - **Weight decay** adds $\frac{\lambda}{2}\lVert w \rVert^2$ to the loss, so the gradient gains $\lambda w$
#   and every step also shrinks the weights a little. Large weights are needed to fit every quirk of the
#   training set exactly; keeping them small favours smoother functions. In `torch.optim` it is the
#   `weight_decay=λ` argument.
# - **Dropout** sets each hidden activation to zero with probability $p$ during training (and scales the
#   survivors by $1/(1-p)$ so the expected sum is unchanged). No unit can rely on any other being there, so the
#   network must spread what it knows over many units, a bit like training an ensemble of thinned networks. In
#   evaluation mode dropout is switched off and the network is deterministic again:

# %%
seed_everything(0)
dropout_net = MLP((784, 500, 10), dropout=0.5)
Xs = X_val[:8]
dropout_net.train()
train_mode_repeatable = torch.equal(dropout_net(Xs), dropout_net(Xs))
dropout_net.eval()
eval_mode_repeatable = torch.equal(dropout_net(Xs), dropout_net(Xs))

# %%
# NBVAL_CHECK_OUTPUT
print([type(m).__name__ for m in dropout_net.net])
print("training mode gives the same output twice:", train_mode_repeatable)
print("evaluation mode gives the same output twice:", eval_mode_repeatable)

# %% [markdown]
# The same 1,000 images and the same budget, with each remedy:

# %%
runs["weight decay 5e-3"] = train_and_track(weight_decay=5e-3)
runs["dropout 0.5"] = train_and_track(dropout=0.5)
fig = plot_overfitting(runs, "The same training set, with and without regularization")
report(runs)

# %% [markdown]
# Look at the middle panel. With weight decay the validation loss no longer turns upwards: it is still falling
# at the last epoch. Dropout lowers the whole validation-loss curve and reaches its lowest point later, although
# it still creeps up towards the end. The training loss shows the mechanism: weight decay stops it from being driven towards zero,
# because ever-larger weights would be needed for that, and larger weights now cost something.
#
# The accuracies move much less (about a point at most): all three networks still learn all 1,000 training images
# by heart, and 1,000 images hold only so much about handwriting. Regularization cannot replace data. What it
# buys is a model that does not get *worse* the longer it trains, and whose confidence on new images is better
# founded, which is what the validation loss measures.
#
# ## The full network
#
# Now everything together on all 60,000 training images, scored once on the test set. The recipe:
#
# - `MLP((784, 500, 10), dropout=0.2)`, a mild dropout, since 60,000 images overfit far less than 1,000;
# - SGD with **momentum** 0.9 (Nesterov's variant): each step follows a running average of recent gradients,
#   which damps the zig-zag across narrow valleys of the loss and speeds up travel along them;
# - a **cosine learning-rate schedule**: start at 0.2 and glide to zero, big steps to make progress early,
#   small ones to settle at the end;
# - weight decay 5e-4 and batches of 256. Larger batches keep the CPU's matrix routines busier, so an epoch takes
#   less time; since a batch twice as large averages away more noise, the learning rate is doubled with it (the
#   "linear scaling" rule of thumb). Exercise 4 explores the batch size.
#
# The cell builds a fresh model and optimizer, so it can be re-run at any time.

# %%
seed_everything(0)
model = MLP((784, 500, 10), dropout=0.2).to(dev)
epochs = pick(8, 1)
batches = TensorBatches(X_all[:pick(60_000, 6_000)], y_all[:pick(60_000, 6_000)], batch_size=256, seed=0, device=dev)
optimizer = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9, nesterov=True, weight_decay=5e-4)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(batches))
history = fit(model, optimizer, batches, epochs=epochs, val=(X_test, y_test), scheduler=scheduler)

# %%
fig = plot_history(history, title="784-500-10 on all training images")

# %%
test_accuracy = evaluate(model, X_test, y_test)["accuracy"]
print(f"test accuracy {test_accuracy:.4f}, {round((1 - test_accuracy) * len(y_test))} test images wrong")
print(f"training time: {history.seconds:.1f} s for {epochs} epochs ({count_parameters(model):,} parameters)")
result = record("test accuracy", test_accuracy, 0.98)

# %%
# NBVAL_CHECK_OUTPUT
result.passed

# %% [markdown]
# ## What the hidden units look at
#
# Each of the 500 hidden units has 784 incoming weights, one per pixel, so, like the templates of notebook 05,
# each can be drawn as an image (red: ink here excites the unit, blue: it inhibits it). Below are the twenty
# units with the largest outgoing weights, the ones the output layer listens to most. Instead of ten whole-digit
# templates there are hundreds of partial detectors: pieces of strokes, blobs in one region, contrasts between
# neighbouring regions. The output layer combines them, and that combination is what a single template could not
# do.

# %%
W1 = model.net[1].weight.detach().cpu()
W2 = model.net[-1].weight.detach().cpu()
top_units = W2.abs().sum(dim=0).argsort(descending=True)[:20]
clip = W1[top_units].abs().quantile(0.99, dim=1, keepdim=True)  # a few extreme pixels would set the colour scale
fig = show_weights(W1[top_units].clamp(-clip, clip), titles=[f"unit {u}" for u in top_units.tolist()],
                   title="First-layer weights of the 20 most influential hidden units")

# %% [markdown]
# ## Summary
#
# The measured numbers, in one place:

# %%
print(f"toy rings, training accuracy: linear {toy_models['linear'][1]:.2f}, 4 ReLU units "
      f"{toy_models['4 ReLU units'][1]:.2f}, 32 ReLU units {toy_models['32 ReLU units'][1]:.2f}")
print(f"raw-tensor network, one epoch of plain SGD: test accuracy {raw_accuracy:.4f}")
best = max(comparison, key=lambda k: comparison[k]["accuracy"])
print(f"width/depth on a small budget: best {best} ({comparison[best]['accuracy']:.4f} validation accuracy), "
      f"linear {comparison['linear']['accuracy']:.4f}")
for name, rows in runs.items():
    print(f"overfitting on {n_small_train:,} images, {name}: final validation loss {rows[-1]['val_loss']:.3f}, "
          f"accuracy {rows[-1]['val_accuracy']:.3f}")
print(f"full network: test accuracy {test_accuracy:.4f} after {history.seconds:.1f} s of training")

# %% [markdown]
# - A linear classifier can only draw straight borders. A hidden layer of ReLU units bends them: each unit adds a
#   ramp along its own line, and the output adds the ramps up. Without the nonlinearity, stacked linear layers
#   collapse into one.
# - The 784-500-10 network is two matrix products and a ReLU. Written with raw tensors and autograd, or as an
#   `nn.Module`, it is the same function; `MLP` in the package is the general version. Almost all of its
#   parameters are in the first layer.
# - On a small budget, width paid off more reliably than depth, and the cost in seconds followed the parameter
#   count.
# - With too little data the network memorizes: training loss falls to nearly zero while validation loss
#   rises. Weight decay and dropout curb it; more data cures it.
# - With momentum, a cosine schedule, light dropout and weight decay, the full network clears the 98% target on
#   the test set after a few epochs on a CPU (accuracy and seconds printed above). The remaining errors need a
#   model that knows that pixels have neighbours: convolutions, from notebook 09.

# %% [markdown]
# ## Exercises
#
# 1. Train the toy rings with only 2 hidden ReLU units, for seeds 0, 1 and 2. Plot the decision regions. Why
#    can two units never enclose the disk, and why does one seed do even worse than the others?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
#    for seed, ax in zip(range(3), axes):
#        seed_everything(seed)
#        model = MLP((2, 2, 2))
#        plot_regions(ax, model, f"seed {seed}: accuracy {train_toy(model):.2f}")
#    ```
#    The border is built from one straight piece per unit, and two lines cannot close a region around the disk:
#    at best they cut off a wedge or a strip. A seed can also do worse because a ReLU unit that is zero on all
#    the points gets zero gradient and never recovers (a "dead" unit), leaving a linear model.
#    </details>
#
# 2. Initialize the raw-tensor network with all weights zero instead of He initialization and train one epoch.
#    What accuracy do you get, and why?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    params = [torch.zeros_like(p).requires_grad_() for p in initial]
#    for Xb, yb in TensorBatches(X_all, y_all, batch_size=128, seed=0, device=dev):
#        loss = F.cross_entropy(forward(Xb, params), yb)
#        loss.backward()
#        with torch.no_grad():
#            for p in params:
#                p -= 0.1 * p.grad
#                p.grad = None
#    print(accuracy(forward(X_test.to(dev), params).detach().cpu(), y_test))
#    ```
#    About 11%, the frequency of the most common digit. With $W_1 = 0$ every hidden activation is 0, so the
#    gradient for $W_2$ ($\propto H$) is zero; with $W_2 = 0$ the gradient reaching $W_1$ is zero too. Only $b_2$
#    learns, and it can only learn which digit is most common.
#    </details>
#
# 3. Replace `torch.relu` in `forward` by the identity (`H = X @ W1.T + b1`) and train one epoch from the same
#    initial weights. Compare with the ReLU network and with notebook 05.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    def forward_linear(X, params):
#        W1, b1, W2, b2 = params
#        return (X @ W1.T + b1) @ W2.T + b2
#
#    params = [p.clone().requires_grad_() for p in initial]
#    for Xb, yb in TensorBatches(X_all, y_all, batch_size=128, seed=0, device=dev):
#        loss = F.cross_entropy(forward_linear(Xb, params), yb)
#        loss.backward()
#        with torch.no_grad():
#            for p in params:
#                p -= 0.1 * p.grad
#                p.grad = None
#    print(accuracy(forward_linear(X_test.to(dev), params).detach().cpu(), y_test))
#    ```
#    It lands near the linear classifier of notebook 05 and well below the ReLU network, despite having the same
#    397,510 parameters: the product of the two matrices is just one 10×784 matrix.
#    </details>
#
# 4. Time one epoch of the full network with batch sizes 32, 128 and 512, and note the test accuracy after that
#    epoch. What do large batches buy, and what do they cost?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    for batch_size in (32, 128, 512):
#        seed_everything(0)
#        m = MLP((784, 500, 10)).to(dev)
#        opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9, nesterov=True)
#        h = fit(m, opt, TensorBatches(X_all, y_all, batch_size=batch_size, seed=0, device=dev),
#                test=(X_test, y_test), verbose=False)
#        print(batch_size, f"{h.seconds:.1f} s", h.last["val_accuracy"])
#    ```
#    Batches of 32 make the epoch several times slower: many small matrix products use the CPU poorly, and
#    vectorization pays off on big blocks. At this learning rate their noisy gradients also hurt the accuracy.
#    Batches of 512 are the fastest and, after one epoch here, about as accurate as 128. Push the batch size
#    much further and an epoch has too few steps to learn much, so very large batches need a larger learning
#    rate or more epochs.
#    </details>
#
# 5. On the 1,000-image overfitting experiment, try dropout 0.2 and 0.8 and weight decay 5e-4 and 5e-2. Which
#    settings are too weak, which too strong?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    sweep = {f"dropout {p}": train_and_track(dropout=p) for p in (0.2, 0.8)}
#    sweep |= {f"weight decay {wd}": train_and_track(weight_decay=wd) for wd in (5e-4, 5e-2)}
#    report(sweep)
#    ```
#    Weak settings (dropout 0.2, weight decay 5e-4) behave much like no regularization: the validation loss
#    still climbs. Very strong weight decay keeps the weights so small that the model underfits (training
#    accuracy stays below 100% and validation accuracy drops). The best setting is found on the validation set,
#    never on the test set.
#    </details>
