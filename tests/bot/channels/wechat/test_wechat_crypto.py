"""WeChat signatures and safe-mode encryption, checked against WeChat's official examples."""

from __future__ import annotations

import base64

import pytest

from bot.channels.wechat.crypto import MessageCrypto
from bot.channels.wechat.errors import BadMessage, SignatureError
from bot.channels.wechat.signature import sign, verify, verify_request
from tests.bot.channels.wechat import wechat_samples as sample


def test_the_documentations_plain_mode_signature() -> None:
    assert (
        sign(sample.DOCS_TOKEN, sample.DOCS_TIMESTAMP, sample.DOCS_NONCE) == sample.DOCS_SIGNATURE
    )
    verify_request(
        sample.DOCS_TOKEN,
        sample.DOCS_SIGNATURE,
        sample.DOCS_TIMESTAMP,
        sample.DOCS_NONCE,
        now=float(sample.DOCS_TIMESTAMP),
    )


def test_the_sample_codes_message_signature() -> None:
    verify(
        sample.DEMO_MSG_SIGNATURE,
        sample.DEMO_TOKEN,
        sample.DEMO_TIMESTAMP,
        sample.DEMO_NONCE,
        sample.DEMO_ENCRYPT,
    )


@pytest.mark.parametrize(
    ("signature", "timestamp", "now"),
    [
        ("0" * 40, sample.DOCS_TIMESTAMP, 1714037059.0),
        (sample.DOCS_SIGNATURE[:-1], sample.DOCS_TIMESTAMP, 1714037059.0),
        ("", sample.DOCS_TIMESTAMP, 1714037059.0),
        (sample.DOCS_SIGNATURE, sample.DOCS_TIMESTAMP, 1714037059.0 + 301),
        ("签名", sample.DOCS_TIMESTAMP, 1714037059.0),
    ],
    ids=["wrong", "truncated", "missing", "too old", "not hex"],
)
def test_a_request_not_signed_just_now_with_our_token_is_refused(
    signature: str, timestamp: str, now: float
) -> None:
    with pytest.raises(SignatureError):
        verify_request(sample.DOCS_TOKEN, signature, timestamp, sample.DOCS_NONCE, now=now)


def test_the_sample_codes_message_decrypts() -> None:
    crypto = MessageCrypto(sample.DEMO_AES_KEY, sample.DEMO_APP_ID)
    assert crypto.decrypt(sample.DEMO_ENCRYPT) == sample.DEMO_DECRYPTED


def test_encryption_matches_the_sample_codes_cipher_text() -> None:
    crypto = MessageCrypto(sample.JAVA_AES_KEY, sample.JAVA_APP_ID)
    encrypted = crypto.encrypt(sample.JAVA_REPLY, random=sample.JAVA_RANDOM)
    assert encrypted == sample.JAVA_ENCRYPTED
    assert crypto.decrypt(encrypted) == sample.JAVA_REPLY


@pytest.mark.parametrize("size", [0, 1, 11, 12, 13, 31, 32, 33, 500])
def test_messages_of_every_padding_length_round_trip(size: int) -> None:
    crypto = MessageCrypto(sample.DEMO_AES_KEY, sample.DEMO_APP_ID)
    message = ("退役" * size)[:size]
    encrypted = crypto.encrypt(message)
    assert len(base64.b64decode(encrypted)) % 32 == 0
    assert crypto.decrypt(encrypted) == message


def test_a_message_for_another_account_is_refused() -> None:
    theirs = MessageCrypto(sample.DEMO_AES_KEY, "wx0000000000000000")
    ours = MessageCrypto(sample.DEMO_AES_KEY, sample.DEMO_APP_ID)
    with pytest.raises(BadMessage, match="another AppID"):
        ours.decrypt(theirs.encrypt("<xml/>"))


@pytest.mark.parametrize(
    "encrypted",
    ["not base64!", "", base64.b64encode(b"short").decode(), base64.b64encode(bytes(64)).decode()],
    ids=["not base64", "empty", "not whole blocks", "garbage blocks"],
)
def test_cipher_text_that_does_not_decrypt_is_a_bad_message(encrypted: str) -> None:
    with pytest.raises(BadMessage):
        MessageCrypto(sample.DEMO_AES_KEY, sample.DEMO_APP_ID).decrypt(encrypted)


def test_a_wrong_key_says_what_it_should_be() -> None:
    with pytest.raises(ValueError, match="43-character EncodingAESKey"):
        MessageCrypto("too-short", sample.DEMO_APP_ID)
    with pytest.raises(ValueError, match="VETBOT_WECHAT_APP_ID"):
        MessageCrypto(sample.DEMO_AES_KEY, "")
