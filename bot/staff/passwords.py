"""Which new staff passwords are refused: the most common ones, those of few different characters
or of digits only, and those made of the username.

A staff password opens personal data of the veterans of a whole station, and the login is on
the internet. Length alone (10 characters) lets through `1234567890`, `password123` and
`wang19750505`, the first things anyone tries; these rules refuse them without asking for
symbols nobody remembers.
"""

from __future__ import annotations

MIN_DISTINCT = 5  # different characters; `aaaaaaaaaa` and `1212121212` have one and two
MIN_DIGITS_ONLY = 16  # a number shorter than this is a date, a phone or an ID part

# The most common passwords in the published leak lists, and the Chinese favourites among them;
# compared after lower-casing and dropping digits and symbols at either end (`Password2024!`).
COMMON = frozenset(
    """
    123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123
    baseball abc123 football monkey letmein shadow master 666666 qwertyuiop 123321 mustang
    1234567890 michael 654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer
    trustno1 jordan jennifer zxcvbnm asdfgh hunter buster soccer harley batman andrew tigger
    sunshine iloveyou charlie robert thomas hockey ranger daniel starwars klaster 112233
    george computer michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777
    pass maggie 159753 aaaaaa ginger princess joshua cheese amanda summer love ashley nicole
    chelsea biteme matthew access yankees 987654321 dallas austin thunder taylor matrix admin
    administrator welcome passw0rd p@ssw0rd p@ssword qwerty123 qwer1234 1q2w3e4r 1q2w3e4r5t
    1qaz2wsx3edc zaq12wsx asdfghjkl asdf1234 abcd1234 abc12345 a123456 aa123456 a12345678
    woaini woaini1314 5201314 1314520 iloveyou1314 qq123456 wangyu zhang wang li liu chen
    changeme secret default guest root test letmein123 whatever hello hello123 welcome1
    veteran veterans army soldier china beijing shanghai pingjiang hunan
    """.split()  # noqa: SIM905 - words a line read and extend better than a list of strings
)
# Runs on the keyboard and in the alphabet: `qwertyuiop`, `abcdefghij`, `0987654321`.
RUNS = ("abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def weak_password(password: str, username: str) -> str | None:
    """Why `password` will not do for account `username`, or None when it will."""
    lowered = password.lower()
    core = lowered.strip("0123456789!@#$%^&*()_+-=.,;:?~ ")
    name = _letters(username.lower())
    if lowered in COMMON or core in COMMON:
        return "it is one of the most common passwords"
    if len(set(lowered)) < MIN_DISTINCT:
        return f"it has fewer than {MIN_DISTINCT} different characters"
    if lowered.isdigit() and len(lowered) < MIN_DIGITS_ONLY:
        return f"a password of digits only needs {MIN_DIGITS_ONLY} of them"
    if any(lowered in run or lowered in run[::-1] for run in RUNS):
        return "it is a run of the keyboard or the alphabet"
    if _made_of(lowered, name):
        return "it is made of the username"
    return None


def _made_of(password: str, name: str) -> bool:
    """Whether the letters of `password` are the username's (either way round), or hold them
    when there are three or more (`Li.Ming.2024`, `gnimil-gnimil`)."""
    letters = _letters(password)
    if not name:
        return False
    if letters in (name, name[::-1]):
        return True
    return len(name) >= 3 and (name in letters or name[::-1] in letters)


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())
