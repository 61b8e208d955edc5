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
# # 04 · Optimization
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/04_optimization.ipynb)
#
# *Runs in under half a minute on a 2-core CPU (last full run).*
#
# In notebook 01 a random walk trained a digit classifier by trial and error: every step cost a pass over the
# training images and told us only "better" or "not better". This notebook computes the **gradient**, which
# tells in one pass how to change every weight at once, and uses it to go downhill.
#
# **You will learn**
#
# - what a **gradient** is, how to compute it by finite differences and by autograd, and how to check one
#   against the other;
# - gradient descent, the workhorse of **optimization**, on a curve and on a surface, and how the learning
#   rate makes it crawl, converge or blow up;
# - how momentum and Adam get through a narrow valley where plain gradient descent crawls;
# - what autograd does inside: the graph a loss records (`grad_fn`), why `.grad` adds up until it is cleared
#   (`zero_grad`) and what `torch.no_grad()` is for, and how to build a tiny autograd engine of your own and
#   check it against PyTorch's;
# - why gradient descent wants standardized inputs, measured: the same learning rate on raw, [0, 1] and
#   standardized pixels;
# - to train notebook 01's linear scorer by gradient descent, and to beat the random walk at an equal
#   number of steps.

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

from mnist_course.data import load_splits, mean_std, standardize
from mnist_course.plot import show_weights
from mnist_course.results import check, record
from mnist_course.search import linear_accuracy, random_walk
from mnist_course.settings import device, pick, seed_everything

seed_everything(0)
dev = device()
# The functions here are tiny and the MNIST part runs notebook 01's random walk again on a new subset (same seed
# and settings), which notebook 01 ran on the CPU: we stay on the CPU.
print(f"fastest device here: {dev}; this notebook computes on the CPU")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **[Optimization](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#optimization)** means finding the input that makes a function as small as possible (or as large). In
# machine learning the input is the model's weights and the function is a *[loss](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#loss)* that measures how wrong
# the model is. We start with functions of one and two numbers, where we can draw everything.
#
# ## 1. The derivative, by finite differences and by autograd
#
# The derivative $f'(x)$ is the slope of $f$ at $x$: how much $f$ changes per unit change of $x$. Without
# calculus we can estimate it by nudging $x$ a tiny amount $h$ both ways, a **finite difference**:
#
# $$f'(x) \approx \frac{f(x+h) - f(x-h)}{2h}.$$
#
# PyTorch's **[autograd](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#autograd)** instead computes derivatives with no approximation beyond float rounding: it records
# the operations that produced a result and applies the chain rule (if $y$ depends on $u$ and $u$ on $x$, then
# $dy/dx = dy/du \cdot du/dx$) backwards through them. Our test function has
# a shallow minimum on the right and a deeper one on the left: $f(x) = x^4 - 3x^2 + x$.
#
# In code: create the input with `requires_grad=True`, call `.backward()` on the result, and read the slope in
# the input's `.grad`; `.detach()` gives the same numbers without the recording (section 4 opens all this up).
# We compute in float64 (double precision) so that rounding stays far below the errors we measure.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room how large they expect each error to be. The slide
# says autograd is exact up to float rounding, but how far off is a finite difference with a tiny h: in an early digit,
# or only in a late one? The printout answers it. A common misconception is that autograd is a finite difference with a
# very small h; it applies the chain rule to the recorded operations, so only float rounding limits it. When the figure
# appears, have the room explain in their own words why the error in its right panel stops falling and rises again as h
# shrinks.

# %% slideshow={"slide_type": "subslide"}
def f(x):
    return x**4 - 3 * x**2 + x


def finite_difference(f, x, h=1e-5):
    """Central difference: the slope of the chord from x - h to x + h."""
    return (f(x + h) - f(x - h)) / (2 * h)


xs = torch.linspace(-2, 2, 201, dtype=torch.float64, requires_grad=True)
f(xs).sum().backward()  # each f(x_i) depends on x_i only, so d(sum)/dx_i = f'(x_i)
slope_autograd = xs.grad
slope_fd = finite_difference(f, xs.detach())
slope_exact = 4 * xs.detach() ** 3 - 6 * xs.detach() + 1  # by hand, for reference

err_fd = (slope_fd - slope_exact).abs().max().item()
err_autograd = (slope_autograd - slope_exact).abs().max().item()
print(f"max |finite difference - exact| = {err_fd:.1e}")
print(f"max |autograd - exact|          = {err_autograd:.1e}")

# %% [markdown]
# Checking a gradient against finite differences is called a **gradient check**: it is how you test
# hand-written derivatives. A small disagreement is normal, because $h$ cannot be made arbitrarily small:
# too large and the curve bends away from its tangent between $x - h$ and $x + h$, so the chord's slope is off
# (error falling like $h^2$); too small and the subtraction $f(x+h) - f(x-h)$ loses its digits to rounding (error
# growing like $1/h$): both branches show in the right panel of the figure below.

# %% tags=["nbval-check-output"]
print("gradient check passed (finite differences < 1e-6, autograd < 1e-9):", err_fd < 1e-6 and err_autograd < 1e-9)

# %% alt="Left: the curve f(x) = x\u2074 \u2212 3x\u00b2 + x, with a deep minimum on the left, a shallow one on the right, and red tangents at four points labelled with their autograd slopes. Right: log-log plot of the finite-difference error at x = 1 against h, falling straight as h shrinks, then rising again, jagged, for the smallest h." slideshow={"slide_type": "subslide"} tags=["slides-hide-input"]
fig, (ax_f, ax_h) = plt.subplots(1, 2, figsize=(12, 4))
x_plot = xs.detach()
ax_f.plot(x_plot, f(x_plot), color="black", label="f(x) = x⁴ − 3x² + x")
for x0 in (-1.5, -0.5, 0.6, 1.6):
    i = int((x_plot - x0).abs().argmin())
    x0, y0, s0 = x_plot[i].item(), f(x_plot[i]).item(), slope_autograd[i].item()
    ax_f.plot([x0 - 0.35, x0 + 0.35], [y0 - 0.35 * s0, y0 + 0.35 * s0], color="tab:red", lw=2)
    side = 1 if s0 > 0 else -1  # beside the point, on the side below the tangent line
    ax_f.annotate(f"slope {s0:.1f}", (x0, y0), xytext=(10 * side, -6), textcoords="offset points",
                  ha="left" if side > 0 else "right", fontsize=8,
                  bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})
ax_f.plot([], [], color="tab:red", lw=2, label="tangent (slope from autograd)")
ax_f.set(title="The derivative is the slope of the tangent", xlabel="x", ylabel="f(x)", ylim=(-4, 6))
ax_f.legend(loc="upper center")

x0 = torch.tensor(1.0, dtype=torch.float64)
exact0 = 4 * x0**3 - 6 * x0 + 1
hs = torch.logspace(-13, -1, 49, dtype=torch.float64)
errors = [(finite_difference(f, x0, h) - exact0).abs().item() for h in hs]
ax_h.loglog(hs, [max(e, 1e-17) for e in errors], marker=".", color="tab:blue")
ax_h.set(title="Finite-difference error at x = 1 against the nudge h", xlabel="h", ylabel="|error|")
ax_h.grid(alpha=0.3, which="both")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The gradient: one slope per coordinate
#
# For a function of several variables, the **[gradient](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#gradient)** collects one slope per coordinate: for
# $g(x, y)$ it is the vector $\nabla g = (\partial g/\partial x,\; \partial g/\partial y)$, where each
# partial derivative nudges one coordinate and holds the others still. The gradient points in the
# direction of steepest ascent, and its length says how steep that is. We check autograd against finite
# differences on Himmelblau's function, a classic test surface with four minima (`torch.autograd.grad(output,
# input)` returns the gradient instead of storing it in `.grad` as `backward()` did; it returns a tuple with one
# gradient per input, hence `(grad_auto,) = …`):
# $g(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2$.

# %% slideshow={"slide_type": "subslide"}
def himmelblau(p):
    x, y = p[0], p[1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def numerical_gradient(g, p, h=1e-6):
    """Finite differences, one coordinate at a time."""
    grad = torch.zeros_like(p)
    for i in range(len(p)):
        step = torch.zeros_like(p)
        step[i] = h
        grad[i] = (g(p + step) - g(p - step)) / (2 * h)
    return grad


points = torch.tensor([[0.0, 0.0], [1.0, -2.0], [-3.0, 2.5], [2.0, 2.0]], dtype=torch.float64)
max_error = 0.0
for p in points:
    p = p.clone().requires_grad_()
    (grad_auto,) = torch.autograd.grad(himmelblau(p), p)
    grad_num = numerical_gradient(himmelblau, p.detach())
    max_error = max(max_error, (grad_auto - grad_num).abs().max().item())
    print(f"at {p.detach().tolist()}: autograd {[round(v, 4) for v in grad_auto.tolist()]}, "
          f"finite differences {[round(v, 4) for v in grad_num.tolist()]}")
print(f"gradient check: max error {max_error:.1e}")

# %% tags=["nbval-check-output"]
print("2-D gradient check passed (max error < 1e-5):", max_error < 1e-5)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Gradient descent
#
# The gradient points uphill, so a small step against it goes downhill. **[Gradient descent](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#gradient-descent)** repeats
#
# $$p \leftarrow p - \eta\, \nabla f(p),$$
#
# where $\eta$ (eta), the **[learning rate](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#learning-rate)**, sets the step size. Each step costs one gradient, so one
# function evaluation plus autograd's backward pass. The function below works for a single number and for
# a vector alike; it returns the whole path so we can draw it.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room to predict which valley gradient descent ends in
# from each of the three starting points. Many expect it to find the deepest minimum; it only follows the slope where
# it stands, so a start just right of the hump ends in the shallow minimum. Live knob: add a start of your own to
# `starts` in the Himmelblau cell and re-run; its path rolls towards the minimum of whichever basin it starts in.

# %%
def gradient_descent(f, start, lr, steps):
    """Plain gradient descent from `start`; returns the points visited, one row per step."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    path = [p.detach().clone()]
    for _ in range(steps):
        (grad,) = torch.autograd.grad(f(p), p)
        with torch.no_grad():  # the update itself must not be recorded by autograd
            p -= lr * grad
        path.append(p.detach().clone())
    return torch.stack(path)


paths_1d = {start: gradient_descent(f, start, lr=0.02, steps=60) for start in (-0.3, 0.3, 2.0)}
for start, path in paths_1d.items():
    end = path[-1].item()
    print(f"start {start:+.1f} -> x = {end:+.4f}, f(x) = {f(path[-1]).item():+.4f}, slope {finite_difference(f, path[-1]).item():+.1e}")

# %% alt="The curve f(x) = x\u2074 \u2212 3x\u00b2 + x with three gradient-descent paths of dots, learning rate 0.02, 60 steps, each ending at a star: the start at -0.3 rolls left into the deep minimum, while the starts at +0.3 and +2.0 both end in the shallow minimum on the right." slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(x_plot, f(x_plot), color="black", lw=1, label="f(x)")
for (start, path), color in zip(paths_1d.items(), ["tab:blue", "tab:orange", "tab:green"]):
    ax.plot(path, f(path), "o-", ms=3, lw=0.8, color=color, label=f"start at {start:+.1f}")
    ax.plot(path[-1], f(path[-1]), "*", ms=14, color=color, mec="black")
ax.set(title="Gradient descent on f(x) = x⁴ − 3x² + x (learning rate 0.02, 60 steps)", xlabel="x", ylabel="f(x)", ylim=(-4, 6))
ax.legend()
fig.tight_layout()

# %% [markdown]
# Gradient descent only knows the slope where it stands, so it settles in whichever valley it starts in: the
# start at +0.3 ends in the shallow minimum on the right, not the deeper one on the left. The same happens
# on surfaces. Below, four starts close to each other near the centre of Himmelblau's surface roll into four
# different minima.

# %% alt="Contour plot of Himmelblau's function g(x, y), with four minima. Four gradient-descent paths (lr 0.01) from nearby starts around the centre, (0, 0), (-1, 0), (-1, -1) and (0, -1), each roll into a different one of the four minima, marked by red stars." slideshow={"slide_type": "subslide"}
grid = torch.linspace(-5, 5, 151, dtype=torch.float64)
gx, gy = torch.meshgrid(grid, grid, indexing="xy")
surface = himmelblau(torch.stack([gx, gy]))
levels = torch.logspace(-0.5, 2.7, 14).tolist()

starts = [(0.0, 0.0), (-1.0, 0.0), (-1.0, -1.0), (0.0, -1.0)]
paths_2d = [gradient_descent(himmelblau, s, lr=0.01, steps=100) for s in starts]
fig, ax = plt.subplots(figsize=(6.5, 5.5))
cs = ax.contour(gx, gy, surface, levels=levels, cmap="viridis", linewidths=0.8)
fig.colorbar(cs, ax=ax, label="g(x, y)")
for path, start in zip(paths_2d, starts):
    ax.plot(path[:, 0], path[:, 1], ".-", ms=3, lw=1, label=f"start {start}")
    ax.plot(*path[-1], "*", ms=12, color="red", mec="black")
ax.set(title="Gradient descent on Himmelblau's function (lr 0.01)", xlabel="x", ylabel="y", aspect="equal")
ax.legend(loc="upper center", fontsize=8)
fig.tight_layout()
for path in paths_2d:
    print(f"ends at ({path[-1, 0]:+.3f}, {path[-1, 1]:+.3f}), g = {himmelblau(path[-1]).item():.1e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The learning rate
#
# The learning rate is the most important setting in optimization. Too small and the descent crawls; too
# large and each step overshoots the valley it aims at, so the path bounces around or flies off. The same
# start and the same number of steps, three learning rates:

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before revealing the three panels, ask the room which learning rate ends closest to a minimum
# after the same number of steps. A common misconception is that a larger learning rate always gets there faster: past
# a point each step overshoots, and the 'too large' path bounces around the minimum instead of settling. Live knob:
# raise `LR_STEPS` and re-run; the 'too small' path creeps further along, since it is crawling, not stuck.

# %% alt="Three contour plots of Himmelblau's function, each with a red path from the same start at the origin over 40 steps. Too small, lr 0.001: the path ends partway. Good, lr 0.01: it reaches the upper-right minimum. Too large, lr 0.035: it jumps back and forth around that minimum without settling." slideshow={"slide_type": "subslide"}
rates = {"too small": 0.001, "good": 0.01, "too large": 0.035}
LR_STEPS = 40
fig, axes = plt.subplots(1, 3, figsize=(12, 4.4), sharey=True, layout="constrained")
final = {}
for ax, (name, lr) in zip(axes, rates.items()):
    path = gradient_descent(himmelblau, (0.0, 0.0), lr=lr, steps=LR_STEPS)
    final[name] = himmelblau(path[-1]).item()
    path = path[path.abs().max(1).values < 6]  # hide points that flew off the map, if any
    ax.contour(gx, gy, surface, levels=levels, cmap="viridis", linewidths=0.6)
    ax.plot(path[:, 0], path[:, 1], "o-", ms=3, lw=1, color="tab:red")
    ax.plot(0, 0, "s", color="black", label="start")
    ax.set(title=f"{name}: lr = {lr}\nafter {LR_STEPS} steps g = {final[name]:.2g}", xlabel="x", aspect="equal",
           xlim=(-5, 5), ylim=(-5, 5))
axes[0].set_ylabel("y")
axes[0].legend(loc="lower left")
fig.suptitle("Same start, same number of steps, three learning rates")
assert final["good"] < final["too small"] and final["good"] < final["too large"]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Momentum and Adam in a narrow valley
#
# Real losses are often **ill-conditioned**: steep in some directions and nearly flat in others, like a
# long narrow valley. Take $v(x, y) = \tfrac12 (x^2 + 100\,y^2)$: a hundred times steeper across the
# valley ($y$) than along it ($x$). The learning rate has to be small enough for the steep direction
# (above $2/100$ the steps across the valley grow instead of shrinking), and that is far too small for
# the flat one, so plain gradient descent crawls along the valley floor.
#
# Two classic fixes change what a step does with the gradient:
#
# - **[Momentum](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#momentum)** keeps a running velocity: each step adds the new gradient to a decaying sum of the old
#   ones (decay β = 0.9) and moves along that sum. Pushes that agree (along the valley) add up; pushes that
#   alternate (across it) partly cancel, so the speed across stays bounded while the speed along builds up.
# - **[Adam](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#adam)** keeps a running average of the gradient (momentum again) and a running average of each
#   coordinate's squared gradient, and divides the one by the square root of the other. Each coordinate's
#   step is thus measured against that coordinate's own typical gradient size, so steep and flat
#   coordinates move at similar speeds.
#
# Both fit in a few lines. `minimize` below is gradient descent with the step left open: `update` turns
# the gradient (and a `state` dict the rule may use as memory) into the step to subtract.
# `torch.optim.SGD(params, lr, momentum=0.9)` and `torch.optim.Adam(params, lr)` implement the same two
# rules; from notebook 05 on we use those. Each rule gets a learning rate that suits it: plain gradient descent
# just below its limit of 0.02, momentum and Adam at rates that work well here, so that no rule is handicapped by a
# rate chosen for another.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before revealing the figure, ask the room to sketch the path each of the three rules will take
# to the minimum. Many draw momentum and Adam gliding straight along the floor; in the figure all three cross it: plain
# gradient descent's zig-zags die out and it then creeps along the floor, momentum keeps swinging from side to side
# while it races along, and Adam weaves in broad arcs. Point out that plain gradient descent cannot simply take a larger
# learning rate: above its limit the steps across the valley grow instead of shrinking. A misconception to head off is
# that Adam is always the best rule: exercise 3 rotates the valley, and Adam then loses its advantage.

# %% slideshow={"slide_type": "subslide"} tags=["slides-split-output", "slides-split-code"]
def valley(p):
    return 0.5 * (p[0] ** 2 + 100 * p[1] ** 2)


def minimize(f, start, steps, update):
    """Descend from `start`, subtracting update(grad, state) at each step; returns the points visited."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    state = {"t": 0}  # the step counter, plus whatever the update rule wants to remember
    path = [p.detach().clone()]
    for _ in range(steps):
        (grad,) = torch.autograd.grad(f(p), p)
        state["t"] += 1
        with torch.no_grad():
            p -= update(grad, state)
        path.append(p.detach().clone())
    return torch.stack(path)


def plain(lr):
    return lambda grad, state: lr * grad


def momentum(lr, beta=0.9):
    def update(grad, state):
        state["velocity"] = beta * state.get("velocity", 0) + grad  # decaying sum of past gradients
        return lr * state["velocity"]

    return update


def adam(lr, beta1=0.9, beta2=0.999, eps=1e-8):
    def update(grad, state):
        t = state["t"]
        state["m"] = beta1 * state.get("m", 0) + (1 - beta1) * grad  # average gradient
        state["v"] = beta2 * state.get("v", 0) + (1 - beta2) * grad**2  # average squared gradient, per coordinate
        m_hat, v_hat = state["m"] / (1 - beta1**t), state["v"] / (1 - beta2**t)  # undo the bias of starting at 0
        return lr * m_hat / (v_hat.sqrt() + eps)

    return update


VALLEY_START, VALLEY_STEPS = (-8.0, 1.0), 100
rules = {
    "gradient descent, lr 0.019": plain(0.019),
    "momentum 0.9, lr 0.01": momentum(0.01),
    "Adam, lr 0.3": adam(0.3),
}
valley_paths = {name: minimize(valley, VALLEY_START, VALLEY_STEPS, rule) for name, rule in rules.items()}
valley_losses = {name: torch.stack([valley(p) for p in path]) for name, path in valley_paths.items()}
for name, losses in valley_losses.items():
    print(f"{name:28s} loss after {VALLEY_STEPS} steps: {losses[-1].item():.2e}")
gd_loss, mom_loss, adam_loss = (losses[-1].item() for losses in valley_losses.values())
assert mom_loss < gd_loss and adam_loss < gd_loss
assert torch.equal(valley_paths["gradient descent, lr 0.019"], gradient_descent(valley, VALLEY_START, 0.019, VALLEY_STEPS))

# %% alt="Left: contours of the narrow valley v(x, y) = \u00bd(x\u00b2 + 100 y\u00b2) and three paths to the minimum: gradient descent zig-zags, then creeps along the floor and ends short of it; momentum swings wide from side to side; Adam weaves in broad arcs. Right: loss per step, log scale; gradient descent's falls slowest, the others oscillate far lower." slideshow={"slide_type": "subslide"}
vx, vy = torch.meshgrid(torch.linspace(-9, 2, 221, dtype=torch.float64), torch.linspace(-1.6, 1.6, 161, dtype=torch.float64), indexing="xy")
fig, (ax_path, ax_loss) = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1.6, 1]})
ax_path.contour(vx, vy, valley(torch.stack([vx, vy])), levels=torch.logspace(-2, 2.3, 14).tolist(), cmap="viridis", linewidths=0.6)
colors = ["tab:red", "tab:blue", "tab:green"]
for (name, path), color in zip(valley_paths.items(), colors):
    ax_path.plot(path[:, 0], path[:, 1], ".-", ms=3, lw=1, color=color, label=name)
ax_path.plot(0, 0, "*", ms=14, color="gold", mec="black", label="minimum")
ax_path.set(title="v(x, y) = ½(x² + 100 y²): paths over the contours", xlabel="x", ylabel="y")
ax_path.legend(loc="lower right", fontsize=8)
for (name, losses), color in zip(valley_losses.items(), colors):
    ax_loss.semilogy(losses, color=color, label=name)
ax_loss.set(title="Loss per step", xlabel="step", ylabel="v (log scale)")
ax_loss.grid(alpha=0.3)
ax_loss.legend(fontsize=8)
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Plain gradient descent zig-zags across the valley until the zig-zags die out, then creeps along the
# floor: after a hundred steps it is still far from the minimum. Momentum overshoots in both directions
# but builds up speed along the floor, and Adam moves both coordinates at a similar pace, because it
# rescales the steep one; both end up near the minimum. (Adam's per-coordinate rescaling helps most when the
# valley is aligned with the axes, as here; exercise 3 rotates it.)
#
# ## 4. Inside autograd
#
# Every gradient so far came from autograd, and the next section hands it 7,840 weights at once. Time to open it.
# While a tensor with `requires_grad=True` takes part in a computation, PyTorch records each operation in a
# **computation graph**: every result keeps, in `.grad_fn`, the backward step of the operation that made it, and
# that step keeps, in `.next_functions`, links to the backward steps of its own inputs. The graph ends at the
# **leaves**, the tensors we created ourselves with `requires_grad=True`, where an `AccumulateGrad` node writes the
# finished gradient into `.grad`. Here is the graph of a one-input neuron: weight w times input plus an offset b,
# called the bias, passed through a [ReLU](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#relu),
# relu(z) = max(z, 0), which notebook 06 makes the building block of networks; then a squared error. It is printed
# by walking those links from the loss down:

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Ask the room to draw the graph of this loss on the board before running the cell: which
# operations, in which order from the loss down to `w` and `b`? Note that `x` and `target` get no node, since they are
# plain numbers that autograd does not track. Then, before moving on to the next slide, whose first bullet gives the
# answer away, ask whether a second `backward()` call overwrites `w.grad` or adds to it; the cell after that slide
# prints the values, and that is why training clears `.grad` every step.

# %% slideshow={"slide_type": "subslide"}
w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
b = torch.tensor(-0.2, dtype=torch.float64, requires_grad=True)
x, target = 3.0, 2.0  # an input and the output we want: plain numbers, autograd does not track them
loss = ((w * x + b).relu() - target) ** 2
leaf_names = {id(w): "w", id(b): "b"}


def show_graph(node, depth=0):
    """Print the backward graph below `node`, one operation per line, indented by its distance from the loss."""
    leaf = getattr(node, "variable", None)  # an AccumulateGrad node holds the leaf whose .grad it fills
    print("    " * depth + type(node).__name__ + (f"  ->  {leaf_names[id(leaf)]}.grad" if leaf is not None else ""))
    for child, _ in node.next_functions:
        if child is not None:  # None stands for an input that needs no gradient, such as x
            show_graph(child, depth + 1)


print(f"loss = {loss.item():.2f}, and loss.grad_fn is a {type(loss.grad_fn).__name__}:")
show_graph(loss.grad_fn)

# %% [markdown] slideshow={"slide_type": "subslide"}
# `loss.backward()` walks this graph from the top: each node multiplies the gradient arriving from above by its
# operation's local derivative (the chain rule) and passes the product down. Training code relies on three more
# facts about autograd:
#
# - **`.grad` accumulates.** `backward()` adds into `.grad` instead of overwriting it, so that several
#   `backward()` calls (several losses, or a batch too big for memory sent through in pieces) leave the gradient
#   of their sum. The price: computing the same loss again and calling `backward()` on it (each call needs a
#   fresh graph, since `backward()` frees the one it used) adds a second copy. (Section 1's first cell creates
#   `xs` afresh each time it runs, so this never showed there.)
# - **`zero_grad()` exists because of that.** Before each training step, the gradients of the step before must be
#   cleared: `optimizer.zero_grad()` does it for every parameter (it sets `.grad` to `None`). The loops in this
#   notebook call `torch.autograd.grad(loss, p)`, which returns the gradient instead of adding it into `.grad`, so
#   they have nothing to clear; from notebook 05 on, training calls `backward()` and clears `.grad` every step.
# - **`torch.no_grad()` switches the recording off.** The update `w -= lr * w.grad` is not part of any loss and
#   must not enter the graph; PyTorch even refuses to change a leaf that requires a gradient in place while it is
#   recording. Every descent loop in this notebook does its update inside `with torch.no_grad():`.

# %% slideshow={"slide_type": "subslide"}
w, b = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.5, -0.2))  # fresh leaves
for call in ("first", "second"):
    loss = ((w * x + b).relu() - target) ** 2  # backward() frees the graph it used, so each call builds its own
    loss.backward()
    print(f"after the {call} backward(): w.grad = {w.grad.item():+.1f}, b.grad = {b.grad.item():+.1f}")
try:
    w -= 0.01 * w.grad
except RuntimeError as error:
    print(f"w -= 0.01 * w.grad while recording: RuntimeError ({str(error).split('.')[0]})")
with torch.no_grad():
    w -= 0.01 * w.grad
    print(f"inside no_grad: the update runs (w = {w.item():.3f}), and w * x records nothing "
          f"(requires_grad = {(w * x).requires_grad})")
w.grad = b.grad = None  # what optimizer.zero_grad() does
print("after clearing: w.grad =", w.grad)

# %% [markdown]
# None of this is magic, and the whole mechanism fits in a short class. A `Value` below holds one number and, for
# each input it was computed from, the **local derivative** of the operation with respect to that input (for
# $a \cdot b$: $b$ with respect to $a$, and $a$ with respect to $b$). `backward()` first puts every `Value` of the
# graph in a **topological order**, each one after all the Values it was computed from; then, going through that
# order backwards from the loss, it hands each Value's gradient down to its inputs, multiplied by the local
# derivative. Going backwards guarantees that a Value has received everything from all of its uses before it
# passes its own gradient on, and the `+=` is what sums those uses: a Value used twice (as in $c \cdot c$) collects
# both contributions. There is no `-` between two Values: write $a - b$ as $a + (-b)$, using the negation the class
# defines; with that, the class knows just enough (`+`, `*`, negation, `relu`, `exp`, `log`) for a one-neuron
# classifier.

# %% slideshow={"slide_type": "subslide"}
class Value:
    """One number that remembers what it was computed from, for reverse-mode differentiation."""

    def __init__(self, data, inputs=()):
        self.data = float(data)
        self.inputs = inputs  # pairs (input Value, local derivative of self with respect to that input)
        self.grad = 0.0  # d(output of backward) / d(self), filled in by backward()

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, ((self, 1.0), (other, 1.0)))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, ((self, other.data), (other, self.data)))

    __radd__, __rmul__ = __add__, __mul__  # so that 1 + v and 2 * v work too

    def __neg__(self):
        return self * -1.0

    def relu(self):
        return Value(max(self.data, 0.0), ((self, 1.0 if self.data > 0 else 0.0),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, ((self, e),))  # the exponential is its own derivative

    def log(self):
        return Value(math.log(self.data), ((self, 1.0 / self.data),))

    def backward(self):
        order, visited = [], set()

        def visit(v):  # depth first: v joins the order only after everything it was computed from
            if v not in visited:
                visited.add(v)
                for u, _ in v.inputs:
                    visit(u)
                order.append(v)

        visit(self)
        self.grad = 1.0  # d(self) / d(self)
        for v in reversed(order):  # from the output back to the leaves
            for u, local in v.inputs:
                u.grad += local * v.grad  # the chain rule, summed over every use of u

# %% [markdown] slideshow={"slide_type": "subslide"}
# The check, twice. First a small expression that uses every operation, with one ReLU switched on and one off,
# through our engine and through torch (tensors have `relu`, `exp` and `log` too, so the same Python function
# serves both). Then a one-neuron classifier: eight points with three features each, labels 0 or 1, three weights
# and a bias; the neuron's score is $z = w \cdot x + b$ and the loss is the **logistic loss**
# $\log(1 + e^{-z})$ for a 1 and $\log(1 + e^{z})$ for a 0, averaged (the two-class case of the cross-entropy
# loss that section 5 introduces). On the torch side it is computed by PyTorch's own `F.binary_cross_entropy_with_logits`.

# %% slideshow={"slide_type": "subslide"}
def expression(a, b, c):
    d = a * b + c
    return (d.relu() * a + (c * c).exp() + (-b).relu()).log()


ours = [Value(1.5), Value(0.8), Value(-0.4)]
expression(*ours).backward()
theirs = torch.tensor([1.5, 0.8, -0.4], dtype=torch.float64, requires_grad=True)
expression(*theirs).backward()
diff_expression = max(abs(v.grad - g) for v, g in zip(ours, theirs.grad.tolist()))
print("gradients, Value:", [round(v.grad, 6) for v in ours], "  torch:", [round(g, 6) for g in theirs.grad.tolist()])

gen = torch.Generator().manual_seed(0)
points, labels = torch.randn(8, 3, dtype=torch.float64, generator=gen), torch.tensor([1, 0, 1, 1, 0, 0, 1, 0])
w_start, b_start = torch.randn(3, dtype=torch.float64, generator=gen).tolist(), 0.1
w_ours, b_ours = [Value(v) for v in w_start], Value(b_start)
neuron_loss_ours = 0.0
for point, label in zip(points.tolist(), labels.tolist()):
    z = sum((w * x for w, x in zip(w_ours, point)), b_ours)  # the neuron's score
    neuron_loss_ours = neuron_loss_ours + (1 + (-z if label == 1 else z).exp()).log() * (1 / len(labels))
neuron_loss_ours.backward()
w_torch = torch.tensor(w_start, dtype=torch.float64, requires_grad=True)
b_torch = torch.tensor(b_start, dtype=torch.float64, requires_grad=True)
neuron_loss_torch = F.binary_cross_entropy_with_logits(points @ w_torch + b_torch, labels.double())
neuron_loss_torch.backward()
ours_all = [neuron_loss_ours.data, *(w.grad for w in w_ours), b_ours.grad]
torch_all = [neuron_loss_torch.item(), *w_torch.grad.tolist(), b_torch.grad.item()]
diff_neuron = max(abs(o - t) for o, t in zip(ours_all, torch_all))
print(f"one neuron: loss {neuron_loss_ours.data:.6f} (Value), {neuron_loss_torch.item():.6f} (torch)")
print(f"max |Value - torch|: expression {diff_expression:.1e}, one neuron (loss and 4 gradients) {diff_neuron:.1e}")

# %% tags=["nbval-check-output"]
print("our engine agrees with torch (max |difference| < 1e-12):", diff_expression < 1e-12 and diff_neuron < 1e-12)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The two engines agree to float64 rounding (the differences are printed above). PyTorch does the same
# bookkeeping with tensors in place of single numbers, so that handing a gradient down becomes a matrix product
# (notebook 05 derives the one of the linear scorer by hand), and with a backward rule for each of its hundreds of
# operations.
#
# ## 5. Back to MNIST: gradient descent against the random walk
#
# Now the real thing: notebook 01's linear scorer, `scores = X @ W.T` with `W` of shape 10 × 784, trained on a
# fixed subset of 3,000 standardized images. `mnist_course.search.random_walk` is notebook 01's walk, with the same
# seed and settings. This time the subset comes from the course's training split (`load_splits()`, notebook 02),
# so that the 10,000 validation images stay unseen by both learners: we will need them to judge the race. The
# images differ from notebook 01's, so the walk's accuracies differ a little from those printed there.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Ask the room to bet before the race runs: after the same number of steps, which learner will
# have the higher validation accuracy, and by a little or by a lot? Then ask why the race is judged on validation
# images rather than on training accuracy: gradient descent can memorise the training images, and a score stuck at its
# ceiling cannot tell a good model from a lucky one.

# %%
(x_train, labels_train), (x_val, y_val), (x_test, y_test) = load_splits()
N_TRAIN = pick(3000, 1000)
mean, std = mean_std(x_train)
subset = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(0))[:N_TRAIN]
X_train = standardize(x_train[subset], mean, std).reshape(N_TRAIN, 784)
y_train = labels_train[subset]
X_val = standardize(x_val, mean, std).reshape(len(x_val), 784)
X_test = standardize(x_test, mean, std).reshape(len(x_test), 784)

# %% tags=["nbval-check-output"]
print("training batch:", tuple(X_train.shape), "  validation batch:", tuple(X_val.shape), "  test batch:", tuple(X_test.shape))

# %% slideshow={"slide_type": "subslide"}
STEPS = pick(6000, 300)  # notebook 01's walk length
start = time.perf_counter()
walk = random_walk(X_train, y_train, steps=STEPS, sigma=0.02, seed=0)
walk_seconds = time.perf_counter() - start
walk_train, walk_val = walk.curve[-1].item(), linear_accuracy(walk.weights, X_val, y_val).item()
print(f"random walk: {STEPS} steps in {walk_seconds:.1f} s, training accuracy {walk_train:.1%}, "
      f"validation accuracy {walk_val:.1%}")

# %% [markdown]
# Gradient descent needs a function with a useful gradient, and accuracy does not have one: a small change
# to `W` changes no prediction, so accuracy is flat almost everywhere (a staircase), and its gradient is
# zero. We use a smooth stand-in, the **[softmax](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#softmax) [cross-entropy](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#cross-entropy)** loss:
#
# 1. softmax turns the ten scores of an image (also called **[logits](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#logit)**) into probabilities,
#    $p_k = e^{s_k} / \sum_j e^{s_j}$;
# 2. the loss is $-\log p_y$, the negative log-probability of the true digit $y$, averaged over the images.
#
# It approaches 0 only as the model becomes certain and right (probability 1 on the true digit), and every weight
# moves it a little, so its gradient tells each of the 7,840 weights which way to go, winning templates and
# losing ones alike.
# `F.cross_entropy` computes exactly this; let us check it against the formula.

# %%
logits = X_train[:100] @ walk.weights.T
loss_by_hand = -(logits.softmax(1)[torch.arange(100), y_train[:100]]).log().mean()
loss_torch = F.cross_entropy(logits, y_train[:100])
print(f"cross-entropy by hand {loss_by_hand.item():.6f}, F.cross_entropy {loss_torch.item():.6f}")

# %% tags=["nbval-check-output"]
print("F.cross_entropy matches the formula:", torch.allclose(loss_by_hand, loss_torch, rtol=1e-4))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why standardized pixels: the scaling measured
#
# Notebook 02 standardized the pixels and argued that gradient descent needs it. For the linear scorer, the
# gradient of the loss grows with the pixel values, and so does the change a step makes to the scores: a learning
# rate that suits pixels in [0, 1] takes weight steps 255 times larger on raw pixels in [0, 255], and each moves
# the scores 255 times further again: roughly $255^2$ times too far. One small enough for raw pixels leaves scaled
# ones crawling. Now that we have gradient descent we can measure it:
# three runs on these 3,000 images that differ only in how the pixels are fed, raw, divided by 255, or
# standardized. Same start (the walk's random `W`), same number of steps, and one learning rate, `LR`, chosen to
# work for standardized pixels; the race below uses it too.

# %% alt="Training loss on a log scale against step at one learning rate, 0.1, for three ways to feed the pixels. Raw [0, 255] pixels leap far above their start and stay far above it, spiking again and again; [0, 1] pixels descend slowly, crossing the dotted line at loss 0.5 only late; standardized pixels fall fastest and cross it early." slideshow={"slide_type": "subslide"} tags=["slides-split-output"]
LR, SCALE_STEPS = 0.1, pick(300, 50)
pixels, pixels_val = x_train[subset].float().reshape(N_TRAIN, 784), x_val.float().reshape(len(x_val), 784)
scalings = {"raw [0, 255]": (pixels, pixels_val), "[0, 1]": (pixels / 255, pixels_val / 255),
            "standardized": (X_train, X_val)}
scale_loss, first_below, scale_val = {}, {}, {}
for name, (inputs, inputs_val) in scalings.items():
    W = (0.001 * torch.randn(10, 784, generator=torch.Generator().manual_seed(0))).requires_grad_()  # the walk's start
    losses = []
    for _ in range(SCALE_STEPS):
        loss = F.cross_entropy(inputs @ W.T, y_train)
        losses.append(loss.item())
        (grad,) = torch.autograd.grad(loss, W)
        with torch.no_grad():
            W -= LR * grad
    losses.append(F.cross_entropy(inputs @ W.T, y_train).item())
    scale_loss[name] = losses
    first_below[name] = next((step for step, value in enumerate(losses) if value < 0.5), math.inf)
    scale_val[name] = linear_accuracy(W.detach(), inputs_val, y_val).item()

shown = [s for s in (0, 1, 10, 100, 300) if s <= SCALE_STEPS]
print(f"training loss at lr {LR} after this many steps:" + "".join(f"{s:>10d}" for s in shown) + "   loss < 0.5 from step")
for name, losses in scale_loss.items():
    below = "never" if first_below[name] == math.inf else first_below[name]
    print(f"{name:46s}" + "".join(f"{losses[s]:10.3f}" for s in shown) + f"   {below!s:>10s}")
print("validation accuracy at the end: " + ", ".join(f"{name} {acc:.1%}" for name, acc in scale_val.items()))
check(scale_loss["raw [0, 255]"][-1] > scale_loss["raw [0, 255]"][0], "raw pixels: the loss ends above its start")
check(first_below["standardized"] < first_below["[0, 1]"], "standardized pixels reach a loss of 0.5 first")

fig, ax = plt.subplots(figsize=(8, 4))
for name, losses in scale_loss.items():
    ax.semilogy(losses, label=name)
ax.axhline(0.5, color="gray", ls=":", lw=1, label="loss 0.5 (the threshold printed above)")
ax.set(title=f"Gradient descent at one learning rate ({LR}), three ways to feed the pixels", xlabel="step",
       ylabel="training loss (log scale)")
ax.grid(alpha=0.3, which="both")
ax.legend()
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The measurement agrees with notebook 02's argument. At the learning rate that suits standardized pixels, raw
# pixels make the loss blow up: it leaps from about 4 to over 16,000 in the first step, and after all the steps it
# is still far above where it started. It does not grow without limit, as exercise 2's quadratic will: the
# cross-entropy's gradient is bounded (each image contributes its pixels times numbers between −1 and 1), so the
# loss climbs to the tens of thousands and then comes down in fits, with spikes back into the thousands. Pixels in [0, 1] do descend, but
# slowly: they take about ten times as many steps as standardized ones to bring the loss below 0.5 (the steps are
# printed). Standardizing does two things at once, and this run does not separate them: it stretches the pixels,
# so the same step moves the scores further (notebook 02 measured by how much), and it subtracts the mean, so that
# not every input is positive (notebook 02's zigzag argument).
#
# Accuracy, which only asks which score is largest, tells a gentler story: the raw run's validation accuracy ends
# a few points below the standardized run's, far above chance (printed). With scores in the thousands the softmax
# is all or nothing, and a step then adds each misread image to its true digit's template and subtracts it from
# the guessed digit's (an old learning rule, the perceptron's), which sorts digits crudely. But the loss, the
# quantity gradient descent is supposed to minimize, ends far above where it started, and everything from
# notebook 05 on relies on it going down.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The race: gradient descent starts from the walk's starting point (the same random `W`) and takes the same
# number of steps over the same 3,000 images. One step of each looks at all of them once: the walk scores them
# to measure an accuracy; gradient descent scores them to compute the loss, then runs the backward pass. Here
# only `W` needs a gradient, $G^\top X$ with $G$ the N×10 gradient of the loss with respect to the scores: one
# more matrix product of the same size as the scoring (in a network with several layers, the backward pass also
# carries gradients back to each layer's input, and costs about twice the forward). So a step of gradient
# descent costs a small multiple of a step of the walk; the wall-clock times are printed below.
#
# Which score decides the race? Not training accuracy: gradient descent can push it to 100% on 3,000 images by
# memorising them, and a metric stuck at its ceiling cannot tell a good model from a lucky one. We judge both
# learners on the **validation images**, which neither has seen. Computing that accuracy after every step would
# cost more than the training itself, so the loop measures it at 60 steps spread evenly on a log scale, rounded
# to whole steps; at the start several round to the same step, so fewer distinct steps are checked (the count
# is printed below).

# %% slideshow={"slide_type": "subslide"}
checkpoints = set(torch.logspace(0, math.log10(STEPS), 60).round().long().tolist()) | {0}
W = (0.001 * torch.randn(10, 784, generator=torch.Generator().manual_seed(0))).requires_grad_()  # the walk's start
gd_train_curve, gd_loss_curve, gd_val_curve, gd_val_loss = [], [], {}, {}


def score_validation(step, W):
    with torch.no_grad():
        logits_val = X_val @ W.T
        gd_val_curve[step] = (logits_val.argmax(1) == y_val).float().mean().item()
        gd_val_loss[step] = F.cross_entropy(logits_val, y_val).item()


start = time.perf_counter()
for step in range(STEPS):
    if step in checkpoints:
        score_validation(step, W)
    logits = X_train @ W.T
    loss = F.cross_entropy(logits, y_train)
    gd_train_curve.append((logits.argmax(1) == y_train).float().mean().item())  # accuracy before this step
    gd_loss_curve.append(loss.item())
    (grad,) = torch.autograd.grad(loss, W)
    with torch.no_grad():
        W -= LR * grad
gd_seconds = time.perf_counter() - start
W_gd = W.detach()
gd_train_curve.append(linear_accuracy(W_gd, X_train, y_train).item())
gd_loss_curve.append(F.cross_entropy(X_train @ W_gd.T, y_train).item())
score_validation(STEPS, W_gd)

assert gd_train_curve[0] == walk.curve[0].item(), "both should start from the same W"
gd_train, gd_val = gd_train_curve[-1], gd_val_curve[STEPS]
print(f"gradient descent: {STEPS} steps in {gd_seconds:.1f} s (the validation checks included), "
      f"training accuracy {gd_train:.1%}, validation accuracy {gd_val:.1%}")
print(f"both started from the same random W, at training accuracy {gd_train_curve[0]:.1%}")

# %% alt="Left: accuracy against step (log scale). Gradient descent's curves (red) pass the random walk's final accuracies within the first steps, the dotted line at step 11 marking the training one; its training curve climbs to 1 while the walk's rises slowly over thousands of steps. Right: its training loss keeps falling while its validation loss bottoms out and rises." slideshow={"slide_type": "subslide"} tags=["slides-hide-input"]
catch_up = next(i for i, acc in enumerate(gd_train_curve) if acc > walk_train)
val_steps = sorted(gd_val_curve)
val_catch_up = next(s for s in val_steps if gd_val_curve[s] > walk_val)
# the first checked step from which every later checked step stays above the walk, too
val_for_good = next(s for i, s in enumerate(val_steps) if all(gd_val_curve[t] > walk_val for t in val_steps[i:]))
best_step = max(val_steps, key=gd_val_curve.get)
steps_axis = torch.arange(1, STEPS + 2)  # step t + 1, so the log axis can show the start
fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(13, 5.6), gridspec_kw={"width_ratios": [1.5, 1]})
ax_acc.semilogx(steps_axis, walk.curve, color="tab:blue", ls="--", label="random walk: training")
ax_acc.axhline(walk_val, color="tab:blue", lw=2, label=f"random walk: validation, at the end ({walk_val:.1%})")
ax_acc.semilogx(steps_axis, gd_train_curve, color="tab:red", ls="--", label="gradient descent: training")
ax_acc.semilogx([s + 1 for s in val_steps], [gd_val_curve[s] for s in val_steps], color="tab:red", lw=2,
                label=f"gradient descent: validation (end {gd_val:.1%})")
ax_acc.axvline(catch_up + 1, color="gray", ls=":", lw=1,
               label=f"GD passes the walk's final training accuracy: step {catch_up}")
ax_acc.axhline(0.1, color="black", ls=":", lw=1, label="chance")
ax_acc.set(title=f"Accuracy: {N_TRAIN:,} training images, 10,000 validation images",
           xlabel="step + 1 (log scale)", ylabel="accuracy", ylim=(0, 1.02))
ax_acc.grid(alpha=0.3, which="both")
ax_acc.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=9)
ax_loss.loglog(steps_axis, gd_loss_curve, color="tab:red", ls="--", label="training images")
ax_loss.loglog([s + 1 for s in val_steps], [gd_val_loss[s] for s in val_steps], color="tab:red", lw=2,
               label="validation images")
ax_loss.set(title="Gradient descent: the loss it minimizes", xlabel="step + 1 (log scale)",
            ylabel="cross-entropy (log scale)")
ax_loss.legend(fontsize=9)
ax_loss.grid(alpha=0.3, which="both")
fig.tight_layout()
lowest_loss_step = min(val_steps, key=gd_val_loss.get)
print(f"gradient descent first passes the walk's final validation accuracy at step {val_catch_up} and stays above "
      f"it from step {val_for_good} on (checked at {len(val_steps)} steps)")
print(f"its validation accuracy peaks at step {best_step} ({gd_val_curve[best_step]:.1%}) and ends at {gd_val:.1%}; "
      f"its validation loss is lowest at step {lowest_loss_step}, training loss falls to the end "
      f"({gd_loss_curve[-1]:.3f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Gradient descent passes the walk's final training accuracy within a dozen or so steps (the dotted vertical
# line), and the walk's final validation accuracy even sooner, though not yet for good: it can dip back below
# before it stays above (the line above prints the step where it first passes and the step from which it stays
# above). A few gradient steps do what thousands of random ones did. Then the two
# kinds of score part ways.
# The training loss (right, dashed) falls for all the steps, and training accuracy climbs to its ceiling:
# gradient descent fits these 3,000 images ever more tightly. On the validation images the loss bottoms out and
# then rises, and the accuracy peaks and then slips a little: fitting the same images more tightly no longer
# helps on new ones. That is **[overfitting](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#overfitting)**, which notebook 06 takes up in its own section; the validation curve
# is how we see it.
#
# The target: after the same number of steps, gradient descent's validation accuracy beats the walk's by at
# least 8 percentage points. On images neither learner has seen, gradient descent's lead is smaller than on
# training accuracy, where it scores a memorised 100%. We ask for 8 points rather than a round 10 because the
# walk's path hangs on thousands of exact accept-or-reject decisions, so float rounding on another machine can
# move its end point by a point or so, and the measured margin (printed below) leaves too little room above 10.
# Eight points is still a clear win: with the walk getting roughly a quarter of the validation images wrong, an
# 8-point lead would already mean about a third fewer mistakes; the measured lead is larger (compare the error
# counts printed below).

# %%
points_ahead = 100 * (gd_val - walk_val)
print(f"after {STEPS} steps, validation accuracy: gradient descent {gd_val:.1%}, random walk {walk_val:.1%}")
print(f"validation errors: gradient descent {round((1 - gd_val) * len(y_val))}, "
      f"random walk {round((1 - walk_val) * len(y_val))}")
print(f"wall clock: gradient descent {gd_seconds:.1f} s, random walk {walk_seconds:.1f} s")
result = record("GD minus random walk, validation points", points_ahead, 8)

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print(result.verdict)

# %% [markdown]
# Neither learner's settings were chosen by looking at the validation images (only the target was), so the
# test set, scored once now, should tell the same story:

# %%
walk_test, gd_test = (linear_accuracy(w, X_test, y_test).item() for w in (walk.weights, W_gd))
check(gd_test > walk_test, "gradient descent beats the random walk on the test set too")
print(f"test accuracy: gradient descent {gd_test:.1%}, random walk {walk_test:.1%} "
      f"({100 * (gd_test - walk_test):.1f} points apart)")

# %% [markdown]
# The weights themselves differ as much as the scores. Each row of `W` is a template with one weight per pixel
# (red: ink at that pixel favours the digit; blue: ink there counts against it). Each template has its own colour
# scale, symmetric about zero (white is 0), so compare the patterns, not the depth of colour from one template to
# another. The walk's templates are noise everywhere: its random steps moved the border pixels, which are blank in almost every image, as much as any other. Gradient descent's
# templates are not smooth either, since it fitted its 3,000 images very closely, but they have structure: the
# red and blue patches sit where the digits' strokes do, and the border is one flat shade. A pixel that is blank
# in every training image holds the same standardized value in all of them, so all such pixels receive the same
# gradient and move together, like one shared bias.

# %% alt="Two rows of ten templates in red and blue, white = 0. Top, the random walk's templates for digits 0 to 9: noise everywhere, the border included. Bottom, gradient descent's: still speckled, but the red and blue patches sit where digits' strokes are and the border is one flat shade." slideshow={"slide_type": "subslide"}
fig = show_weights(torch.cat([walk.weights, W_gd]), titles=[f"walk {d}" for d in range(10)] + [f"GD {d}" for d in range(10)],
                   title="Templates: random walk (top row) and gradient descent (bottom row); "
                   "each template has its own colour scale, white = 0", size=1.4)
fig.set_size_inches(14, 3.9)  # room for the bottom row's titles
fig.tight_layout(h_pad=1.5)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The **gradient** collects the slope of a function along every coordinate; it points uphill. Finite
#   differences estimate it by nudging one coordinate at a time; autograd computes it from the recorded
#   operations, with no approximation beyond float rounding. Comparing the two, a gradient check, agreed to about
#   10⁻⁹ in 1-D and 10⁻⁸ in 2-D (printed): the size of finite differences' own truncation and rounding errors.
# - **Optimization** by gradient descent steps against the gradient. It finds the minimum of whichever
#   valley it starts in, and the learning rate decides whether it crawls, converges or overshoots.
# - In a narrow, ill-conditioned valley plain gradient descent crawls; momentum and Adam reached a loss
#   orders of magnitude lower in the same number of steps.
# - **Autograd** records each operation in a graph (`grad_fn`, `next_functions`) and runs the chain rule through
#   it backwards, in topological order. `.grad` adds up over `backward()` calls, which is why training clears it
#   (`zero_grad`), and updates run inside `torch.no_grad()`. A scalar engine of a few dozen lines does the same
#   bookkeeping, and its gradients matched PyTorch's to float64 rounding on an expression and on a one-neuron
#   classifier.
# - On MNIST, accuracy has no useful gradient, so we minimized the smooth cross-entropy loss. With the same
#   start and the same number of steps, gradient descent passed the random walk's final training accuracy
#   within a dozen steps. Training accuracy is the wrong scoreboard for the race, since gradient descent
#   memorises the 3,000 images; on the unseen validation images it ended well above the walk and cleared the
#   8-point target, and the test set, scored once, agreed (the numbers are printed above). Its validation loss
#   turned upwards while its training loss kept falling: overfitting, met in notebook 01 as a gap between training
#   and test accuracy, here seen as it happens.
# - **Scaling** matters to gradient descent, as notebook 02 argued: at the race's learning rate, raw pixels blew
#   the training loss up, pixels in [0, 1] brought it down slowly, and standardized pixels fastest.
#
# Notebook 05 makes gradient descent practical for large data sets: mini-batches, epochs and a proper
# training loop.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# The exercises whose answer is a value, a tensor or a function check it for you: run
# `from mnist_course.exercises import notebook04 as ex` once, then the check the exercise names, such as
# `ex.q2.check(...)`, prints "Correct" or what is still wrong; `ex.q2.hint()` gives a hint and
# `ex.q2.solution()` says where the solution is. The other exercises are open: compare your answer with the
# sample answer under them.
#
# 1. **Forward or central?** The forward difference $(f(x+h) - f(x))/h$ reuses $f(x)$, which you usually have
#    already, so a gradient of n coordinates costs n + 1 evaluations instead of the central difference's 2n. Plot both errors at $x = 1$ against $h$ on one log-log plot. Which is more accurate,
#    and what is the best $h$ for each?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    forward = [((f(x0 + h) - f(x0)) / h - exact0).abs().item() for h in hs]
#    central = [(finite_difference(f, x0, h) - exact0).abs().item() for h in hs]
#    plt.loglog(hs, [max(e, 1e-17) for e in forward], label="forward")
#    plt.loglog(hs, [max(e, 1e-17) for e in central], label="central")
#    plt.xlabel("h"); plt.ylabel("|error|"); plt.legend();
#    for name, errors_h in (("forward", forward), ("central", central)):
#        best = min(range(len(hs)), key=errors_h.__getitem__)
#        print(f"{name}: smallest error {errors_h[best]:.1e}, at h = {hs[best].item():.0e}")
#    ```
#    The forward difference's truncation error shrinks like $h$, the central one's like $h^2$, so central is
#    far more accurate: its smallest error is some thousands of times smaller (both are printed). Rounding error
#    grows like $1/h$ for both, and the best $h$ balances the two: near $\sqrt{\epsilon} \approx 10^{-8}$ for the
#    forward difference and near $\epsilon^{1/3}$, a few times $10^{-6}$, for the central one, with float64's
#    $\epsilon \approx 2 \cdot 10^{-16}$. The printed best $h$ agree (on this grid of $h$, which has four points per
#    power of ten).
#    </details>
#
# 2. **The stability limit.** For $v(x, y) = \tfrac12(x^2 + \kappa y^2)$, one gradient step
#    multiplies $y$ by $(1 - \eta\kappa)$. Predict the limit for $\kappa = 100$: the learning rate above which
#    gradient descent diverges (at exactly that rate it neither converges nor diverges). Then check it with
#    `gradient_descent` just below and just above it. Check your prediction,
#    `largest_lr`, with `ex.q2.check(largest_lr)`; `ex.q2.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook04 as ex
#
#    largest_lr = 2 / 100  # y shrinks while |1 - lr * kappa| < 1
#    for lr in (0.0199, 0.0201):
#        path = gradient_descent(valley, VALLEY_START, lr=lr, steps=500)
#        print(f"lr {lr}: loss {valley(path[0]).item():.3g} at the start, {valley(path[-1]).item():.3g} after 500 steps")
#    ex.q2.check(largest_lr)
#    ```
#    The step converges when $|1 - \eta\kappa| < 1$, that is $\eta < 2/\kappa = 0.02$. At both rates $y$ flips
#    sign every step ($1 - \eta\kappa \approx -1$); at 0.0199 its size shrinks by $1\%$ a step and the loss falls, at
#    0.0201 it grows by $1\%$ a step and the loss explodes (printed).
#    The steepest direction sets the limit, and the flattest direction then sets the speed.
#    </details>
#
# 3. **A rotated valley.** Rotate the valley by 45°: `valley_rot(p) = valley(R @ p)` with
#    `R = torch.tensor([[c, -c], [c, c]], dtype=torch.float64)` and `c = 0.5 ** 0.5`. Run the three update
#    rules from `R.T @ torch.tensor(VALLEY_START, dtype=torch.float64)` (the same point, rotated). Which one
#    suffers?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    c = 0.5 ** 0.5
#    R = torch.tensor([[c, -c], [c, c]], dtype=torch.float64)
#    valley_rot = lambda p: valley(R @ p)
#    start_rot = (R.T @ torch.tensor(VALLEY_START, dtype=torch.float64)).tolist()
#    rot_rules = {"gradient descent": plain(0.019), "momentum": momentum(0.01), "Adam": adam(0.3)}
#    for (name, rule), aligned in zip(rot_rules.items(), valley_losses.values()):
#        path = minimize(valley_rot, start_rot, VALLEY_STEPS, rule)
#        print(f"{name:16s} loss after {VALLEY_STEPS} steps: aligned {aligned[-1].item():.2e}, "
#              f"rotated {valley_rot(path[-1]).item():.2e}")
#    ```
#    Compare the printed losses, aligned against rotated. Gradient descent and momentum end at the same loss as
#    before: they treat all directions alike, so a rotation changes nothing. Adam ends orders of magnitude higher
#    than in the aligned valley, no better than plain gradient descent, because its per-coordinate scaling no
#    longer lines up with the valley's steep and flat directions.
#    </details>
#
# 4. **Adam on MNIST.** Train the linear scorer with `torch.optim.Adam([W_adam], lr=0.01)` (the `adam` rule
#    above, built into PyTorch) instead of the hand-written update, for the same number of steps and from the
#    same start. Compare its training loss and its final validation accuracy with plain gradient descent's.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    W_adam = (0.001 * torch.randn(10, 784, generator=torch.Generator().manual_seed(0))).requires_grad_()
#    adam_optimizer = torch.optim.Adam([W_adam], lr=0.01)
#    adam_loss_curve = []
#    for _ in range(STEPS):
#        adam_step_loss = F.cross_entropy(X_train @ W_adam.T, y_train)
#        adam_loss_curve.append(adam_step_loss.item())
#        adam_optimizer.zero_grad()
#        adam_step_loss.backward()
#        adam_optimizer.step()
#    plt.loglog(steps_axis[:-1], gd_loss_curve[:-1], label="gradient descent")
#    plt.loglog(steps_axis[:-1], adam_loss_curve, label="Adam")
#    plt.xlabel("step + 1"); plt.ylabel("training loss"); plt.legend();
#    for s in (10, 100, STEPS - 1):
#        print(f"training loss before step {s}: Adam {adam_loss_curve[s]:.4f}, gradient descent {gd_loss_curve[s]:.4f}")
#    adam_val = linear_accuracy(W_adam.detach(), X_val, y_val).item()
#    print(f"validation accuracy: Adam {adam_val:.1%}, gradient descent {gd_val:.1%}")
#    ```
#    Compare the two loss curves and the printed losses: how fast each optimizer fits the 3,000 training images.
#    Adam's training loss is lower at each printed step, by far at the end. Yet the printed validation accuracies
#    end close together, Adam's a little below gradient descent's: once a model can memorise
#    its training images, fitting them faster or more tightly does not help on new ones. A faster optimizer is not
#    a better model.
#    </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questionnaire
#
# Answer each question in your own words first, then open the answer to compare.
#
# 1. A finite difference estimates a slope from $f(x+h)$ and $f(x-h)$. Why can you not make it as accurate as you
#    like by making $h$ smaller and smaller, and why does autograd not have this problem?
#
#    <details><summary>Answer</summary>
#
#    Two errors pull in opposite directions. With a large $h$ the curve bends away from its tangent between the two
#    points, so the chord's slope is off (for the central difference the error falls like $h^2$). With a tiny $h$ the
#    two function values are nearly equal, and subtracting them loses their digits to rounding (an error growing
#    like $1/h$). Autograd uses no $h$ at all: it applies the chain rule to the recorded operations, so its only
#    error is float rounding.
#    </details>
#
# 2. Started at +0.3, gradient descent ends in the shallow minimum of $f$, not in the deeper one. Why, and what
#    does Himmelblau's surface add to this?
#
#    <details><summary>Answer</summary>
#
#    Gradient descent only knows the slope where it stands, so it rolls downhill into whichever valley it starts
#    in; nothing tells it that a deeper valley exists elsewhere. On Himmelblau's surface, four starts close to each
#    other end in four different minima: the result depends on the start.
#    </details>
#
# 3. What goes wrong with a learning rate that is too small, and with one that is too large?
#
#    <details><summary>Answer</summary>
#
#    Too small, and every step is tiny, so the descent crawls and, within a budget of steps, stops far from the
#    minimum. Too large, and each step overshoots the bottom of the valley it aims at, so the path bounces from side
#    to side or flies off.
#    </details>
#
# 4. In the valley $\tfrac12(x^2 + 100\,y^2)$ plain gradient descent crawls. Why can a single learning rate not suit
#    both directions?
#
#    <details><summary>Answer</summary>
#
#    The valley is a hundred times steeper across ($y$) than along ($x$). The learning rate must stay below $2/100$,
#    or the steps across the valley grow instead of shrinking; but at such a rate each step shrinks $x$ only by a
#    small fraction, so the walk along the flat floor is slow. The steepest direction sets the limit and the
#    flattest one then sets the speed.
#    </details>
#
# 5. How does momentum get through the narrow valley faster?
#
#    <details><summary>Answer</summary>
#
#    It moves along a decaying sum of past gradients instead of the latest one alone. Along the valley the gradients
#    keep pointing the same way, so they add up and the steps grow; across it they alternate in sign and partly
#    cancel, so the velocity across stays bounded. The path still overshoots and zigzags (see the figure); what
#    momentum gains is speed along the floor.
#    </details>
#
# 6. Adam divides its running average gradient by the square root of the running average squared gradient, per
#    coordinate. What does that buy, and when does it stop helping?
#
#    <details><summary>Answer</summary>
#
#    Each coordinate's step is measured against that coordinate's own typical gradient size, so a steep coordinate
#    and a flat one move at similar speeds. Because the rescaling works coordinate by coordinate, it helps most when
#    the valley's steep and flat directions lie along the axes; in a rotated valley they do not, and the advantage is
#    gone (exercise 3).
#    </details>
#
# 7. `backward()` adds into `.grad` instead of overwriting it. Why is it built that way, and what goes wrong in a
#    training loop that forgets `zero_grad()`?
#
#    <details><summary>Answer</summary>
#
#    Adding up means that several `backward()` calls, for several losses or for a batch sent through in pieces,
#    leave the gradient of their sum. A loop that never clears `.grad` would step along the sum of this step's
#    gradient and all earlier ones, not along the gradient at the current weights: in the notebook, computing the
#    same loss twice and calling `backward()` on each (each call needs a fresh graph, since `backward()` frees the
#    one it used) leaves twice the gradient in `.grad`.
#    </details>
#
# 8. Why does every descent loop do its update inside `with torch.no_grad():`?
#
#    <details><summary>Answer</summary>
#
#    The update is not part of any loss, so it must not be recorded in the graph that autograd differentiates; the
#    next step's gradient would otherwise be traced back through all the earlier updates. PyTorch even refuses to
#    change a leaf that requires a gradient in place while it is recording (the notebook prints the error).
#    </details>
#
# 9. The `Value` engine's `backward()` visits the Values in reverse topological order and adds with `+=`. What would
#    go wrong without each of these?
#
#    <details><summary>Answer</summary>
#
#    A Value must have received the gradient from every one of its uses before it hands its own gradient on to its
#    inputs; the reverse topological order guarantees that. Without it, a Value could pass on an incomplete
#    gradient. The `+=` is what sums the contributions of several uses: in $c \cdot c$, overwriting would keep only
#    one of the two and give half the true derivative.
#    </details>
#
# 10. Why does gradient descent minimize cross-entropy on MNIST instead of maximizing accuracy directly?
#
#     <details><summary>Answer</summary>
#
#     Accuracy is a staircase: a small change to the weights changes no prediction, so it is flat almost everywhere
#     and its gradient is zero. Cross-entropy is smooth, and every weight moves it a little, so its gradient tells
#     each of the 7,840 weights which way to go, for winning and losing templates alike; it approaches 0 only as the
#     model becomes certain and right (probability 1 on the true digit).
#     </details>
#
# 11. At the learning rate that suits standardized pixels, raw pixels make the loss blow up. Why, and why does it
#     not grow without limit as on a quadratic?
#
#     <details><summary>Answer</summary>
#
#     Compared with pixels in [0, 1], raw pixels make the weight steps 255 times larger, and each step then moves
#     the scores 255 times further again: roughly $255^2$ times too far. But the cross-entropy's gradient is
#     bounded, since each image contributes its pixels times numbers between −1 and 1, so the loss leaps up and then
#     comes down in fits instead of exploding like a quadratic, whose gradient grows with the distance from the
#     bottom.
#     </details>
#
# 12. Why is the race between gradient descent and the walk judged on validation accuracy, and what does it mean
#     that gradient descent's validation loss turns upwards while its training loss keeps falling?
#
#     <details><summary>Answer</summary>
#
#     Gradient descent can drive the training accuracy on 3,000 images to its ceiling by memorising them, and a
#     score stuck at its ceiling cannot tell a good model from a lucky one; the validation images were seen by
#     neither learner. The rising validation loss is overfitting: fitting the same images ever more tightly no
#     longer helps on new ones, and the validation curve is how we see it.
#     </details>
