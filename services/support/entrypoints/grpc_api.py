"""The gRPC face of support: decode the request, run the use case, encode the case.

The help centre's three calls are served by ``HelpApi``; everything about cases is here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message

from callsheet.support.v1 import support_pb2, support_pb2_grpc
from callsheet_kit.errors import invalid_field
from callsheet_kit.identity import current_caller
from callsheet_kit.paging import page_size
from callsheet_kit.proto import timestamp
from callsheet_kit.uow import execute
from callsheet_kit.validation import MAX_ID, json_payload
from services.support.adapters.wire import encode_case
from services.support.entrypoints.help_api import HelpApi
from services.support.usecases.case_commands import (
    AssignCase,
    ChangeCase,
    RedactCase,
    ReplyToCase,
    assign_case,
    change_case,
    redact_case,
    reply_to_case,
)
from services.support.usecases.dmca_notice import ActOnDmca, act_on_dmca_with_media, parse_action
from services.support.usecases.open_case import OpenCase, open_case
from services.support.usecases.ports import CaseView, SupportDeps
from services.support.usecases.queries import (
    GetCase,
    GetStrikes,
    ListCases,
    case_cursor,
    get_case,
    get_strikes,
    list_cases,
)
from services.support.usecases.resolve_case import ResolveCase, resolve_case

Context = grpc.aio.ServicerContext[Any, Any]
R = TypeVar("R", bound=Message)


class SupportServicer(support_pb2_grpc.SupportServiceServicer):
    """SupportService over the support use cases."""

    def __init__(self, deps: SupportDeps, help_api: HelpApi) -> None:
        self._deps = deps
        self._help = help_api

    def _case(self, view: CaseView) -> support_pb2.SupportCase:
        key = view.case.evidence_key
        return encode_case(view, evidence_url=self._deps.store.download_url(key) if key else "")

    async def _answer(self, use_case: Any, command: Any, response: Callable[..., R], *, request: Message | None) -> R:
        """Runs a use case that answers one case, in its unit of work, idempotent by ``request``'s key."""
        return await execute(
            use_case,
            command,
            uow=self._deps.uow(),
            request=request,
            respond=lambda view: response(case=self._case(view)),
        )

    # -- the help centre -----------------------------------------------------------------------

    async def SearchHelpArticles(
        self, request: support_pb2.SearchHelpArticlesRequest, context: Context
    ) -> support_pb2.SearchHelpArticlesResponse:
        """Suggests help articles for a query, best first."""
        return await self._help.SearchHelpArticles(request, context)

    async def RecordDeflection(
        self, request: support_pb2.RecordDeflectionRequest, context: Context
    ) -> support_pb2.RecordDeflectionResponse:
        """Records that an article solved the user's problem."""
        return await self._help.RecordDeflection(request, context)

    async def GetDeflectionStats(
        self, request: support_pb2.GetDeflectionStatsRequest, context: Context
    ) -> support_pb2.GetDeflectionStatsResponse:
        """The help centre's counts (agents)."""
        return await self._help.GetDeflectionStats(request, context)

    # -- cases ---------------------------------------------------------------------------------

    async def OpenCase(self, request: support_pb2.OpenCaseRequest, context: Context) -> support_pb2.OpenCaseResponse:
        """Opens a typed case; the order it names must be one the caller takes part in."""
        caller = current_caller()
        payload = json_payload(request.payload_json)
        if len(request.order_id) > MAX_ID:
            raise invalid_field("order_id", f"must be at most {MAX_ID} characters")
        order = await self._deps.peers.order(request.order_id, caller=caller) if request.order_id else None
        command = OpenCase(
            caller=caller,
            request_id=request.request_id,
            case_type=request.type,
            order=order,
            order_id=request.order_id,
            subject=request.subject,
            description=request.description,
            payload=payload,
        )
        return await self._answer(open_case, command, support_pb2.OpenCaseResponse, request=request)

    async def GetCase(self, request: support_pb2.GetCaseRequest, context: Context) -> support_pb2.GetCaseResponse:
        """A case with its history, to whoever may see it."""
        return await self._answer(
            get_case,
            GetCase(caller=current_caller(), case_id=request.case_id),
            support_pb2.GetCaseResponse,
            request=None,
        )

    async def ListCases(self, request: support_pb2.ListCasesRequest, context: Context) -> support_pb2.ListCasesResponse:
        """A page of the cases the caller may see, newest first."""
        command = ListCases(
            caller=current_caller(),
            size=page_size(request.page_size, default=20),
            page_token=request.page_token,
            states=list(request.states),
            types=list(request.types),
            queue=request.queue,
            assignee_id=request.assignee_id,
        )

        def respond(page: tuple[Any, str]) -> support_pb2.ListCasesResponse:
            views, token = page
            return support_pb2.ListCasesResponse(
                edges=[support_pb2.CaseEdge(cursor=case_cursor(view.case), case=self._case(view)) for view in views],
                next_page_token=token,
            )

        return await execute(list_cases, command, uow=self._deps.uow(), respond=respond)

    async def ReplyToCase(
        self, request: support_pb2.ReplyToCaseRequest, context: Context
    ) -> support_pb2.ReplyToCaseResponse:
        """A message on a case."""
        command = ReplyToCase(
            caller=current_caller(),
            request_id=request.request_id,
            case_id=request.case_id,
            body=request.body,
            state=request.state,
            internal=request.internal,
        )
        return await self._answer(reply_to_case, command, support_pb2.ReplyToCaseResponse, request=request)

    async def AssignCase(
        self, request: support_pb2.AssignCaseRequest, context: Context
    ) -> support_pb2.AssignCaseResponse:
        """Assigns a case to an agent."""
        command = AssignCase(
            caller=current_caller(),
            request_id=request.request_id,
            case_id=request.case_id,
            assignee_id=request.assignee_id,
            expected_version=request.expected_version,
        )
        return await self._answer(assign_case, command, support_pb2.AssignCaseResponse, request=request)

    async def ChangeCase(
        self, request: support_pb2.ChangeCaseRequest, context: Context
    ) -> support_pb2.ChangeCaseResponse:
        """Moves a case or changes its priority."""
        command = ChangeCase(
            caller=current_caller(),
            request_id=request.request_id,
            case_id=request.case_id,
            state=request.state,
            priority=request.priority,
            note=request.note,
            expected_version=request.expected_version,
        )
        return await self._answer(change_case, command, support_pb2.ChangeCaseResponse, request=request)

    async def RedactCase(
        self, request: support_pb2.RedactCaseRequest, context: Context
    ) -> support_pb2.RedactCaseResponse:
        """Redacts a message or a payload field."""
        command = RedactCase(
            caller=current_caller(),
            request_id=request.request_id,
            case_id=request.case_id,
            event_id=request.event_id,
            field=request.field,
            reason=request.reason,
        )
        return await self._answer(redact_case, command, support_pb2.RedactCaseResponse, request=request)

    async def ResolveCase(
        self, request: support_pb2.ResolveCaseRequest, context: Context
    ) -> support_pb2.ResolveCaseResponse:
        """Resolves a case; its effects follow as a saga."""
        caller = current_caller()
        resolution = json_payload(request.resolution_json, field="resolution")
        refundable = None
        async with self._deps.uow() as uow:
            case = await uow.case(request.case_id) if request.case_id and len(request.case_id) <= MAX_ID else None
            order_id = case.order_id if case is not None and caller.is_staff else None
        if order_id and isinstance(resolution, dict) and resolution.get("refundCents"):
            refundable = await self._deps.peers.refundable(order_id)
        command = ResolveCase(
            caller=caller,
            request_id=request.request_id,
            case_id=request.case_id,
            resolution=resolution,
            expected_version=request.expected_version,
            refundable=refundable,
        )
        return await self._answer(resolve_case, command, support_pb2.ResolveCaseResponse, request=request)

    async def ActOnDmca(self, request: support_pb2.ActOnDmcaRequest, context: Context) -> support_pb2.ActOnDmcaResponse:
        """Acts on a DMCA notice."""
        command = ActOnDmca(
            caller=current_caller(),
            request_id=request.request_id,
            case_id=request.case_id,
            action=parse_action(request.action),
            payload=json_payload(request.payload_json),
            expected_version=request.expected_version,
        )
        response: support_pb2.ActOnDmcaResponse = await act_on_dmca_with_media(
            self._deps,
            command,
            request=request,
            respond=lambda view: support_pb2.ActOnDmcaResponse(case=self._case(view)),
        )
        return response

    async def GetStrikes(
        self, request: support_pb2.GetStrikesRequest, context: Context
    ) -> support_pb2.GetStrikesResponse:
        """A user's strikes."""

        def respond(strikes: Any) -> support_pb2.GetStrikesResponse:
            response = support_pb2.GetStrikesResponse(active=sum(1 for s in strikes if s.withdrawn_at is None))
            for strike in strikes:
                item = response.strikes.add(case_id=strike.case_id, kind=strike.kind)
                item.created_at.CopyFrom(timestamp(strike.created_at))
                if strike.withdrawn_at is not None:
                    item.withdrawn_at.CopyFrom(timestamp(strike.withdrawn_at))
            return response

        return await execute(
            get_strikes,
            GetStrikes(caller=current_caller(), user_id=request.user_id),
            uow=self._deps.uow(),
            respond=respond,
        )
