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
# # 06 · Fully Connected Networks
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/06_fully_connected.ipynb)
#
# *Runs in under half a minute on a 2-core CPU (last full run).*
#
# The linear classifier of notebook 05 matches each image against one template per digit, and stalls a little
# above 92%. Put one layer of 500 nonlinear units between the pixels and the output, and the same data and loss
# take us past 98%. This notebook shows why that layer helps, builds the network from raw tensors and then as an
# `nn.Module`, shows how its weights must start, and meets the first problem a bigger model brings: overfitting.
#
# **You will learn**
#
# - why a linear model cannot separate some data, and how a hidden layer with ReLU can;
# - to write a 784-500-10 network with raw tensors and autograd, to derive its gradient by hand (backpropagation
#   through a hidden layer), then to write it as an `nn.Module`, and to count its parameters;
# - why the weights must start random and at the right scale: a constant start keeps every hidden unit identical,
#   a too-small or too-large start makes activations and gradients vanish or explode layer by layer, and He
#   initialization keeps them steady; how to count dead ReLUs, and to check a new model by overfitting one batch;
# - to recognize overfitting in training and validation curves, and to curb it with early stopping, weight decay
#   and dropout;
# - a training recipe (**optimization** with momentum, a learning-rate schedule and regularization) that
#   reaches 98% on the MNIST test set in seconds on a CPU, chosen on a validation split and tested once.
#
# To fit one sitting, side topics wait in collapsed "Going further" asides (width against depth, after "Overfit
# one batch"; plain and Nesterov momentum, in "The full network") and in the exercises (the linear-scaling rule
# for batch size and learning rate is exercise 4; whether dropout pays on the full training set, exercise 5).

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

from mnist_course.data import TensorBatches, load_splits, mean_std, standardize
from mnist_course.models import MLP, count_parameters
from mnist_course.plot import plot_history, show_weights
from mnist_course.results import check, record
from mnist_course.settings import device, pick, seed_everything
from mnist_course.train import accuracy, evaluate, fit

seed_everything(0)
dev = device()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where a straight line is not enough
#
# A linear classifier gives class $k$ the score $z_k = w_k \cdot x + b_k$, and predicts the class with the
# largest score. The border between two classes is where their scores tie, $(w_0 - w_1) \cdot x + (b_0 - b_1) =
# 0$: a straight line in the plane (a flat hyperplane in 784 dimensions). Data that no straight line can split
# defeats it, however long we train. Here is such data: a disk of points (class 0) inside a ring (class 1).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before training, ask the room to sketch the best straight line for a disk inside a ring, and to
# guess what accuracy a linear model can reach on it. Then ask how few ReLU units could enclose the disk: the middle
# panel of the figure shows a network of four doing it, though only three of their lines cross the window (the aside
# after the figure says why), and exercise 1 explains why two never can.

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

# %% tags=["nbval-check-output"]
print("points", tuple(X_toy.shape), "| per class", y_toy.bincount().tolist())

# %% [markdown] slideshow={"slide_type": "subslide"}
# We train three models on these 400 points with full-batch Adam: a linear classifier (`nn.Linear(2, 2)`), and
# two networks with one hidden layer of [ReLU](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#relu) units, $h = \max(0,\, W_1 x + b_1)$, then a linear output layer
# that turns the hidden units into two class scores. `nn.Sequential` chains layers: its output is the first
# layer's output fed to the second, and so on. So `nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2))` is
# the network $x \mapsto W_2 \max(0, W_1 x + b_1) + b_2$ with four hidden units.

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


def hidden_net(units):
    """2 inputs -> `units` ReLU units -> 2 class scores."""
    return nn.Sequential(nn.Linear(2, units), nn.ReLU(), nn.Linear(units, 2))


toy_models = {}
for name, make in [("linear", lambda: nn.Linear(2, 2)),
                   ("4 ReLU units", lambda: hidden_net(4)),
                   ("32 ReLU units", lambda: hidden_net(32))]:
    seed_everything(0)  # each model starts from its own fixed initialization
    toy_net = make()
    toy_models[name] = (toy_net, train_toy(toy_net))
    print(f"{name:14s} training accuracy {toy_models[name][1]:.3f}")


# %% alt="Three panels of decision regions on the toy data, the plane shaded by predicted class with the disk and ring points on top. The linear model (accuracy 0.52) cuts the plane with one straight line; 4 ReLU units (accuracy 1.00) enclose the disk in a polygon whose corners lie on dashed unit lines; 32 units give an almost round border." slideshow={"slide_type": "subslide"} tags=["slides-hide-input"]
def plot_regions(ax, model, title, unit_lines=False):
    """Colour the plane by the model's predicted class and draw the toy points on top.

    With unit_lines, also draw each hidden unit's line w·x + b = 0, where that unit switches on."""
    grid = torch.linspace(-1.6, 1.6, 241)
    gx, gy = torch.meshgrid(grid, grid, indexing="xy")
    with torch.no_grad():
        region = model(torch.stack([gx.ravel(), gy.ravel()], dim=1)).argmax(dim=1).reshape(gx.shape)
    ax.contourf(gx, gy, region, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
    if unit_lines:
        with torch.no_grad():
            unit_values = model[0](torch.stack([gx.ravel(), gy.ravel()], dim=1)).reshape(*gx.shape, -1)
        for u in range(unit_values.shape[-1]):
            ax.contour(gx, gy, unit_values[..., u], levels=[0], colors="gray", linestyles="--", linewidths=1)
        ax.plot([], [], "--", color="gray", label="where a unit switches on")
    for c, colour in ((0, "#2171b5"), (1, "#d94801")):
        ax.scatter(*X_toy[y_toy == c].T, s=8, color=colour, label=f"class {c} ({'disk' if c == 0 else 'ring'})")
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_aspect("equal")


fig, axes = plt.subplots(1, 3, figsize=(13, 4.6))
for ax, (name, (toy_net, acc)) in zip(axes, toy_models.items()):
    plot_regions(ax, toy_net, f"{name}: accuracy {acc:.2f}", unit_lines=(name == "4 ReLU units"))
axes[0].set_ylabel("$x_2$")
axes[1].legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=9)  # below the plots, off the points
fig.suptitle("Decision regions (shaded: the class each point of the plane would get)")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The linear model can only cut the plane in two with one line, and no line encloses the disk: training settles
# on an almost useless one, with about half the points right (the accuracy in its title). Each
# ReLU unit is zero on one side of its own line (dashed in the middle panel) and rises like a ramp on the other;
# the output layer adds these ramps up, each with its own weight. Between the dashed lines the class scores are
# linear, so the border is a straight piece there, and it can bend only where it crosses a unit's line: every
# corner of the border in the middle panel sits on a dashed line. 32 units give an almost round border. Both
# networks enclose the disk.
#
# <details><summary>Going further: more sides than units</summary>
#
# A closed convex border crosses each line at most twice, so four units allow up to eight sides: more sides than
# units. Only three dashed lines cross the window shown (the fourth unit switches on outside it, or nowhere, so it
# bends nothing here), and they carry the border's six corners, two each.
# </details>
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
check(stacked_accuracy < 0.75 and toy_models["4 ReLU units"][1] > 0.95,
      "two stacked linear layers stay below 75%, four ReLU units get above 95%")

# %% tags=["nbval-check-output"]
print("two linear layers compute one linear function:", same_function)
print("linear models below 75%:", toy_models["linear"][1] < 0.75 and stacked_accuracy < 0.75)
print("every ReLU network above 95%:", all(acc > 0.95 for name, (_, acc) in toy_models.items() if "ReLU" in name))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## MNIST, flat and standardized
#
# As in notebook 05, each image becomes a row of 784 standardized pixels, and we use the course's three splits
# (notebook 02): 50,000 training images, 10,000 **validation** images and the 10,000 test images. Everything
# that *chooses* something (which width, which regularizer, when to stop) looks only at the validation images;
# the test set is used once, by the final model, so its score stays an honest estimate. Quick mode uses smaller
# subsets throughout.

# %%
(images_train, labels_train), (images_val, labels_val), (images_test, labels_test) = load_splits()
mean, std = mean_std(images_train)  # statistics of the training split only
n_train, n_val = pick(50_000, 5_000), pick(10_000, 2_000)
X_train, y_train = standardize(images_train[:n_train], mean, std).reshape(-1, 784), labels_train[:n_train]  # train on these
X_val, y_val = standardize(images_val[:n_val], mean, std).reshape(-1, 784), labels_val[:n_val]  # choose with these
X_test, y_test = standardize(images_test, mean, std).reshape(-1, 784), labels_test  # score the final model once

# %% tags=["nbval-check-output"]
print("splits: train", tuple(images_train.shape), "| validation", tuple(images_val.shape), "| test", tuple(X_test.shape))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A 784-500-10 network from raw tensors
#
# The network has one hidden layer of 500 units. For a batch $X$ ($N \times 784$):
#
# $$H = \operatorname{ReLU}(X W_1^\top + b_1) \quad (N \times 500), \qquad Z = H W_2^\top + b_2 \quad (N \times 10).$$
#
# Two details matter. The weights must start **random**: if all hidden units started equal, they would receive
# equal gradients and stay identical forever (the section on initialization below shows it). And their scale
# matters: drawing $W_1$ with standard deviation $\sqrt{2 / \text{fan-in}}$ (*[He initialization](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#he-initialization)*), where the
# fan-in is the number of inputs each unit receives (784 here), keeps the hidden activations at about the scale
# of the inputs, because ReLU zeroes half of them. The whole forward pass is two matrix products, so a batch is
# processed at once (**vectorization** again). Autograd provides the **gradient** of the loss for all four
# tensors, so the training loop needs no hand derivation; we still derive it once below, to see what autograd
# computes.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before revealing the printout, ask the room to estimate how many parameters the 784-500-10
# network has, and which of its four tensors holds most of them; the printout also gives the linear model's count for
# comparison. Then ask what so many parameters might allow on a small training set: the overfitting section answers.

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


# %% slideshow={"slide_type": "subslide"}
generator = torch.Generator().manual_seed(0)
params = [*init_layer(784, 500, generator), *init_layer(500, 10, generator)]
initial = [p.detach().clone() for p in params]  # kept to compare with the nn.Module version below

with torch.no_grad():
    H0 = torch.relu(X_train[:1000].to(dev) @ params[0].T + params[1])
print(f"input pixels: std {X_train[:1000].std():.2f} | hidden activations at initialization: "
      f"root mean square {H0.pow(2).mean().sqrt():.2f}, share of zeros {(H0 == 0).float().mean():.2f}")

# %% tags=["nbval-check-output"]
for name, p in zip(["W1", "b1", "W2", "b2"], params):
    print(f"{name}: {str(tuple(p.shape)):11s} {p.numel():>7,} parameters")
print(f"total: {sum(p.numel() for p in params):,} parameters (the linear model of notebook 05 had {784 * 10 + 10:,})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backpropagation through the hidden layer, by hand
#
# Notebook 05 derived the gradient of softmax regression on paper and checked it against autograd. The chain
# rule does the same for the hidden layer, one step backwards at a time. Write $A = X W_1^\top + b_1$ for the
# hidden layer before the ReLU, $H = \max(0, A)$ after it, and $Z = H W_2^\top + b_2$ for the logits. Then:
#
# - at the logits, exactly as in notebook 05: $G = \partial L / \partial Z = (P - Y)/N$;
# - the output layer is softmax regression on $H$: $\nabla_{W_2} = G^\top H$ and $\nabla_{b_2} = \sum_i G_i$;
# - the gradient flows back into the hidden units through the same weights: $\partial L / \partial H = G\, W_2$;
# - the ReLU passes it where the unit was on and blocks it where it was off (its slope is 1 or 0):
#   $\partial L / \partial A = \partial L / \partial H \odot [A > 0]$, a **mask**;
# - and the first layer is again a linear layer: $\nabla_{W_1} = (\partial L / \partial A)^\top X$,
#   $\nabla_{b_1} = \sum_i (\partial L / \partial A)_i$.
#
# That is **[backpropagation](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#backpropagation)**: a forward pass that keeps $A$ and $H$, then one backward step per layer, made of
# matrix products as big as the forward one (one for the weights' gradient, one to pass the gradient on to the
# layer below). Autograd does precisely this, so the two must agree:

# %% slideshow={"slide_type": "subslide"}
def gradients_by_hand(X, y, params):
    """Cross-entropy gradients of the two-layer network for W1, b1, W2, b2, by the chain rule."""
    W1, b1, W2, b2 = params
    A = X @ W1.T + b1  # hidden layer before the ReLU
    H = torch.relu(A)
    G = torch.softmax(H @ W2.T + b2, dim=1)  # dL/dZ = (P - Y) / N
    G[torch.arange(len(y)), y] -= 1
    G /= len(y)
    dA = (G @ W2) * (A > 0)  # back through W2, then the ReLU's mask
    return [dA.T @ X, dA.sum(0), G.T @ H, G.sum(0)]


X_check, y_check = X_train[:512].to(dev), y_train[:512].to(dev)
with torch.no_grad():
    by_hand = gradients_by_hand(X_check, y_check, initial)
check_params = [p.clone().requires_grad_() for p in initial]
by_autograd = torch.autograd.grad(F.cross_entropy(forward(X_check, check_params), y_check), check_params)
backprop_gap = max((a - b).abs().max().item() for a, b in zip(by_hand, by_autograd))
print(f"largest |hand gradient - autograd gradient| over W1, b1, W2, b2: {backprop_gap:.1e}")
print(f"largest gradient entry, for scale: {max(g.abs().max().item() for g in by_autograd):.1e}")
assert backprop_gap < 1e-5

# %% tags=["nbval-check-output"]
print("backpropagation by hand matches autograd:", backprop_gap < 1e-5)

# %% [markdown] slideshow={"slide_type": "subslide"}
# From here on autograd computes these gradients for us. One epoch of plain mini-batch SGD over the training
# split, written out. Each step: forward, loss, `backward()` fills every `p.grad`, then a step downhill, then the
# gradients are cleared for the next batch. The cell starts from the saved initial weights, so running it again
# gives the same result. The network is then scored on the validation images.

# %%
params = [p.clone().requires_grad_() for p in initial]
lr = 0.1
start = time.perf_counter()
for xb, yb in TensorBatches(X_train, y_train, batch_size=128, seed=0, device=dev):
    loss = F.cross_entropy(forward(xb, params), yb)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad = None
raw_seconds = time.perf_counter() - start
with torch.no_grad():
    raw_accuracy = accuracy(forward(X_val.to(dev), params).cpu(), y_val)
print(f"raw-tensor network after one epoch: validation accuracy {raw_accuracy:.4f} ({raw_seconds:.1f} s)")

# %% [markdown]
# One epoch already beats everything the linear model of notebook 05 reached in ten (about 92% on the same
# validation images).

# %% [markdown] slideshow={"slide_type": "slide"}
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
    Xs = X_val[:256].to(dev)
    same = torch.allclose(net(Xs), forward(Xs, initial), atol=1e-5) and torch.allclose(mlp(Xs), net(Xs), atol=1e-5)
assert same

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print(mlp)
for name, p in mlp.named_parameters():
    print(f"{name:14s} {str(tuple(p.shape)):11s} {p.numel():>7,}")
print(f"count_parameters: TwoLayerNet {count_parameters(net):,}, MLP {count_parameters(mlp):,}")
print(f"share of parameters in the first layer: {count_parameters(mlp.net[1]) / count_parameters(mlp):.1%}")
print("raw tensors, TwoLayerNet and MLP compute the same logits:", same)

# %% [markdown]
# Almost all the parameters sit in the first layer, $W_1$: 500 weights for each of the 784 pixels. That is where
# the model's capacity, and most of its computing time, goes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Initialization and activation statistics
#
# Training starts from the initial weights, and a bad start can stop it before it begins. Three experiments show
# what to look for.
#
# **A constant start is symmetric.** Give every weight and bias of the network above the same value, 0.01, and
# train it for a few steps. Every hidden unit then computes the same function of the image, so backpropagation
# hands every unit the same gradient, and after each step they are still equal: 500 units that act as one. A
# random start breaks the tie.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** A common belief is that the starting weights hardly matter, since training moves them anyway.
# Ask the room what 500 hidden units that start identical can still learn, then run the next cell: the weights move, yet
# every row stays the same, and the printed validation accuracy shows how little a single unit's worth of features
# achieves. For the scale experiment after it, ask in which layer the gradients will be smallest with $\sigma = 0.01$
# before revealing the printout.

# %%
params_constant = [torch.full_like(p, 0.01).requires_grad_() for p in initial]  # biases too: every weight equal
for step, (xb, yb) in enumerate(TensorBatches(X_train, y_train, batch_size=128, seed=0, device=dev)):
    if step == 20:
        break
    F.cross_entropy(forward(xb, params_constant), yb).backward()
    with torch.no_grad():
        for p in params_constant:
            p -= 0.1 * p.grad
            p.grad = None
W1_constant = params_constant[0].detach()
symmetry_gap = (W1_constant - W1_constant[0]).abs().max().item()
with torch.no_grad():
    constant_accuracy = accuracy(forward(X_val.to(dev), params_constant).cpu(), y_val)
print(f"after 20 steps from a constant start: W1 moved by up to {(W1_constant - 0.01).abs().max():.1e}, but the "
      f"500 hidden units' incoming weight rows differ by at most {symmetry_gap:.1e}")
print(f"distinct rows among the 500: {torch.unique(W1_constant, dim=0).shape[0]} | validation accuracy "
      f"{constant_accuracy:.4f}")
check(symmetry_gap <= 1e-6 * (W1_constant - 0.01).abs().max().item(), "a constant start keeps the hidden units identical")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The weights did move, yet all 500 rows are still the same row: however long it trains, the network has the
# power of a single hidden unit: one number per image, from which the output layer must tell ten digits apart
# (the accuracy printed shows how far that gets). The all-zero start is worse still: there every gradient except the output
# bias's is zero, so only that bias learns (exercise 2 measures it).
#
# **The scale of a random start.** Take a deeper network, `MLP((784, 256, 256, 256, 256, 256, 10))` with five
# hidden layers, keep PyTorch's default biases (small random values of either sign, uniform in
# $\pm 1/\sqrt{\text{fan-in}}$), and draw its weights from a normal distribution, three times, with three different
# standard deviations: a too-small 0.01, a too-large 1, and He's $\sqrt{2 / \text{fan-in}}$. For one batch of 256
# training images we run it forward, keep each hidden layer's activations $H_l$, and backpropagate the loss to get
# their gradients $\partial L / \partial H_l$. Each layer multiplies its input by a matrix, so the scale of the
# weights compounds: per layer, the activations grow or shrink by a factor of about
# $\sigma \sqrt{\text{fan-in}/2}$, and so do the gradients on their way back. We also count **dead ReLUs**: units
# that output 0 for every image of the batch, so that no gradient flows through them.

# %% slideshow={"slide_type": "subslide"}
deep_sizes = (784, 256, 256, 256, 256, 256, 10)
starts = {"too small (σ = 0.01)": lambda fan_in: 0.01,
          "too large (σ = 1)": lambda fan_in: 1.0,
          "He (σ = √(2/fan-in))": lambda fan_in: math.sqrt(2 / fan_in)}


def start_statistics(weight_std, X, y):
    """Build the deep MLP with N(0, weight_std(fan_in)²) weights; return the loss and each hidden layer's H and dL/dH."""
    seed_everything(0)
    model = MLP(deep_sizes)
    layers = [m for m in model.net if isinstance(m, nn.Linear)]
    with torch.no_grad():
        for linear in layers:
            linear.weight.normal_(0, weight_std(linear.in_features))
    H, hidden = X, []
    for linear in layers[:-1]:
        H = torch.relu(linear(H))
        H.retain_grad()  # keep dL/dH of this intermediate tensor after backward()
        hidden.append(H)
    loss = F.cross_entropy(layers[-1](H), y)
    loss.backward()
    return loss.item(), [(H.detach(), H.grad) for H in hidden]


xb, yb = X_train[:256], y_train[:256]
statistics = {name: start_statistics(weight_std, xb, yb) for name, weight_std in starts.items()}
for name, (loss_at_start, layers) in statistics.items():
    print(f"{name}: loss at start {loss_at_start:.3g}")
    print("  activation std per layer:", "  ".join(f"{H.std():8.2g}" for H, _ in layers))
    print("  gradient std per layer:  ", "  ".join(f"{G.std():8.2g}" for _, G in layers))
    print("  dead ReLUs per layer:    ", "  ".join(f"{int((H == 0).all(dim=0).sum()):8d}" for H, _ in layers),
          "  (of 256)")
he_std = [H.std().item() for H, _ in statistics["He (σ = √(2/fan-in))"][1]]
check(max(he_std) < 2 * min(he_std), "with He initialization the activations keep their scale through five layers")

# %% alt="Six histogram panels of log10 magnitudes at the start, one outline per hidden layer: activations (top) and gradients (bottom) for weights too small, too large and at He's scale. Too large spreads the layers about tenfold apart in both rows; too small spreads its gradients so, while its activations shrink, then bunch together; at He's scale all five overlap." slideshow={"slide_type": "subslide"}
def log_magnitudes(values):
    """log10 |v| of the non-zero entries (the ReLU's zeros are counted above, not drawn)."""
    return values[values != 0].abs().log10()


fig, axes = plt.subplots(2, 3, figsize=(13.5, 6.4), sharex="row", sharey="row")
for row, (what, index) in enumerate((("activation", 0), ("gradient", 1))):
    every = torch.cat([log_magnitudes(pair[index]) for _, layers in statistics.values() for pair in layers])
    bins = torch.linspace(every.min().item(), every.max().item(), 100).numpy()  # the same bins in every panel
    for column, (name, (_, layers)) in enumerate(statistics.items()):
        for depth, pair in enumerate(layers, start=1):
            axes[row, column].hist(log_magnitudes(pair[index]).numpy(), bins=bins, histtype="step", lw=1.5,
                                   label=f"layer {depth}")
        axes[row, column].set_title(f"{name}: {what}s", fontsize=10)
        axes[row, column].set_xlabel(f"log10 |{what}|")
for row in range(2):
    axes[row, 0].set_ylabel("count")
axes[0, 2].legend(fontsize=8)
fig.suptitle("At the start, one batch: each hidden layer's activations (top) and their gradients (bottom)")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each histogram is one layer, on a log scale of magnitudes, so that a shift to the right by one unit means ten
# times larger. With σ = 0.01 the activations shrink through the first layers until the biases dominate them, and
# the gradients shrink by orders of magnitude on their way back to the first layer: its weights would barely move.
# The small weights also leave the sign of each unit to its bias, so the units with a negative bias are dead for
# every image: about half of each of the last three layers. With σ = 1 every layer makes the activations about ten
# times larger, the loss at start is enormous, and the gradients grow by orders of magnitude towards the first
# layer: the first step would throw the weights far away. With He's scale, both histograms and the printed standard
# deviations stay put from layer to layer, which is what "keeps the activations at the scale of the inputs" means.
# Its few dead units are units whose random weights happen to point away from all 256 images; they are a small
# share. `nn.init.kaiming_normal_` gives He's start, and batch normalization (introduced in notebook 10, opened up
# in notebook 11) makes the start matter much less.
#
# <details><summary>Going further: why about 0.8, and PyTorch's own default</summary>
#
# The He activations' standard deviations sit below 1 because He keeps the root mean square of the activations at
# the inputs', not their standard deviation, and a ReLU output, never negative, has a mean above zero, so its
# standard deviation is below its root mean square. The dead units are as many as with σ = 1, since there too the
# biases hardly count. PyTorch's own default for `nn.Linear`, which `MLP` uses, is a uniform draw with standard
# deviation $1/\sqrt{3\,\text{fan-in}}$, less than half of He's: harmless for the one hidden layer of this
# notebook, but a deep plain network would shrink its activations layer by layer.
# </details>
#
# **Overfit one batch.** Before a long training run, check that the model, the loss and the optimizer can learn at
# all: a fresh network trained on one small batch, say 64 images, should drive the loss to nearly zero and get
# every one of them right within a few hundred steps. If it cannot, something is broken (a wrong label, a missing
# `zero_grad()`, a learning rate far off), and no amount of data will fix it. This is not training, and says
# nothing about new images.

# %% slideshow={"slide_type": "subslide"}
seed_everything(0)
sanity_model = MLP((784, 500, 10)).to(dev)
sanity_optimizer = torch.optim.Adam(sanity_model.parameters(), lr=1e-3)
X_one, y_one = X_train[:64].to(dev), y_train[:64].to(dev)
for step in range(201):
    logits = sanity_model(X_one)
    one_batch_loss = F.cross_entropy(logits, y_one)
    if step in (0, 10, 25, 50, 100, 200):
        print(f"step {step:3d}: loss {one_batch_loss.item():.2e}, "
              f"accuracy on the 64 images {accuracy(logits.detach().cpu(), y_one.cpu()):.3f}")
    sanity_optimizer.zero_grad()
    one_batch_loss.backward()
    sanity_optimizer.step()
check(one_batch_loss.item() < 0.01 and accuracy(logits.detach().cpu(), y_one.cpu()) == 1.0,
      "a fresh network overfits one batch of 64 images: loss below 0.01, every image right")

# %% [markdown]
# <details><summary>Going further: width or depth on a small budget?</summary>
#
# Is it better to make the hidden layer wider, or to stack more layers? The code below trains several networks for
# the same short budget (two epochs on 10,000 images, Adam) and compares them on the validation set; the first has
# no hidden layer at all, it is notebook 05's linear classifier. Run it, then read the table and the two panels
# together. In our runs every hidden layer beat the linear model and each step in width helped; at a width of 128
# a second or third layer did not help on this budget, and the largest network, 2 × 512, came out on top at the
# highest cost, with most of its parameters again in the first layer. The seconds grow far more slowly than the
# parameter counts, because every batch also pays fixed costs that do not depend on the size of the network.
# Width buys accuracy most reliably for a fully connected network; depth pays off much more with layers built for
# images, the convolutions of notebooks 09 and 10.
#
# ```python
# from matplotlib.ticker import LogLocator, ScalarFormatter
#
# shapes = {"linear": (784, 10), "1 × 32": (784, 32, 10), "1 × 128": (784, 128, 10), "1 × 512": (784, 512, 10),
#           "2 × 128": (784, 128, 128, 10), "3 × 128": (784, 128, 128, 128, 10), "2 × 512": (784, 512, 512, 10)}
# n_small = pick(10_000, 2_000)
# comparison = {}
# for name, sizes in shapes.items():
#     seed_everything(0)
#     width_model = MLP(sizes).to(dev)
#     width_optimizer = torch.optim.Adam(width_model.parameters(), lr=1e-3)
#     width_batches = TensorBatches(X_train[:n_small], y_train[:n_small], batch_size=128, seed=0, device=dev)
#     width_history = fit(width_model, width_optimizer, width_batches, epochs=pick(2, 1), val=(X_val, y_val),
#                         verbose=False)  # scored on validation
#     comparison[name] = {"parameters": count_parameters(width_model), "seconds": width_history.seconds,
#                         "accuracy": width_history.last["val_accuracy"]}
# print(f"{'network':9s} {'parameters':>10s} {'seconds':>8s} {'validation accuracy':>20s}")
# for name, row in comparison.items():
#     print(f"{name:9s} {row['parameters']:>10,} {row['seconds']:>8.2f} {row['accuracy']:>20.4f}")
#
# fig, axes = plt.subplots(1, 2, figsize=(12, 4))
# for ax, key, label in ((axes[0], "parameters", "parameters (log scale)"),
#                        (axes[1], "seconds", "training seconds (log scale)")):
#     for (name, row), colour in zip(comparison.items(), plt.get_cmap("tab10").colors):
#         marker = {0: "X", 1: "o"}.get(len(shapes[name]) - 2, "s")  # by the number of hidden layers
#         ax.scatter(row[key], row["accuracy"], color=colour, marker=marker, s=60, label=name)
#     ax.set_xscale("log")
#     ax.xaxis.set_minor_locator(LogLocator(subs="all"))  # minor ticks without labels: they would overlap
#     ax.xaxis.set_minor_formatter("")
#     ax.xaxis.set_major_formatter(ScalarFormatter())  # 0.1, 1, 10 rather than 10^-1, 10^0, 10^1
#     ax.set_xlabel(label)
#     ax.set_ylabel("validation accuracy")
#     ax.grid(alpha=0.3)
# axes[1].legend(title="hidden layers × width", loc="center left", bbox_to_anchor=(1.02, 0.5))
# fig.suptitle("What width and depth buy on a small budget (X: no hidden layer, circles: one, squares: more)")
# fig.tight_layout()
# ```
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Overfitting, made visible
#
# A network with hundreds of thousands of parameters can simply memorize a small training set. To see it happen,
# train the 784-500-10 network on just 1,000 images for many epochs, and after every epoch measure the loss and
# accuracy on those training images *and* on validation images it never trains on (both in evaluation mode,
# which switches dropout off; explained below).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before revealing the curves, ask the room to sketch how the training loss and the validation
# loss will move over the epochs on 1,000 images. Many expect the validation loss to fall along with the training
# loss; the middle panel shows it turning upwards. Then ask where they would stop training, and compare with the epoch
# of the lowest validation loss printed after the figure.

# %% alt="Three line plots against epoch for 784-500-10 on 1,000 training images: the training loss (log scale) falls steadily; the validation loss drops to its lowest within the first few epochs, then rises; in the accuracy panel, training (dashed) reaches 1.0 while validation (solid) levels off just below 0.9." slideshow={"slide_type": "subslide"} tags=["slides-hide-input"]
n_small_train, epochs_small = pick(1_000, 500), pick(30, 5)


def train_and_track(dropout=0.0, weight_decay=0.0, n=n_small_train, epochs=epochs_small):
    """Train MLP(784-500-10) on n training images; after every epoch evaluate it on them and on validation images."""
    seed_everything(0)
    model = MLP((784, 500, 10), dropout=dropout).to(dev)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=weight_decay)
    batches = TensorBatches(X_train[:n], y_train[:n], batch_size=100, seed=0, device=dev)
    rows = []
    for epoch in range(1, epochs + 1):
        fit(model, optimizer, batches, epochs=1, verbose=False)
        train, val = evaluate(model, X_train[:n], y_train[:n]), evaluate(model, X_val[:2_000], y_val[:2_000])
        rows.append({"epoch": epoch, "train_loss": train["loss"], "val_loss": val["loss"],
                     "train_accuracy": train["accuracy"], "val_accuracy": val["accuracy"]})
    return rows


def plot_overfitting(runs, title):
    """Per epoch: training loss, validation loss, and accuracy (training dashed, validation solid); a colour per run."""
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 5.2))
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
    axes[0].legend(fontsize=9)
    axes[2].legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


runs = {"no regularization": train_and_track()}
fig = plot_overfitting(runs, "784-500-10 on 1,000 training images")


# %% slideshow={"slide_type": "subslide"}
def report(runs):
    """Final training and validation accuracy per run, the gap between them, and where validation loss bottomed out."""
    for name, rows in runs.items():
        best = min(rows, key=lambda r: r["val_loss"])
        print(f"{name:18s} train acc {rows[-1]['train_accuracy']:.3f}  val acc {rows[-1]['val_accuracy']:.3f}  "
              f"gap {rows[-1]['train_accuracy'] - rows[-1]['val_accuracy']:.3f}  | val loss lowest at epoch "
              f"{best['epoch']} ({best['val_loss']:.3f}), last {rows[-1]['val_loss']:.3f}")


report(runs)

# %% [markdown] slideshow={"slide_type": "subslide"}
# That is **[overfitting](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#overfitting)**: the training loss keeps falling towards zero and the training accuracy reaches
# 100%, while the validation loss stops improving after a few epochs and then *rises* (the middle panel). The
# network has stopped learning about digits and started memorizing these particular images, and its growing
# confidence makes its mistakes on new images ever more expensive.
#
# The simplest remedy is already in the middle panel: stop training where the validation loss is lowest (the
# epoch printed above) and keep the weights from that epoch. That is **early stopping**, and it is chosen on the
# validation images, never on the test set. Choose the measure you stop on by what you care about: here the
# validation accuracy (right panel) still creeps up for a while after the loss is lowest, while the network grows
# ever more confident, so that each mistake costs more.
#
# Two standard remedies:
#
# - **[Weight decay](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#weight-decay)** adds $\frac{\lambda}{2}\lVert w \rVert^2$ to the loss, so the gradient gains $\lambda w$
#   and every step also shrinks the weights a little. Large weights are needed to fit every quirk of the
#   training set exactly; keeping them small favours smoother functions. In `torch.optim` it is the
#   `weight_decay=λ` argument.
# - **[Dropout](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#dropout)** sets each hidden activation to zero with probability $p$ during training (and scales the
#   survivors by $1/(1-p)$ so the expected sum is unchanged: "inverted" dropout). No unit can rely on any other
#   being there, so the network must spread what it knows over many units, a bit like training many thinned
#   networks that share their weights, and averaging them at evaluation, where dropout is switched off.
#
# Dropout is three lines: draw a random mask that keeps each unit with probability $1 - p$, multiply, rescale.

# %% slideshow={"slide_type": "subslide"}
def dropout(H, p, training=True):
    """Inverted dropout: zero each entry with probability p, scale the survivors by 1/(1-p); identity in evaluation."""
    if not training or p == 0:
        return H
    keep = (torch.rand_like(H) > p).float()  # 1 with probability 1 - p
    return H * keep / (1 - p)


seed_everything(0)
H_demo = torch.relu(torch.randn(2000, 500))
H_dropped = dropout(H_demo, 0.5)
survivors = H_dropped != 0
assert torch.allclose(H_dropped[survivors], H_demo[survivors] / 0.5)  # survivors are scaled by 1/(1-p)
assert torch.equal(dropout(H_demo, 0.5, training=False), H_demo)
print(f"share of active units set to zero: {1 - survivors.sum().item() / (H_demo != 0).sum().item():.3f} (p = 0.5)")
print(f"mean activation: before {H_demo.mean():.4f}, after dropout {H_dropped.mean():.4f} (unchanged on average)")
layer = nn.Dropout(0.5)
H_torch = layer(H_demo)
torch_survivors = H_torch != 0
assert torch.allclose(H_torch[torch_survivors], H_demo[torch_survivors] / 0.5)
print(f"nn.Dropout(0.5) does the same: zero share {1 - torch_survivors.sum().item() / (H_demo != 0).sum().item():.3f}, "
      "survivors scaled by 2")

# %% [markdown] slideshow={"slide_type": "subslide"}
# `nn.Dropout(p)` is this function as a layer; `MLP(..., dropout=p)` puts one after each hidden ReLU. A module
# knows whether it is training: `model.train()` switches dropout on, `model.eval()` off (`fit` and `evaluate` do
# this for us), so in evaluation mode the network is deterministic again:

# %%
seed_everything(0)
dropout_net = MLP((784, 500, 10), dropout=0.5)
Xs = X_val[:8]
dropout_net.train()
train_mode_repeatable = torch.equal(dropout_net(Xs), dropout_net(Xs))
dropout_net.eval()
eval_mode_repeatable = torch.equal(dropout_net(Xs), dropout_net(Xs))

# %% tags=["nbval-check-output"]
print([type(m).__name__ for m in dropout_net.net])
print("training mode gives the same output twice:", train_mode_repeatable)
print("evaluation mode gives the same output twice:", eval_mode_repeatable)

# %% [markdown]
# The same 1,000 images and the same budget, with each remedy:

# %% alt="The same three panels for three runs: red no regularization, blue weight decay 5e-3, green dropout 0.5; dashed training, solid validation. Weight decay's training loss levels off instead of falling on, and its validation loss keeps falling to the end; dropout's validation loss stays below the unregularized one, which rises; every training accuracy reaches 1.0." slideshow={"slide_type": "subslide"}
runs["weight decay 5e-3"] = train_and_track(weight_decay=5e-3)
runs["dropout 0.5"] = train_and_track(dropout=0.5)
fig = plot_overfitting(runs, "The same training set, with and without regularization")
report(runs)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Look at the middle panel. With weight decay the validation loss no longer turns upwards: it keeps falling almost
# to the last epoch, and its training loss is not driven towards zero, because that would need ever-larger
# weights, which now cost something. Dropout reaches its lowest validation loss later than the unregularized
# network and stays below it from there on, although it too creeps up towards the end (the epochs are printed
# above). Its training loss, measured with dropout switched off, ends the lowest of all: the handicap applies only
# while training, and the full network fits these 1,000 images even more tightly. The accuracies move much less:
# all three networks still learn the 1,000 training images by heart.
# Regularization cannot replace data; it buys a model that gets worse more slowly, or not at all, the longer it
# trains.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The full network
#
# Now the whole training split, 50,000 images, with a recipe of the kind later notebooks use (momentum, a
# learning-rate schedule stepped after every batch, weight decay, a validation split):
#
# - SGD with **momentum** 0.9 (notebook 04), in Nesterov's variant (a collapsed aside below says how it differs);
# - a **cosine learning-rate schedule**: start at 0.2 and glide to zero, big steps to make progress early,
#   small ones to settle at the end;
# - weight decay 5e-4, and batches of 256, which keep the CPU's matrix routines busier than batches of 128.
#
# With fifty times more images than in the overfitting experiment, no dropout: whether dropout still pays at this
# data size is exercise 5, which answers it on the validation images. The run is watched on the validation images
# after every epoch, and only its final network meets the test set, once. The cell builds a fresh model and
# optimizer, so it can be re-run at any time.
#
# <details><summary>Going further: plain and Nesterov momentum</summary>
#
# PyTorch keeps a decaying *sum* of past gradients, $v \leftarrow 0.9\,v + g$. Plain momentum steps by
# $\eta\, v$; Nesterov's variant, used here, steps by $\eta\,(g + 0.9\,v)$, a look one step ahead. Where the
# gradient keeps pointing the same way, $v$ grows to $g / (1 - 0.9) = 10\,g$, so in both variants the step is
# about ten times a plain SGD step, as if the learning rate were $10\eta$; where it flips sign from step to step,
# the terms largely cancel. So a learning rate with momentum is not comparable with the same learning rate without
# it: compare runs that use the same optimizer.
# </details>

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the training cell, ask the room whether the first epoch's training accuracy can
# come out below its validation accuracy, and why; the cell's printout shows that it does, and the text after the figure
# explains it. The knob to turn live is `full_epochs`: the cosine schedule stretches with it, so compare the final
# validation accuracies rather than the shapes of the curves.

# %% slideshow={"slide_type": "subslide"}
def train_full(dropout_rate, epochs):
    """The full recipe on the training split, watched on the validation split; returns the model and its history."""
    seed_everything(0)
    net = MLP((784, 500, 10), dropout=dropout_rate).to(dev)
    batches = TensorBatches(X_train, y_train, batch_size=256, seed=0, device=dev)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2, momentum=0.9, nesterov=True, weight_decay=5e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(batches))
    return net, fit(net, optimizer, batches, epochs=epochs, val=(X_val, y_val), scheduler=scheduler)


full_epochs = pick(8, 1)
final_model, final_history = train_full(0.0, full_epochs)

# %% alt="Three line plots against epoch for 784-500-10 on the full training split: the training loss falls towards zero; the training accuracy starts below where the validation accuracy starts and climbs to almost 1.0; the validation accuracy rises to about 0.98 and flattens over the last epochs." slideshow={"slide_type": "subslide"}
fig = plot_history({"784-500-10": final_history}, title="784-500-10 on the training split, watched on validation")

# %% [markdown] slideshow={"slide_type": "subslide"}
# In Jupyter, `fit` redraws its curves after every epoch; the figure above is the final version (left: the training
# loss, averaged over each epoch's batches as it trained). Read the first epoch: the training accuracy is *below*
# the validation accuracy. That is not a sign of anything wrong. The training accuracy `fit` prints is a running
# average over the epoch's batches, each scored by the
# network as it was at that moment, from its first clumsy steps on; the validation accuracy is measured once, after
# the epoch, by the finished epoch's network. Later epochs start from a good network, and the two accuracies meet
# and then cross as the network begins to fit its training images better than new ones. The curve flattens at the
# end whatever the budget, because the cosine schedule brings the learning rate to zero; to know whether more
# epochs would pay, raise `full_epochs` (the schedule stretches with it) and compare the final validation
# accuracies. Now the network meets the test set, once:

# %%
test_accuracy = evaluate(final_model, X_test, y_test)["accuracy"]
print(f"final network: test accuracy {test_accuracy:.4f}, "
      f"{round((1 - test_accuracy) * len(y_test))} test images wrong")
print(f"training time: {final_history.seconds:.1f} s for {full_epochs} epochs ({count_parameters(final_model):,} parameters)")
result = record("test accuracy", test_accuracy, 0.98)

# %% tags=["nbval-check-output"]
print(result.verdict)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What the hidden units look at
#
# Each of the 500 hidden units has 784 incoming weights, one per pixel, so, like the templates of notebook 05,
# each can be drawn as an image (red: ink here excites the unit, blue: it inhibits it). Below are the twenty
# units with the largest outgoing weights, the ones the output layer listens to most. Instead of ten whole-digit
# templates there are hundreds of partial detectors: pieces of strokes, blobs in one region, contrasts between
# neighbouring regions. The output layer combines them, and that combination is what a single template could not
# do.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** As this slide appears, before the room has read it, ask whether any of these twenty hidden
# units will look like a whole digit. None is a whole-digit template: they show pieces of strokes, blobs and contrasts,
# and the output layer combines them, which one template per class could not do.

# %% alt="Twenty heat maps of first-layer weights, one per hidden unit and titled with its number, red where ink excites the unit and blue where it inhibits it. None looks like a whole digit: they show pieces of strokes, blobs in one region and contrasts between neighbouring red and blue regions."
W1 = final_model.net[1].weight.detach().cpu()
W2 = final_model.net[-1].weight.detach().cpu()
top_units = W2.abs().sum(dim=0).argsort(descending=True)[:20]
clip = W1[top_units].abs().quantile(0.99, dim=1, keepdim=True)  # a few extreme pixels would set the colour scale
fig = show_weights(W1[top_units].clamp(-clip, clip), titles=[f"unit {u}" for u in top_units.tolist()],
                   title="First-layer weights of the 20 most influential hidden units")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# The measured numbers, in one place:

# %% slideshow={"slide_type": "subslide"}
print(f"toy rings, training accuracy: linear {toy_models['linear'][1]:.2f}, 4 ReLU units "
      f"{toy_models['4 ReLU units'][1]:.2f}, 32 ReLU units {toy_models['32 ReLU units'][1]:.2f}")
print(f"backpropagation by hand vs autograd: largest difference {backprop_gap:.1e}")
print(f"raw-tensor network, one epoch of plain SGD: validation accuracy {raw_accuracy:.4f}")
print(f"constant start, 20 steps: {torch.unique(W1_constant, dim=0).shape[0]} distinct hidden unit(s) of 500")
for name, (_, layers) in statistics.items():
    print(f"5 hidden layers, {name}: activation std from layer 1 to 5 {layers[0][0].std():.2g} -> "
          f"{layers[-1][0].std():.2g}, gradient std {layers[0][1].std():.2g} -> {layers[-1][1].std():.2g}, "
          f"dead ReLUs {sum(int((H == 0).all(dim=0).sum()) for H, _ in layers)} of {5 * 256}")
print(f"overfitting one batch of 64 images: loss {one_batch_loss.item():.2e} after 200 steps")
for name, rows in runs.items():
    print(f"overfitting on {n_small_train:,} images, {name}: final validation loss {rows[-1]['val_loss']:.3f}, "
          f"accuracy {rows[-1]['val_accuracy']:.3f}")
print(f"full recipe: validation accuracy {final_history.last['val_accuracy']:.4f}")
print(f"final network: test accuracy {test_accuracy:.4f} "
      f"after {final_history.seconds:.1f} s of training")

# %% [markdown] slideshow={"slide_type": "subslide"}
# - A linear classifier can only draw straight borders. A hidden layer of ReLU units bends them: each unit adds a
#   ramp along its own line, the output adds the ramps up, and the border can bend wherever it crosses one of
#   those lines, so it can have more sides than there are units. Without the nonlinearity, stacked linear
#   layers collapse into one.
# - The 784-500-10 network is two matrix products and a ReLU. Its gradient is backpropagation: the chain rule
#   applied one layer at a time, $G$, then $G W_2$, then the ReLU's mask; written by hand it matched autograd.
#   Written with raw tensors or as an `nn.Module`, it is the same function; `MLP` in the package is the general
#   version. Almost all of its parameters are in the first layer.
# - The start matters. From a constant start every hidden unit stays identical, so the weights start random.
#   Their scale compounds layer by layer: too small and activations and gradients vanish (and the biases kill many
#   units), too large and they explode; He's $\sqrt{2/\text{fan-in}}$ keeps both steady. Per-layer histograms and
#   a count of dead ReLUs show which case a network is in; overfitting one batch checks that it can learn at all.
# - With too little data the network memorizes: training loss falls to nearly zero while validation loss
#   rises. Early stopping, weight decay and dropout (itself three lines: a random mask and a rescale) curb it; more
#   data cures it.
# - With momentum, a cosine schedule and weight decay, watched on the validation images, the full network clears
#   the 98% target on the test set, scored once, after a few epochs on a CPU (accuracy and seconds printed above).
#   The remaining errors need a model that knows that pixels have neighbours: convolutions, from notebook 09.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# The exercises whose answer is a value, a tensor or a function check it for you: run
# `from mnist_course.exercises import notebook06 as ex` once, then the check the exercise names, such as
# `ex.q2.check(...)`, prints "Correct" or what is still wrong; `ex.q2.hint()` gives a hint and
# `ex.q2.solution()` says where the solution is. The other exercises are open: compare your answer with the
# sample answer under them.
#
# 1. Train the toy rings with only 2 hidden ReLU units, for seeds 0, 1 and 2. Plot the decision regions. Why
#    can two units never enclose the disk, and why might one seed do even worse than the others?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
#    for seed, ax in zip(range(3), axes):
#        seed_everything(seed)
#        two_unit_net = hidden_net(2)
#        two_unit_accuracy = train_toy(two_unit_net)
#        plot_regions(ax, two_unit_net, f"seed {seed}: accuracy {two_unit_accuracy:.2f}", unit_lines=True)
#        with torch.no_grad():
#            dead_units = int((two_unit_net[:2](X_toy) == 0).all(dim=0).sum())  # zero on all 400 points
#        print(f"seed {seed}: training accuracy {two_unit_accuracy:.2f}, dead units {dead_units} of 2")
#    ```
#    Walk along the first unit's line direction: that unit's value does not change, so the difference of the
#    two class scores changes only through the second unit's ramp, which never turns back. In one of the two
#    directions the difference therefore never decreases, so from the disk's centre the class-0 region runs off
#    to infinity and cannot close around the disk: at best the border cuts off a wedge or a strip. A seed can
#    also do worse because a ReLU unit that is zero on all the points gets zero gradient and never recovers (a
#    dead unit, as in the initialization section): a seed whose printout shows a dead unit is left with a single
#    ramp, one straight border at best.
#    </details>
#
# 2. Initialize the raw-tensor network with all weights zero instead of He initialization and train one epoch.
#    What accuracy do you get, and why? Compare with the constant start of the initialization section. Which of
#    W1, b1, W2, b2 move away from zero? Predict it, then check the list of their names with `ex.q2.check(moved)`;
#    `ex.q2.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook06 as ex
#
#    params_zero = [torch.zeros_like(p).requires_grad_() for p in initial]
#    for xb, yb in TensorBatches(X_train, y_train, batch_size=128, seed=0, device=dev):
#        F.cross_entropy(forward(xb, params_zero), yb).backward()
#        with torch.no_grad():
#            for p in params_zero:
#                p -= 0.1 * p.grad
#                p.grad = None
#    with torch.no_grad():
#        zero_accuracy = accuracy(forward(X_val.to(dev), params_zero).cpu(), y_val)
#    print(f"validation accuracy {zero_accuracy:.4f} | share of 1s among the validation digits "
#          f"{(y_val == 1).float().mean():.4f}")
#    moved = [name for name, p in zip(["W1", "b1", "W2", "b2"], params_zero) if p.abs().max() > 0]
#    print("parameters that moved away from zero:", moved)
#    ex.q2.check(moved)
#    ```
#    The accuracy is exactly the share of the most common digit, 1, among the validation images (both printed).
#    With $W_1 = 0$ every hidden activation is 0, so the gradient for $W_2$ ($\propto H$) is zero; with $W_2 = 0$
#    the gradient reaching $H$, and so $W_1$ and $b_1$, is zero too. Only $b_2$ learns (the printout lists it
#    alone), and a bias can only learn which digit is most common. The constant start is a milder failure: its
#    gradients are not zero, the weights move, but all hidden units move together.
#    </details>
#
# 3. Replace `torch.relu` in `forward` by the identity (`H = X @ W1.T + b1`) and train one epoch from the same
#    initial weights. Compare with the ReLU network and with notebook 05. Check your forward pass, written as
#    `forward_linear(X, params)`, with `ex.q3.check(forward_linear)`; `ex.q3.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook06 as ex
#
#    def forward_linear(X, params):
#        W1, b1, W2, b2 = params
#        return (X @ W1.T + b1) @ W2.T + b2
#
#    params_linear = [p.clone().requires_grad_() for p in initial]
#    for xb, yb in TensorBatches(X_train, y_train, batch_size=128, seed=0, device=dev):
#        F.cross_entropy(forward_linear(xb, params_linear), yb).backward()
#        with torch.no_grad():
#            for p in params_linear:
#                p -= 0.1 * p.grad
#                p.grad = None
#    linear_accuracy = accuracy(forward_linear(X_val.to(dev), params_linear).detach().cpu(), y_val)
#    print(f"one epoch, validation accuracy: without the ReLU {linear_accuracy:.4f}, with it {raw_accuracy:.4f}")
#    ex.q3.check(forward_linear)
#    ```
#    Without the ReLU it lands in the range of notebook 05's linear classifier (about 92% after ten epochs there)
#    and well below the ReLU network after the same epoch (both printed), despite having the same 397,510
#    parameters: the product of the two matrices is just one 10×784 matrix.
#    </details>
#
# 4. **Linear scaling, like with like.** Train the 784-500-10 network for one epoch with the same optimizer every
#    time (SGD with Nesterov momentum 0.9, no schedule): batches of 128 at learning rate 0.05, then batches of 256
#    and of 512, once with the learning rate kept at 0.05 and once scaled with the batch (0.1 and 0.2). Print the
#    seconds and the validation accuracy. What does a larger batch buy, and what does the scaled rate give back?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    for batch_size, lr in ((128, 0.05), (256, 0.05), (256, 0.1), (512, 0.05), (512, 0.2)):
#        seed_everything(0)
#        m = MLP((784, 500, 10)).to(dev)
#        opt = torch.optim.SGD(m.parameters(), lr=lr, momentum=0.9, nesterov=True)
#        h = fit(m, opt, TensorBatches(X_train, y_train, batch_size=batch_size, seed=0, device=dev),
#                val=(X_val, y_val), verbose=False)
#        print(f"batch {batch_size}, learning rate {lr}: {h.seconds:.1f} s, "
#              f"validation accuracy {h.last['val_accuracy']:.4f}")
#    ```
#    A larger batch makes an epoch somewhat cheaper (the seconds are printed; on a CPU the gain is modest), but
#    with the learning rate kept, each doubling halves the number of steps, and the accuracy after the epoch
#    drops, by more at 512 than at 256. Scaling the learning rate with the batch is meant to give that back:
#    compare each scaled run with the kept one of the same batch size, and with the batches of 128. The rule holds
#    for batches that are not too large; far beyond, the scaled steps get too big to be stable, and practitioners add a warm-up (notebook 10's one-cycle
#    schedule starts with one).
#    </details>
#
# 5. **Does dropout pay on 50,000 images?** On 1,000 images dropout 0.5 helped the validation loss. Train the full
#    recipe (`train_full`) with dropout 0.2 and 0.5 as well, and compare the final validation accuracies with the
#    run above, in validation images. Which rate would you choose, and how sure can you be?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    dropout_runs = {0.0: final_history}
#    for rate in (0.2, 0.5):
#        print(f"dropout {rate}:")
#        dropout_runs[rate] = train_full(rate, full_epochs)[1]
#    for rate, h in dropout_runs.items():
#        gain = round((h.last["val_accuracy"] - final_history.last["val_accuracy"]) * len(y_val))
#        print(f"dropout {rate}: validation accuracy {h.last['val_accuracy']:.4f} ({gain:+d} images against no "
#              f"dropout), final training loss {h.last['loss']:.4f} (measured with dropout on)")
#    fig = plot_history({f"dropout {rate}": h for rate, h in dropout_runs.items()}, title="The dropout sweep")
#    ```
#    One validation image is 0.0001 of accuracy, so read the printed differences in images: two runs a few images
#    apart are a tie, and picking between them is a coin toss that another seed could reverse. The training loss
#    rises with the rate (dropout handicaps training on purpose), and within eight epochs a rate as high as 0.5
#    leaves the network too little time to learn around that much noise. With fifty times more data than in the
#    overfitting experiment, there is much less overfitting for dropout to cure: the validation images decide,
#    and a tie goes to the simpler, faster recipe.
#    </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questionnaire
#
# Answer each question in your own words first, then open the answer to compare.
#
# 1. Why can no linear classifier separate the disk from the ring around it, however long it trains?
#
#    <details><summary>Answer</summary>
#
#    Its border between two classes is where their scores tie, $(w_0 - w_1) \cdot x + (b_0 - b_1) = 0$: a straight
#    line in the plane. The ring surrounds the disk on every side, so whichever line it draws, ring points remain on
#    the disk's side. Trained with cross-entropy it settles on an almost useless line, about half the points right.
#    </details>
#
# 2. How does a hidden layer of ReLU units bend the border, and where can the border have its corners?
#
#    <details><summary>Answer</summary>
#
#    Each unit is zero on one side of its own line and rises like a ramp on the other; the output layer adds these
#    ramps up, each with its own weight. Between the units' lines the class scores are linear, so the border is
#    straight there, and it can bend only where it crosses one of those lines. More units give more lines, hence more
#    corners and a rounder border.
#    </details>
#
# 3. Why is the nonlinearity essential? What do two stacked linear layers without it compute?
#
#    <details><summary>Answer</summary>
#
#    One linear function: $W_2(W_1 x + b_1) + b_2 = (W_2 W_1) x + (W_2 b_1 + b_2)$. However many linear layers are
#    stacked, they collapse into a single one, and the notebook's trained stack did no better than the linear model.
#    </details>
#
# 4. When backpropagation passes the gradient back through a ReLU, what happens to it, and what does that mean for a
#    unit that is off for every image?
#
#    <details><summary>Answer</summary>
#
#    The ReLU's slope is 1 where the unit was on and 0 where it was off, so the gradient is passed through unchanged
#    where the unit was on and blocked where it was off: a mask. A unit that is off for every image of a batch (a
#    dead ReLU) gets no gradient from any of them, so those images cannot change its incoming weights.
#    </details>
#
# 5. Almost all the parameters of the 784-500-10 network sit in its first layer. Why?
#
#    <details><summary>Answer</summary>
#
#    The first layer has 500 weights for each of the 784 pixels, while the output layer has only 10 for each of the
#    500 hidden units. That first weight matrix is where the model's capacity, and most of its computing time, goes.
#    </details>
#
# 6. Started from a constant, all 500 hidden units stay identical, however long the network trains. Why, and what
#    is the network then worth?
#
#    <details><summary>Answer</summary>
#
#    Identical units compute the same function of every image, so backpropagation hands each of them the same
#    gradient, and after every step they are still equal. The 500 units act as one: a single number per image, from
#    which the output layer must tell ten digits apart. A random start breaks the tie.
#    </details>
#
# 7. In a deep network, why does the scale of the random start matter so much, and what does He's
#    $\sqrt{2/\text{fan-in}}$ achieve?
#
#    <details><summary>Answer</summary>
#
#    Each layer multiplies by a weight matrix, so the activations grow or shrink by roughly the same factor at every
#    layer, and the factors compound; the gradients do the same on their way back. Too small a scale makes both
#    vanish (and leaves the sign of many units to their biases, killing them); too large a scale makes them explode.
#    He's scale makes the factor about 1, the 2 making up for the ReLU zeroing about half of the units, so
#    activations and gradients keep their size from layer to layer.
#    </details>
#
# 8. Why train a fresh network on a single batch of 64 images before a long run, and what does success *not* tell
#    you?
#
#    <details><summary>Answer</summary>
#
#    It checks that the model, the loss and the optimizer can learn at all: they should drive the loss to nearly
#    zero and get every image right. If they cannot, something is broken (a wrong label, a missing `zero_grad()`, a
#    learning rate far off), and more data will not fix it. Success says nothing about new images: it is
#    memorising, not training.
#    </details>
#
# 9. On 1,000 training images, what do the curves look like when the network overfits, and what is early stopping?
#
#    <details><summary>Answer</summary>
#
#    The training loss keeps falling towards zero and the training accuracy reaches its ceiling, while the
#    validation loss stops improving after a few epochs and then rises: the network memorizes these images, and its
#    growing confidence makes its mistakes on new ones ever more expensive. Early stopping keeps the weights from
#    the epoch where the validation loss was lowest, chosen on the validation images, never on the test set.
#    </details>
#
# 10. How do weight decay and dropout each curb overfitting, and why does dropout scale the surviving activations by
#     $1/(1-p)$?
#
#     <details><summary>Answer</summary>
#
#     Weight decay adds $\lambda w$ to every gradient, so each step also shrinks the weights; fitting every quirk of
#     the training images needs large weights, which now cost something. Dropout zeroes each hidden activation with
#     probability $p$ during training, so no unit can rely on any other and what the network knows is spread over
#     many units. Scaling the survivors keeps the expected sum unchanged, so the next layer sees activations of the
#     same size on average in training and at evaluation, when dropout is switched off.
#     </details>
#
# 11. In the first epoch of the full run, the training accuracy is below the validation accuracy. Is something
#     wrong?
#
#     <details><summary>Answer</summary>
#
#     No. The training accuracy `fit` prints is a running average over the epoch's batches, each scored by the
#     network as it was at that moment, from its first clumsy steps on. The validation accuracy is measured once,
#     after the epoch, by the finished network.
#     </details>
#
# 12. The first-layer weights of the most influential hidden units look like pieces of strokes and blobs, not like
#     notebook 05's ten digit templates. Why is that an advantage?
#
#     <details><summary>Answer</summary>
#
#     Instead of one whole-digit template per class there are hundreds of partial detectors, and the output layer
#     combines them: a digit can be recognized from several of its parts, in several styles, which a single template
#     per class cannot do.
#     </details>
