"""An MCP server over the index: ``python -m qa mcp`` (stdio) or ``python -m qa mcp --http`` (streamable HTTP).

Tools: ``ask``, ``search``, ``read``, ``list_documents`` and ``verify_quote``; every document is also a
resource (``qa://documents/<source>``). Every tool only reads: the server changes nothing, whatever its
options. Errors come back as tool errors carrying qa's own message, which says what to send instead.
Over HTTP the server binds 127.0.0.1 by default, checks the Host and Origin headers against DNS
rebinding, and with ``--auth USER:PASS`` asks every request for HTTP basic credentials.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.server.mcpserver.resources import FunctionResource
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import ToolAnnotations
from pydantic import Field

from .answering import lookup
from .app import access
from .config import Config
from .errors import QAError
from .indexing.index import Index, load_index

INSTRUCTIONS = """qa answers questions only with verbatim quotes from its documents, each with a citation.
Quote its text exactly as returned, character for character, inside quotation marks, and cite each quote
(title, source and the citation it comes with). Never reword a quote or present your own words as the
documents'. When `ask` abstains, say that the documents do not answer the question; do not answer from
memory. Before showing text as a quote from these documents, check it with `verify_quote`."""

READS = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
T = TypeVar("T")
Sources = Annotated[list[str] | None, Field(description="Only these documents (names as list_documents gives "
                                                        "them); omit for all documents.")]


def make_server(config: Config) -> MCPServer:
    """The MCP server over ``config``'s index. Every tool only reads."""
    server = MCPServer("qa", title="qa: verbatim, cited quotes from your documents", instructions=INSTRUCTIONS,
                       version="0.1.0", log_level="WARNING")

    def index() -> Index:
        return load_index(config.index_dir, config)

    @server.tool(annotations=READS, description=(
        "Answer a question with verbatim quotes from the documents, each with its source, character offsets "
        "and location (section, line, page). Copy every quote exactly as given and cite it. If `abstained` "
        "is true, the documents do not answer: say so, and do not answer from memory (`related` holds nearby "
        "passages, which are not an answer). If `conflict` is true, the documents disagree: show both sides. "
        "`corrections` lists question words searched as other words of the documents (typing slips): say so."))
    def ask(question: Annotated[str, Field(description="The question, in a sentence or two.")],
            k: Annotated[int, Field(description=f"How many quotes, 1 to {Config.max_quotes}.")] = 3,
            sources: Sources = None) -> dict[str, Any]:
        return _run(lambda: access.ask(index(), question, k, sources))

    @server.tool(annotations=READS, description=(
        "Find passages about a query: source, title, section, character offsets and a short snippet each, "
        "best first. No answer is chosen; read a passage in full with `read` (source, start, end). "
        "Snippets are cut short: quote only text you have read in full, exactly as written, with its citation."))
    def search(query: Annotated[str, Field(description="Words or a question to search for.")],
               k: Annotated[int, Field(description=f"How many passages, 1 to {access.MAX_SEARCH_K}.")] = 5,
               sources: Sources = None) -> dict[str, Any]:
        return _run(lambda: access.search(index(), query, k, sources))

    @server.tool(annotations=READS, description=(
        "Read a document's text from character `start` to `end` (at most "
        f"{access.MAX_READ_CHARS:,} characters a call; `next_start` says where to continue). Offsets are the "
        "ones `ask`, `search` and `verify_quote` give. Quote its text exactly and cite source and offsets."))
    def read(source: Annotated[str, Field(description="Document name, as list_documents gives it.")],
             start: Annotated[int, Field(description="First character offset (from 0).")] = 0,
             end: Annotated[int | None, Field(description="Offset after the last character.")] = None
             ) -> dict[str, Any]:
        return _run(lambda: access.read(index(), source, start, end))

    @server.tool(annotations=READS, description=(
        "List the indexed documents: source (the name other tools take), title, kind, date, chunks."))
    def list_documents() -> dict[str, Any]:
        return _run(lambda: {"documents": access.documents(index()), "calibration": access.calibration_of(index())})

    @server.tool(annotations=READS, description=(
        "Check that text is really a quote from the documents before presenting it as one. `verified`: "
        "it is there exactly (spans give each place and its citation). `repaired`: it differs only in case, "
        "quote marks, dashes, whitespace, a line-break hyphen or an ellipsis; quote the `spans[0].text` "
        "instead, exactly. `unverified`: it is not in the documents; do not present it as a quote "
        "(`nearest` is the closest passage and `similarity` how close)."))
    def verify_quote(text: Annotated[str, Field(description="The text claimed to be a quote (12+ characters).")],
                     source: Annotated[str | None, Field(description="Only this document.")] = None
                     ) -> dict[str, Any]:
        return _run(lambda: access.verify(index(), text, source))

    _add_resources(server, index)
    return server


def _run(call: Callable[[], T]) -> T:
    """qa's errors as tool errors, with qa's message (it says what to send instead)."""
    try:
        return call()
    except QAError as e:
        raise ToolError(str(e)) from e


def _add_resources(server: MCPServer, index: Callable[[], Index]) -> None:
    """Each indexed document as a text resource; the template also reads any document named later."""
    def reader(source: str) -> Callable[[], str]:
        def read_document() -> str:
            idx = index()
            if source not in idx.documents:
                raise ResourceNotFoundError(lookup.not_found_message(idx, source))
            return idx.documents[source].text
        return read_document

    try:
        documents = index().documents
    except QAError:
        documents = {}
    for source, doc in sorted(documents.items()):
        server.add_resource(FunctionResource.from_function(
            reader(source), uri=f"qa://documents/{quote(source, safe='/')}", name=source, title=doc.title,
            description=f"{doc.title} ({doc.kind}): the cleaned text that quotes cite", mime_type="text/plain"))

    @server.resource("qa://documents/{+source}", name="document", mime_type="text/plain",
                     description="A document's cleaned text, by its source name.")
    def document(source: str) -> str:
        return reader(source)()


def transport_security(host: str) -> TransportSecuritySettings:
    """Host and Origin checks against DNS rebinding, for this host and the loopback names."""
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    if host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::"):
        hosts.append(f"{host}:*")
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                     allowed_origins=[f"http://{h}" for h in hosts])


def http_app(server: MCPServer, host: str, auth: tuple[str, str] | None = None) -> Any:
    """The streamable-HTTP app serving ``server`` at ``/mcp``; behind HTTP basic auth when ``auth`` is set."""
    from .app.api import BasicAuth

    app = server.streamable_http_app(streamable_http_path="/mcp", host=host,
                                     transport_security=transport_security(host))
    return BasicAuth(app, auth) if auth else app


def serve(config: Config, *, http: bool = False, host: str = "127.0.0.1", port: int = 8765,
          auth: tuple[str, str] | None = None) -> None:
    """Run the server until stopped: over stdio, or streamable HTTP at http://HOST:PORT/mcp."""
    server = make_server(config)
    if not http:
        server.run("stdio")
        return
    import uvicorn

    uvicorn.run(http_app(server, host, auth), host=host, port=port, log_level="warning")
