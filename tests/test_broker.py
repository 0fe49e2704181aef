"""The embedded broker (ats_milestones.broker): a message is never visible half-written, and
many senders and one reader at once lose nothing and read nothing empty."""

from __future__ import annotations

import threading
from queue import Empty

import pytest
from kombu import Connection

import ats_milestones.celery  # noqa: F401 -- makes filesystem:// the whole-message transport


def _connection(folder) -> Connection:
    (folder / "control").mkdir(exist_ok=True)  # as the settings keep it: beside the queue
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
    }
    return Connection("filesystem://", transport_options=options)


def test_filesystem_is_the_whole_message_transport(tmp_path):
    with _connection(tmp_path) as conn:
        assert type(conn.transport).__module__ == "ats_milestones.broker"


def test_a_file_still_being_written_is_not_taken(tmp_path):
    with _connection(tmp_path) as conn:
        channel = conn.default_channel
        (tmp_path / "1_x.jobs.msg.part").write_bytes(b"")  # a sender mid-write
        with pytest.raises(Empty):
            channel._get("jobs")
        channel._put("jobs", {"n": 1})
        assert channel._get("jobs") == {"n": 1}
        assert [p.name for p in tmp_path.glob("*.msg*")] == ["1_x.jobs.msg.part"]


def test_senders_and_a_reader_at_once_lose_nothing(tmp_path):
    senders, each = 4, 250
    received: list[int] = []

    def send(k: int) -> None:
        with _connection(tmp_path) as conn:
            queue = conn.SimpleQueue("jobs")
            for n in range(each):
                queue.put({"n": k * each + n})
            queue.close()

    threads = [threading.Thread(target=send, args=(k,)) for k in range(senders)]
    with _connection(tmp_path) as conn:
        # Declared once first, as a worker does at start: kombu's exchange table is not
        # written safely by several first declarations at once.
        queue = conn.SimpleQueue("jobs")
        for thread in threads:
            thread.start()
        while len(received) < senders * each:
            message = queue.get(timeout=10)
            received.append(message.payload["n"])
            message.ack()
        queue.close()
    for thread in threads:
        thread.join()
    assert sorted(received) == list(range(senders * each))
