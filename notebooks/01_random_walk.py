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
# # 01 · Random Walk: learning without gradients
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/mnist-course/mnist-course/blob/main/notebooks/01_random_walk.ipynb)
#
# *Runs in under half a minute on a 2-core CPU (last full run).*
#
# Our first digit classifier learns by trial and error, with no calculus at all: try a small random change,
# keep it if it does not hurt. It works, slowly. Later notebooks replace the trial and error with gradients
# (notebook 04), and they have to beat the yardstick this notebook sets: the nearest mean image, a classifier
# that needs no search at all (section 4).
#
# **You will learn**
#
# - to see an image as a grid of **coordinates**, flatten it into a vector of 784 numbers, and stack a batch
#   of images into a matrix;
# - a linear scorer that rates every digit with a dot product, and how well random weights do;
# - the **random walk**: learning by small random steps, keeping the ones that do not make things worse;
# - **vectorization**: replacing Python loops with one tensor operation, and using it to evolve a whole
#   population of candidates at once;
# - to compare learners fairly: the same start, the same number of tries, an honest no-search yardstick, and
#   the choice made on training accuracy, never on the test images the model is judged on.

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
import time

import matplotlib.pyplot as plt
import torch

from mnist_course.data import load_mnist, mean_std, standardize
from mnist_course.plot import show_weights
from mnist_course.results import check, record
from mnist_course.search import linear_accuracy, random_walk
from mnist_course.settings import device, is_quick, pick, seed_everything
from mnist_course.timing import speedup

seed_everything(0)  # seeds the global random streams (Python, NumPy, PyTorch) for code without its own generator
dev = device()
# Every tensor here is small and the walk takes thousands of tiny steps: the CPU is the right place for them.
print(f"fastest device here: {dev}; this notebook computes on the CPU")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. An image is a grid of coordinates
#
# MNIST holds 70,000 handwritten digits: 60,000 for training and 10,000 for testing. Each image is a grid of
# 28 × 28 pixels, stored as a tensor: a block of numbers with a **shape** and a **dtype** (the number type).

# %%
# load_mnist downloads and reads the dataset's raw files (notebook 02 reads them byte by byte).
x_train, y_train = load_mnist("train")
x_test, y_test = load_mnist("test")

# %% tags=["nbval-check-output"]
print("training images:", tuple(x_train.shape), x_train.dtype, "  labels:", tuple(y_train.shape), y_train.dtype)
print("test images:    ", tuple(x_test.shape), x_test.dtype, "  labels:", tuple(y_test.shape), y_test.dtype)
print("pixel values from", int(x_train.min()), "to", int(x_train.max()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# A pixel is addressed by its **[coordinates](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#coordinate)** `(row, column)`: row 0 is the top of the image, column 0 the
# left edge, and the value stored there is the amount of ink, from 0 (paper) to 255 (full ink). Indexing
# with two coordinates reads one pixel.
#
# To compare images with arithmetic we **flatten** the grid: read it row by row into one vector of
# 28 · 28 = 784 numbers. The pixel at `(row, column)` lands at position `28 * row + column`. Now every image
# is a point in a space with 784 coordinates, one per pixel; similar drawings are nearby points.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room where the pixel at (row 14, column 15) lands in
# the flat vector; the cell prints the index as `28 * 14 + 15`, and the figure's legend gives the position it works
# out to, with a red circle on the pixel in both panels. A common
# misconception is that flattening throws something away: the values are only read row by row, and the cell asserts
# that reshaping the vector back gives the grid exactly.

# %%
image, label = x_train[0], int(y_train[0])
row, col = 14, 15
flat = image.reshape(784)

print(f"label: {label}   shape of the grid: {tuple(image.shape)}   shape of the flat vector: {tuple(flat.shape)}")
print(f"pixel at (row {row}, column {col}) = {int(image[row, col])};  flat[28 * {row} + {col}] = {int(flat[28 * row + col])}")
assert flat[28 * row + col] == image[row, col]
assert torch.equal(flat.reshape(28, 28), image)  # flattening loses nothing: reshape it back

# %% alt="Two panels. Left: a handwritten 5 as a 28x28 grid of ink values on row and column axes, the pixel at row 14, column 15 circled in red. Right: the flattened image, ink against position 0 to 784, zero at both ends, a burst of ink in each middle row's stretch, the pixel circled at position 407." slideshow={"slide_type": "subslide"}
fig, (ax_img, ax_vec) = plt.subplots(1, 2, figsize=(12, 3.8), gridspec_kw={"width_ratios": [1, 2.6]})
im = ax_img.imshow(image, cmap="gray_r")
ax_img.plot(col, row, "o", mfc="none", mec="red", ms=10, mew=2)
ax_img.annotate(f"(row {row}, col {col})", (col, row), xytext=(12, 26), color="red", fontsize=9,
                arrowprops={"arrowstyle": "->", "color": "red"})
ax_img.set(title=f"A {label} as a 28×28 grid", xlabel="column", ylabel="row")
fig.colorbar(im, ax=ax_img, label="ink (0–255)", fraction=0.046)
ax_vec.plot(flat.numpy(), lw=0.8, color="black")
ax_vec.plot(28 * row + col, int(flat[28 * row + col]), "o", mfc="none", mec="red", ms=8, mew=2,
            label=f"position 28·{row} + {col} = {28 * row + col}")
for r in range(0, 784, 28):
    ax_vec.axvline(r, color="lightgray", lw=0.5, zorder=0)
ax_vec.set(title="The same image flattened: 28 rows laid end to end (grey lines: row starts)",
           xlabel="position in the 784-vector", ylabel="ink", xlim=(0, 784))
ax_vec.legend(loc="upper left")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. A batch is a matrix
#
# Stack N flattened images and you get a matrix of shape N × 784: one image per row, one pixel per column.
# We also **standardize** the pixels: scale to [0, 1], subtract the training set's mean and divide by its
# standard deviation (one mean and one standard deviation for all pixels), so that the training pixels, taken
# all together, have mean 0 and standard deviation 1 (our 3,000-image subset comes out close to, not exactly
# at, 0 and 1; notebook 02 explains why this matters).
#
# The learner below evaluates its training accuracy thousands of times, so it uses a fixed random subset of
# the training set. The test accuracy is always measured on all 10,000 test images, which the learner never
# sees. The subset is drawn with a `torch.Generator`, a private random stream: seeded once, it gives the same
# numbers on every run, whatever other cells have drawn from PyTorch's global random stream.

# %%
N_TRAIN = pick(3000, 1000)  # pick(full, quick): 3,000 normally, 1,000 in a quick smoke run (MNIST_COURSE_QUICK=1)
mean, std = mean_std(x_train)
subset = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(0))[:N_TRAIN]

X = standardize(x_train[subset], mean, std).reshape(N_TRAIN, 784)  # training batch: N_TRAIN × 784
Y = y_train[subset]
X_test = standardize(x_test, mean, std).reshape(len(x_test), 784)  # all 10,000 test images
print(f"training pixels after standardizing: mean {X.mean():.3f}, std {X.std():.3f}")

# %% tags=["nbval-check-output"]
print("training batch X:", tuple(X.shape), X.dtype, "  labels Y:", tuple(Y.shape), Y.dtype)
print("test batch:      ", tuple(X_test.shape), X_test.dtype)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. A linear scorer
#
# The simplest classifier gives each digit a **template**: a row of 784 weights, one per pixel coordinate. The
# score of digit *k* for an image *x* is the dot product $\text{score}_k = \sum_{i=0}^{783} W_{k,i}\, x_i$:
# multiply coordinate by coordinate and add up. Our pixels are standardized, so a pixel with the average amount of
# ink (averaged over all pixels of all training images) is 0, one with more ink positive and a blank one negative.
# Where the template is positive, a pixel with more ink than average votes for the digit and one with less against
# it; where the template is negative, the reverse. The prediction is the digit with the highest score,
# $\arg\max_k \text{score}_k$. The ten templates form a matrix `W` of shape 10 × 784, and everything the classifier
# knows is in those 7,840 numbers.
#
# For a whole batch, all N × 10 dot products are one matrix product: `scores = X @ W.T` (`W.T`, W transposed,
# is 784 × 10).

# %%
W_random = torch.randn(10, 784, generator=torch.Generator().manual_seed(1))
scores = X[:5] @ W_random.T  # 5 images × 10 digits
print("scores of the first image:", [round(s, 1) for s in scores[0].tolist()])
print("predictions:", scores.argmax(1).tolist(), "  true digits:", Y[:5].tolist())

# %% tags=["nbval-check-output"]
print("X[:5]:", tuple(X[:5].shape), " W.T:", tuple(W_random.T.shape), " scores:", tuple(scores.shape))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Vectorization
#
# We could compute the scores with two Python loops, one dot product at a time. **[Vectorization](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#vectorization)** means
# writing the whole computation as one operation on tensors instead: the loop still happens, but inside
# optimized compiled code that also uses the CPU's vector instructions and cores. Same numbers, far less
# time. `speedup` times both versions back to back (best of three runs each).

# %%
def scores_loop(W, X):
    """One dot product at a time, in Python."""
    out = torch.empty(len(X), len(W))
    for n in range(len(X)):
        for k in range(len(W)):
            out[n, k] = torch.dot(W[k], X[n])
    return out


def scores_vectorized(W, X):
    return X @ W.T


batch = X[:500]
assert torch.allclose(scores_loop(W_random, batch), scores_vectorized(W_random, batch), atol=1e-3)
t_images = speedup(lambda: scores_loop(W_random, batch), lambda: scores_vectorized(W_random, batch))
print(f"scoring {len(batch)} images: loop {t_images['slow'] * 1e3:.1f} ms, matrix product {t_images['fast'] * 1e3:.3f} ms "
      f"-> {t_images['ratio']:.0f}× faster")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The **accuracy** is the share of images whose highest score is their true digit. Random templates know
# nothing about digits, so averaged over many random `W`'s we expect about 1 in 10. Yet each random `W` is a fixed
# rule, and some happen to line up a little with real digit shapes: that is why the accuracies below spread out
# (far more than chance noise on a few thousand images would), and why the best of them keeps its accuracy on the
# test set (the table in section 5 shows both). Drawing many random `W`'s and keeping the best one does better,
# but stays far below what learning reaches later in this notebook: almost all of the 7,840-dimensional space of
# weight matrices is useless.
#
# Two helpers from the course package appear from here on: `check` states a claim about the result and warns if
# a re-run breaks it; `record` prints a headline result against its target.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room to guess the training accuracy of one random `W`,
# and of the best of many random `W`'s. A natural guess is one in ten for both; the histogram shows the accuracies
# spread widely around chance, with the best draw well above it. A common misconception is that the best draw was only
# lucky on these images: the table in section 5 shows it keeps its accuracy on the test set.

# %%
def accuracy_of(W, X, Y):
    """Share of images whose highest score is their true digit."""
    predictions = (X @ W.T).argmax(1)  # axis 1 runs over the ten digits: the best-scoring digit of each image
    return (predictions == Y).float().mean().item()  # True/False -> 1/0, so the mean is the share correct


N_RANDOM = pick(200, 20)
random_Ws = torch.randn(N_RANDOM, 10, 784, generator=torch.Generator().manual_seed(2))
random_accs = [accuracy_of(W, X, Y) for W in random_Ws]
best_index = max(range(N_RANDOM), key=lambda i: random_accs[i])
W_best_random = random_Ws[best_index]

random_acc, best_random_acc = accuracy_of(W_random, X, Y), random_accs[best_index]
print(f"one random W:              training accuracy {random_acc:.1%}")
print(f"best of {N_RANDOM} random W's:    training accuracy {best_random_acc:.1%}")
check(0.03 < random_acc < 0.2, "a random scorer is close to chance (10%)")
check(best_random_acc >= random_acc, "the best of many random W's beats one random W")

# %% alt="Histogram of the training accuracy of 200 random weight matrices. The bars spread widely on both sides of a dashed line at chance (10%), with a thin tail to the right; a red line at the far right, about twice chance, marks the best of the 200." slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.hist(random_accs, bins=20, color="gray", edgecolor="white")
ax.axvline(0.1, color="black", ls="--", label="chance: 10%")
ax.axvline(best_random_acc, color="tab:red", label=f"best of {N_RANDOM}: {best_random_acc:.1%}")
ax.set(title=f"Training accuracy of {N_RANDOM} random weight matrices", xlabel="training accuracy",
       ylabel="number of random W's")
ax.legend()
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The random walk
#
# A **[random walk](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#random-walk)** is a path made of random steps. Ours walks through the space of all weight matrices
# (7,840 coordinates) and only takes steps that do not make the training accuracy worse. A walk that keeps only
# the steps that do not go downhill is known as **stochastic hill climbing** (also a *(1+1) evolution strategy*,
# or *local random search*: names to look for in further reading; plain "random search" often means independent
# random draws, like the best of 200 above):
#
# 1. start from small random weights;
# 2. propose a step: pick one digit at random and add a little Gaussian noise (standard deviation `SIGMA`)
#    to its template;
# 3. measure the training accuracy of the proposal; keep it if the accuracy did not go down, otherwise stay
#    where we are;
# 4. repeat.
#
# Two design choices matter. Changing one template at a time makes a step that does not hurt more likely than
# shaking all 7,840 numbers at once (exercise 1 counts the kept steps of both). And ties are accepted: a step that
# leaves the accuracy where it was is kept. In this walk ties are a small share of the steps (the cell below
# prints how many), but they matter for a template that wins no image: a nudge to it changes no prediction, and
# keeping such nudges lets the template drift until it starts winning images (exercise 4 meets such a template).

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the walk, ask the room what share of the proposed steps they expect to be
# kept, and what shape the training accuracy curve will take: a steady climb, a few sudden jumps, or fast at first and
# then slow. The walk's cell prints how many steps were kept (and how many of those were ties), and the curve below it
# answers the second question. Live knob: `SIGMA`, the step size; exercise 2 shows that changing it moves the final
# accuracy about as much as changing the seed does, because only a step's size relative to the weights matters.
# `SIGMA` also sets the noise of evolution's candidates in section 5, so the race there changes with it.

# %% slideshow={"slide_type": "subslide"}
STEPS = pick(6000, 300)
SIGMA = 0.02  # size of a step: standard deviation of the noise added to one template

gen = torch.Generator().manual_seed(0)
W_start = 0.001 * torch.randn(10, 784, generator=gen)  # a random start
W = W_start
best = accuracy_of(W, X, Y)
walk_curve, accepted, ties = [best], 0, 0
start = time.perf_counter()
for _ in range(STEPS):
    k = int(torch.randint(10, (1,), generator=gen))  # which digit's template to nudge
    candidate = W.clone()  # a copy: nudging it leaves W untouched
    candidate[k] += SIGMA * torch.randn(784, generator=gen)
    acc = accuracy_of(candidate, X, Y)
    if acc >= best:  # keep the step unless it makes things worse
        ties += acc == best  # a kept step that left the accuracy exactly where it was
        W, best = candidate, acc
        accepted += 1
    walk_curve.append(best)
walk_seconds = time.perf_counter() - start
W_walk = W

walk_train = walk_curve[-1]
walk_test = accuracy_of(W_walk, X_test, y_test)
print(f"{STEPS} steps in {walk_seconds:.1f} s, {accepted} of them kept ({accepted / STEPS:.0%}), "
      f"{ties} of those ties (accuracy unchanged)")
print(f"random walk: training accuracy {walk_train:.1%}, test accuracy {walk_test:.1%}")

# %% alt="Line plot of the random walk's training accuracy on 3,000 images against the step, up to 6,000 steps. The curve climbs steeply over the first thousand steps, then flattens and creeps up slowly to about 0.8, far above the dotted line of the best of 200 random W's and the dashed chance line." slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(walk_curve, color="tab:blue", label="random walk")
ax.axhline(best_random_acc, color="tab:red", ls=":", label=f"best of {N_RANDOM} random W's")
ax.axhline(0.1, color="black", ls="--", label="chance")
ax.set(title=f"Random walk: training accuracy on {N_TRAIN:,} images", xlabel="step",
       ylabel="training accuracy", ylim=(0, 1))
ax.grid(alpha=0.3)
ax.legend(loc="center right")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The curve climbs fast at first, when improving changes are easy to find, then slower and slower: the better
# the templates, the rarer a random step that improves them. Every step costs a full pass over the training
# subset, and most of them are thrown away.
#
# The headline target of this notebook: the walk reaches at least 75% training accuracy.

# %%
walk_result = record("random walk training accuracy", walk_train, 0.75)

# %% tags=["nbval-check-output"]
print(walk_result.verdict)

# %% [markdown] slideshow={"slide_type": "subslide"}
# What did the walk learn? Each template drawn as a 28 × 28 image: red pixels raise the digit's score when they
# hold more ink than average, blue ones lower it, white ones hardly matter. Each template has its own colour scale
# (white is exactly 0 and full colour marks the template's largest weight in absolute value), so compare colours
# within a template, not from one digit to another. The walk's templates look like static. Each one is the sum of
# a few dozen accepted random nudges, and a nudge was kept because it did not lower the accuracy (a tie was
# enough), not because every one of its 784 numbers was useful. Whatever part of them earns the accuracy printed
# above is too weak to see by eye in that noise. (Notebook 04 re-runs the same walk on its own training images and
# draws its templates next to the ones gradient descent learns.)

# %% alt="Ten small square heat maps, the random walk's template for each digit 0 to 9, red for positive and blue for negative weights, each on its own colour scale. All ten look like random static: no digit shape can be seen in any of them."
fig = show_weights(W_walk, titles=[f"digit {d}" for d in range(10)],
                   title="Templates learned by the random walk (each on its own colour scale)")

# %% [markdown]
# The course package has the same walk as `mnist_course.search.random_walk`, so that notebook 04 can re-run
# it next to gradient descent. It draws the same random numbers in the same order, so it retraces our walk
# exactly; let us check that on the first 200 steps.

# %%
short = random_walk(X, Y, steps=min(200, STEPS), sigma=SIGMA, seed=0)
same_walk = torch.equal(short.curve, torch.tensor(walk_curve[: len(short.curve)]))
assert same_walk, "mnist_course.search.random_walk should retrace the walk above"

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
print("package walk retraces the notebook's walk:", same_walk)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A yardstick that does not search: the nearest mean image
#
# Is the walk's accuracy good? Compare it with a classifier that involves no search at all. Average the
# training images of each digit into its **mean image**, and predict the digit whose mean image is nearest to
# the image, by Euclidean distance (the square root of the summed squared differences of the 784 coordinates).
# `X[Y == d]` keeps the rows whose label is `d` (a boolean mask, which notebook 03 explains).
#
# The squared distance between an image $x$ and a mean image $m$ expands into
# $\lVert x\rVert^2 - 2\, x \cdot m + \lVert m\rVert^2$. The first term is the same for every digit, so the
# nearest mean is the digit with the highest $2\, x \cdot m - \lVert m\rVert^2$: a linear scorer again, with
# twice the mean images as templates plus one offset per digit, and one matrix product scores the whole batch.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the next cell, ask the room to vote: on the test set, will the walk's
# thousands of steps or a plain average of each digit's training images score higher? The cell prints both, and its
# check states that the average wins. Use it to make the point of the section: a learner has to beat a cheap yardstick
# that does no search at all, and the introduction says the later notebooks have to beat this one.

# %%
means = torch.stack([X[Y == d].mean(0) for d in range(10)])  # 10 × 784: the mean image of each digit


def nearest_mean(X):
    """The digit whose mean image is nearest to each image (smallest Euclidean distance)."""
    return (2 * X @ means.T - (means**2).sum(1)).argmax(1)


# The same answers as measuring all the distances (up to rounding in a near-tie).
assert (nearest_mean(X_test) == torch.cdist(X_test, means).argmin(1)).float().mean() > 0.999
mean_train = (nearest_mean(X) == Y).float().mean().item()
mean_test = (nearest_mean(X_test) == y_test).float().mean().item()
print(f"nearest mean image: training accuracy {mean_train:.1%}, test accuracy {mean_test:.1%}")
print(f"random walk:        training accuracy {walk_train:.1%}, test accuracy {walk_test:.1%}")
check(mean_test > walk_test, "the nearest mean image beats the random walk on the test set")

# %% [markdown] slideshow={"slide_type": "subslide"}
# On the test set, averaging beats the walk's thousands of steps (both printed above). The walk's templates
# partly fit the particular training images they were tuned on; an average of a few hundred images of a digit
# fits no single one of them. This is the yardstick for everything that follows, the one the introduction
# promised: a learner has to beat the nearest mean image to be worth its cost.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Vectorization, one level up: a whole population at once
#
# The walk evaluates one candidate at a time. Many search methods try a whole **population** of candidates
# at every step instead. A population of P weight matrices is one tensor of shape P × 10 × 784, and
# vectorization evaluates all of it in one matrix product, which `population_accuracy` below does with two
# reshapes and a comparison (notebook 03, where reshaping and broadcasting are taught, takes it apart line by
# line). Here it is enough to check that it gives the same accuracies as a loop over the candidates.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before the timing cell of this section, ask the room whether evaluating a whole population at
# once will gain as much as scoring a batch of images at once did, then compare the two panels of the bar chart. The
# population gains less, because each candidate's evaluation was already one matrix product. The times depend on the
# machine, so a live run prints its own.

# %%
def population_accuracy(Ws, X, Y):
    """Training accuracy of each of P candidate weight matrices (P × 10 × 784), in one batched operation."""
    P, K, D = Ws.shape
    scores = (X @ Ws.reshape(P * K, D).T).reshape(len(X), P, K)  # every candidate scores every image: N × P × K
    return (scores.argmax(2) == Y[:, None]).float().mean(0)  # one accuracy per candidate: P


def population_accuracy_loop(Ws, X, Y):
    """The same, one candidate at a time."""
    return torch.tensor([accuracy_of(W, X, Y) for W in Ws])


POP = 32
# Any spread will do: this population only tests that the two evaluations agree.
population = W_walk + 0.05 * torch.randn(POP, 10, 784, generator=torch.Generator().manual_seed(2))
acc_loop = population_accuracy_loop(population, X, Y)
acc_batched = population_accuracy(population, X, Y)
# Different orders of adding up can flip a near-tie, so allow a few images' worth of difference.
assert (acc_loop - acc_batched).abs().max() <= 3 / len(X)
# The package's linear_accuracy (used in notebook 04) is this very function.
assert torch.equal(linear_accuracy(population, X, Y), acc_batched)

# %% tags=["nbval-check-output"]
print("population:", tuple(population.shape), "-> accuracies:", tuple(acc_batched.shape))

# %% slideshow={"slide_type": "subslide"}
t_population = speedup(lambda: population_accuracy_loop(population, X, Y), lambda: population_accuracy(population, X, Y))
print(f"{POP} candidates on {N_TRAIN:,} images: loop {t_population['slow'] * 1e3:.1f} ms, "
      f"batched {t_population['fast'] * 1e3:.1f} ms -> {t_population['ratio']:.1f}× faster")

# %% alt="Two bar charts of time in milliseconds, best of 3, Python loop in grey against vectorized in green. Left, scoring 500 images: the vectorized bar is barely visible next to the loop's. Right, evaluating 32 candidates: the vectorized bar is shorter than the loop's but clearly visible. Each title gives the speed-up."
fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
for ax, t, what in [(axes[0], t_images, f"score {len(batch)} images"), (axes[1], t_population, f"evaluate {POP} candidates")]:
    bars = ax.bar(["Python loop", "vectorized"], [t["slow"] * 1e3, t["fast"] * 1e3], color=["tab:gray", "tab:green"])
    ax.bar_label(bars, fmt="%.2f ms")
    ax.set(title=f"{what}: {t['ratio']:.1f}× faster", ylabel="milliseconds (best of 3)")
    ax.margins(y=0.15)
fig.suptitle("Vectorization: the same numbers, timed on the machine that ran this notebook")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Scoring images one dot product at a time is hopeless next to a matrix product. The population gains less,
# because each candidate's evaluation was already a matrix product; gluing them into one large product
# still lets the CPU work more efficiently.
#
# ### Evolution: a population random walk
#
# With populations cheap to evaluate, the walk can look around before it steps. Each **generation**:
#
# 1. draw `POP` random directions and evaluate `W + SIGMA · direction` for all of them at once;
# 2. keep the best quarter (the elite) and move `W` to their average.
#
# `accs.argsort(descending=True)` returns the indices that would sort the accuracies from best to worst, so its
# first `ELITE` entries pick the elite (notebook 03 sorts digits by ink with `argsort`). Averaging several good
# directions cancels much of their noise and keeps what they agree on. Unlike the walk, evolution moves without
# checking that the new `W` is better, so its curve can dip for a while. This is a simple **evolution strategy**.
#
# A fair race gives both learners the same conditions: evolution starts from the walk's starting point, draws
# its candidates with noise of the same size `SIGMA`, and gets the walk's budget of `STEPS` candidate evaluations,
# rounded down to whole generations: `STEPS // POP` generations of `POP` candidates each. "The same size" means the
# same standard deviation per weight, but each candidate shakes all ten templates at once, the change that
# exercise 1 (at the end) shows hurts a walk; averaging the elite is what has to make up for it.

# %% [markdown] slideshow={"slide_type": "notes"}
# **Presenter's notes.** Before running the race, ask the room which learner will be ahead early on and which at the
# end, given the same start and the same budget of candidate evaluations (evolution's rounded down to whole
# generations). The figure plots both against candidates evaluated, not against steps or generations, so at every
# point of its axis both have had the same number of tries. A common misconception is that evolution wins by taking bigger
# steps: its candidates use noise of the same size per weight, and what has to make up for shaking all ten templates
# at once is averaging the elite.

# %% slideshow={"slide_type": "subslide"}
GENERATIONS = STEPS // POP  # the walk's budget of STEPS candidates, rounded down to whole generations
ELITE = POP // 4

gen = torch.Generator().manual_seed(0)
W = 0.001 * torch.randn(10, 784, generator=gen)  # the walk's start, drawn the same way
assert torch.equal(W, W_start)
evo_curve = [accuracy_of(W, X, Y)]
start = time.perf_counter()
for _ in range(GENERATIONS):
    directions = torch.randn(POP, 10, 784, generator=gen)
    accs = population_accuracy(W + SIGMA * directions, X, Y)  # POP candidates, one tensor operation
    elite = accs.argsort(descending=True)[:ELITE]  # indices of the best quarter
    W = W + SIGMA * directions[elite].mean(0)  # step to their average
    evo_curve.append(accuracy_of(W, X, Y))
evo_seconds = time.perf_counter() - start
W_evo = W

evo_train = evo_curve[-1]
evo_test = accuracy_of(W_evo, X_test, y_test)
print(f"{GENERATIONS} generations × {POP} candidates = {GENERATIONS * POP} evaluations in {evo_seconds:.1f} s"
      f" (the walk: {STEPS} evaluations in {walk_seconds:.1f} s)")
print(f"evolution:   training accuracy {evo_train:.1%}, test accuracy {evo_test:.1%}")
print(f"random walk: training accuracy {walk_train:.1%}, test accuracy {walk_test:.1%}")
# (A quick smoke run, MNIST_COURSE_QUICK=1, is too short for the race, so the claim is checked at full size only.)
check(is_quick() or evo_train > walk_train, "with the same start and budget, evolution ends above the random walk")

# %% alt="Line plot of training accuracy against the number of candidate W's evaluated, from the same start with the same budget. The random walk (blue) climbs faster at first; evolution (green) overtakes it partway through and ends higher, above the dotted line of the nearest mean image; the walk ends at about that line. A dashed line marks chance." slideshow={"slide_type": "subslide"}
evals_walk = torch.arange(len(walk_curve))
evals_evo = POP * torch.arange(len(evo_curve))
fig, ax = plt.subplots(figsize=(9, 4))
ax.plot(evals_walk, walk_curve, color="tab:blue", label="random walk")
ax.plot(evals_evo, evo_curve, color="tab:green", label=f"evolution, {POP} candidates per generation")
ax.axhline(mean_train, color="tab:purple", ls=":", label="nearest mean image (no search)")
ax.axhline(0.1, color="black", ls="--", label="chance")
ax.set(title="The same start, the same budget: training accuracy against candidates evaluated",
       xlabel="candidate W's evaluated", ylabel="training accuracy", ylim=(0, 1))
ax.grid(alpha=0.3)
ax.legend(loc="center right")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The walk climbs faster at first: early on, improving nudges are easy to find, and the walk can move after every
# single evaluation, while evolution spends 32 evaluations on each step. Later, when improving steps are rare, the
# walk keeps throwing its evaluations away, and evolution's averaged steps pull ahead: it ends above the walk
# (the final accuracies are printed above the plot), and, with its candidates evaluated 32 at a time, in less
# time (both times are printed there too).
#
# All the derivative-free methods side by side, on the training subset and on the 10,000 test images they never
# saw. For the random walk and evolution, which were tuned step by step on the training images, test accuracy
# sits clearly below training accuracy: the templates partly fit those particular images (this is called
# **[overfitting](https://github.com/mnist-course/mnist-course/blob/main/GLOSSARY.md#overfitting)**).

# %% alt="Grouped bar chart of training (blue) and test (orange) accuracy of five methods, each bar labelled with its percentage. One random W and the best of 200 stay low. The nearest mean, the random walk and evolution reach about 0.8 or more on training; the nearest mean scores as well on the test set, the walk and evolution lower." slideshow={"slide_type": "subslide"}
methods = {
    "one random W": (random_acc, accuracy_of(W_random, X_test, y_test)),
    f"best of {N_RANDOM}": (best_random_acc, accuracy_of(W_best_random, X_test, y_test)),
    "nearest mean": (mean_train, mean_test),
    "random walk": (walk_train, walk_test),
    "evolution": (evo_train, evo_test),
}
for name, (train_acc, test_acc) in methods.items():
    print(f"{name:14s} training {train_acc:6.1%}   test {test_acc:6.1%}")

fig, ax = plt.subplots(figsize=(8, 3.6))
xs = torch.arange(len(methods)).float()
bars_train = ax.bar(xs - 0.2, [v[0] for v in methods.values()], 0.4, label="training subset", color="tab:blue")
bars_test = ax.bar(xs + 0.2, [v[1] for v in methods.values()], 0.4, label="test set", color="tab:orange")
ax.bar_label(bars_train, fmt="{:.1%}", fontsize=8)
ax.bar_label(bars_test, fmt="{:.1%}", fontsize=8)
ax.set_xticks(xs.tolist(), list(methods))
ax.set(title="Learning without gradients: accuracy of each method", ylabel="accuracy", ylim=(0, 1))
ax.legend(loc="upper left")
fig.tight_layout()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Which method is best? We choose by **training** accuracy alone; the test column above plays no part in it.
# Choosing by test accuracy would let the test images take part in the choice, and the winner's test score would
# be flattered by its luck on exactly those images (notebook 02 shows this happening). Training accuracy is
# flattered too, most for the methods that searched step by step on these images (the walk, evolution);
# notebook 02 sets aside a validation split, the proper judge, and the later notebooks choose with it. The second
# target: the method chosen this way reaches at least 80% on the test set.

# %%
best_method = max(methods, key=lambda name: methods[name][0])  # [0]: training accuracy
print(f"chosen by training accuracy: {best_method} (training {methods[best_method][0]:.1%},"
      f" test {methods[best_method][1]:.1%})")
best_result = record("best derivative-free test accuracy", methods[best_method][1], 0.80)

# %% tags=["nbval-check-output"]
print(best_result.verdict)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - An image is a 28 × 28 grid of pixels addressed by **coordinates** (row, column); flattened, it is a
#   vector of 784 coordinates, and a batch of images is a matrix with one image per row.
# - A linear scorer keeps one template per digit and predicts the digit with the highest dot product. Random
#   templates score near chance, and the best of many random draws stays far below learning (both measured above).
# - The **random walk** — nudge one template, keep the nudge unless training accuracy drops — climbed past
#   the target using nothing but accuracy measurements, after thousands of steps, most of them rejected.
# - **Vectorization** turned loops into single tensor operations: scoring a batch as one matrix product was
#   orders of magnitude faster than a loop, and evaluating a whole population in one product was faster
#   than one candidate at a time (the speed-ups printed above were measured on the machine that ran the
#   notebook; yours will differ).
# - With no search at all, the **nearest mean image** is a linear scorer too (with one offset per digit, which
#   the walk's scorer lacks), and it beat the random walk on the test set: the yardstick a learner has to clear.
# - **Evolution**, a population random walk that steps to the average of its best candidates, raced the walk
#   fairly: the same start, the same noise size, the same budget of candidates evaluated. The best method was
#   chosen by training accuracy, and only the winner's test accuracy was reported against the target.
#
# Every candidate above cost a full pass over the training subset and gave back one number, the accuracy; the
# walk used only one bit of it, better or not. Notebook 04 computes the **gradient**, which says in one pass how
# to change all 7,840 weights at once.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# The exercises whose answer is a value, a tensor or a function check it for you: run
# `from mnist_course.exercises import notebook01 as ex` once, then the check the exercise names, such as
# `ex.q4.check(...)`, prints "Correct" or what is still wrong; `ex.q4.hint()` gives a hint and
# `ex.q4.solution()` says where the solution is. The other exercises are open: compare your answer with the
# sample answer under them.
#
# 1. **Shake everything.** Change the walk so each step adds noise to all ten templates at once, and run
#    2,000 steps. How does its curve compare with the one-template walk's, and why?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    gen_all = torch.Generator().manual_seed(0)
#    W_all = 0.001 * torch.randn(10, 784, generator=gen_all)
#    best_all = accuracy_of(W_all, X, Y)
#    curve_all, kept_all = [best_all], 0  # like walk_curve, start with the accuracy before the first step
#    for _ in range(2000):
#        candidate_all = W_all + SIGMA * torch.randn(10, 784, generator=gen_all)
#        acc_all = accuracy_of(candidate_all, X, Y)
#        if acc_all >= best_all:
#            W_all, best_all = candidate_all, acc_all
#            kept_all += 1
#        curve_all.append(best_all)
#    walk_one = random_walk(X, Y, steps=2000, sigma=SIGMA)  # the walk above, its first 2,000 steps
#    curve_one = walk_one.curve
#    plt.plot(curve_one, label="one template per step")
#    plt.plot(curve_all, label="all templates per step")
#    plt.xlabel("step"); plt.ylabel("training accuracy"); plt.legend();
#    print(f"one template per step:  {walk_one.accepted} of 2,000 steps kept, accuracy {curve_one[-1]:.1%}")
#    print(f"all templates per step: {kept_all} of 2,000 steps kept, accuracy {curve_all[-1]:.1%}")
#    ```
#    The all-at-once walk keeps fewer of its steps and ends much lower (both printed). Its steps are judged only by
#    their net effect: a step is kept when the changes that help some templates outweigh those that hurt others, so
#    every kept step also carries noise that works against it. A one-template step risks only the decisions that
#    involve that digit, and is kept on the merit of that one change.
#    </details>
#
# 2. **Does the step size matter?** Run `random_walk(X, Y, steps=2000, sigma=s)` for `s` = 0.02, 0.2 and
#    2 and plot the three curves. Predict the result first. Hint: what does multiplying every weight by
#    the same positive number do to the predictions?
#
#    <details><summary>Solution</summary>
#
#    ```python
#    curves = {}
#    for s in (0.02, 0.2, 2.0):
#        curves[s] = random_walk(X, Y, steps=2000, sigma=s).curve
#        plt.plot(curves[s], label=f"sigma = {s}")
#        print(f"sigma = {s}:          training accuracy after 2,000 steps {curves[s][-1]:.1%}")
#    for seed_s in (1, 2):  # for comparison: the same step size, other random numbers
#        print(f"sigma = 0.02, seed {seed_s}: training accuracy after 2,000 steps "
#              f"{random_walk(X, Y, steps=2000, sigma=0.02, seed=seed_s).curve[-1]:.1%}")
#    plt.xlabel("step"); plt.ylabel("training accuracy"); plt.legend();
#    for s_a, s_b in [(0.02, 0.2), (0.02, 2.0), (0.2, 2.0)]:
#        differ = (curves[s_a] != curves[s_b]).nonzero()  # the steps where the two curves differ
#        print(f"sigma {s_a} and {s_b}: curves first differ after step", int(differ[0]) if len(differ) else "never")
#    ```
#    The three step sizes end about as far apart as walks with different seeds do (compare the printed
#    accuracies). Scaling all templates by a positive number scales all scores alike, so the argmax, and hence
#    the accuracy, does not change: only a step's size *relative to the weights* matters, and that shrinks by
#    itself as the templates grow. With the same seed the three walks draw the same random numbers, so from a
#    start of exactly zero they would be exact scaled copies of each other, taking the same steps. The start
#    (0.001 · noise) is not zero, only small next to every step; relative to the steps it differs between the
#    three walks, so their accuracies part (the last lines print the step where each pair of curves first
#    differs), and from there the walks go their own way, like walks with different seeds.
#    </details>
#
# 3. **Overfitting.** Run the walk for 3,000 steps on only the first 300 training images, then measure its
#    training and test accuracy. Compare the gap with that of the walk above.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    small = random_walk(X[:300], Y[:300], steps=3000)
#    print(f"300 images:      training {small.curve[-1]:.1%}, test {linear_accuracy(small.weights, X_test, y_test):.1%}")
#    print(f"the walk above:  training {walk_train:.1%}, test {walk_test:.1%}")
#    ```
#    The gap between training and test accuracy is far wider than for the walk above (both printed): with
#    few images the walk keeps steps that happen to fit those particular drawings but not digits in general. More
#    training data shrinks the gap.
#    </details>
#
# 4. **A dead template.** Run the evolution loop with bigger steps, 0.05 instead of `SIGMA`, from the random
#    starts drawn with seeds 0 to 2. For each result, print the recall of every digit (the share of its test
#    images that are predicted correctly). What do you see, and why can evolution not fix it? Check the recalls of
#    a run with `ex.q4.check(recall, pred_ex, y_test)` (its ten recalls, its predicted digits, the test labels);
#    `ex.q4.hint()` gives a hint.
#
#    <details><summary>Solution</summary>
#
#    ```python
#    from mnist_course.exercises import notebook01 as ex
#
#    for seed_ex in range(3):
#        gen_ex = torch.Generator().manual_seed(seed_ex)
#        W_ex = 0.001 * torch.randn(10, 784, generator=gen_ex)
#        for _ in range(GENERATIONS):
#            directions_ex = torch.randn(POP, 10, 784, generator=gen_ex)
#            accs_ex = population_accuracy(W_ex + 0.05 * directions_ex, X, Y)
#            W_ex = W_ex + 0.05 * directions_ex[accs_ex.argsort(descending=True)[:ELITE]].mean(0)
#        pred_ex = (X_test @ W_ex.T).argmax(1)
#        recall = [((pred_ex == d) & (y_test == d)).sum().item() / (y_test == d).sum().item() for d in range(10)]
#        print(seed_ex, f"test accuracy {(pred_ex == y_test).float().mean().item():.1%}", [f"{r:.2f}" for r in recall])
#    print(f"evolution with SIGMA above: test accuracy {evo_test:.1%}")
#    ex.q4.check(recall, pred_ex, y_test)  # the last run's recalls
#    ```
#    In some of the runs one or two digits have a recall near 0: their templates (almost) never have the highest
#    score, so those digits are (almost) never predicted, and the test accuracy of those runs lags behind the run
#    above (printed last). Small changes to a losing template change no prediction and hence no accuracy, so
#    selection cannot tell good changes from bad ones for it. In evolution the losing template then moves only by
#    the average of eight random directions, which mostly cancel, while the winning templates grow along what the
#    elite agree on, so it falls further behind. The random walk is less exposed: a nudge to a losing template
#    that changes no prediction is a tie, and it is kept at full size, so the template keeps drifting and may
#    start winning images again. Notebook 04's smooth loss function gives every template a signal, winning or not.
#    </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questionnaire
#
# Answer each question in your own words first, then open the answer to compare.
#
# 1. Flattening turns a 28×28 image into a vector of 784 numbers. What is lost, and where does the pixel at
#    (row, column) end up?
#
#    <details><summary>Answer</summary>
#
#    Nothing is lost: the vector holds the same values read row by row, and reshaping it back gives the grid exactly
#    (the notebook asserts it). The pixel at (row, column) lands at position `28 * row + column`. What the vector no
#    longer shows is which positions are neighbours on the page; the linear scorer treats every position as a
#    coordinate of its own anyway.
#    </details>
#
# 2. In the linear scorer, what does a positive weight in digit *k*'s template do for a pixel with more ink than
#    average, and for one with less?
#
#    <details><summary>Answer</summary>
#
#    After standardizing, a pixel with more ink than average is positive and one with less is negative. Where the
#    template is positive, the first adds to digit *k*'s score and the second takes away from it; where the template
#    is negative, the reverse. The score is the sum of these votes over all 784 pixels, and the prediction is the
#    digit with the highest score.
#    </details>
#
# 3. Why does a random weight matrix score close to one image in ten, and why does keeping the best of many random
#    draws still stay far below what the random walk reaches?
#
#    <details><summary>Answer</summary>
#
#    Random templates have nothing to do with the digits, so averaged over many draws the highest score is as good
#    as a guess among ten digits. Each draw is still a fixed rule, and some line up a little with real digit shapes.
#    Independent draws never build on each other: the best of them is a genuinely better draw (it keeps its accuracy
#    on the test set), but still far from a good one, and almost all of the 7,840-dimensional space of weight
#    matrices is useless. The walk keeps what worked and adds to it,
#    step after step.
#    </details>
#
# 4. The walk nudges one template per step. Why not add noise to all ten templates at once?
#
#    <details><summary>Answer</summary>
#
#    A random change to all 7,840 weights is judged only by its net effect: it is kept when what helps some
#    templates outweighs what hurts others, so fewer steps are kept and every kept step also carries noise that
#    works against it; the walk ends much lower (exercise 1 counts the kept steps of both walks). Nudging one
#    template risks only the decisions that involve that digit, so a step that does not hurt is more likely.
#    </details>
#
# 5. The walk keeps a step when the training accuracy did not go down, ties included. What would happen if it
#    demanded a strict improvement?
#
#    <details><summary>Answer</summary>
#
#    In this notebook's walk little would change: ties are a small share of its steps (the walk's cell prints how
#    many). They matter for a template that wins no image: a nudge to it changes no prediction, so the accuracy
#    stays exactly the same. A strict walk would refuse all those nudges and could rescue the template only by a
#    single nudge that at once wins images and raises the accuracy; accepting ties lets it drift until it starts
#    winning images (exercise 4 meets such a template).
#    </details>
#
# 6. Why does the walk's curve climb fast at first and then more and more slowly, and what does that cost?
#
#    <details><summary>Answer</summary>
#
#    Early on the templates are poor, so many random nudges improve them; the better they get, the rarer a nudge
#    that helps. Every proposal costs a full pass over the training subset, and most proposals are thrown away (the
#    notebook prints how many steps were kept).
#    </details>
#
# 7. The nearest mean image involves no search at all. Why is it still a linear scorer, and why can it beat the
#    walk on the test set?
#
#    <details><summary>Answer</summary>
#
#    The squared distance $\lVert x\rVert^2 - 2\, x \cdot m + \lVert m\rVert^2$ has a first term that is the same
#    for every digit, so the nearest mean is the digit with the highest $2\, x \cdot m - \lVert m\rVert^2$: twice
#    the mean images as templates, plus one offset per digit. The walk's templates partly fit the particular
#    training images they were tuned on, while an average of hundreds of images of a digit fits none of them in
#    particular, so it carries over better to new images.
#    </details>
#
# 8. A matrix product computes the same dot products as two Python loops. Why is it so much faster, and why does
#    evaluating a whole population at once gain less than scoring a batch of images did?
#
#    <details><summary>Answer</summary>
#
#    The loops still happen, but inside compiled code that uses the CPU's vector instructions and cores, without
#    Python's overhead for every single dot product. Each candidate's evaluation was already one matrix product, so
#    gluing the candidates into one larger product removes much less overhead; it still lets the CPU work more
#    efficiently.
#    </details>
#
# 9. Evolution moves to the average of its elite candidates without checking that the new weights are better. Why
#    does averaging help, and why can its curve dip?
#
#    <details><summary>Answer</summary>
#
#    Each good direction is mostly noise plus a little that genuinely helps; averaging several of them cancels much
#    of the noise and keeps what they agree on. Because the step is taken without a check, it can make things worse
#    for a while, so the curve can dip; the walk's curve never goes down, since it refuses worse steps.
#    </details>
#
# 10. What makes the race between the walk and evolution fair, and why does that matter?
#
#     <details><summary>Answer</summary>
#
#     Both start from the same weights (the notebook asserts it), draw noise with the same standard deviation per
#     weight, and get the same budget of candidate evaluations, rounded down to whole generations. Otherwise a
#     difference in the result could come from a luckier start or a larger budget instead of from the method.
#     </details>
#
# 11. Why is the best method chosen by training accuracy and not by test accuracy, and why is training accuracy
#     still a flawed judge?
#
#     <details><summary>Answer</summary>
#
#     Choosing by test accuracy lets the test images take part in the choice, so the winner's test score is
#     flattered by its luck on exactly those images and is no longer an honest estimate. Training accuracy is
#     flattered too, most for the methods that were tuned step by step on those images (the walk and evolution both
#     score lower on the test set: overfitting). The proper judge is a validation split, which notebook 02 sets
#     aside.
#     </details>
#
# 12. The walk uses only one bit of each evaluation: better or not. What does notebook 04's gradient give instead?
#
#     <details><summary>Answer</summary>
#
#     A full pass over the training subset tells the walk only yes or no about one random direction. The gradient
#     of a smooth loss, computed in one pass over the data (forward and back), says for every one of the 7,840
#     weights which way to move it and how much that matters, so a single step can improve all of them at once.
#     </details>
