"""The ingest on a Dask distributed cluster (``--scheduler tcp://HOST:PORT``).

Dask fits because the unit of work is already one pure call (bytes → checked Report) and
``distributed`` gives futures with the same submit/wait shape as a local pool, spreading the
calls over machines and retrying on other workers when one dies. The database stays with the
parent, the single writer and place of record: the workers get each file's bytes (no shared disk
needed) and send back the Report, and the parent commits it as it does with the local pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from distributed import Client, Future, wait


class DaskRunner:
    """Jobs on the cluster at ``address``; as many in flight as the cluster has threads, twice."""

    def __init__(self, address: str | Client) -> None:
        self._own = not isinstance(address, Client)
        self.client = Client(address) if isinstance(address, str) else address
        threads = sum(self.client.nthreads().values()) or 1
        self.slots = 2 * threads

    def submit(self, fn: Callable[[Any], Any], arg: Any) -> Future[Any]:
        # pure=False: the same file submitted twice (e.g. --force) is computed again
        return self.client.submit(fn, arg, pure=False)

    def wait(self, pending: set[Any], timeout: float | None = None) -> tuple[set[Any], set[Any]]:
        try:
            done, rest = wait(list(pending), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:  # distributed's wait says so by raising
            return set(), set(pending)
        return set(done), set(rest)

    def result(self, future: Future[Any]) -> Any:
        try:
            return future.result()
        finally:
            future.release()

    def close(self) -> None:
        if self._own:
            self.client.close()
