"""One-off: fill empty ('-') descriptions in compact files from a key|description patch file."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(patch: str, pattern: str) -> None:
    pairs = [ln.split("|", 1) for ln in (HERE / patch).read_text(encoding="utf-8").splitlines() if ln.strip()]
    used = set()
    for path in sorted(HERE.glob(pattern)):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.startswith("@"):
                continue
            parts = line.split("|")
            for key, desc in pairs:
                if parts[1].startswith(key):
                    if key in used:
                        sys.exit(f"key matched twice: {key}")
                    used.add(key)
                    if parts[2] != "-":
                        sys.exit(f"already has description: {key}")
                    parts[2] = desc
                    lines[i] = "|".join(parts)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    missing = [k for k, _ in pairs if k not in used]
    if missing:
        sys.exit(f"unmatched keys: {missing}")
    print(f"patched {len(used)}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
