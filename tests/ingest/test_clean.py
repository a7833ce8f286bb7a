"""Cleaning: the bundled corpus's noise, made-up snippets for each rule, offset-map invariants, Hypothesis."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.clean import clean_text
from qa.ingest.clean_mirror import find_previews
from qa.records import Cleaned

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
WIKI = "soviet-japanese-border-conflicts-theinfolist.txt"
BLOG = "khalkhin-gol-thin-line-news.txt"

# Hand-labelled anchors of the mirror's 80 preview lines, in file order.
WIKI_ANCHORS = [
    "Soviet Union", "Joseph Stalin", "Mongolia", "Japan", "Hirohito", "Northeast Asia", "Northeast China",
    "client state", "Mongolia", "Manchukuo", "punitive expedition", "Battles of Khalkhin Gol",
    "status quo ante bellum", "Soviet–Japanese Neutrality Pact", "Empire of Japan", "Emperor Meiji",
    "Russian Empire", "Imperial Russian Navy", "Imperial Japanese Navy", "First Sino-Japanese War",
    "Boxer Rebellion", "Siberian intervention", "Japan", "Russian Civil War", "Russian Far East",
    "Imperial Japanese Army", "Emperor Taishō", "White Army", "Red Army", "Austria-Hungary", "Europe",
    "Siberia", "Russia", "Manchukuo", "Mongolian People's Republic", "Soviet Union", "espionage",
    "Imperial Japanese Army", "Manchuria", "fascist", "Comintern", "cavalrymen", "Buddhist",
    "military advisor", "punitive expedition", "machine gun", "intelligence officer", "airplane",
    "heavy machine gun", "light artillery", "bomber", "column", "armored fighting vehicle", "NKVD",
    "Amur River", "armor-piercing", "Japanese Ministry of Foreign Affairs", "China",
    "Second Sino-Japanese War", "Mikhail Kalinin", "American", "Moscow", "Nazi Germany", "tank", "ammunition",
    "demarcation", "Convention of Peking", "Imperial Russia", "Qing dynasty", "Halha River", "corps",
    "Soviet invasion of Poland", "Molotov–Ribbentrop Pact", "Operation Barbarossa", "Southeast Asia",
    "Tripartite Pact", "atomic bombings of Hiroshima and Nagasaki", "South Korea", "Russo-Japanese War",
    "Soviet–Japanese War",
]

WIKI_SENTENCES = [
    ("fought between the Soviet Union (led by Joseph Stalin), Mongolia (led by Khorloogiin Choibalsan) and "
    "Japan (led by Hirohito) in Northeast Asia from 1932 to 1939"),
    "at the Seventh Comintern Congress in July 1935",
    ("including their respective client states of Mongolia and Manchukuo, fought in a series of escalating "
    "small border skirmishes and punitive expeditions from 1935"),
    "returned the borders to status quo ante bellum. The Soviet–Japanese border conflicts heavily",
    "when the Empire of Japan led by Emperor Meiji and the Russian Empire led by Tsar Nicholas II",
    'with the Japanese being openly called "fascist enemies" at the Seventh Comintern Congress',
    "with the Mongolians this time utilizing airplanes for recon duty.",
    "Mongolian casualties during these clashes are unknown.\n\n1936\n\nIn February 1936,",
    "the Japanese forces suffered no casualties. The Japanese Ministry of Foreign Affairs protested",
    ("starting the Second Sino-Japanese War. Soviet-Japanese relations were chilled by the invasion and "
    "Mikhail Kalinin, the Soviet head of state, told the American ambassador in Moscow"),
    "the Soviets supplied the Chinese with 82 tanks, over 1,300 pieces of artillery",
    ("misinterpreted the demarcation of the boundary based on the Convention of Peking treaty between the "
    "former Imperial Russia and Qing dynasty of China"),
    ('as the "Forgotten Soviet-Japanese War." It had a lasting and significant impact on Japanese strategic '
    "decisions in World War II."),
    "engagements with corps-sized forces took place",
    ("similar to the Molotov–Ribbentrop Pact between the Germans and the Soviet Union of August 1939. Later "
    "in 1941, Japan considered breaking the pact when Nazi Germany invaded the Soviet Union in Operation "
    "Barbarossa but they made the crucial decision"),
    "between the atomic bombings of Hiroshima and Nagasaki, the Soviet Union declared war on Japan",
    "plays a key part in the South Korean film My Way, in which Japanese soldiers",
]
WIKI_GONE = ["Coox", "{{", "}}", "DEFAULTSORT", "TheInfoList", "HOME", "OR:", "Infobox", "''", "Goldman",
             "Sage Publications", "RAKESH", "Forgotten War", "War in the East", "Wars involving", "Citations",
             "General bibliography", "Kantokuen", " ..."]
WIKI_SECTIONS = [
    "Prelude from 1904-1932", "Minor clashes › 1935", "1936", "1937 › Kanchazu Island incident",
    "Soviet involvement in China", "Battle of Lake Khasan", "Major conflicts of 1939",
    "Battles of Khalkhin Gol", "Soviet–Japanese Neutrality Pact", "Portrayal in media", "1939-Present Day",
]
BLOG_SENTENCES = [
    ("The agreement became known as the Soviet-Japanese Neutrality Pact and would remain in effect for a "
     "full decade."),
    ("In time, tensions escalated into a fierce fight involving aerial combat, tank warfare, infantry "
    "engagement, and naval bombardment."),
    "The two had been in conflict since 1932 over ownership of four islands in the Kuril Islands chain",
    "an agreement was reached — one that brought an end to centuries of hostility between Russia and Japan.",
    "The United States played a major role in defeating both Nazi Germany and Imperial Japan.",
]
BLOG_GONE = ["Leave a Reply", "Pingback", "Most Recent Stories", "Copyright", "Required fields",
             "email address will not be published", "comments on", "[…]", "Thin Line News LLC"]
BLOG_SECTIONS = [
    "The Battle of Khalkhin Gol: how it led to Pearl Harbor and the United States Entering World War II",
    "The Battle of Khalkhin Gol", "The Soviet-Japanese Neutrality Pact",
    "USSR targets Nazi Germany, Japan focuses on Southeast Asia", "United States enters World War II",
    "The defeat of both Nazi Germany and Imperial Japan",
]


def read(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wiki() -> Cleaned:
    return clean_text(read(WIKI))


@pytest.fixture(scope="module")
def blog() -> Cleaned:
    return clean_text(read(BLOG))


def check_invariants(raw: str, cleaned: Cleaned) -> None:
    """Runs copy raw text exactly; only joining whitespace is uncovered; to_raw and sections are sane."""
    text, last_c, last_r = cleaned.text, 0, 0
    covered: set[int] = set()
    for c, r, n in cleaned.segments:
        assert n > 0 and c >= last_c and r >= last_r
        assert raw[r:r + n] == text[c:c + n]
        covered.update(range(c, c + n))
        last_c, last_r = c + n, r + n
    assert all(text[i] in " \n" for i in range(len(text)) if i not in covered)
    # Whitespace is normalised outside code blocks; a code block keeps its line breaks and indentation.
    code = {i for s, e, kind in cleaned.blocks if kind == "code" for i in range(s, e)}
    prose = "".join("x" if i in code else ch for i, ch in enumerate(text))
    assert prose == prose.strip() and "  " not in prose and "\n\n\n" not in prose
    assert all("\n" not in para for para in prose.split("\n\n"))
    raws = [cleaned.to_raw(i) for i in range(len(text) + 1)]
    assert raws == sorted(raws) and all(0 <= r <= len(raw) for r in raws)
    check_sections(cleaned)


def check_sections(cleaned: Cleaned) -> None:
    sections = cleaned.sections
    for n, s in enumerate(sections):
        assert s.title and 0 <= s.start < s.end <= len(cleaned.text)
        parts = s.title.split(" › ")
        if n and sections[n - 1].title != s.title and any(
                t.title == s.title or t.title.startswith(s.title + " › ") for t in sections[:n]):
            continue  # a section that goes on after a list of terms inside it ended (the first one read under it)
        # the section opens with its title, or with a label under an earlier section's title ("strip › Returns:");
        # a path may name one heading twice ("0 › Aa › 0 › Aa"): any part it opens with may be the one
        opens = [k for k, part in enumerate(parts) if cleaned.text[s.start:].startswith(part)]
        assert any(k == 0 or any(" › ".join(parts[:k]) == t.title for t in sections[:n]) for k in opens), s
    assert all(a.end == b.start for a, b in itertools.pairwise(sections))
    assert not sections or sections[-1].end == len(cleaned.text)


def section_of(cleaned: Cleaned, phrase: str) -> str | None:
    at = cleaned.text.index(phrase)
    return next((s.title for s in cleaned.sections if s.start <= at < s.end), None)


# --- the bundled corpus ------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", WIKI_SENTENCES)
def test_wiki_sentences_read_as_written(wiki: Cleaned, sentence: str) -> None:
    assert sentence in wiki.text


@pytest.mark.parametrize("noise", WIKI_GONE)
def test_wiki_noise_removed(wiki: Cleaned, noise: str) -> None:
    assert noise not in wiki.text


def test_wiki_starts_with_article_and_ends_before_see_also(wiki: Cleaned) -> None:
    assert wiki.text.startswith("The Soviet–Japanese border conflicts, also known as")
    assert wiki.text.endswith("1939-Present Day\n\nToday the Soviet-Japanese War’s are forgotten")


def preview_lines(raw: str) -> list[str]:
    """Found independently of the cleaner: long lines ending in ' ...'."""
    return [line for line in raw.splitlines() if line.endswith(" ...") and len(line) > 120]


def test_no_preview_text_survives(wiki: Cleaned) -> None:
    """No preview's ending, and no preview's opening word glued after its anchor, is in the text."""
    lines = preview_lines(read(WIKI))
    assert len(lines) == len(WIKI_ANCHORS) == 80
    for line, anchor in zip(lines, WIKI_ANCHORS, strict=True):
        assert line.startswith(anchor + " ")
        assert line[:-4][-60:] not in wiki.text
        preview = line[len(anchor) + 1:-4]
        assert preview[:40] not in wiki.text
        assert f"{anchor} {preview.split()[0]}" not in wiki.text


def test_anchor_accuracy_on_the_mirror() -> None:
    lines = read(WIKI).splitlines()
    found = find_previews(lines, [True] * len(lines))
    anchors = [lines[i][:end] for i, end in sorted(found.items())]
    correct = sum(a == b for a, b in zip(anchors, WIKI_ANCHORS, strict=True))
    assert correct == len(WIKI_ANCHORS)  # measured: 80 of 80


def test_wiki_sections(wiki: Cleaned) -> None:
    assert [s.title for s in wiki.sections] == WIKI_SECTIONS
    assert section_of(wiki, "The conflict was resolved diplomatically") == "Battle of Lake Khasan"
    assert section_of(wiki, "the first shooting affray took place") == "Minor clashes › 1935"
    assert section_of(wiki, "Three Soviet gunboats") == "1937 › Kanchazu Island incident"
    assert section_of(wiki, "fought between the Soviet Union") is None  # the lead, before any heading


@pytest.mark.parametrize("sentence", BLOG_SENTENCES)
def test_blog_article_kept(blog: Cleaned, sentence: str) -> None:
    assert sentence in blog.text


@pytest.mark.parametrize("noise", BLOG_GONE)
def test_blog_chrome_removed(blog: Cleaned, noise: str) -> None:
    assert noise not in blog.text


def test_blog_sections(blog: Cleaned) -> None:
    assert [s.title for s in blog.sections] == BLOG_SECTIONS
    pact = "The Soviet-Japanese Neutrality Pact"
    assert section_of(blog, "would remain in effect for a full decade") == pact
    assert blog.text.endswith("defeating both Nazi Germany and Imperial Japan.")


@pytest.mark.parametrize("name", [WIKI, BLOG])
@pytest.mark.parametrize("fmt", ["txt", "md", "html", "pdf"])
def test_corpus_invariants(name: str, fmt: str) -> None:
    raw = read(name)
    cleaned = clean_text(raw, fmt=fmt)
    check_invariants(raw, cleaned)


# --- made-up inputs, one per rule ---------------------------------------------------------------------

MIRROR = """The Zorvian–Quellish dispute was fought between
Zorvia Zorvia, officially the Republic of Zorvia, is a landlocked country in the northern highlands of the \
Veltmar continent. It borders Quellan to the east and the Ashen Sea to the west. Its capital and largest \
city is Dunmere, home to about two mi ...
(led by
Marta Oskel Marta Ilse Oskel (born 1901 – died 1977) was a Zorvian stateswoman and soldier who served as the \
first president of the republic from 1931 until her retirement in 1958. She is best remembered for the \
border treaty signed with Quell ...
) and
Quellan Quellan is a coastal kingdom on the eastern shore of the Veltmar continent, known for its long \
tradition of maritime trade and shipbuilding. The kingdom was unified in the twelfth century under the first \
of the Arvel kings, who ruled from the ...
led by a council, over a line of
watchtower A watchtower is a type of fortification used in many parts of the world. It differs from a \
regular tower in that its primary use is military and from a turret in that it is usually a \
freestanding structure. Its main purpose is to provide a high, s ...
s along the river.
"""


def test_made_up_mirror() -> None:
    cleaned = clean_text(MIRROR)
    assert cleaned.text == ("The Zorvian–Quellish dispute was fought between Zorvia (led by Marta Oskel) and "
                            "Quellan led by a council, over a line of watchtowers along the river.")
    check_invariants(MIRROR, cleaned)


def test_made_up_mirror_with_weak_marks() -> None:
    """Previews ending in ' ..' or cut mid-word without a mark are found by restatement and length."""
    extra = ("\n\nIts banner shows a\nheron A heron is a long-legged wading bird found near rivers and "
             "lakes across the Veltmar continent, where it hunts fish, frogs and insects in shallow water. "
             "It nests in tall trees in colonies of up to a hundred pairs and is a symbol of patience in Zo\n"
             "in flight.")
    raw = MIRROR.replace("from the ...", "from the ..") + extra
    cleaned = clean_text(raw)
    assert cleaned.text.endswith("watchtowers along the river.\n\nIts banner shows a heron in flight.")
    assert "Arvel" not in cleaned.text
    check_invariants(raw, cleaned)


def test_ellipses_in_ordinary_prose_are_kept() -> None:
    lines = [f"{who} paused at the door and looked back down the long hallway where the old portraits hung "
             f"in their heavy gilt frames, and {who.lower()} wondered, not for the first time, whether..."
             for who in ("She", "He", "It", "One")]
    raw = "\n".join(lines)
    assert clean_text(raw).text == " ".join(lines)


def test_made_up_blog_chrome() -> None:
    raw = ("MENU\n\nSEARCH\n\nHow We Rebuilt the Mill\n\nMarch 3, 2021\n\nThe mill burned in 1990. We "
           "rebuilt it over three summers, stone by stone.\n\nThe Wheel Turns Again\n\nThe new wheel was "
           "hung in May. It turns all year.\n\nRelated Articles\n\nTen Mills Worth a Visit\n\n"
           "Why Stone Lasts\n\n"
           "Leave a Comment\n\nYou must be logged in to post a comment.\n\nPingback: Mill news roundup | "
           "Stones Weekly\n\nGreat story, thanks for sharing it with us all!\n\n© 2023 Millers Media. All "
           "rights reserved.")
    cleaned = clean_text(raw)
    assert cleaned.text == ("How We Rebuilt the Mill\n\nMarch 3, 2021\n\nThe mill burned in 1990. We "
                            "rebuilt it over three summers, stone by stone.\n\nThe Wheel Turns Again\n\n"
                            "The new wheel was hung in May. It turns all year.")
    titles = [s.title for s in cleaned.sections]
    assert titles == ["How We Rebuilt the Mill", "The Wheel Turns Again"]  # a date is no heading
    check_invariants(raw, cleaned)


def test_chrome_blocks_anywhere() -> None:
    raw = ("Copyright 2019 Example Co\n\nThe dam was built in 1931. It holds the lake.\n\n"
           "Your email address will not be published. Required fields are marked *\n\n"
           "Trackback: Dams of the world, 2020\n\nIt was raised in 1960.")
    assert clean_text(raw).text == "The dam was built in 1931. It holds the lake.\n\nIt was raised in 1960."
    prose = ("Most blogs end with a line such as Copyright 2020 or a notice that your email address will not "
             "be published, and readers rarely notice. " * 3).strip()
    assert clean_text(prose).text == prose  # long blocks are prose, whatever phrases they quote


@pytest.mark.parametrize(("raw", "expected"), [
    ("The bridge was finished in 1921.Smith, pp. 40–41 It stood for a century.",
     "The bridge was finished in 1921. It stood for a century."),
    ("Nobody knows why.Jones, p", "Nobody knows why."),
    ("Nobody knows why.Jones and Wu 2004, p. 7", "Nobody knows why."),
    (('Some call it "the quiet war."The Quiet War of 1950:\nHow two villages fought over a well. By Anna '
     "Berg, March 3, 2015.\nA Village History\nby Tom Reed, Journal of Rural Studies, Vol. 4, pp. 1-20\n"
     "It lasted three years."),
     'Some call it "the quiet war." It lasted three years.'),
    ("The pact held until 1945.Why the Pact Failed\nIt was broken in August.",
     "The pact held until 1945. It was broken in August."),
    ("It rained.Then it stopped.", "It rained.Then it stopped."),  # a glued sentence is kept
    ("The U.S.A. and the U.K. signed it.", "The U.S.A. and the U.K. signed it."),
])
def test_reference_residue(raw: str, expected: str) -> None:
    cleaned = clean_text(raw)
    assert cleaned.text == expected
    check_invariants(raw, cleaned)


@pytest.mark.parametrize(("raw", "expected"), [
    ("HOME\n\nSiteName\n\nOR:\n\nMongolia\n\nMongolia is a country.", "Mongolia\n\nMongolia is a country."),
    ("Text of the article.\n\nSee also\n\nReferences\n\n* * {{DEFAULTSORT:Foo}} Wars involving Foo",
     "Text of the article."),
    ("Hello\x00 \t world\u200b!\n\n\n\nNext  para\r\nsame para.", "Hello world!\n\nNext para same para."),
    ("A film, '' My Way'', {{Infobox film | x = 1}} was made.", "A film, My Way, was made."),
    ("Today it is forgotten * Alpha line * Beta (1929) * Gamma of the East", "Today it is forgotten"),
    ("Steps: * Mix the flour. * Bake it for an hour. * Let it cool.",
     "Steps: * Mix the flour. * Bake it for an hour. * Let it cool."),
    ("You need: * flour * sugar * eggs", "You need: * flour * sugar * eggs"),
    ("", ""),
    (" \n\t\n ", ""),
    ("Just a title", "Just a title"),
])
def test_small_rules(raw: str, expected: str) -> None:
    cleaned = clean_text(raw)
    assert cleaned.text == expected
    check_invariants(raw, cleaned)


def test_empty_is_empty_cleaned() -> None:
    assert clean_text("") == Cleaned("")


def test_markdown_headings() -> None:
    raw = "# The Mill\n\nIntro text.\n\n## Wheel\n### Hub\nThe hub is oak.\n\n## Roof\n\nSlate."
    cleaned = clean_text(raw, fmt="md")
    assert cleaned.text == "The Mill\n\nIntro text.\n\nWheel\n\nHub\n\nThe hub is oak.\n\nRoof\n\nSlate."
    assert [s.title for s in cleaned.sections] == ["The Mill", "Wheel › Hub", "Roof"]
    assert section_of(cleaned, "oak") == "Wheel › Hub"
    check_invariants(raw, cleaned)


# --- Hypothesis ---------------------------------------------------------------------------------------

WORDS = st.sampled_from([
    "the", "Soviet", "Union", "A", "an", "airplane", "War", "of", "Japan", "(", ")", ",", ".", "s",
    "n", "led", "by", "1939", "''", "{{", "*", "…", "é", "日本",
])
PHRASE = st.lists(WORDS, min_size=1, max_size=60).map(" ".join)
LINE = st.one_of(
    PHRASE,
    PHRASE.map(lambda p: (p + " ") * 8 + "..."),  # shaped like a preview line
    st.just(""),
    st.text(max_size=40),
    st.sampled_from(["Leave a Reply", "Pingback: x", "Copyright 2020 X", "HOME", "{{DEFAULTSORT:x}}", "# H"]),
)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from(["txt", "html", "pdf"]))
def test_never_raises_on_any_text(raw: str, fmt: str) -> None:
    """Markdown keeps code blocks' indentation and spacing: tests/ingest/test_clean_blocks.py checks it by block."""
    check_invariants(raw, clean_text(raw, fmt=fmt))


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE, max_size=30).map("\n".join), st.sampled_from(["txt", "md"]))
def test_never_raises_on_mirror_shaped_text(raw: str, fmt: str) -> None:
    check_invariants(raw, clean_text(raw, fmt=fmt))
