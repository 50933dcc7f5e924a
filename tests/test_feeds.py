"""transforms/feeds.py load_sources: a sources.toml is read strictly, each mistake told with what to
write instead, and the CLI tells it at start (issue 21, settings and arguments)."""

from __future__ import annotations

import pytest

from flows import cli
from transforms.feeds import load_sources

GOOD = '[[feed]]\nname = "A feed"\nurl = "https://news.example.org/feed"\n\n[[url]]\nurl = "https://news.example.org/letter.pdf"\n'


def write(tmp_path, text: str):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_sources_file_gives_its_entries(tmp_path):
    sources = load_sources(write(tmp_path, GOOD))
    assert [(s.kind, s.name) for s in sources.feeds + sources.urls] == [("feed", "A feed"), ("url", "news.example.org")]


@pytest.mark.parametrize("key", ["nmae", "interval"])
def test_unknown_keys_in_a_sources_entry_nmae_interval_are_refused(tmp_path, key):
    path = write(tmp_path, GOOD + f'\n[[feed]]\nurl = "https://b.example.org/feed"\n{key} = "x"\n')
    with pytest.raises(ValueError) as err:
        load_sources(path)
    assert str(err.value) == f"{path}: [[feed]] number 2 has unknown key(s) ['{key}']; an entry takes only url and name"


@pytest.mark.parametrize("kind", ["feed", "url"])
def test_feed_written_with_single_brackets_for_double_says_so(tmp_path, kind):
    path = write(tmp_path, f'[{kind}]\nurl = "https://news.example.org/feed"\n')
    with pytest.raises(ValueError) as err:
        load_sources(path)
    assert f"[{kind}] is written with one pair of brackets" in str(err.value) and f"write [[{kind}]]" in str(err.value)


@pytest.mark.parametrize("text", ['feed = "https://a.example.org"\n', '[[feed]]\nurl = 5\n', '[[feed]]\nurl = "https://a.example.org"\nname = 3\n'])
def test_entries_of_the_wrong_shape_are_refused_with_what_to_write(tmp_path, text):
    with pytest.raises(ValueError):
        load_sources(write(tmp_path, text))


@pytest.mark.parametrize("command", [["fetch"], ["serve", "--interval", "60"]])
def test_a_sources_mistake_stops_fetch_and_serve_at_start_exit_2(tmp_path, capsys, command):
    path = write(tmp_path, '[feed]\nurl = "https://news.example.org/feed"\n')
    with pytest.raises(SystemExit) as stop:
        cli.main([*command, "--inbox", str(tmp_path / "in"), "--sources", str(path)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "write [[feed]]" in err and "Traceback" not in err
    assert not (tmp_path / "in").exists()  # nothing was done
