"""mnist_course: the helper package behind the MNIST course notebooks.

A module per job: ``data`` (download, load, scale, batch), ``train`` (seeding, device, quick mode, ``fit``),
``plot`` (figures), ``results`` (headline metrics against targets). Each public function's docstring names the
notebook that introduces it.
"""

__version__ = "0.2.0"
