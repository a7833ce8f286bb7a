"""Hand-written questions on API references and manuals (Javadoc, Doxygen, rustdoc, Haddock, Sphinx, gtk-doc, roff).

    .venv/bin/python benchmarks/bench_api_probes.py [--work DIR] [--probes javadoc,rustdoc] [--json PATH]

Each probe copies a fixed list of pages from an installed Debian package into a corpus folder (a temporary one,
unless ``--work`` is given; nothing is written into the project), builds an index with ``qa.build_index``, asks
the questions of ``benchmarks/realdocs/<probe>-probe*.jsonl`` and reports hit@1 and hit@3: a quote is right when
it holds the question's ``expect`` text (whitespace collapsed). The packages: ``openjdk-17-doc`` (Javadoc),
``libjsoncpp-doc``, ``libsdl2-doc`` (Doxygen), and Rust's standard library reference from a rustup toolchain
(``rustup component add rust-docs``) or Debian's ``rust-doc``, and ``libghc-async-doc``, ``libghc-split-doc``,
``libghc-vector-doc`` (Haddock), ``ghc-doc`` (GHC's User's Guide, Sphinx with its own directives), ``libxslt1-dev``
(libxslt's API reference, gtk-doc), ``bash-doc``
and ``diffutils-doc`` (Texinfo: Bash's reference manual, one page, and diffutils' manual, split into pages), and
the manual pages of find, grep, tar, ssh, ls, chmod and bash (roff; a system whose packages skip /usr/share/man
lacks them), asked two ways: tasks (``man``) and what a single-letter
option does (``options``), five pages of Git's HTML manual (``git-doc``) and twelve more manual pages, asked the
same (``options2``, ``options3``). A probe whose pages are missing is skipped with the
command that installs them. What the probes showed, and which questions were written before which version
answered them: docs/realdocs.md.
"""
from __future__ import annotations

import argparse
import glob
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import Config, ask, build_index, load_index  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "realdocs"
JAVA = "/usr/share/doc/openjdk-17-jre-headless/api/java.base"
SDL = "/usr/share/doc/libsdl2-doc/html"
# Rust's std reference: a rustup toolchain's (newest first), else Debian's rust-doc
GHC = "/usr/share/doc/ghc-doc/html/users_guide"
RUST = next(iter(sorted(glob.glob(str(Path.home() / ".rustup/toolchains/*/share/doc/rust/html/std")), reverse=True)),
            "/usr/share/doc/rust-doc/html/std")


@dataclass(frozen=True)
class Probe:
    package: str
    pages: tuple[str, ...]  # paths of the installed pages
    questions: str  # file name under benchmarks/realdocs


PROBES = {
    "javadoc": Probe("openjdk-17-doc", tuple(f"{JAVA}/java/{p}.html" for p in (
        "lang/String", "util/HashMap", "util/ArrayList", "util/Optional", "lang/Thread", "io/File",
        "util/Collections", "util/List")), "javadoc-probe.jsonl"),
    "javadoc2": Probe("openjdk-17-doc", tuple(f"{JAVA}/java/{p}.html" for p in (
        "util/TreeMap", "lang/Integer", "lang/StringBuilder", "util/concurrent/ConcurrentHashMap", "nio/file/Files",
        "time/LocalDate", "util/Arrays", "lang/Math", "util/Objects", "util/Scanner")), "javadoc-probe2.jsonl"),
    "doxygen": Probe("libjsoncpp-doc", tuple(f"/usr/share/doc/libjsoncpp-doc/class_json_1_1_{p}.html" for p in (
        "value", "reader", "char_reader_builder", "stream_writer_builder")), "doxygen-probe.jsonl"),
    "doxygen2": Probe("libsdl2-doc", tuple(f"{SDL}/{p}_8h.html" for p in (
        "d3/d07/_s_d_l__keyboard", "d3/d78/_s_d_l__audio", "d4/d6d/_s_d_l__surface", "d4/da4/_s_d_l__filesystem",
        "d6/d30/_s_d_l__render", "d6/d73/_s_d_l__rwops", "d8/dee/_s_d_l__clipboard", "d9/d42/_s_d_l__events",
        "dc/d64/_s_d_l__video", "dd/dd3/_s_d_l__hints", "de/d46/_s_d_l__timer", "df/d2d/_s_d_l__error")),
        "doxygen-probe2.jsonl"),
    "rustdoc": Probe("rust-docs (rustup) or rust-doc", tuple(f"{RUST}/{p}.html" for p in (
        "vec/struct.Vec", "collections/struct.HashMap", "string/struct.String", "option/enum.Option",
        "fs/fn.read_to_string")), "rustdoc-probe.jsonl"),
    "haddock": Probe("libghc-async-doc libghc-split-doc libghc-vector-doc", (
        "/usr/share/doc/libghc-async-doc/html/Control-Concurrent-Async.html",
        "/usr/share/doc/libghc-split-doc/html/Data-List-Split.html",
        "/usr/share/doc/libghc-vector-doc/html/Data-Vector.html"), "haddock-probe.jsonl"),
    # GHC's User's Guide: Sphinx with directives of its own for flags, GHCi commands and language extensions
    "sphinx": Probe("ghc-doc", tuple(f"{GHC}/{p}.html" for p in (
        "ghci", "profiling", "runtime_control", "packages", "phases", "debugging", "using-warnings",
        "using-optimisation", "using", "using-concurrent", "exts/overloaded_strings", "exts/lambda_case",
        "exts/record_wildcards", "exts/type_applications", "exts/gadt_syntax", "exts/multiway_if")),
        "ghc-probe.jsonl"),
    # libxslt's API reference as gtk-doc writes it: "Function: name", its prototype as code, then what it does
    "gtkdoc": Probe("libxslt1-dev", tuple(f"/usr/share/doc/libxslt1-dev/html/html/libxslt-{p}.html" for p in (
        "transform", "xsltInternals", "xsltutils", "xslt", "security", "variables", "extensions")),
        "gtkdoc-probe.jsonl"),
    "texinfo": Probe("bash-doc diffutils-doc", ("/usr/share/doc/bash/bashref.html",
                     *sorted(glob.glob("/usr/share/doc/diffutils/*.html"))), "texinfo-probe.jsonl"),
    "man": Probe("findutils grep tar openssh-client coreutils bash", tuple(
        f"/usr/share/man/man1/{p}.1.gz" for p in ("find", "grep", "tar", "ssh", "ls", "chmod", "bash")),
        "man-probe.jsonl"),
    # the same manual pages, asked what one of their single-letter options does
    "options": Probe("findutils grep tar openssh-client coreutils bash", tuple(
        f"/usr/share/man/man1/{p}.1.gz" for p in ("find", "grep", "tar", "ssh", "ls", "chmod", "bash")),
        "options-probe.jsonl"),
    # Git's HTML manual, whose pages write an option's aliases one above the other ("-n" over "--dry-run")
    "options2": Probe("git-doc", tuple(f"/usr/share/doc/git-doc/git-{p}.html" for p in (
        "clean", "commit", "branch", "add", "log")), "options-probe2.jsonl"),
    # twelve other manual pages, asked the same way (written after the two above were answered)
    "options3": Probe("coreutils procps openssh-client", tuple(f"/usr/share/man/man1/{p}.1.gz" for p in (
        "cp", "rm", "mkdir", "df", "du", "sort", "head", "tail", "wc", "cut", "ssh-keygen", "ps")),
        "options-probe3.jsonl"),
}


def run(name: str, probe: Probe, work: Path) -> dict | None:
    missing = [p for p in probe.pages if not Path(p).is_file()]
    if missing:
        print(f"{name}: skipped, {missing[0]} is missing (apt-get install {probe.package})")
        return None
    corpus, index = work / name / "corpus", work / name / "index"
    shutil.rmtree(work / name, ignore_errors=True)
    corpus.mkdir(parents=True)
    for page in probe.pages:
        shutil.copy(page, corpus / Path(page).name)
    build_index(Config().with_(corpus_dir=corpus, index_dir=index), full=True)
    idx = load_index(index)
    rows = [json.loads(line) for line in (QUESTIONS / probe.questions).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    results = []
    for row in rows:
        answer = ask(row["question"], k=3, index=idx)
        want = " ".join(row["expect"].split())
        right = [want in " ".join(q.text.split()) for q in answer.quotes]
        results.append({"question": row["question"], "hit@1": bool(right[:1] and right[0]), "hit@3": any(right),
                        "first": None if not answer.quotes else
                        {"section": answer.quotes[0].section, "text": answer.quotes[0].text[:200]}})
    hit1, hit3 = sum(r["hit@1"] for r in results), sum(r["hit@3"] for r in results)
    print(f"{name}: {len(probe.pages)} pages, {len(rows)} questions: hit@1 {hit1}, hit@3 {hit3}")
    return {"pages": len(probe.pages), "questions": len(rows), "hit@1": hit1, "hit@3": hit3, "answers": results}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, help="keep the corpora and indexes here (default: a temporary folder)")
    parser.add_argument("--probes", default=",".join(PROBES))
    parser.add_argument("--json", type=Path, help="write every answer's first quote and the figures here")
    args = parser.parse_args(argv)
    unknown = set(args.probes.split(",")) - set(PROBES)
    if unknown:
        parser.error(f"unknown probe(s) {sorted(unknown)}; choose from {', '.join(PROBES)}")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        out = {name: run(name, PROBES[name], work) for name in args.probes.split(",")}
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
