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
