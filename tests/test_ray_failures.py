"""A report that kills its Ray worker (as the system's out-of-memory killer does): recorded, not a hang.

Ray Data's actors retry a task forever by default, so such a report held the batch for good (seen: a
5-report batch still running after 86 s); now it fails as it does with the datasets engine."""

from __future__ import annotations

import json
import os
import signal
import threading

import pyarrow.parquet as pq
import pytest

from gwr.corpus import batch
from gwr.corpus.batch import run_batch

ray = pytest.importorskip("ray")

SMALL = "2025年甲市政府工作报告\n一、主要目标\n地区生产总值增长5%左右。\n"


@pytest.fixture
def killing_ray():
    """A local Ray of 2 CPUs whose workers die on b (started here; the engine joins it)."""

    def kill_on_b_in_every_worker() -> None:  # Ray's worker_process_setup_hook (a closure: sent by value)
        import os
        import signal

        from gwr.corpus import batch

        def kill_on_b(doc_id: str) -> None:
            if doc_id == "b":
                os.kill(os.getpid(), signal.SIGKILL)

        batch.document_hook = kill_on_b

    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"worker_process_setup_hook": kill_on_b_in_every_worker})
    yield
    ray.shutdown()


def test_a_report_that_kills_its_ray_worker_is_a_failure_and_the_rest_are_written(killing_ray, tmp_path,
                                                                                     monkeypatch):
    main_pid = os.getpid()
    # the retry alone runs in a process forked from this one: it dies on b too
    monkeypatch.setattr(batch, "document_hook",
                        lambda doc_id: os.kill(os.getpid(), signal.SIGKILL)
                        if doc_id == "b" and os.getpid() != main_pid else None)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c", "d", "e"):
        (folder / f"{name}.txt").write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out"
    # the bug this guards against is a hang: end the whole run with a message rather than hold CI
    watchdog = threading.Timer(300, lambda: (print("\nthe Ray batch with a worker-killing report is still "
                                                   "running after 300 s: it hangs", flush=True), os._exit(3)))
    watchdog.start()
    try:
        result = run_batch([folder], out, workers=2, progress=False, engine="ray")
    finally:
        watchdog.cancel()
    assert (result.total, result.written, result.failed) == (5, 4, 1)
    assert [(f["id"], f["error_type"], f["error"]) for f in result.failures] == [
        ("b", "WorkerDiedError", f"{folder / 'b.txt'}: the process extracting it was killed (SIGKILL), in the batch "
                                 "and again alone (out of memory?): it is left out")]
    assert sorted(p.stem for p in (out / "docs").iterdir()) == ["a", "c", "d", "e"]
    assert pq.read_table(out / "commitments.parquet").column("report_id").to_pylist() == ["a", "c", "d", "e"]
    assert [json.loads(line)["id"] for line in (out / "failures.jsonl").read_text(encoding="utf-8").splitlines()] \
        == ["b"]
    assert not (out / ".gwr-cache").exists()
