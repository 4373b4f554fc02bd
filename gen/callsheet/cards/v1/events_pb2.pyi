from callsheet.cards.v1 import cards_pb2 as _cards_pb2
from callsheet.events.v1 import options_pb2 as _options_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CardRequested(_message.Message):
    __slots__ = ("card", "type")
    CARD_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    card: _cards_pb2.Card
    type: _cards_pb2.CardType
    def __init__(self, card: _Optional[_Union[_cards_pb2.Card, _Mapping]] = ..., type: _Optional[_Union[_cards_pb2.CardType, str]] = ...) -> None: ...

class CardResponded(_message.Message):
    __slots__ = ("card", "type", "response")
    CARD_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    card: _cards_pb2.Card
    type: _cards_pb2.CardType
    response: _cards_pb2.CardResponse
    def __init__(self, card: _Optional[_Union[_cards_pb2.Card, _Mapping]] = ..., type: _Optional[_Union[_cards_pb2.CardType, str]] = ..., response: _Optional[_Union[_cards_pb2.CardResponse, _Mapping]] = ...) -> None: ...

class CardExpiring(_message.Message):
    __slots__ = ("card", "type")
    CARD_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    card: _cards_pb2.Card
    type: _cards_pb2.CardType
    def __init__(self, card: _Optional[_Union[_cards_pb2.Card, _Mapping]] = ..., type: _Optional[_Union[_cards_pb2.CardType, str]] = ...) -> None: ...

class CardClosed(_message.Message):
    __slots__ = ("card", "type")
    CARD_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    card: _cards_pb2.Card
    type: _cards_pb2.CardType
    def __init__(self, card: _Optional[_Union[_cards_pb2.Card, _Mapping]] = ..., type: _Optional[_Union[_cards_pb2.CardType, str]] = ...) -> None: ...

class CardReopened(_message.Message):
    __slots__ = ("card", "type", "reason")
    CARD_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    card: _cards_pb2.Card
    type: _cards_pb2.CardType
    reason: str
    def __init__(self, card: _Optional[_Union[_cards_pb2.Card, _Mapping]] = ..., type: _Optional[_Union[_cards_pb2.CardType, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class CardStuck(_message.Message):
    __slots__ = ("card", "type")
    CARD_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    card: _cards_pb2.Card
    type: _cards_pb2.CardType
    def __init__(self, card: _Optional[_Union[_cards_pb2.Card, _Mapping]] = ..., type: _Optional[_Union[_cards_pb2.CardType, str]] = ...) -> None: ...
