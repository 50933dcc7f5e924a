CREATE TABLE IF NOT EXISTS raw.raw_file (
    path VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    content_sha256 VARCHAR,
    size_bytes BIGINT NOT NULL,
    encoding VARCHAR,
    is_encoding_fallback BOOLEAN NOT NULL,
    read_at TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL,
    reject_reason VARCHAR,
    article_key VARCHAR,
    run_id VARCHAR NOT NULL,
    stat_signature VARCHAR
);
COMMENT ON TABLE raw.raw_file IS 'One row per input file path: its content hash, size, encoding and state. A rerun leaves unchanged files'' rows untouched (etl_run counts them), unless only their stat_signature changed.';
COMMENT ON COLUMN raw.raw_file.path IS 'Absolute path of the file when it was read (natural key). A byte of a name that is not UTF-8 is written \xNN and a backslash \\, so the path maps back to the same bytes.';
COMMENT ON COLUMN raw.raw_file.source_file IS 'The file name without folders, escaped as path is.';
COMMENT ON COLUMN raw.raw_file.content_sha256 IS 'SHA-256 of the raw bytes; files are recognised by it, so an unchanged file is not extracted again.';
COMMENT ON COLUMN raw.raw_file.size_bytes IS 'Size of the file in bytes.';
COMMENT ON COLUMN raw.raw_file.encoding IS 'Encoding the text was decoded with: utf-8, utf-8-sig (UTF-8 with BOM), windows-1252 (no UTF-8 beyond ASCII), utf-8+windows-1252 or utf-8-sig+windows-1252 (UTF-8 in which the bytes that were not UTF-8 were read as Windows-1252), utf-16 or utf-32 (told by a BOM), utf-16-le, utf-16-be, utf-32-le, utf-32-be (no BOM: told by the NUL bytes of ASCII text).';
COMMENT ON COLUMN raw.raw_file.is_encoding_fallback IS 'True when some or all bytes were not valid UTF-8 and were read as Windows-1252 (encoding names which).';
COMMENT ON COLUMN raw.raw_file.read_at IS 'When this content was read at this path (UTC).';
COMMENT ON COLUMN raw.raw_file.status IS 'The file''s state: loaded (its article is extracted), duplicate (same content as another file: one article), rejected (see reject_reason), missing (no longer in the input folder; its facts are kept).';
COMMENT ON COLUMN raw.raw_file.reject_reason IS 'Why the file was not loaded, in words; null when it was.';
COMMENT ON COLUMN raw.raw_file.article_key IS 'The article the file holds (dim_article.article_key); several files with the same content share one.';
COMMENT ON COLUMN raw.raw_file.run_id IS 'The run that read this content at this path (etl_run.run_id).';
COMMENT ON COLUMN raw.raw_file.stat_signature IS 'size:mtime_ns:ctime_ns:inode:device of the file when read. A later run that finds the same signature (times settled when read) reuses content_sha256 without reading the file.';

CREATE TABLE IF NOT EXISTS raw.raw_text (
    content_sha256 VARCHAR NOT NULL,
    raw_text VARCHAR NOT NULL
);
COMMENT ON TABLE raw.raw_text IS 'The decoded text of every distinct file content, exactly as read, before any cleaning.';
COMMENT ON COLUMN raw.raw_text.content_sha256 IS 'SHA-256 of the raw bytes (raw.raw_file.content_sha256).';
COMMENT ON COLUMN raw.raw_text.raw_text IS 'The decoded text.';
