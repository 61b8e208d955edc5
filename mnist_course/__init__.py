"""mnist_course: the helper package behind the MNIST course notebooks.

A module per job, in two layers. *Plumbing* is machinery the notebooks lean on without teaching it line by line
(switches, data, results, timing, figures, the lecture cache). A *topic* module holds code a notebook writes out
in full on screen; the package keeps a copy that the notebook proves equal (same outputs, or
``load_state_dict`` into both), so later notebooks and the benchmarks can reuse it. Each public function's
docstring names the notebook that introduces it.

================  ========  ========  ============================================================================
module            notebook  layer     what it holds
================  ========  ========  ============================================================================
``settings``      01        plumbing  every ``MNIST_COURSE_*`` switch, ``seed_everything``, ``device``, ``pick``
``results``       01        plumbing  ``record`` and ``check``: headline results against their targets
``timing``        01        plumbing  fair timings: best of repeats, speed-ups measured in the same run
``plot``          01        plumbing  the figures drawn again and again (image grids, curves)
``exercises``     01        plumbing  ``check``, ``hint``, ``solution`` for the exercises at the end of every notebook
``search``        01        topic     the linear scorer and the random walk (learning without gradients)
``data``          02        plumbing  download, verify, load, scale and batch MNIST; the one validation split
``train``         05        topic     ``fit``, ``evaluate``, ``predict``: the training loop written out in 05
``models``        06        topic     the ``MLP`` built by hand in notebooks 05–06
``autoencoders``  07        topic     autoencoders and PCA, their linear baseline
``lecture``       11        plumbing  the lecture cache: long trainings an instructor prepared load in a second
``judge``         08        topic     the small CNN that labels generated digits (a generator's referee)
``cnn``           10        topic     notebook 10's ``LeNet`` and the pixel shifts it is tested with
``handwriting``   10        topic     your own digit made MNIST-style (crop, 20-pixel box, centre of mass)
``deep``          11        topic     ``DeepCNN`` with switchable batch norm, residuals, dropout; augmentation
``env``           --        plumbing  ``python -m mnist_course.env``: what a bug report needs (versions, data)
================  ========  ========  ============================================================================

``python -m tools.docs --check`` fails when a module file has no row here or a row names no module.
"""

__version__ = "0.3.0"
