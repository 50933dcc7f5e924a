import polars as pl

from transforms.decode import decode_bytes, normalise_text


def test_utf8_plain_and_with_bom():
    assert decode_bytes("Café’s".encode("utf-8")) == ("Café’s", "utf-8", None)
    text, enc, reason = decode_bytes(b"\xef\xbb\xbf" + "Ofsted".encode("utf-8"))
    assert (text, enc, reason) == ("Ofsted", "utf-8-sig", None)


def test_windows_1252_fallback_is_recorded():
    text, enc, reason = decode_bytes("Council’s “inadequate” rating".encode("cp1252"))
    assert enc == "windows-1252" and reason is None
    assert text == "Council’s “inadequate” rating"


def test_windows_1252_undefined_bytes_do_not_lose_the_text():
    text, enc, _ = decode_bytes(b"Surrey \x81 council \xe9")
    assert enc == "windows-1252" and text.startswith("Surrey") and text.endswith("é")


def test_empty_whitespace_and_binary_are_refused_with_reasons():
    assert decode_bytes(b"")[2] == "empty file (0 bytes)"
    assert "only whitespace" in decode_bytes(b" \n\t \r\n")[2]
    assert "binary" in decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")[2]
    assert "binary" in decode_bytes(bytes(range(1, 32)) * 50)[2]


def test_normalise_line_endings_entities_and_odd_spaces():
    raw = "A&amp;B\r\nsaid&nbsp;&ldquo;hi&rdquo;\rnext\u00a0word zero\u200bwidth\ufeff"
    out = pl.DataFrame({"t": [raw]}).select(normalise_text(pl.col("t")))["t"][0]
    assert out == "A&B\nsaid “hi”\nnext word zerowidth"
