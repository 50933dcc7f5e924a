"""flows/input_files.py: what a run reads of its input folder (issue 21, files and folders). Each test
is named after its case and failed before its fix."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from benchmarks.make_pages import article_page, letter_pdf
from flows.ingest import ingest_flow
from flows.pipeline import ingest_and_quality_flow
from flows.settings import DEFAULTS
from tests.helpers import SEED_ARTICLES, query, sample_inbox
from tests.local_site import story


def rows(db) -> dict[str, tuple[str, str | None]]:
    return {p: (s, r) for p, s, r in query(db, "SELECT path, status, reject_reason FROM raw.raw_file")}


@pytest.fixture
def deep_folder():
    """Makes ``levels`` nested folders under ``top``, one at a time (os.makedirs recurses too); removes
    them bottom-up afterwards, as shutil.rmtree (pytest's clean-up of old temporary folders) would
    recurse past Python's limit."""
    made = []

    def make(top: Path, levels: int) -> Path:
        folder = top
        for _ in range(levels):
            folder = folder / "d"
            os.mkdir(folder)
            made.append(folder)
        return folder

    yield make
    for folder in reversed(made):
        for entry in os.scandir(folder):
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        os.rmdir(folder)


def test_upper_and_mixed_case_extensions_A_TXT_b_Html_c_PDF_are_read(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SEED_ARTICLES / "000_ef8e9a91a762f96c.txt", inbox / "A.TXT")
    facts = {"title": "Steadier teams in Cornwall", "publisher": "Invented Care News", "published_date": "2025-03-20", "author": "A Reporter"}
    (inbox / "b.Html").write_text(article_page(story("Cornwall"), facts, "all", "https://news.example.org/b"), encoding="utf-8")
    (inbox / "c.PDF").write_bytes(letter_pdf(repeat=1))
    db = tmp_path / "w.duckdb"
    summary = ingest_flow(input_dir=inbox, db_path=db)
    assert summary["files_seen"] == 3 and summary["files_new"] == 3 and summary["files_rejected"] == 0
    assert {(Path(p).name, s) for p, (s, _) in rows(db).items()} == {("A.TXT", "loaded"), ("b.Html", "loaded"), ("c.PDF", "loaded")}
    assert sorted(r[0] for r in query(db, "SELECT source_file FROM dim_article")) == ["A.TXT", "b.Html", "c.PDF"]


def test_a_file_the_run_will_not_read_is_still_listed_with_its_reason(prefect_harness, tmp_path):
    inbox = sample_inbox(tmp_path / "inbox")
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04 not an article")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "README").write_text("about this folder\n", encoding="utf-8")
    (inbox / ".git").mkdir()
    (inbox / ".git" / "HEAD.txt").write_text("ref: refs/heads/main\n", encoding="utf-8")
    # The fetch's own records beside its files are not input, nor listed.
    (inbox / "000_ef8e9a91a762f96c.txt.fetch.json").write_text("{}", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = ingest_flow(input_dir=inbox, db_path=db)
    found = rows(db)
    assert found[str(inbox / "notes.docx")] == ("rejected", "not an article by its name (read are *.txt, *.html, *.htm, *.pdf, "
                                                            "in any case): not read")
    assert found[str(inbox / "sub" / "README")][0] == "rejected"
    assert found[str(inbox / ".git")] == ("rejected", "hidden folder: not read (only visible folders under the input folder are read)")
    assert not any(p.endswith(".fetch.json") or "HEAD" in p for p in found)
    assert summary["files_new"] == 5 and summary["files_rejected"] == 3
    assert {r["file"] for r in summary["rejected"]} == {"notes.docx", "README", ".git"}
    # Unchanged, they are not recorded again.
    assert ingest_flow(input_dir=inbox, db_path=db)["rejected"] == []


def test_a_folder_nested_1500_deep_under_input_does_not_kill_the_run(prefect_harness, tmp_path, deep_folder):
    inbox = sample_inbox(tmp_path / "inbox")
    bottom = deep_folder(inbox, 1500)
    (bottom / "deep.txt").write_text("Ofsted visited Sutton council.\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = ingest_flow(input_dir=inbox, db_path=db)
    assert summary["files_new"] == 5 and summary["files_rejected"] == 1
    [(path, reason)] = query(db, "SELECT path, reject_reason FROM raw.raw_file WHERE status = 'rejected'")
    assert path == str(inbox / "/".join(["d"] * DEFAULTS.max_folder_depth))
    assert reason == (f"folder nested {DEFAULTS.max_folder_depth} levels under the input folder, deeper than the "
                      f"{DEFAULTS.max_folder_depth} read (max_folder_depth): its contents are not read")


def test_a_folder_nested_1500_deep_is_walked_without_recursion_to_its_bound(tmp_path, deep_folder):
    from flows.input_files import InputFolder

    bottom = deep_folder(tmp_path, 1500)
    (bottom / "deep.txt").write_text("x", encoding="utf-8")
    (tmp_path / "d" / "d" / "near.txt").write_text("x", encoding="utf-8")
    listed = InputFolder.of(tmp_path, DEFAULTS.file_glob, None, 3).walk()
    assert listed == [str(tmp_path / "d" / "d" / "d"), str(tmp_path / "d" / "d" / "near.txt")]


def test_one_warehouse_fed_from_two_input_folders_marks_missing_only_in_the_folder_read(prefect_harness, tmp_path):
    folder_a = sample_inbox(tmp_path / "a")
    folder_b = tmp_path / "b"
    folder_b.mkdir()
    (folder_b / "b.txt").write_text((SEED_ARTICLES / "001_6e7b3dec59b17819.txt").read_text(encoding="utf-8") + "\nAnd more.\n",
                                    encoding="utf-8")
    db = tmp_path / "w.duckdb"
    ingest_flow(input_dir=folder_a, db_path=db)
    summary = ingest_flow(input_dir=folder_b, db_path=db)
    assert summary["files_missing"] == 0
    assert query(db, "SELECT status, count(*) FROM raw.raw_file GROUP BY ALL ORDER BY ALL") == [("loaded", 6)]
    # Missing is still missing within the folder read.
    (folder_a / "000_ef8e9a91a762f96c.txt").unlink()
    assert ingest_flow(input_dir=folder_a, db_path=db)["files_missing"] == 1
    assert ingest_flow(input_dir=folder_b, db_path=db)["files_missing"] == 0


def test_report_inside_input_is_refused_before_any_work_serve_inbox_inbox_report_inbox_report(prefect_harness, tmp_path):
    """`serve --inbox inbox --report inbox/report`: the report would be read back as an article, so the run
    refuses it before reading anything (one guard for every output, warehouse/outputs.py); the warehouse
    inside the inbox is never listed as input."""
    from flows.quality import quality_flow
    from warehouse.outputs import OutputRefused

    inbox = sample_inbox(tmp_path / "inbox")
    db = inbox / "w.duckdb"  # the warehouse inside the input folder too: never listed
    with pytest.raises(OutputRefused, match="inside the input folder"):
        ingest_and_quality_flow(input_dir=inbox, db_path=db, report_dir=inbox / "report")
    assert not (inbox / "report").exists() and not db.exists()
    first = ingest_and_quality_flow(input_dir=inbox, db_path=db, report_dir=tmp_path / "report")
    second = ingest_and_quality_flow(input_dir=inbox, db_path=db, report_dir=tmp_path / "report")
    for run in (first, second):
        assert run["ingest"]["files_seen"] == 5 and run["ingest"]["files_rejected"] == 0
    assert second["ingest"]["files_unchanged"] == 5 and second["ingest"]["files_new"] == 0
    assert all(Path(p).parent == inbox and p.endswith(".txt") for p in rows(db))
    # `quality` alone, into a folder inside a folder the warehouse's runs read: refused as well.
    with pytest.raises(OutputRefused, match="inside the input folder"):
        quality_flow(db_path=db, report_dir=inbox / "sub" / "report")
    assert ingest_flow(input_dir=inbox, db_path=db)["files_seen"] == 5


def test_a_warehouse_with_mode_0600_and_a_group_keeps_its_mode_and_group_after_a_run(prefect_harness, warehouse, tmp_path):
    db = warehouse  # the sample ingested into a new file: a copy of the session's (conftest.built)
    group = 65534 if os.getgid() != 65534 else 0  # nogroup: any group other than the process's own
    os.chown(db, -1, group) if os.geteuid() == 0 else pytest.skip("giving a file another group needs root here")
    os.chmod(db, 0o600)
    inbox = sample_inbox(tmp_path / "inbox")
    (inbox / "000_ef8e9a91a762f96c.txt").write_text("Ofsted visited Sutton council again.\n", encoding="utf-8")
    ingest_flow(input_dir=inbox, db_path=db)
    st = os.stat(db)
    assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o600, group)
    os.chmod(db, 0o640)
    from flows.quality import quality_flow

    quality_flow(db_path=db, report_dir=tmp_path / "report")
    st = os.stat(db)
    assert (stat.S_IMODE(st.st_mode), st.st_gid) == (0o640, group)


def test_report_given_the_input_folder_itself_is_refused_not_read(tmp_path):
    """`--report inbox --input inbox`: the folder is the project's output; the run says so and reads nothing."""
    from flows.input_files import IsOutputFolder, InputFolder, mark_output_folder

    inbox = sample_inbox(tmp_path / "inbox")
    folder = InputFolder.of(inbox, DEFAULTS.file_glob, None, DEFAULTS.max_folder_depth)
    assert len(folder.walk()) == 5
    mark_output_folder(inbox)
    with pytest.raises(IsOutputFolder, match="Give --input the folder of articles and --report or --out another folder"):
        folder.walk()
