"""The documentation sets: where each comes from, which pages, and how to copy them into a corpus folder.

Every set is a fixed list of pages, so the corpus is the same on every machine that has the package:

- ``python``: Sphinx HTML of Debian's ``python3-doc`` (3.11), ``apt-get install python3-doc``;
- ``postgres``: DocBook HTML of Debian's ``postgresql-doc-15``, ``apt-get install postgresql-doc-15``;
- ``git``: AsciiDoc HTML of Debian's ``git-doc`` (2.39), ``apt-get install git-doc``;
- ``npm``: npm's own Markdown documentation (``docs/content`` of the npm 11.19.1 package), fetched with
  ``npm pack npm@11.19.1`` (the npm registry) into a temporary folder;
- ``flask``: Flask's reStructuredText sources (``docs/`` of the flask 3.1.3 source distribution, every page),
  fetched with ``pip download --no-binary :all: --no-deps flask==3.1.3`` (the Python package registry);
- ``pdf``: two PDF manuals Debian ships, typeset by two tool chains: libtasn1's manual (Texinfo and TeX,
  ``apt-get install libtasn1-doc``) and the Shared MIME-info specification (DocBook and FOP,
  ``apt-get install shared-mime-info``);
- ``sqlite``: SQLite's own hand-written HTML (its language reference, pragmas, functions, WAL, JSON, FTS5, the
  shell, the FAQ) from Debian's ``sqlite3-doc`` (3.40), ``apt-get install sqlite3-doc``; not in the default run;
- ``node``: Node.js 20's API reference as its own generator writes it (HTML pages with a contents panel, version
  stamps, parameter lists and two flavours of each example), twelve modules from ``/usr/share/doc/nodejs/api``
  (NodeSource's ``nodejs`` 20 package installs them; Debian's ``nodejs-doc`` holds an older release, whose
  wording may differ); not in the default run;
- ``git-man``: the ``git`` set's pages as Git's own manual pages (roff from DocBook, gzip-compressed, as
  ``/usr/share/man`` holds them; ``apt-get install git-man``, which ``git`` brings), asked the ``git`` set's
  questions;
- ``info``: the ``pdf`` set with libtasn1's manual read from its Info file (``/usr/share/info/libtasn1.info.gz``,
  the same Texinfo source as the PDF; ``apt-get install libtasn1-doc``) beside the same Shared MIME-info PDF,
  asked the ``pdf`` set's questions.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

PYTHON_HTML = Path("/usr/share/doc/python3-doc/html")
POSTGRES_HTML = Path("/usr/share/doc/postgresql-doc-15/html")
GIT_HTML = Path("/usr/share/doc/git-doc")
MAN = Path("/usr/share/man")
DEBIAN_DOC = Path("/usr/share/doc")
SQLITE_HTML = Path("/usr/share/doc/sqlite3")
NODE_HTML = Path("/usr/share/doc/nodejs/api")
PDF_ALL = ("libtasn1-doc/libtasn1.pdf", "shared-mime-info/shared-mime-info-spec.pdf")
SHARE = Path("/usr/share")
INFO_ALL = ("info/libtasn1.info.gz", "doc/shared-mime-info/shared-mime-info-spec.pdf")
NPM_VERSION = "11.19.1"
FLASK_VERSION = "3.1.3"

_PY_TUTORIAL = ("appendix appetite classes controlflow datastructures errors floatingpoint index inputoutput "
                "interactive interpreter introduction modules stdlib stdlib2 venv whatnow")
_PY_FAQ = "design extending general gui index installed library programming windows"
_PY_HOWTO_CORE = "argparse enum functional logging regex sorting unicode urllib2"
_PY_HOWTO_MORE = "annotations descriptor ipaddress logging-cookbook sockets"
_PY_LIBRARY_CORE = ("stdtypes functions exceptions string re collections itertools functools os.path pathlib "
                    "shutil glob tempfile json csv logging subprocess time random math dataclasses contextlib "
                    "venv copy textwrap secrets heapq bisect timeit queue fnmatch shlex zoneinfo tomllib graphlib")
_PY_LIBRARY_MORE = ("constants datetime sqlite3 zipfile argparse threading asyncio-task statistics enum io "
                    "urllib.parse struct pprint difflib hashlib base64 uuid weakref operator traceback warnings "
                    "concurrent.futures pickle gzip abc fractions array getpass calendar html zlib keyword")


def _pages(folder: str, names: str) -> tuple[str, ...]:
    return tuple(f"{folder}/{n}.html" for n in names.split())


PYTHON_CORE = (_pages("tutorial", _PY_TUTORIAL) + _pages("faq", _PY_FAQ) + _pages("howto", _PY_HOWTO_CORE)
               + _pages("library", _PY_LIBRARY_CORE))
PYTHON_ALL = PYTHON_CORE + _pages("howto", _PY_HOWTO_MORE) + _pages("library", _PY_LIBRARY_MORE)

_PG = ("tutorial tutorial-accessdb tutorial-advanced-intro tutorial-agg tutorial-arch tutorial-concepts "
       "tutorial-createdb tutorial-delete tutorial-fk tutorial-inheritance tutorial-install tutorial-join "
       "tutorial-populate tutorial-select tutorial-sql-intro tutorial-table tutorial-transactions "
       "tutorial-update tutorial-views tutorial-window "
       "sql-createtable sql-select sql-insert sql-update sql-delete sql-altertable sql-createindex sql-vacuum "
       "sql-copy sql-createrole sql-grant sql-explain sql-truncate sql-createview sql-begin sql-dropTable "
       "datatype-numeric datatype-character datatype-datetime datatype-boolean datatype-json datatype-uuid "
       "functions-string functions-conditional functions-aggregate "
       "app-pgdump app-pgrestore app-createdb app-initdb app-pg-ctl "
       "auth-pg-hba-conf auth-password indexes-types indexes-multicolumn ddl-constraints ddl-default "
       "routine-vacuuming backup-dump mvcc-intro transaction-iso")
POSTGRES_ALL = tuple(f"{n.lower()}.html" for n in _PG.split())
_GIT = ("gittutorial gittutorial-2 giteveryday gitignore gitglossary gitrevisions gitcredentials git-init git-clone "
        "git-add git-rm git-mv git-status git-commit git-diff git-log git-show git-branch git-checkout git-switch "
        "git-restore git-merge git-rebase git-reset git-revert git-stash git-tag git-fetch git-pull git-push "
        "git-remote git-cherry-pick git-bisect git-blame git-clean git-reflog git-worktree git-submodule git-grep "
        "git-archive git-format-patch git-am git-gc")
GIT_ALL = tuple(f"{n}.html" for n in _GIT.split())
#: The same pages as manual pages: commands in section 1, gitignore (a file format) in 5, the guides in 7.
GIT_MAN = tuple(f"man{s}/{n}.{s}.gz" for n in _GIT.split() for s in ["1" if n.startswith("git-") else
                                                                      "5" if n == "gitignore" else "7"])

_NPM_COMMANDS = ('npm-access npm-adduser npm-approve-scripts npm-audit npm-bugs npm-cache npm-ci npm-completion '
                 'npm-config npm-dedupe npm-deny-scripts npm-deprecate npm-diff npm-dist-tag npm-docs npm-doctor '
                 'npm-edit npm-exec npm-explain npm-explore npm-find-dupes npm-fund npm-get npm-help-search '
                 'npm-help npm-init npm-install-ci-test npm-install-scripts npm-install-test npm-install npm-link '
                 'npm-ll npm-login npm-logout npm-ls npm-org npm-outdated npm-owner npm-pack npm-ping npm-pkg '
                 'npm-prefix npm-profile npm-prune npm-publish npm-query npm-rebuild npm-repo npm-restart npm-root '
                 'npm-run npm-sbom npm-search npm-set npm-shrinkwrap npm-stage npm-star npm-stars npm-start '
                 'npm-stop npm-team npm-test npm-token npm-trust npm-undeprecate npm-uninstall npm-unpublish '
                 'npm-unstar npm-update npm-version npm-view npm-whoami npm npx')
_NPM_CONFIGURING_NPM = ('folders install npm-shrinkwrap-json npmrc package-json package-lock-json')
_NPM_USING_NPM = ('config dependency-selectors developers logging orgs package-spec registry removal scope scripts '
                  'workspaces')
NPM_ALL = (tuple(f"commands/{n}.md" for n in _NPM_COMMANDS.split())
           + tuple(f"configuring-npm/{n}.md" for n in _NPM_CONFIGURING_NPM.split())
           + tuple(f"using-npm/{n}.md" for n in _NPM_USING_NPM.split()))


@dataclass(frozen=True)
class DocSet:
    """One documentation set: its name, format, pages (paths relative to its root) and what provides it."""

    name: str
    title: str
    format: str  # "sphinx", "docbook", "asciidoc", "markdown", "rst", "html", "node", "pdf", "man" or "info" (a .pdf
    # page: "pdf")
    pages: tuple[str, ...]
    needs: str  # what a fresh machine must install
    #: the pages are read as a browser saves them as PDF (``benchmarks/realdocs/printed.py``), each page's
    #: PDF beside where the page would be (its name ending in .pdf); questions and references are the pages'
    printed: bool = False
    #: the set whose questions it is asked (its own name where empty): the same pages in another format
    asks: str = ""

    @property
    def questions(self) -> str:
        """The name of the question file: the printed set asks what its pages' set asks."""
        return self.asks or self.name.removesuffix("-pdf")

    def root(self, download: Path) -> Path:
        """Where the set's pages lie (fetched into ``download`` first where they come from a registry)."""
        return _root(self, download)

    def document(self, page: str) -> str:
        """The source name under which the index holds ``page``."""
        return page.removesuffix(".html") + ".pdf" if self.printed else page

    def assemble(self, corpus: Path, download: Path) -> Path:
        """Copy the set's pages into ``corpus`` (keeping their relative paths), or for a printed set save each
        page as PDF there; return the pages' root."""
        root = self.root(download)
        missing = [p for p in self.pages if not (root / p).is_file()]
        if missing:
            raise SystemExit(f"{self.name}: {len(missing)} pages missing under {root} (first: {missing[0]}). "
                             f"Install: {self.needs}")
        if self.printed:
            from realdocs.printed import save_as_pdf

            save_as_pdf((root / page, corpus / self.document(page)) for page in self.pages)
            return root
        for page in self.pages:
            target = corpus / page
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / page, target)
        return root


def printed(docset: DocSet) -> DocSet:
    """``docset``'s web pages as a browser saves them as PDF (its name ending in -pdf)."""
    return replace(docset, name=f"{docset.name}-pdf", title=f"{docset.title}, each page saved as PDF by Chromium",
                   printed=True, needs=f"{docset.needs}; Chromium (apt-get install chromium)")


_FLASK = ("api appcontext async-await blueprints changes cli config contributing debugging deploying/apache-httpd "
          "deploying/asgi deploying/eventlet deploying/gevent deploying/gunicorn deploying/index deploying/mod_wsgi "
          "deploying/nginx deploying/proxy_fix deploying/uwsgi deploying/waitress design errorhandling extensiondev "
          "extensions gevent index installation license lifecycle logging patterns/appdispatch patterns/appfactories "
          "patterns/caching patterns/celery patterns/deferredcallbacks patterns/favicon patterns/fileuploads "
          "patterns/flashing patterns/index patterns/javascript patterns/jquery patterns/lazyloading "
          "patterns/methodoverrides patterns/mongoengine patterns/packages patterns/requestchecksum "
          "patterns/singlepageapplications patterns/sqlalchemy patterns/sqlite3 patterns/streaming "
          "patterns/subclassing patterns/templateinheritance patterns/urlprocessors patterns/viewdecorators "
          "patterns/wtforms quickstart reqcontext server shell signals templating testing tutorial/blog "
          "tutorial/database tutorial/deploy tutorial/factory tutorial/index tutorial/install tutorial/layout "
          "tutorial/next tutorial/static tutorial/templates tutorial/tests tutorial/views views web-security")
FLASK_ALL = tuple(f"{n}.rst" for n in _FLASK.split())


_SQLITE = ("lang_select lang_insert lang_update lang_delete lang_createtable lang_altertable lang_createindex "
           "lang_createview lang_createtrigger lang_transaction lang_vacuum lang_attach lang_upsert lang_returning "
           "lang_with lang_expr lang_corefunc lang_aggfunc lang_datefunc lang_mathfunc lang_conflict lang_droptable "
           "lang_explain lang_analyze datatype3 autoinc foreignkeys pragma wal limits json1 fts5 windowfunctions "
           "cli faq whentouse backup isolation atomiccommit lockingv3 partialindex gencol stricttables withoutrowid "
           "quirks nulls")
SQLITE_ALL = tuple(f"{n}.html" for n in _SQLITE.split())

_NODE = "path events child_process os timers readline url util fs process buffer http"
NODE_ALL = tuple(f"{n}.html" for n in _NODE.split())

#: Where each format's pages lie, for the sets read from installed packages.
_ROOTS = {"sphinx": PYTHON_HTML, "docbook": POSTGRES_HTML, "asciidoc": GIT_HTML, "pdf": DEBIAN_DOC, "man": MAN,
          "info": SHARE, "html": SQLITE_HTML, "node": NODE_HTML}


def _root(docset: DocSet, download: Path) -> Path:
    if docset.format in _ROOTS:
        return _ROOTS[docset.format]
    return flask_docs(download) if docset.format == "rst" else npm_docs(download)


def flask_docs(download: Path) -> Path:
    """``docs`` of the pinned flask source distribution, unpacked under ``download`` (fetched once)."""
    docs = download / f"flask-{FLASK_VERSION}" / "docs"
    if docs.is_dir():
        return docs
    download.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=download) as tmp:
        try:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                            "--dest", tmp, f"flask=={FLASK_VERSION}"], check=True, capture_output=True, text=True,
                           timeout=300)
        except (OSError, subprocess.SubprocessError) as e:
            raise SystemExit(f"flask: could not fetch flask=={FLASK_VERSION} with `pip download` ({e}). "
                             "Make the Python package registry reachable.") from e
        with tarfile.open(Path(tmp) / f"flask-{FLASK_VERSION}.tar.gz") as tar:
            tar.extractall(download, filter="data")
    return docs


def npm_docs(download: Path) -> Path:
    """``docs/content`` of the pinned npm package, unpacked under ``download`` (fetched once)."""
    content = download / f"npm-{NPM_VERSION}" / "package" / "docs" / "content"
    if content.is_dir():
        return content
    download.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=download) as tmp:
        try:
            subprocess.run(["npm", "pack", f"npm@{NPM_VERSION}", "--pack-destination", tmp, "--silent"],
                           check=True, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as e:
            raise SystemExit(f"npm: could not fetch npm@{NPM_VERSION} with `npm pack` ({e}). "
                             "Install Node.js/npm and make the npm registry reachable.") from e
        with tarfile.open(Path(tmp) / f"npm-{NPM_VERSION}.tgz") as tar:
            tar.extractall(download / f"npm-{NPM_VERSION}", filter="data")
    return content


def docsets(pages: str = "default") -> dict[str, DocSet]:
    """The sets; ``pages="all"`` takes the larger Python slice (about twice the build time)."""
    python = PYTHON_ALL if pages == "all" else PYTHON_CORE
    return {
        "python": DocSet("python", "Python 3.11 documentation (Sphinx HTML, python3-doc)", "sphinx", python,
                         "apt-get install python3-doc"),
        "postgres": DocSet("postgres", "PostgreSQL 15 manual (DocBook HTML, postgresql-doc-15)", "docbook",
                           POSTGRES_ALL, "apt-get install postgresql-doc-15"),
        "git": DocSet("git", "Git 2.39 manual pages and tutorials (AsciiDoc HTML, git-doc)", "asciidoc", GIT_ALL,
                      "apt-get install git-doc"),
        "npm": DocSet("npm", f"npm {NPM_VERSION} documentation (Markdown, docs/content of the npm package)",
                      "markdown", NPM_ALL, f"npm (Node.js) and the npm registry: npm pack npm@{NPM_VERSION}"),
        "flask": DocSet("flask", f"Flask {FLASK_VERSION} documentation sources (reStructuredText, the sdist's docs/)",
                        "rst", FLASK_ALL, f"the Python package registry: pip download flask=={FLASK_VERSION}"),
        "pdf": DocSet("pdf", "Two PDF manuals: libtasn1 (Texinfo, libtasn1-doc) and the Shared MIME-info "
                      "specification (DocBook, shared-mime-info)", "pdf", PDF_ALL,
                      "apt-get install libtasn1-doc shared-mime-info"),
        "sqlite": DocSet("sqlite", "SQLite 3.40 documentation (hand-written HTML, sqlite3-doc)", "html", SQLITE_ALL,
                         "apt-get install sqlite3-doc"),
        "node": DocSet("node", "Node.js 20 API reference (its own generator's HTML, /usr/share/doc/nodejs/api)",
                       "node", NODE_ALL,
                       "Node.js 20's documentation: NodeSource's nodejs package (or apt-get install nodejs-doc)"),
        "git-man": DocSet("git-man", "Git 2.39 manual pages and tutorials (roff manual pages, git-man)", "man",
                          GIT_MAN, "apt-get install git-man", asks="git"),
        "info": DocSet("info", "The pdf set with libtasn1's manual as its Info file (libtasn1-doc) beside the Shared "
                       "MIME-info specification (PDF, shared-mime-info)", "info", INFO_ALL,
                       "apt-get install libtasn1-doc shared-mime-info", asks="pdf"),
    }
