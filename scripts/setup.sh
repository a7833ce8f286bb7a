#!/usr/bin/env bash
# Set up everything qa needs on a fresh machine: a virtual environment with the package and,
# with --test, the test tools and a headless Chromium. Safe to run again: it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1
PY=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  echo "== Creating .venv"
  "$PY" -m venv .venv
fi
. .venv/bin/activate

stamp=.venv/.qa-installed
extras=""
[ $want_test = 1 ] && extras="[test]"
installed=0  # an install with the test tools also satisfies a plain one (start.sh after test.sh)
for done_stamp in "$stamp$extras" "$stamp[test]"; do
  if [ -f "$done_stamp" ] && [ ! pyproject.toml -nt "$done_stamp" ]; then installed=1; fi
done
if [ $installed = 0 ]; then
  echo "== Installing torch (CPU build) and qa$extras"
  python -m pip install -q --upgrade pip
  # torch first, pinned: an unpinned torch would pull gigabytes of CUDA packages.
  python -m pip install -q "torch==2.13.0"
  python -m pip install -q -e ".$extras"
  touch "$stamp$extras"
  # The ONNX export of the embedding model, made once into the cache (~/.cache/qa) so that the first
  # question does not wait for it.
  python -c "from qa.config import Config; from qa.indexing.embed import embedder_for; embedder_for(Config()).encode(['ready'])" \
    2>/dev/null || echo "note: ONNX export failed; qa will try again on first use (or set embed_backend='torch')"
fi

# Debian packages: apt-get update runs once, only when one of them is missing.
SUDO=""
[ "$(id -u)" != 0 ] && SUDO="sudo"
apt_updated=0
apt_update() {
  if [ $apt_updated = 0 ]; then $SUDO apt-get update -qq && apt_updated=1; fi
}

if [ $want_test = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "== Installing Chromium for the browser tests"
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# Real documentation for the integrity tests (tests/ingest/test_real_pages.py, test_real_pdfs.py): Sphinx (in its
# classic theme and in Read the Docs'), DocBook, AsciiDoc, MkDocs, Doxygen and hand-written (SQLite's) pages, and
# two PDF manuals (Texinfo and DocBook); Bash's reference manual in Texinfo HTML for
# tests/answering/test_reference_answers.py.
if [ $want_test = 1 ] && { [ ! -d /usr/share/doc/python3-doc/html ] || [ ! -d /usr/share/doc/git-doc ] \
    || ! ls -d /usr/share/doc/postgresql-doc-*/html >/dev/null 2>&1 \
    || [ ! -f /usr/share/doc/libtasn1-doc/libtasn1.pdf ] \
    || [ ! -f /usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf ] \
    || [ ! -d /usr/share/doc/mkdocs/html ] || [ ! -d /usr/share/doc/mkdocs-literate-nav-doc/html ] \
    || [ ! -f /usr/share/doc/libjsoncpp-doc/class_json_1_1_value.html ] \
    || [ ! -f /usr/share/doc/python-cookiecutter-doc/html/cookiecutter.html ] \
    || [ ! -f /usr/share/doc/sqlite3/lang_select.html ] || [ ! -f /usr/share/doc/bash/bashref.html ]; }; then
  echo "== Installing python3-doc, postgresql-doc, git-doc, Sphinx, MkDocs, Doxygen, SQLite and Bash sites and PDF manuals for the tests"
  apt_update
  # Slim images tell dpkg to skip /usr/share/doc: include it for these packages (reinstalled if skipped before).
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --reinstall \
    -o Dpkg::Options::="--path-include=/usr/share/doc/*" python3-doc postgresql-doc git-doc libtasn1-doc \
    shared-mime-info mkdocs-doc mkdocs-literate-nav-doc libjsoncpp-doc python-cookiecutter-doc sqlite3-doc \
    bash-doc >/dev/null
fi

# Node.js's API reference in Markdown for tests/ingest/test_real_markdown.py: Debian's nodejs-doc, unless a Node.js
# package has installed it already (NodeSource's nodejs ships it too, and the two packages' files clash).
if [ $want_test = 1 ] && ! ls /usr/share/doc/nodejs/api/net.md* >/dev/null 2>&1; then
  echo "== Installing nodejs-doc (Node.js's API reference in Markdown) for the integrity tests"
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --reinstall \
    -o Dpkg::Options::="--path-include=/usr/share/doc/*" nodejs-doc >/dev/null \
    || echo "note: nodejs-doc could not be installed; tests/ingest/test_real_markdown.py will say so"
fi

# Manual pages and Info manuals for their readers' integrity tests (tests/ingest/test_man.py, test_info.py):
# git's, coreutils', bash's, man-db's and OpenSSH's manual pages (measured against groff), and the Info manuals of
# libtasn1-doc, coreutils and grep. Slim images may leave /usr/share/man and /usr/share/info out.
if [ $want_test = 1 ] && { [ ! -f /usr/share/man/man1/git-stash.1.gz ] || [ ! -f /usr/share/man/man1/ls.1.gz ] \
    || [ ! -f /usr/share/man/man1/bash.1.gz ] || [ ! -f /usr/share/man/man1/man.1.gz ] || ! command -v groff >/dev/null \
    || [ ! -f /usr/share/man/man1/scp.1.gz ] \
    || [ ! -f /usr/share/info/libtasn1.info.gz ] || [ ! -f /usr/share/info/coreutils.info.gz ] \
    || [ ! -f /usr/share/info/grep.info.gz ]; }; then
  echo "== Installing manual pages (git, coreutils, bash, man-db, OpenSSH), groff and Info manuals for the integrity tests"
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --reinstall \
    -o Dpkg::Options::="--path-include=/usr/share/man/*" -o Dpkg::Options::="--path-include=/usr/share/info/*" \
    git-man coreutils bash man-db groff-base openssh-client libtasn1-doc grep >/dev/null
fi

# pandoc, an independent writer of OpenDocument text, for the .odt reader's test on real pages (test_odt.py).
if [ $want_test = 1 ] && ! command -v pandoc >/dev/null; then
  echo "== Installing pandoc for the OpenDocument tests"
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq pandoc >/dev/null
fi

# WordNet 3.0 for paraphrase (qa/answering/paraphrase.py): Debian's wordnet-base; without it qa answers without paraphrase.
if [ ! -f /usr/share/wordnet/data.noun ] && command -v apt-get >/dev/null; then
  echo "== Installing WordNet (wordnet-base)"
  { apt_update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wordnet-base >/dev/null; } \
    || echo "note: wordnet-base could not be installed; qa works without paraphrase"
fi
