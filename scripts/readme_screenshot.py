"""The README's picture of the System dashboard: the real loopback stack (tests/real_stack.py)
runs for a few minutes, then `mac preview --prometheus … --png` draws it, and the page's image
is copied to docs/preview-system.png. Run by hand: .venv/bin/python scripts/readme_screenshot.py"""
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from monitoring_as_code.compiler import compile_tree  # noqa: E402
from real_stack import start  # noqa: E402

MINUTES = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0


def main() -> None:
    result = compile_tree(str(ROOT))
    with start(result.files) as running, tempfile.TemporaryDirectory() as tmp:
        time.sleep(MINUTES * 60)
        out = Path(tmp) / "preview"
        subprocess.run([sys.executable, "-m", "monitoring_as_code", "preview", "--prometheus", running.url, "--png",
                        "--dashboard", "mac-system", "--from", f"now-{int(MINUTES)}m", "--out", str(out)],
                       cwd=ROOT, check=True)
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(out / "png" / "mac-system.png", ROOT / "docs" / "preview-system.png")
    print("wrote docs/preview-system.png")


if __name__ == "__main__":
    main()
