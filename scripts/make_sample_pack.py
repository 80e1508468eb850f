"""Rebuild the bundled sample pack (lmms_eval/data/sample) from the full data in ../shared/data.

Only MIT / CC-BY / CC BY-SA / generated items go in, with attribution (lmms_eval/data/sample/ATTRIBUTION.md).
Paths inside the pack mirror ../shared/data, so a task reads the same relative paths from either root.
Usage: python scripts/make_sample_pack.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "lmms_eval" / "data" / "sample"


def copy(src_root: Path, rel: str) -> None:
    dst = OUT / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src_root / rel, dst)


def head_jsonl(src_root: Path, rel: str, n: int) -> list[dict]:
    lines = (src_root / rel).read_text(encoding="utf-8").splitlines()[:n]
    dst = OUT / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return [json.loads(line) for line in lines]


def main(src: Path) -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    for split, n in (("testmini", 60), ("test", 40)):
        for row in head_jsonl(src, f"math_vision/data/{split}.jsonl", n):
            copy(src, f"math_vision/{row['image']}")
    copy(src, "math_vision/LICENSE")
    for row in head_jsonl(src, "nlvr/dev/dev.json", 100):
        copy(src, f"nlvr/dev/images/{row['directory']}/dev-{row['identifier']}-0.png")
    for digit in range(10):
        for speaker in ("george", "jackson", "lucas", "nicolas", "theo", "yweweler"):
            for index in (0, 1):
                copy(src, f"fsdd/recordings/{digit}_{speaker}_{index}.wav")
    for row in head_jsonl(src, "manifests/synthetic_video_qa.jsonl", 120):
        copy(src, row["media"]["video"])
    shutil.copy2(REPO / "scripts" / "sample_pack_attribution.md", OUT / "ATTRIBUTION.md")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT} ({total / 1e6:.1f} MB, {sum(1 for p in OUT.rglob('*') if p.is_file())} files)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else REPO.parent / "shared" / "data").resolve())
