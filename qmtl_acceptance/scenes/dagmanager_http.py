"""The DAG Manager's HTTP readiness probe (contract §2: HTTP GET /status answers 200), read byte for byte."""
from __future__ import annotations

from ..clients.http_raw import RawAnswer, exchange
from ..errors import SuiteError, TargetFailure
from .dagmanager_session import DagManagerSession


def _request(line: str, extra: str = "") -> bytes:
    return f"{line}\r\nHost: dagmanager\r\n{extra}Connection: close\r\n\r\n".encode("latin-1")


# phrase → the request sent, exactly
HTTP_REQUESTS = {
    "a GET of /status": _request("GET /status HTTP/1.1"),
    "a GET of /status with a query": _request("GET /status?verbose=1 HTTP/1.1"),
    "a GET of another path": _request("GET /health-of-something-else HTTP/1.1"),
    "a GET of a path below /status": _request("GET /status/extra HTTP/1.1"),
    "a POST to /status": _request("POST /status HTTP/1.1", "Content-Length: 0\r\n"),
    "a DELETE of /status": _request("DELETE /status HTTP/1.1"),
    "a request line of two words": _request("GET /status"),
    "a request line of four words": _request("GET /status HTTP/1.1 extra"),
}

CHOICES = {"DmHttpRequest": tuple(HTTP_REQUESTS)}


class DagManagerHttpStatus:
    def __init__(self, session: DagManagerSession) -> None:
        self.session = session
        self.answer: RawAnswer | None = None

    def send(self, phrase: str) -> None:
        url = self.session.target.endpoints.dagmanager_status_url
        if not url:
            raise SuiteError("the target names no DAG Manager HTTP status URL (the scenario needs @use.with_dagmanager_status=addressed)")
        self.answer = exchange(url, HTTP_REQUESTS[phrase], timeout=self.session.scenario.seconds(5))
        self.session.scenario.observe(f"DAG Manager HTTP: {phrase}", self.answer.describe())

    def _answer(self) -> RawAnswer:
        if self.answer is None:
            raise AssertionError("the scenario has sent the DAG Manager's HTTP port nothing yet")
        return self.answer

    def answered(self, status_line: str) -> None:
        answer = self._answer()
        if answer.status_line != status_line:
            raise TargetFailure("the DAG Manager's HTTP answer", expected=f"status line {status_line!r}", observed=answer.describe())
        declared = answer.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) != len(answer.body)):
            raise TargetFailure("the DAG Manager's HTTP answer", expected=f"a body of its declared {declared} bytes",
                                observed=f"{len(answer.body)} bytes: {answer.describe()}")

    def names_its_status(self) -> None:
        answer = self._answer()
        body = answer.json()
        media = answer.headers.get("content-type", "")
        if not media.startswith("application/json") or not isinstance(body, dict) \
                or not isinstance(body.get("status"), str) or not body["status"].strip():
            raise TargetFailure("the DAG Manager's GET /status body",
                                expected='application/json: an object naming its "status"', observed=answer.describe())
