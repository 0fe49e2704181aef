"""Cursor pages: a cursor we did not hand out, or a bad page_size, is a 400 naming it."""

from __future__ import annotations

import binascii
from base64 import b64decode
from urllib import parse

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination

MAX_PAGE_SIZE = 500
_CURSOR_MESSAGE = "Not a cursor of this list: follow `next` or `previous` as given."


def _invalid(param: str, message: str) -> ValidationError:
    return ValidationError({param: [message]})


class DefaultCursorPagination(CursorPagination):
    """Stable pages over changing data: newest first, id breaks ties."""

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise _invalid(self.page_size_query_param, "A whole number is required.") from None
        if size < 1:
            raise _invalid(self.page_size_query_param, "Must be at least 1.")
        return min(size, self.max_page_size)

    def decode_cursor(self, request):
        """DRF's decoding, refusing what it would let through to the query: a negative or
        unparsable offset, and a position that is no value of the ordering field."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            querystring = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse.parse_qs(querystring, keep_blank_values=True, strict_parsing=True)
            offset = int(tokens.get("o", ["0"])[0])
            reverse = int(tokens.get("r", ["0"])[0])
            position = tokens.get("p", [None])[0]
        except (TypeError, ValueError, UnicodeError, binascii.Error):
            raise _invalid(self.cursor_query_param, _CURSOR_MESSAGE) from None
        if not 0 <= offset <= self.offset_cutoff or reverse not in (0, 1):
            raise _invalid(self.cursor_query_param, _CURSOR_MESSAGE)
        if position is not None:
            self._check_position(position)
        return Cursor(offset=offset, reverse=bool(reverse), position=position)

    def _check_position(self, position: str) -> None:
        name = self.ordering[0].lstrip("-")
        if "\x00" in position:
            raise _invalid(self.cursor_query_param, _CURSOR_MESSAGE)
        try:
            field = self._model._meta.get_field(name)
        except (AttributeError, FieldDoesNotExist):
            return  # an annotation or a related path: left to the query
        try:
            value = field.to_python(position)
        except DjangoValidationError:
            raise _invalid(self.cursor_query_param, _CURSOR_MESSAGE) from None
        year = getattr(value, "year", None)
        if year is not None and not 1 < year < 9999:  # a comparison Postgres can make
            raise _invalid(self.cursor_query_param, _CURSOR_MESSAGE)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Opaque: the `next` or `previous` link of a page carries it. A cursor this "
                    "list did not hand out answers 400 naming `cursor`."
                )
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = (
                    f"Rows per page: default {self.page_size}, at most {self.max_page_size} "
                    "(a larger number gets that many)."
                )
        return parameters
