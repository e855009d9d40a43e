"""A non-editable install carries its scenarios, assets and corpus, and plays a call."""

from __future__ import annotations

import json
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import DATA, ROOT


@pytest.mark.slow
def test_wheel_install_into_a_fresh_virtualenv_plays_a_call(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # The fresh environment sees the already-installed dependencies (no download), not the project.
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    deps = [p for p in site.getsitepackages() + [sysconfig.get_paths()["purelib"]] if Path(p).is_dir()]
    (Path(purelib) / "deps.pth").write_text("\n".join(dict.fromkeys(deps)) + "\n")
    build = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", str(ROOT)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "SALESIM_HOME": str(tmp_path / "home"), "HOME": str(tmp_path)}
    listing = subprocess.run([str(venv / "bin" / "salesim"), "scenarios", "list", "--json"], cwd=tmp_path,
                             capture_output=True, text=True, env=env)
    assert listing.returncode == 0, listing.stderr
    found = json.loads(listing.stdout)
    assert {"angry-customer"} <= {s["id"] for s in found}
    assert all("site-packages" in s["path"] and s["valid"] for s in found)
    play = subprocess.run([str(venv / "bin" / "salesim"), "play", "angry-customer", "--script",
                           str(DATA / "scripts" / "angry-customer-good.txt"), "--json", "--seed", "1"],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert play.returncode == 0, play.stderr
    out = json.loads(play.stdout)
    assert out["outcome"] == "won" and len(out["turns"]) > 10
    assert (tmp_path / "home" / "salesim.db").exists()  # logged to the default database
