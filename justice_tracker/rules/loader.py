"""Loading the rule packs shipped in `rules/packs/`: one YAML file per jurisdiction.

A pack with any problem raises `InvalidPackError` listing every problem: an
invalid pack is never used.
"""

from __future__ import annotations

from pathlib import Path

from justice_tracker.rules.model import RulePack
from justice_tracker.rules.validate import InvalidPackError, read_pack_file

PACKS_DIR = Path(__file__).with_name("packs")


def pack_files(directory: Path = PACKS_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.yaml"))


def pack_path(code: str) -> Path:
    """The file that holds the pack `code` (`GB-EAW` lives in `gb-eaw.yaml`)."""
    return PACKS_DIR / f"{code.lower()}.yaml"


def load_pack_file(path: Path) -> RulePack:
    pack, problems = read_pack_file(Path(path))
    if pack is None or problems:
        raise InvalidPackError(problems)
    return pack


def load_pack(code: str) -> RulePack:
    path = pack_path(code)
    if not path.is_file():
        raise LookupError(f"no rule pack {code!r} (looked for {path.name})")
    return load_pack_file(path)


def load_all(directory: Path = PACKS_DIR) -> dict[str, RulePack]:
    """Every pack in `directory` (the shipped ones by default) by code; raises on the first
    invalid one, naming all its problems."""
    packs = (load_pack_file(path) for path in pack_files(directory))
    return {pack.code: pack for pack in packs}
