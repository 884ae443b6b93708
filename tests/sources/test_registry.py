"""Which file is which release: HCPCS quarterly files recognised by what they hold."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from medcodes.catalog.load_hcpcs import load_hcpcs
from medcodes.sources.registry import Kind, locate

JULY = "hcpcs/2026-jul/HCPC2026_JUL_ANWEB_06172026.xlsx"


def hcpcs_releases(root: Path) -> dict[str, tuple[str, str]]:
    return {
        item.source.release: (item.source.kind.value, str(item.path.relative_to(root)))
        for item in locate(root)
        if item.source.kind in (Kind.HCPCS, Kind.HCPCS_WORKBOOK)
    }


def linked_sources(sources_dir: Path, target: Path, leave_out: str) -> Path:
    """A sources folder of symlinks to the real top-level folders, HCPCS less `leave_out`."""
    (target / "hcpcs").mkdir(parents=True)
    for entry in sources_dir.iterdir():
        if entry.name != "hcpcs":
            os.symlink(entry, target / entry.name)
    for entry in (sources_dir / "hcpcs").iterdir():
        if entry.name != leave_out:
            os.symlink(entry, target / "hcpcs" / entry.name)
    return target


def test_real_folder_releases(sources_dir: Path) -> None:
    found = hcpcs_releases(sources_dir)
    assert list(found) == ["2017-01", "2018-01", "2019-01", "2020-01", "2026-01", "2026-07"]
    # January: the fixed-width member of CMS's zip, not its .txt.gz twin or its workbook.
    assert found["2026-01"] == ("hcpcs", "hcpcs/2026-jan/january-2026-alpha-numeric-hcpcs-file.zip")
    assert found["2026-07"] == ("hcpcs-workbook", JULY)


def test_renamed_copy_becomes_a_release(sources_dir: Path, tmp_path: Path) -> None:
    root = linked_sources(sources_dir, tmp_path / "sources", leave_out="2026-jul")
    assert "2026-07" not in hcpcs_releases(root)
    dropped = root / "incoming" / "latest download (1).xlsx"
    dropped.parent.mkdir()
    shutil.copyfile(sources_dir / JULY, dropped)
    assert hcpcs_releases(root)["2026-07"] == (
        "hcpcs-workbook",
        "incoming/latest download (1).xlsx",
    )
    loaded = load_hcpcs(locate(root), root)
    current = {r.system: r for r in loaded.releases if r.is_current}
    assert (current["HCPCS"].release, current["HCPCS"].codes) == ("2026-07", 8_725)
    assert (current["HCPCS-MOD"].release, current["HCPCS-MOD"].codes) == ("2026-07", 384)
    assert any(m.file == "incoming/latest download (1).xlsx" for m in loaded.manifest)


def test_renamed_fixed_width_zip_keeps_its_release(sources_dir: Path, tmp_path: Path) -> None:
    root = linked_sources(sources_dir, tmp_path / "sources", leave_out="history")
    os.symlink(
        sources_dir / "hcpcs/history/2019-Alpha-Numeric-HCPCS-File.zip", root / "cms-download.zip"
    )
    assert hcpcs_releases(root)["2019-01"] == ("hcpcs", "cms-download.zip")
    assert "2017-01" not in hcpcs_releases(root)
