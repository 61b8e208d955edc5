#!/usr/bin/env bash
# `make compat`: the unit tests and the whole course in quick mode in two extra environments (tools/compat.py):
#   oldest  the lowest Python of requires-python, every dependency at its floor
#   colab   Google Colab's runtime: Python 3.13 and its torch, torchvision, NumPy, matplotlib and tqdm
# In each, the course package is installed exactly as the notebooks' Colab setup cell installs it:
# `pip install --no-deps git+file://<a clean clone of this commit>@<the notebooks' ref>`, never the work tree and
# never editable, and `pip check` proves the environment's versions satisfy pyproject.toml's requirements. The unit
# tests and the quick course then run from a folder outside the checkout with no data/ beside it, so they import
# the installed copy (tests/test_installed.py asserts it), as a student in Colab does.
#
#   bash tools/compat.sh              # both environments
#   bash tools/compat.sh colab        # one
#   bash tools/compat.sh --envs-only  # only create (or reuse) the environments
#
# Environments live outside the repository in $COMPAT_CACHE (default ~/.cache/mnist-course-compat), one folder
# per Python + requirements (its name carries a hash of them), created when absent and reused when present.
# Interpreters: pythonX.Y on PATH, else pyenv's X.Y. One that is absent is SKIPPED with a message, never
# passed silently; with COMPAT_STRICT=1 (CI) a skipped environment fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE="${COMPAT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mnist-course-compat}"
HOST_PYTHON="${COMPAT_PYTHON:-python3}"
unset PYTHONPATH  # the environments must import their own installed copy of the package
# As the Makefile does: tests and CI find the original MNIST files beside the checkout when they are there.
for pair in MNIST_COURSE_MIRRORS:mnist MNIST_COURSE_FASHION_MIRRORS:fashion-mnist; do
  var=${pair%%:*}
  if [ -z "${!var:-}" ] && [ -d "../shared/data/${pair#*:}" ]; then export "$var=$(cd "../shared/data/${pair#*:}" && pwd)"; fi
done

envs=()
envs_only=0
for arg in "$@"; do
  case "$arg" in
    --envs-only) envs_only=1 ;;
    oldest|colab) envs+=("$arg") ;;
    *) echo "compat: unknown argument $arg (use oldest, colab, --envs-only)" >&2; exit 2 ;;
  esac
done
[ ${#envs[@]} -gt 0 ] || envs=(oldest colab)

find_python() {  # $1 = X.Y; prints an interpreter path or nothing
  local v=$1 p prefix
  if p=$(command -v "python$v" 2>/dev/null) && "$p" -c 'import sys' 2>/dev/null; then echo "$p"; return; fi
  if command -v pyenv >/dev/null 2>&1 && prefix=$(pyenv prefix "$v" 2>/dev/null) && [ -x "$prefix/bin/python$v" ]; then
    echo "$prefix/bin/python$v"; return
  fi
  for prefix in "$HOME"/.pyenv/versions/"$v".*; do
    if [ -x "$prefix/bin/python$v" ]; then echo "$prefix/bin/python$v"; return; fi
  done
}

create_env() {  # $1 = env name, $2 = interpreter, $3 = venv folder
  local name=$1 python=$2 venv=$3 start
  start=$(date +%s)
  echo "compat[$name]: creating $venv with $("$python" -V 2>&1)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$HOST_PYTHON" -m tools.compat requirements "$name" > "$venv/requirements.txt"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$venv/requirements.txt"
  touch "$venv/.complete"
  echo "compat[$name]: environment created in $(( $(date +%s) - start )) s"
}

check_kernel() {  # the runner's "python3" kernel must be this environment's interpreter, not some other one
  local venv=$1
  "$venv/bin/python" - "$venv" <<'EOF'
import sys, os, nbformat
from nbclient import NotebookClient
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.prefix)")])
NotebookClient(nb, kernel_name="python3", timeout=120).execute()
got = nb.cells[0].outputs[0]["text"].strip()
want = sys.argv[1]
if os.path.realpath(got) != os.path.realpath(want):
    sys.exit(f"compat: the python3 kernel runs in {got}, not in {want}")
EOF
}

run_env() {  # $1 = env name; returns non-zero on failure
  local name=$1 version python venv start
  version=$("$HOST_PYTHON" -m tools.compat python "$name")
  python=$(find_python "$version" || true)
  if [ -z "$python" ]; then
    echo "compat[$name]: SKIPPED: no Python $version here (install python$version or 'pyenv install $version')"
    return 3
  fi
  venv="$CACHE/$name-py$version-$("$HOST_PYTHON" -m tools.compat key "$name")"
  if [ -f "$venv/.complete" ]; then
    echo "compat[$name]: reusing $venv"
  else
    create_env "$name" "$python" "$venv"
  fi
  [ "$envs_only" = 1 ] && return 0

  start=$(date +%s)
  # A folder outside the checkout, as a Colab runtime is: a clean clone to install from, the tools the tests and the
  # runner need (tools/, bench/ linked, not mnist_course/), copies of the notebooks, and no data/ folder.
  local work ref commit
  work=$(mktemp -d "${TMPDIR:-/tmp}/mnist-course-compat-$name.XXXXXX")
  trap "rm -rf '$work'" EXIT  # this runs in its own subshell (below): the folder goes when it ends, pass or fail
  ref=$("$HOST_PYTHON" -c 'from tools.repo_url import ref; print(ref())')
  commit=$(git -C "$ROOT" rev-parse HEAD)
  if [ -n "$(git -C "$ROOT" status --porcelain -- mnist_course pyproject.toml)" ]; then
    echo "compat[$name]: NOTE: mnist_course/ or pyproject.toml has uncommitted changes; the install is of commit $commit"
  fi
  git clone --quiet --no-local "$ROOT" "$work/clone"
  # The notebooks' ref must name the commit under test: main is this checkout's HEAD; a tag is taken as it is.
  if [ "$ref" = main ]; then git -C "$work/clone" checkout --quiet -B main "$commit"; fi
  echo "compat[$name]: pip install --no-deps git+file://<clean clone>@$ref (as the Colab setup cell does), then pip check"
  "$venv/bin/python" -m pip uninstall --quiet --yes mnist-course >/dev/null 2>&1 || true
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "git+file://$work/clone@$ref"
  "$venv/bin/python" -m pip check
  mkdir -p "$work/shim" "$work/notebooks"
  ln -s "$ROOT/tools" "$work/shim/tools"
  ln -s "$ROOT/bench" "$work/shim/bench"
  cp "$ROOT"/notebooks/[0-9][0-9]_*.py "$work/notebooks/"
  printf '[pytest]\naddopts = -ra\nmarkers =\n    course: runs whole notebooks in quick mode\n' > "$work/pytest.ini"
  export MNIST_COURSE_DATA="${MNIST_COURSE_DATA:-$CACHE/data}"
  (cd "$work" && "$venv/bin/python" -m mnist_course.env)

  echo "compat[$name]: unit tests against the installed copy, from $work"
  (cd "$work" && COMPAT_INSTALLED="$ref@$commit" PYTHONPATH="$work/shim" "$venv/bin/python" -m pytest \
    -c "$work/pytest.ini" --rootdir "$work" -q -p no:cacheprovider -m "not course" "$ROOT/tests")

  echo "compat[$name]: the whole course in quick mode, from copies of the notebooks in $work"
  export PATH="$venv/bin:$PATH"  # so the notebook kernel is this environment's Python
  check_kernel "$venv"
  (cd "$work" && MNIST_COURSE_QUICK=1 PYTHONPATH="$work/shim" \
    "$venv/bin/python" -m tools.run_course --notebooks "$work/notebooks" --build "$ROOT/build/compat-$name")
  echo "compat[$name]: passed in $(( $(date +%s) - start )) s"
}

mkdir -p "$CACHE"
skipped=()
passed=()
failed=()
for name in "${envs[@]}"; do
  # A subshell per environment, outside any `if`, so that `set -e` stops it at its first failing step.
  set +e
  (set -e; run_env "$name")
  rc=$?
  set -e
  case $rc in
    0) passed+=("$name") ;;
    3) skipped+=("$name") ;;
    *) failed+=("$name"); echo "compat[$name]: FAILED (exit $rc)" ;;
  esac
done
if [ "$envs_only" = 1 ]; then
  echo "compat: environments ready: ${passed[*]:-none}; failed: ${failed[*]:-none}; skipped: ${skipped[*]:-none}"
else
  echo "compat: passed: ${passed[*]:-none}; failed: ${failed[*]:-none}; skipped: ${skipped[*]:-none}"
fi
if [ ${#failed[@]} -gt 0 ]; then exit 1; fi
if [ ${#skipped[@]} -gt 0 ] && [ "${COMPAT_STRICT:-0}" = 1 ]; then
  echo "compat: COMPAT_STRICT=1 and an environment was skipped: failing" >&2
  exit 1
fi
