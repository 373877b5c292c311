#!/usr/bin/env python3
"""Test-only HTTP front for chDB (PyPI chdb: ClickHouse 26.x in-process).

Speaks enough of ClickHouse's HTTP interface for clickhouse-go's HTTP
protocol, so the store's conformance suite runs against a current engine
without a server: the query in the body or the query= parameter (both:
parameter, newline, body, as ClickHouse does), default_format, database
(parameter or X-ClickHouse-Database), GET /ping. INSERT ... FORMAT X with
the rows in the body is run as INSERT ... SELECT * FROM file(tmp, X).
Settings and other parameters are ignored.

chDB writes Native blocks the way a server does for a client of protocol
revision 0 (no block info, no per-column serialization byte), whatever
client_protocol_version asks. clickhouse-go decodes the blocks of a
connection at the revision its hello query ("SELECT displayName(),
version(), revision(), timezone()") reports, so the front answers that
query itself, in the format of the revision the driver asks for, with
revision() = 0. Errors: HTTP 500 with the
engine's message and X-ClickHouse-Exception-Code. One session, one query
at a time. Never expose it: no authentication.

    chdb-http.py --port PORT --data DIR      (binds 127.0.0.1 only)
"""
import argparse
import os
import re
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from chdb import session

INSERT_FORMAT = re.compile(rb"^(\s*INSERT\s+INTO\s+.*?)\s+FORMAT\s+(\w+)\s*$", re.I | re.S)
EXPLICIT_FORMAT = re.compile(rb"\sFORMAT\s+(\w+)\s*;?\s*$", re.I)
CODE = re.compile(r"Code:\s*(\d+)")
HELLO = b"SELECT displayName(), version(), revision(), timezone()"


def uvarint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def string(s):
    b = s.encode()
    return uvarint(len(b)) + b


def hello_block(name, version, tz):
    """One Native block (block info, one row) answering HELLO with revision 0."""
    out = bytearray(b"\x01\x00\x02\xff\xff\xff\xff\x00")  # block info: not overflows, bucket -1
    out += uvarint(4) + uvarint(1)
    for col, typ, data in (("displayName()", "String", string(name)), ("version()", "String", string(version)),
                           ("revision()", "UInt32", (0).to_bytes(4, "little")), ("timezone()", "String", string(tz))):
        out += string(col) + string(typ) + b"\x00" + data  # 0: no custom serialization
    return bytes(out)


class Front(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the tests log what matters
        pass

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.handle_query(b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self.read_chunked()
        else:
            body = self.rfile.read(n) if n else b""
        self.handle_query(body)

    def read_chunked(self):
        out = bytearray()
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return bytes(out)
            out += self.rfile.read(size)
            self.rfile.readline()

    def handle_query(self, body):
        u = urlparse(self.path)
        if u.path.rstrip("/") == "/ping":
            self.reply(200, b"Ok.\n")
            return
        # latin-1 keeps the bytes of the query parameter as they are: a
        # query may hold any bytes (string literals need not be UTF-8).
        params = {k: v[-1] for k, v in parse_qs(u.query, keep_blank_values=True, encoding="latin-1").items()}
        if self.headers.get("Content-Encoding"):
            self.reply(400, b"Code: 1. DB::Exception: chdb-http.py: compressed bodies are not supported\n",
                       [("X-ClickHouse-Exception-Code", "1")])
            return
        query = params.get("query", "").encode("latin-1")
        data = b""
        m = INSERT_FORMAT.match(query) if query else None
        if m:  # the body holds the rows
            data = body
        elif query and body:
            query = query + b"\n" + body
        elif body:
            query = body
        fmt = params.get("default_format", "TabSeparated")
        db = self.headers.get("X-ClickHouse-Database") or params.get("database") or "default"
        with self.server.lock:
            status, out, code = self.server.run(db, query, fmt, m, data)
        headers = [("Content-Type", "application/octet-stream")]
        if code:
            headers.append(("X-ClickHouse-Exception-Code", code))
        self.reply(status, out, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, data):
        super().__init__(addr, Front)
        self.lock = threading.Lock()
        self.sess = session.Session(data)
        self.db = None
        self.tmp = os.path.join(data, "inserts")
        os.makedirs(self.tmp, exist_ok=True)

    def run(self, db, query, fmt, insert, data):
        try:
            if db != self.db:  # the session keeps its database between queries
                self.db = None
                self.q("USE `" + db.replace("`", "") + "`", "TabSeparated")
                self.db = db
            if insert:
                fd, path = tempfile.mkstemp(dir=self.tmp)
                try:
                    with os.fdopen(fd, "wb") as f:
                        f.write(data)
                    q = b"%s SELECT * FROM file('%s', '%s')" % (insert.group(1), path.encode(), insert.group(2))
                    self.q(q, "TabSeparated")
                finally:
                    os.unlink(path)
                return 200, b"", None
            if query.strip() == HELLO:
                r = self.q("SELECT displayName(), version(), timezone()", "TabSeparated")
                return 200, hello_block(*r.bytes().decode().rstrip("\n").split("\t")), None
            m = EXPLICIT_FORMAT.search(query)
            if m:
                fmt = m.group(1).decode()
            r = self.q(query, fmt)
            return 200, r.bytes() if r is not None else b"", None
        except QueryError as e:
            msg = str(e)
            c = CODE.search(msg)
            return 500, msg.encode() + b"\n", c.group(1) if c else "1"

    def q(self, sql, fmt):
        try:
            r = self.sess.query(sql, fmt)
        except Exception as e:  # chdb raises its engine's exceptions as is
            raise QueryError(str(e)) from e
        if r is not None and r.has_error():
            raise QueryError(r.error_message())
        return r


class QueryError(Exception):
    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--data", required=True)
    a = ap.parse_args()
    # chDB calls getcwd(): run from the data folder, not from the checkout
    # that started us (a removed clone left every query failing).
    a.data = os.path.abspath(a.data)
    os.makedirs(a.data, exist_ok=True)
    os.chdir(a.data)
    srv = Server(("127.0.0.1", a.port), a.data)
    try:
        srv.serve_forever()
    finally:
        srv.sess.close()


if __name__ == "__main__":
    main()
