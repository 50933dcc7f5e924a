"""Issue 12, cases 5, 6 and 7: text that is decoded wrongly or hides what it says."""

from __future__ import annotations

import polars as pl
import pytest

from tests.helpers import valid_las
from transforms.decode import decode_bytes, decode_frame

ARTICLE = (
    "Council’s children’s services “improving”, Ofsted says\n\n"
    "Ofsted’s monitoring visit to Sutton council found that social workers’ caseloads had fallen.\n"
)


def test_case05_mixed_encoding_repairs_only_the_bad_bytes():
    data = ARTICLE.encode("utf-8") + b"The council\x92s director welcomed it.\n"
    text, encoding, reason = decode_bytes(data)
    assert reason is None
    # The UTF-8 stays UTF-8 (no "â€™"); only the stray Windows-1252 apostrophe is read as Windows-1252.
    assert text == ARTICLE + "The council’s director welcomed it.\n"
    assert encoding == "utf-8+windows-1252"
    frame = decode_frame(pl.DataFrame({"content": [data, ARTICLE.encode("utf-8")]}))
    assert frame["is_encoding_fallback"].to_list() == [True, False]


def test_a_whole_windows_1252_file_is_still_windows_1252():
    text, encoding, _ = decode_bytes(ARTICLE.encode("cp1252"))
    assert (text, encoding) == (ARTICLE, "windows-1252")


def test_case05_bom_and_stray_byte():
    text, encoding, _ = decode_bytes(b"\xef\xbb\xbf" + ARTICLE.encode("utf-8") + b"\x93quoted\x94\n")
    assert (text, encoding) == (ARTICLE + "“quoted”\n", "utf-8-sig+windows-1252")


@pytest.mark.parametrize(
    "data, encoding",
    [
        (ARTICLE.encode("utf-16"), "utf-16"),  # with BOM (Python writes the machine's order)
        (b"\xfe\xff" + ARTICLE.encode("utf-16-be"), "utf-16"),
        (ARTICLE.encode("utf-16-le"), "utf-16-le"),
        (ARTICLE.encode("utf-16-be"), "utf-16-be"),
        (ARTICLE.encode("utf-32"), "utf-32"),
        (ARTICLE.encode("utf-32-le"), "utf-32-le"),
        (ARTICLE.encode("utf-32-be"), "utf-32-be"),
    ],
)
def test_case06_utf16_and_utf32_with_or_without_bom(data, encoding):
    assert decode_bytes(data) == (ARTICLE, encoding, None)


def test_binary_with_nul_bytes_is_still_refused():
    assert "binary" in decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)[2]
    assert "binary" in decode_bytes(bytes(range(256)) * 8)[2]
    # Odd-length "UTF-16" cannot be decoded: refused, not garbled.
    assert "binary" in decode_bytes(ARTICLE.encode("utf-16-le") + b"\x41")[2]


@pytest.mark.parametrize("hidden", ["\u202e", "\u200e", "\u2066", "\u00ad", "\x07"])
def test_case07_format_characters_do_not_hide_an_authority(extract, hidden):
    ex = extract(f"Inspectors return\n\nOfsted’s monitoring visit to Sut{hidden}ton council found drift and delay.\n")
    assert valid_las(ex) == {"Sutton"}
    assert hidden not in ex.articles["clean_text"][0]


@pytest.mark.parametrize("separator", ["\u2028\u2028", "\u2029", "\u0085\u0085", "\u2028\n"])
def test_case07_unicode_line_separators_break_lines(extract, separator):
    # A blank line ends the title's paragraph, however the line breaks are written.
    ex = extract(f"Inspectors return to the council{separator}Ofsted’s monitoring visit to Sutton council found drift and delay.\n")
    assert ex.articles["title"][0] == "Inspectors return to the council"
    assert valid_las(ex) == {"Sutton"}


def test_case07_control_characters_in_file_names_show_in_the_report():
    from warehouse.report import render_report

    name = "report\u202etxt.exe\x1b[31m.txt"
    run = {"dq_run_id": "r1", "started_at": "2026-01-01 00:00:00", "expectations": 1, "failed": 0}
    data = {"run": run, "results": [], "rejected_files": [{"source_file": name, "reject_reason": "empty file (0 bytes)", "size_bytes": 0,
                                                           "read_at": "2026-01-01"}],
            "rejected_rows": [], "flagged_articles": [{"source_file": "a\u2028b.txt", "title": "T\u200fitle"}], "contradictions": [],
            "rating_checks": [], "trend": [], "ingests": [], "tables": []}
    html = render_report(data)
    for c in ("\u202e", "\x1b", "\u2028", "\u200f"):
        assert c not in html
    assert "report[U+202E]txt.exe[U+001B][31m.txt" in html
    assert "a[U+2028]b.txt" in html and "T[U+200F]itle" in html
