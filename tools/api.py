"""The public API of course_utils, its fingerprint, and the version bump that goes with a change.

Notebooks check ``course_utils.require(minimum)``; that only detects a stale copy (an old
JupyterHub image, an editable install from last term) if the version changes whenever a
public helper does. So the public API is recorded: every public function and class of every
module, with its signature, one per line in ``tests/public_api.txt``, and the fingerprint of
that listing next to the version in CHANGELOG.md. ``tests/test_api_version.py`` fails when the
code and the record disagree.

    python tools/api.py            print the current listing's differences from the record
    python tools/api.py --bump "what changed and why"
                                   after a change: bump the minor version (0.2.0 -> 0.3.0), write the
                                   listing, add a CHANGELOG entry with the fingerprint, your sentence and
                                   the changed lines; then raise the notebooks' require(...) to the new
                                   version where they use the new helpers

After merging two branches that both bumped, run ``--bump`` again on the merged code.
"""

import argparse
import difflib
import hashlib
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LISTING = ROOT / "tests" / "public_api.txt"
CHANGELOG = ROOT / "CHANGELOG.md"
INIT = ROOT / "course_utils" / "__init__.py"


def _modules(package):
    yield package
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            yield importlib.import_module(info.name)


SIMPLE = (type(None), bool, int, float, str, tuple)


def _signature(obj):
    """The signature with simple defaults as written and any other default as <its type> (an array's
    repr depends on print options, an object's on its address: neither is API)."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return "(...)"
    params = [p.replace(default=_Shown(p.default)) if p.default is not p.empty and not isinstance(p.default, SIMPLE)
              else p for p in signature.parameters.values()]
    return str(signature.replace(parameters=params))


class _Shown:
    def __init__(self, value):
        self.text = f"<{type(value).__name__}>"

    def __repr__(self):
        return self.text


def listing():
    """Sorted lines "module.name(signature)" for every public function, class and public method."""
    sys.path.insert(0, str(ROOT))
    import course_utils

    lines = set()
    for module in _modules(course_utils):
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue   # private, or imported from elsewhere (listed where it is defined)
            if inspect.isfunction(obj):
                lines.add(f"{module.__name__}.{name}{_signature(obj)}")
            elif inspect.isclass(obj):
                lines.add(f"{module.__name__}.{name}{_signature(obj)}")
                for attr, member in vars(obj).items():
                    if not attr.startswith("_") and inspect.isfunction(member):
                        lines.add(f"{module.__name__}.{name}.{attr}{_signature(member)}")
    return sorted(lines)


def fingerprint(lines):
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]


def version():
    return re.search(r'^__version__ = "([^"]+)"', INIT.read_text(), re.M).group(1)


def recorded_fingerprint(for_version):
    """The fingerprint CHANGELOG.md records for ``for_version`` ("## 0.2.0 (api 1a2b3c4d5e6f)"), or None."""
    match = re.search(rf"^## {re.escape(for_version)} \(api ([0-9a-f]+)\)", CHANGELOG.read_text(), re.M)
    return match.group(1) if match else None


def differences(old, new):
    return [line for line in difflib.unified_diff(old, new, "recorded", "now", lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def bump(message):
    new_lines = listing()
    old_lines = LISTING.read_text().splitlines() if LISTING.exists() else []
    major, minor, _ = (int(p) for p in version().split("."))
    new_version = f"{major}.{minor + 1}.0"
    INIT.write_text(re.sub(r'^__version__ = "[^"]+"', f'__version__ = "{new_version}"', INIT.read_text(), count=1,
                           flags=re.M))
    LISTING.write_text("\n".join(new_lines) + "\n")
    changes = differences(old_lines, new_lines)
    entry = [f"## {new_version} (api {fingerprint(new_lines)})", ""]
    entry += [f"- {message}", ""]
    entry += [f"    {line}" for line in changes] + ([""] if changes else [])
    text = CHANGELOG.read_text()
    first = text.index("\n## ") + 1 if "\n## " in text else len(text)
    CHANGELOG.write_text(text[:first] + "\n".join(entry) + "\n" + text[first:])
    return new_version, changes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bump", metavar="MESSAGE", help="bump the version, write the listing, add a CHANGELOG entry")
    args = parser.parse_args(argv)
    if args.bump:
        new_version, changes = bump(args.bump)
        print(f"course_utils {new_version}: {len(changes)} changed lines recorded in CHANGELOG.md")
        return 0
    lines = listing()
    old = LISTING.read_text().splitlines() if LISTING.exists() else []
    print(f"version {version()}, api {fingerprint(lines)} (CHANGELOG records {recorded_fingerprint(version())})")
    print("\n".join(differences(old, lines)) or "no change from tests/public_api.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
