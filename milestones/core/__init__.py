"""The pure core of the milestone engine: decisions from state, events and rules.

Nothing here imports Django, the ORM or any I/O (an import-linter contract and a test hold
it), so the sandbox and the publish preview run it on anything, and tests run it alone.
"""
