"""Who is calling the chat API, over HTTP: the browser's signed cookie, or an integration's key.

browser       cookie `vetbot_uid` (HttpOnly, SameSite=Lax, Secure over https), made by the
              server (`bot.channels.web.identity`); missing or not signed by us → a new
              identity is issued with the response. A body's `user_id` is ignored.
integration   `Authorization: Bearer <VETBOT_API_KEY>`: the body's `user_id` names the user,
              as the API always worked; rate limits count per named user, not per address.
              Any other Authorization header is 401. Compared in constant time, never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.channels.web.identity import identities
from bot.web.services import ServicesDep

COOKIE = "vetbot_uid"
ONE_YEAR = 365 * 24 * 3600

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="API key",
    description="For integrations and load tests: `Authorization: Bearer <VETBOT_API_KEY>` "
    "lets `POST /api/chat` name any `user_id` in its body. Browsers send no key: their signed "
    "cookie says who they are.",
)


async def integration(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> bool:
    """True for a request carrying the API key, False for one carrying no Authorization at
    all; 401 for anything else (a wrong key, another scheme, a key when none is set)."""
    if credentials is None and "authorization" not in request.headers:
        return False
    expected = services.settings.api_key.get_secret_value()
    given = credentials.credentials if credentials is not None else ""
    # Digests of equal length: the comparison takes as long whatever the key sent.
    if expected and hmac.compare_digest(_digest(given), _digest(expected)):
        return True
    raise HTTPException(401, "wrong API key", headers={"WWW-Authenticate": "Bearer"})


IntegrationDep = Annotated[bool, Depends(integration)]


@dataclass(frozen=True, slots=True)
class Browser:
    """A browser's web identity, and the cookie to send back when it was just issued."""

    identity: str
    issued: str | None = None
    renewed: str | None = None  # a known identity's cookie signed anew after a key rotation

    @property
    def new(self) -> bool:
        return self.issued is not None

    def remember(self, request: Request, response: Response) -> None:
        """Give the browser a newly issued identity, or its own signed anew after a data key
        rotation (a known one is left as it is)."""
        cookie = self.issued or self.renewed
        if cookie is not None:
            response.set_cookie(
                COOKIE,
                cookie,
                max_age=ONE_YEAR,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )


def browser(request: Request, services: ServicesDep) -> Browser:
    """The identity the request's cookie carries; a new one when it carries none we signed."""
    signer = identities(services.settings)
    known = signer.verify(request.cookies.get(COOKIE))
    if known is not None:
        return Browser(known)
    former = signer.verify_previous(request.cookies.get(COOKIE))
    if former is not None:  # signed before the data key changed: the same user, signed anew
        return Browser(former, renewed=signer.cookie_for(former))
    issued = signer.issue()
    return Browser(issued.identity, issued.cookie)


BrowserDep = Annotated[Browser, Depends(browser)]


def client_address(request: Request) -> str | None:
    """Where the request came from, as rate limits count it: the client's IP address (from
    X-Forwarded-For when a trusted proxy in front sets it, see uvicorn's
    `--forwarded-allow-ips`), an IPv6 one by its /64, which one household or phone holds."""
    if request.client is None:
        return None
    host = request.client.host
    try:
        parsed = ipaddress.ip_address(host)
    except ValueError:
        return host  # a test client or a unix socket: still one source
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()
