"""The course's models and optimizers as notebooks 06 and 10 train them, for the benchmarks to time.

Notebook 06 (`train_full`): `MLP((784, 500, 10), dropout=p)` for p in a sweep over 0, 0.2 and 0.5 (the bench
uses 0.2), SGD with learning rate 0.2, Nesterov momentum 0.9 and weight decay 5e-4, batches of 256, and a cosine
schedule (`CosineAnnealingLR` stepped after every batch, from 0.2 down to zero over the whole run).

Notebook 10: `LeNet()` in channels_last memory format, Adam with learning rate `max_lr = 3e-3`, batches of 128,
and a one-cycle schedule (`OneCycleLR(max_lr=3e-3)` stepped after every batch) over four epochs.

The throughput rows (`make_mlp`, `make_cnn`, `make_cnn_pool_last`) time one epoch with the notebook's model,
optimizer and batch size but without its schedule: a scheduler step per batch costs microseconds, and the
arithmetic of a training step does not depend on the learning rate. The time-to-99% row (`course_99_recipe`)
trains with notebook 10's whole recipe, one-cycle schedule included, over two epochs instead of four.

tests/test_bench_recipes.py reads the notebooks' training cells and fails when these settings drift from them.
"""

from __future__ import annotations

import torch

from mnist_course.cnn import LeNet
from mnist_course.models import MLP

#: Notebook 06's `train_full`: batch size, SGD learning rate, momentum (Nesterov) and weight decay.
MLP_BATCH = 256
MLP_LR = 0.2
MLP_MOMENTUM = 0.9
MLP_WEIGHT_DECAY = 5e-4
#: The middle of notebook 06's dropout sweep (0, 0.2, 0.5).
MLP_DROPOUT = 0.2
#: Notebook 10: batch size and Adam's learning rate (`max_lr`, also the one-cycle schedule's peak).
CNN_BATCH = 128
CNN_MAX_LR = 3e-3


def make_mlp() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    """Notebook 06's network and optimizer (see the module docstring for what is left out)."""
    model = MLP((784, 500, 10), dropout=MLP_DROPOUT)
    optimizer = torch.optim.SGD(
        model.parameters(), lr=MLP_LR, momentum=MLP_MOMENTUM, nesterov=True, weight_decay=MLP_WEIGHT_DECAY
    )
    return model, optimizer


def make_cnn() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    """Notebook 10's LeNet (channels_last) and Adam at its learning rate, without the one-cycle schedule."""
    model = LeNet().to(memory_format=torch.channels_last)
    return model, torch.optim.Adam(model.parameters(), lr=CNN_MAX_LR)


def make_cnn_pool_last() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    """The same LeNet with each block in the textbook order conv, batch norm, ReLU, pool (for the layer-order row)."""
    model = LeNet()
    layers = list(model.features)
    reordered = []
    for i in range(0, len(layers), 4):
        conv, pool, bn, relu = layers[i : i + 4]
        reordered += [conv, bn, relu, pool]
    model.features = torch.nn.Sequential(*reordered)
    model = model.to(memory_format=torch.channels_last)
    return model, torch.optim.Adam(model.parameters(), lr=CNN_MAX_LR)


def course_99_recipe(
    n_train: int, tiny: bool = False
) -> tuple[torch.nn.Module, torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler, int, int, None]:
    """Notebook 10's CNN recipe on a two-epoch one-cycle schedule: (model, optimizer, scheduler, batch, epochs,
    transform)."""
    epochs = 1 if tiny else 2
    model, opt = make_cnn()
    steps = epochs * -(-n_train // CNN_BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=CNN_MAX_LR, total_steps=steps)
    return model, opt, sched, CNN_BATCH, epochs, None
