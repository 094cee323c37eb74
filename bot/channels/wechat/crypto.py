"""Safe mode: messages AES-256-CBC encrypted with the EncodingAESKey, both directions.

The plaintext is 16 random bytes, the message length (4 bytes, network order), the message and
the AppID, PKCS#7-padded to 32-byte blocks; the key is the EncodingAESKey base64-decoded and the
IV its first 16 bytes (WeChat's "technical scheme" for message encryption)."""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.channels.wechat.errors import BadMessage

BLOCK = 32  # WeChat pads to 32 bytes, not AES's 16


class MessageCrypto:
    def __init__(self, aes_key: str, app_id: str) -> None:
        if len(aes_key) != 43:
            raise ValueError(
                "VETBOT_WECHAT_AES_KEY must be the 43-character EncodingAESKey from the Official "
                f"Account's server configuration (got {len(aes_key)} characters)."
            )
        if not app_id:
            raise ValueError("VETBOT_WECHAT_APP_ID is needed in safe mode (VETBOT_WECHAT_AES_KEY).")
        try:
            self._key = base64.b64decode(aes_key + "=", validate=True)
        except binascii.Error:
            raise ValueError(
                "VETBOT_WECHAT_AES_KEY is not an EncodingAESKey (A-Z a-z 0-9)"
            ) from None
        self._app_id = app_id.encode("utf-8")

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, message: str, *, random: bytes | None = None) -> str:
        """The base64 cipher text of `message` (`random`: the 16 leading bytes, for tests)."""
        body = message.encode("utf-8")
        prefix = random if random is not None else os.urandom(16)
        plain = prefix + struct.pack(">I", len(body)) + body + self._app_id
        padding = BLOCK - len(plain) % BLOCK
        plain += bytes([padding]) * padding
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        """The message inside `encrypted`; `BadMessage` unless it decrypts cleanly for our AppID."""
        try:
            data = base64.b64decode(encrypted, validate=True)
        except binascii.Error:
            raise BadMessage("Encrypt is not base64") from None
        if not data or len(data) % 16:
            raise BadMessage("Encrypt is not whole AES blocks")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        padding = plain[-1]
        if not 1 <= padding <= BLOCK or plain[-padding:] != bytes([padding]) * padding:
            raise BadMessage("Encrypt does not decrypt with our EncodingAESKey (bad padding)")
        plain = plain[:-padding]
        if len(plain) < 20:
            raise BadMessage("Encrypt is too short to hold a message")
        (length,) = struct.unpack(">I", plain[16:20])
        body, app_id = plain[20 : 20 + length], plain[20 + length :]
        if len(body) != length:
            raise BadMessage("Encrypt's message length is wrong")
        if not hmac.compare_digest(app_id, self._app_id):
            raise BadMessage("Encrypt is for another AppID")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadMessage("Encrypt's message is not UTF-8") from None
