"""aiogram's aiohttp session, with a Bot API call's parameters sent as one JSON body.

aiogram's AiohttpSession sends every call as multipart form data: each parameter a part, each
object (a keyboard, entities) JSON in its part, a random boundary per request. The Bot API
takes the same parameters as one `application/json` body for any call that uploads no file,
and building that costs a fraction (bench_report_flow's profile: the form and its multipart
writer were about a twentieth of a busy bot's CPU). A call that uploads a file goes as
aiogram sends it.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiohttp import ClientError

JSON_HEADERS = {"Content-Type": "application/json"}


class JsonBodySession(AiohttpSession):
    """AiohttpSession whose calls without files carry a JSON body instead of a form."""

    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> str | None:
        """The call's parameters as JSON, with what aiogram's form would hold (None and ""
        left out, as there); None when the call uploads a file."""
        files: dict[str, Any] = {}
        payload = {}
        for key, value in method.model_dump(warnings=False).items():
            value = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if value is None or value == "":
                continue
            payload[key] = value
        return None if files else self.json_dumps(payload)

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout=timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(url, data=body, headers=JSON_HEADERS,
                                    timeout=self.timeout if timeout is None else timeout) as resp:
                raw_result = await resp.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            raise TelegramNetworkError(method=method,
                                       message=f"{type(error).__name__}: {error}") from error
        response = self.check_response(bot=bot, method=method, status_code=resp.status,
                                       content=raw_result)
        return cast(TelegramType, response.result)
