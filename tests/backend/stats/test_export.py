"""CSV export: a header, Excel-readable Chinese, no formulas smuggled in by citizen text."""

import csv
import io

from backend.stats.export import to_csv


def test_rows_become_csv_with_a_bom_and_formulas_defused() -> None:
    text = to_csv(
        [
            {"key": "noise", "name": "噪音扰民", "filters": {"service_code": "noise"}, "n": 3},
            {"key": "x", "name": '=HYPERLINK("http://evil")', "filters": None, "n": None},
        ]
    )
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["key", "name", "filters", "n"]
    assert rows[1] == ["noise", "噪音扰民", "service_code=noise", "3"]
    assert rows[2] == ["x", '\'=HYPERLINK("http://evil")', "", ""]
    assert to_csv([]) == "\ufeff\r\n"
