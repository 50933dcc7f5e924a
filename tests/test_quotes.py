"""Quotes, who said them, and whose claim each sentence reports."""

import polars as pl

from tests.helpers import people, quoted

H = "Headline\n\nOfsted visited Surrey council last month.\n\n"


def test_quoted_people_including_continuations_pronouns_and_surnames(extract):
    ex = extract(
        H
        + "Josie Iles, Medway’s portfolio holder for children’s services, welcomed the progress.\n\n"
        + "“We recognise that there is still a long way to go in our improvement journey.”\n\n"
        + "Richard Boyles, the council’s cabinet member for children, described the report as showing it had “turned a corner”.\n\n"
        + "Mark Douglas, the director of children’s services, resigned last month.\n\n"
        + "Jill Colbert, the chief executive, told reporters the trust was stable.\n\n"
        + "“Quality assurance has always been limited in our trust,” she said.\n\n"
        + "Colbert said that part-time working had helped."
    )
    assert quoted(ex) == {"Josie Iles", "Richard Boyles", "Jill Colbert"}


def test_unnamed_speakers_are_speakers_without_a_person(extract):
    ex = extract(
        H + "A Surrey council spokesman said: “We fully accept these findings and will act.”\n\n"
        "He added: “Ofsted recognised our new senior team.”"
    )
    assert people(ex) == {}
    q = ex.quotes
    assert q.height == 2
    assert set(q["speaker_role"].to_list()) == {"spokesperson"} and set(q["speaker_type"].to_list()) == {"council"}
    assert set(q["speaker_name"].to_list()) == {None}
    assert set(q["la_name"].to_list()) == {"Surrey"}


def test_quote_speaker_types(extract):
    ex = extract(
        H + "“Most children are visited within timescales,” Ofsted said.\n\n"
        "Clare Curran, the council’s cabinet member for children, said: “We welcome the report.”\n\n"
        "“The pace must quicken now,” said Professor Ann Brown of a children’s charity."
    )
    types = dict(zip(ex.quotes["quote_text"].str.slice(1, 9).to_list(), ex.quotes["speaker_type"].to_list()))
    assert types["Most chil"] == "inspectorate"
    assert types["We welcom"] == "council"
    assert types["The pace "] == "other"
    assert "Ann Brown" in ex.quotes["speaker_name"].to_list()  # the title is not part of the name


def test_sentences_in_council_words_are_asserted_by_the_council(extract):
    ex = extract(
        H + "Clare Curran, the council’s cabinet member, said: “We are recruiting more permanent staff to cut caseloads.”\n\n"
        "Curran added that recruitment was a key focus.\n\n"
        "Inspectors said caseloads were manageable."
    )
    s = {r["text"][:12]: r["asserted_by"] for r in ex.sentences.filter(pl.col("block_kind") == "body").iter_rows(named=True)}
    assert s["Clare Curran"] == "council"
    assert s["Curran added"] == "council"
    assert s["Inspectors s"] == "inspectorate"


def test_a_title_and_surname_attributes_the_quote_to_the_person(extract):
    ex = extract(H + "Mayor Viv Carden set out the plan.\n\nMayor Carden said: “This is a big step for the whole town.”")
    assert quoted(ex) == {"Viv Carden"}


def test_the_addressee_of_a_letter_is_not_its_speaker(extract):
    ex = extract(H + "“Staff know their children well,” a letter from Ofsted to the council’s director of children’s services "
                 "Hal Brisco, who joined in May, said.")
    assert "Hal Brisco" in people(ex)
    assert quoted(ex) == set()
    assert ex.quotes["speaker_type"].to_list() == ["inspectorate"]


def test_a_short_fragment_is_a_quote_when_its_speaker_is_named(extract):
    ex = extract(H + "The new leader of the council, Coun Bea Farrow, said she was “really pleased”.")
    assert quoted(ex) == {"Bea Farrow"}
    # without a speaker a two-word fragment is not a quote
    assert extract(H + "The service was “really improving” by then.").quotes.is_empty()


def test_speaker_types_of_inspectors_spokespeople_and_the_council(extract):
    ex = extract(
        H + "Nell Dacre, His Majesty’s Inspector, said: “Leaders know their services well.”\n\n"
        "An Ofsted spokeswoman said: “The letter will be published soon.”\n\n"
        "“We accept the findings in full,” the council said."
    )
    types = dict(zip(ex.quotes["quote_text"].str.slice(1, 9).to_list(), ex.quotes["speaker_type"].to_list()))
    assert types == {"Leaders k": "inspectorate", "The lette": "inspectorate", "We accept": "council"}


def _attribution_scans(rules, texts):
    """Every block's attributions found both ways: each pattern over the whole block, and over the
    windows around speech verbs only (VerbScan)."""
    from transforms.quotes import _apposition_pattern, _attribution_patterns, _block_attributions, _verb_hint, subject_cues
    import re

    patterns = (*_attribution_patterns(rules), _apposition_pattern(rules))
    hint = re.compile(_verb_hint(rules))
    scan = subject_cues(rules).verbs
    assert scan.usable
    return _block_attributions(texts, patterns, hint), _block_attributions(texts, patterns, hint, scan)


def test_attributions_found_around_speech_verbs_are_those_of_the_whole_block(rules):
    import random

    clause = "who has led the service through two inspections and a difficult year of rising demand, "
    texts = [
        "“We will act,” said Ann Lee-Marsh.",
        "“We will act,” said Ann Lee, “and soon.” Bo Reid, the council’s director of children’s services, said: “Yes.”",
        # a clause of the longest length the pattern allows, and one just too long
        *(f"Ann Lee, {'x' * k}, said “it is done and dusted”." for k in (158, 159, 160, 161)),
        # an apposition of the longest length the pattern allows, and one just too long
        *(f"Ann Lee, {'y' * k} said “it is done and dusted”." for k in (119, 120, 121)),
        # subjects straight after a character no subject holds
        "“We will act.”Ann Lee, who leads it, said “so it is”. (Jo McGregor, director at Eastfield Council said “we are done”.",
        # a subject run far longer than any window, verbs inside words, and a verb at either end
        "Ann " * 80 + "Lee said “we are pleased with it”. The essays said nothing. Essays said “so”",
        "said Ann Lee “we are pleased with this”",
        "“Fine words,” wrote Ofsted; “fine deeds” writes the report, told inspectors “all of it”.",
        "A council spokeswoman for the Eastfield area said: “We accept the findings.”\n\nHe added that staff “were proud”.",
        "“Ça va,” said Zoë O’Neill. Jo McGregor, director at Eastfield Council said: “Done and dusted now.”",
        "The report, published on Tuesday after a long delay, said the council’s “children were safe”.",
        "In a letter to Ivo Lane, who chairs the board, inspectors said “progress has been made at last”.",
        "Ann Lee said:",
    ]
    # The same after a sentence, so that a window starts after a character no subject holds.
    texts += [f"It is done. {t}" for t in texts] + [f"({t}" for t in texts]
    rng = random.Random(22)
    words = ["Ann", "Lee", "Bo", "Reid", "the", "council", "report", "said", "says", "told", "added", "he", "she", "It",
             "inspectors", "a", "spokesman", "for", "Eastfield", ",", ".", ";", "“quite”", "“we are very pleased”", "\"so so so\"",
             "essays", "said:", clause, "who", "is", "director", "’s", "-", "Mc", "Ofsted", "\n", "x" * 40, "wrote", "writes"]
    for _ in range(400):
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(3, 60))).replace(" ,", ",").replace(" ’s", "’s"))
    whole, windowed = _attribution_scans(rules, texts)
    assert windowed == whole
    # The comparison covered blocks with attributions of every kind, and windows that skip text.
    found = [a for block in whole[1] for a in block]
    assert len(found) > 300
    assert any(a[2] == "Ann Lee-Marsh" for a in found) and any(a[3] for a in found)
