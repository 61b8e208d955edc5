"""The course's models and settings as the notebooks use them, for the benchmarks to time.

Notebook 06: `MLP((784, 500, 10), dropout=0.2)` with SGD (Nesterov momentum 0.9, weight decay 5e-4) at batch
size 256. Notebook 10: `LeNet()` in channels_last memory format with Adam and a one-cycle schedule at batch size 128.
"""

from __future__ import annotations

import torch

from mnist_course.cnn import LeNet
from mnist_course.models import MLP

MLP_BATCH = 256
CNN_BATCH = 128
CNN_MAX_LR = 3e-3


def make_mlp() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    model = MLP((784, 500, 10), dropout=0.2)
    return model, torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9, nesterov=True, weight_decay=5e-4)


def make_cnn() -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    model = LeNet().to(memory_format=torch.channels_last)
    return model, torch.optim.Adam(model.parameters(), lr=1e-3)


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
    return model, torch.optim.Adam(model.parameters(), lr=1e-3)


def course_99_recipe(n_train: int, tiny: bool = False):
    """Notebook 10's CNN recipe on a two-epoch one-cycle schedule: (model, optimizer, scheduler, batch, epochs, transform)."""
    epochs = 1 if tiny else 2
    model = LeNet().to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=CNN_MAX_LR)
    steps = epochs * -(-n_train // CNN_BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=CNN_MAX_LR, total_steps=steps)
    return model, opt, sched, CNN_BATCH, epochs, None
