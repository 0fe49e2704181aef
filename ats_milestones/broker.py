"""The embedded broker of `make run` without Redis: kombu's filesystem transport, with every
message written whole before a worker can take it.

kombu writes a message under its final name and then locks and fills it, but its reader
takes files by moving them, without the lock: a worker could take a file the sender had
created and not yet filled, read it empty and stop ("Unrecoverable error: JSONDecodeError",
seen after 13 minutes of `make run`, which then stopped everything). Here the sender writes
`<name>.part`, which no reader takes (a reader takes only names ending `.<queue>.msg`), and
renames it into place, which POSIX makes atomic. `ats_milestones.celery` makes this the
`filesystem://` transport."""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        part = f"{path}.part"
        try:
            with open(part, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(part, path)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {path!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
