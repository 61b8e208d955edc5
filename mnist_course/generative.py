"""Old name of :mod:`mnist_course.judge`, kept only until notebook 08 imports ``from mnist_course.judge``; then delete."""

from mnist_course.judge import Judge, digit_shares, judge_samples, train_judge

__all__ = ["Judge", "digit_shares", "judge_samples", "train_judge"]
