"""The course glossary (issue 26): write GLOSSARY.md from docs/glossary.txt, or check it (`make glossary`).

    python -m tools.glossary           # write GLOSSARY.md from docs/glossary.txt (make glossary)
    python -m tools.glossary --check   # exit 1 naming every problem (part of make check)

The check fails, naming the file and the fix, when an entry of docs/glossary.txt links a notebook section that does
not exist, when a term (each of the nine founding terms among them) is not linked from the section of the notebook
that teaches it, when a notebook links an entry that does not exist, and when GLOSSARY.md is not the rendering of
the source. The reading, checking and rendering live in tools/glossary_source.py, a library the site build uses
too (a command-line tool never imports another).
"""

from __future__ import annotations

import argparse
import sys

from tools.glossary_source import (
    OUTPUT,
    SOURCE,
    GlossaryError,
    markdown,
    notebooks_by_number,
    problems,
    read_notebook,
    read_source,
    shown,
    source_problems,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 naming every problem")
    args = parser.parse_args(argv)
    if not args.check:
        try:
            entries = read_source()
        except GlossaryError as e:
            print(f"glossary: {e}\nglossary: nothing written")
            return 1
        notebooks = {n: read_notebook(p) for n, p in notebooks_by_number().items()}
        bad = source_problems(entries, notebooks, shown(SOURCE))
        if bad:
            print("\n".join(f"glossary: {line}" for line in bad) + "\nglossary: nothing written")
            return 1
        text = markdown(entries, notebooks)
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            OUTPUT.write_text(text, encoding="utf-8")
            print(f"glossary: wrote {OUTPUT.name}")
    found = problems()
    for line in found:
        print(f"glossary: {line}")
    if not found:
        count = len(read_source())
        print(f"glossary: {count} entries, every section and notebook link resolves, {OUTPUT.name} is up to date")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
