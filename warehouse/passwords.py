"""Which passwords an account may not have (issue 15): the rule of ``user add``, the password reset and
the administrator's page alike.

Refused, each with its own Russian message:

- shorter than :data:`MIN_LENGTH` characters, or nothing but spaces;
- equal to the login (in any case, spaces around ignored);
- a common password: the whole password is an entry of the list of the most used passwords that
  the ``zxcvbn`` package ships (30 000 entries from leaked password sets, also when written
  backwards or with digits for letters, «p@ssw0rd»);
- easy to guess all the same: zxcvbn's estimate below :data:`MIN_SCORE` («somewhat guessable»:
  over 10⁸ guesses), which catches repeats (``aaaaaaaa``), sequences (``12345678``, ``abcdefgh``),
  keyboard walks (``qwertyui``), dates, dictionary words and the login or name with a digit added.

zxcvbn is a well-kept port of Dropbox's estimator that works offline; its own feedback is English,
so the messages here are ours.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 8
MIN_SCORE = 2              # zxcvbn's 0–4 scale; 2 = more than 10^8 guesses
_LONGEST_CHECKED = 128     # zxcvbn's work grows with length; past this a password is long enough


def problem(password: str, *, login: str = "", full_name: str | None = None) -> str | None:
    """Why ``password`` may not be used, in Russian; None if it may."""
    if not password.strip():
        return "Пароль не может быть пустым или состоять из одних пробелов."
    if len(password) < MIN_LENGTH:
        return f"Пароль слишком короткий: нужно не меньше {MIN_LENGTH} символов."
    if login and password.strip().lower() == login.strip().lower():
        return "Пароль не должен совпадать с логином."
    if len(password) > _LONGEST_CHECKED:
        return None
    inputs = [w for w in (login, *(full_name or "").split()) if w]
    result = zxcvbn(password, user_inputs=inputs)
    matches = result["sequence"]
    if len(matches) == 1 and matches[0].get("pattern") == "dictionary" \
            and matches[0].get("dictionary_name") == "passwords":
        return ("Это один из самых распространённых паролей: его подбирают первым. "
                "Придумайте другой, например из трёх-четырёх не связанных между собой слов.")
    if result["score"] < MIN_SCORE:
        return ("Пароль слишком простой: его легко подобрать (повторы, последовательности вроде «12345678» "
                "или «qwerty», одно слово, дата, логин или имя с цифрами). Придумайте длиннее, например из "
                "трёх-четырёх не связанных между собой слов.")
    return None
