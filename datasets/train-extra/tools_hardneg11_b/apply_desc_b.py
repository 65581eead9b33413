#!/usr/bin/env python3
"""Apply hand-written descriptions (desc_patch_b*.txt, given as argument) to source records whose description field is empty."""
import glob, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
patch = [l.rstrip("\n").split(" ‖ ", 1) for l in open(os.path.join(HERE, "" + (sys.argv[1] if len(sys.argv) > 1 else "desc_patch_b.txt") + ""), encoding="utf-8") if l.strip() and not l.startswith("//")]
used = set()
for fn in sorted(glob.glob(os.path.join(HERE, "src_*.txt"))):
    out = []
    for line in open(fn, encoding="utf-8"):
        line = line.rstrip("\n")
        if line and not line.startswith("@") and not line.startswith("//"):
            f = [x.strip() for x in line.split("‖")]
            for frag, desc in patch:
                if frag in f[1]:
                    if frag in used: sys.exit(f"fragment matches twice: {frag}")
                    used.add(frag)
                    if f[2]: print("already has desc:", frag); break
                    f[2] = desc; line = " ‖ ".join(f); break
        out.append(line)
    open(fn, "w", encoding="utf-8").write("\n".join(out) + "\n")
missing = [p[0] for p in patch if p[0] not in used]
print("applied", len(used), "missing", missing)
