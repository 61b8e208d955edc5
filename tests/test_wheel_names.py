"""The wheel check of `make check` (tools/wheel_names.py): what the notebooks import, found in the built wheel."""

from __future__ import annotations

import pytest

from tools import wheel_names


def test_notebook_imports_reads_code_cells_and_solutions(tmp_path):
    (tmp_path / "01_x.py").write_text(
        "# %%\nfrom mnist_course.results import check, record\nimport mnist_course.plot\n\n"
        "# %% [markdown]\n# 1. Do it.\n#\n#    ```python\n#    from mnist_course.generative import train_judge\n#    ```\n",
        encoding="utf-8",
    )
    found = wheel_names.notebook_imports(tmp_path)
    assert found == {
        "mnist_course.results": {"check": {"01_x"}, "record": {"01_x"}},
        "mnist_course.plot": {"*": {"01_x"}},
        "mnist_course.generative": {"train_judge": {"01_x"}},
    }


def test_the_real_notebooks_import_many_names():
    found = wheel_names.notebook_imports()
    assert "train_or_load" in found["mnist_course.lecture"] and "FASHION_CLASSES" in found["mnist_course.data"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    return wheel_names.build_wheel(out)


def test_the_built_wheel_provides_what_the_notebooks_import(wheel, tmp_path):
    assert wheel_names.missing_names(wheel, wheel_names.notebook_imports(), tmp_path) == []


def test_a_missing_module_or_name_is_named_with_its_notebook(wheel, tmp_path):
    wanted = {
        "mnist_course.generative": {"train_judge": {"08_generative_networks"}},  # renamed to judge in 0.3.0
        "mnist_course.judge": {"train_judge": {"08_generative_networks"}, "no_such_name": {"99_x"}},
        "mnist_course": {"lecture": {"11_deep"}},
    }
    lines = wheel_names.missing_names(wheel, wanted, tmp_path)
    assert len(lines) == 2, lines
    assert lines[0].startswith("mnist_course.generative: ModuleNotFoundError") and "08_generative_networks" in lines[0]
    assert lines[1] == "mnist_course.judge.no_such_name: no such name (imported by 99_x)"
