"""Browser pages of the milestone module: the requisition list, board and application page,
and the workflow editor."""
