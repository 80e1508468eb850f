"""Stanford CoreNLP 3.4.1's ``PTBLexer`` (the tokenizer behind pycocoevalcap's ``PTBTokenizer``) in Python.

The lexer is a JFlex scanner generated from ``src/edu/stanford/nlp/process/PTBLexer.flex`` of
https://github.com/stanfordnlp/CoreNLP at tag v3.4.1 (commit bdb70c39645306e48aa295ae7b4734c4b8fd2f39), the
version of the ``stanford-corenlp-3.4.1.jar`` that pycocoevalcap runs as
``java edu.stanford.nlp.process.PTBTokenizer -preserveLines -lowerCase FILE``. This module re-states its
rules with Python regular expressions and reproduces the JFlex matching discipline:

- at each position every rule is tried; the longest match wins, the earlier rule on a tie;
- a rule with trailing context ``r1/r2`` competes with the length of ``r1 r2`` and produces ``r1``;
- ``%caseless``: literal letters match either case, character classes do not (``[A-Z]`` is upper case only,
  which the flex file relies on: ``[A]bout``, ``[M]iss``);
- the options pycocoevalcap's command line gives: ``tokenizeNLs`` (``-preserveLines``: a line break is a
  token, so every input line is one output line), the traditional (non-strict) Treebank 3 state, and the
  default normalizations (``(`` becomes ``-LRB-``, ``"`` becomes ````` or ``''``, ``&amp;`` becomes ``&``,
  dashes ``--``, ellipses ``...``, fractions ``1/2``, currency signs ``$``/``#``/``cents``, spaces inside a
  token become U+00A0);
- characters no rule accepts are deleted (``untokenizable=firstDelete``; the Java lexer logs the first).

Character classes: ``[:letter:]``, ``[:digit:]`` and ``[:uppercase:]`` are taken from Python's Unicode
database (general categories L*, Nd and Lu) and restricted to the Basic Multilingual Plane, as the JFlex
1.4 scanner reads UTF-16 units (a character outside the BMP, an emoji, is deleted). The jar's tables come
from an older Unicode version, so a letter assigned since (Unicode 7 and later) may be treated
differently; no such character occurs in the tested cases.

:func:`lex` returns the tokens of a text, with ``"\\n"`` for each line break, exactly as the Java lexer
produces them (before pycocoevalcap's lower-casing and punctuation removal, see
:mod:`lmms_eval.scoring.captions.ptb_tokenize`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["NEWLINE_TOKEN", "lex"]

#: the token a line break becomes (``-preserveLines`` turns it back into a line break)
NEWLINE_TOKEN = "\n"

# an action gets the text of r1 and returns (token or None, number of characters consumed)
Action = Callable[[str], tuple[str | None, int]]


@dataclass(frozen=True)
class _Alternative:
    """One alternative of a rule: ``pattern`` matches r1 r2 with r1 as group ``t``. Python's backtracking
    finds the longest match for most patterns; for those with alternatives nested in repetitions
    (``HTHING``, ``PHONE``, ...) it may not, and ``alphabet`` (the characters r1 can hold) lets
    :func:`_longest` try every longer r1 as well."""

    pattern: re.Pattern[str]
    r1: re.Pattern[str] | None = None
    r2: re.Pattern[str] | None = None
    alphabet: re.Pattern[str] | None = None


@dataclass(frozen=True)
class _Rule:
    name: str
    alternatives: tuple[_Alternative, ...]
    action: Action


# -- character classes ----------------------------------------------------------------------------------


def _class_of(test: Callable[[str], bool]) -> str:
    """A regex character-class body with every BMP character (surrogates excluded) that passes ``test``."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if test(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    out = []
    for lo, hi in ranges:
        out.append(_esc(lo) if lo == hi else f"{_esc(lo)}-{_esc(hi)}")
    return "".join(out)


def _esc(cp: int) -> str:
    return f"\\u{cp:04x}"


def _ci(literal: str) -> str:
    """A literal string matched case-insensitively (JFlex %caseless): ASCII letters become ``[xX]``."""
    out = []
    for ch in literal:
        if ch.isascii() and ch.isalpha():
            out.append(f"[{ch.lower()}{ch.upper()}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _alt(*literals: str) -> str:
    """Case-insensitive alternation of literals, longest first (JFlex takes the longest)."""
    return "(?:" + "|".join(_ci(x) for x in sorted(literals, key=len, reverse=True)) + ")"


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    L = _class_of(lambda c: unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo"))  # isLetter
    D = _class_of(lambda c: unicodedata.category(c) == "Nd")  # isDigit
    U = _class_of(str.isupper)  # isUpperCase: Lu and Other_Uppercase (Roman numerals, circled letters)

    letter_extra = (
        "\u00ad\u0237-\u024f\u02c2-\u02c5\u02d2-\u02df\u02e5-\u02ff\u0300-\u036f\u0370-\u037d\u0384\u0385"
        "\u03cf\u03f6\u03fc-\u03ff\u0483-\u0487\u04cf\u04f6-\u04ff\u0510-\u0525\u055a-\u055f\u0591-\u05bd"
        "\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0615-\u061a\u063b-\u063f\u064b-\u065e\u0670\u06d6-\u06ef"
        "\u06fa-\u06ff\u070f\u0711\u0730-\u074f\u0750-\u077f\u07a6-\u07b1\u07ca-\u07f5\u07fa\u0900-\u0903"
        "\u093c\u093e-\u094e\u0951-\u0955\u0962-\u0963\u0981-\u0983\u09bc-\u09c4\u09c7\u09c8\u09cb-\u09cd"
        "\u09d7\u09e2\u09e3\u0a01-\u0a03\u0a3c\u0a3e-\u0a4f\u0a81-\u0a83\u0abc-\u0acf\u0b82\u0bbe-\u0bc2"
        "\u0bc6-\u0bc8\u0bca-\u0bcd\u0c01-\u0c03\u0c3e-\u0c56\u0d3e-\u0d44\u0d46-\u0d48\u0e30-\u0e3a"
        "\u0e47-\u0e4e\u0eb1-\u0ebc\u0ec8-\u0ecd"
    )
    splet = "&[aeiouAEIOU]" + _alt("acute", "grave", "uml") + ";"
    letter = f"(?:[{L}{letter_extra}]|{splet})"
    digit = f"[{D}\u07c0-\u07c9]"
    ld = f"(?:{letter}|{digit})"
    sgml = (
        r"<(?:[!?][A-Za-z\-][^>\r\n]*|[A-Za-z][A-Za-z0-9_:.\-]*(?:[ ]+(?:[A-Za-z][A-Za-z0-9_:.\-]*|"
        r"[A-Za-z][A-Za-z0-9_:.\-]*[ ]*=[ ]*(?:'[^']*'|\"[^\"]*\")))*[ ]*/?|/[A-Za-z][A-Za-z0-9_:.\-]*)[ ]*>"
    )
    spmdash = "(?:&" + _alt("MD", "mdash", "ndash") + ";|[\u0096\u0097\u2013\u2014\u2015])"
    spamp = _ci("&amp;")
    sppunc = "&(?:" + _alt("HT", "TL", "UR", "LR", "QC", "QL", "QR", "odq", "cdq") + "|#[0-9]+);"
    space = "[ \t\u00a0\u2000-\u200a\u3000]"
    newline = "(?:\r\n?|\n|[\u2028\u2029\u000b\u000c\u0085])"
    spacenl = f"(?:{space}|{newline})"
    sentend = f"{spacenl}(?:{spacenl}|[{U}]|{sgml})"
    word = f"{letter}{ld}*(?:[.!?]{letter}{ld}*)*"
    date = f"{digit}{{1,2}}[\\-/]{digit}{{1,2}}[\\-/]{digit}{{2,4}}"
    number_alts = (f"[\\-+]?{digit}+", f"[\\-+]?{digit}*(?:[.:,\u00ad\u066b\u066c]{digit}+)+")
    subsupnum = "[\u207a\u207b\u208a\u208b]?(?:[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+|[\u2080-\u2089]+)"
    frac = f"(?:{digit}{{1,4}}[- \u00a0])?{digit}{{1,4}}(?:\\\\?/|\u2044){digit}{{1,4}}"
    frac2 = "[\u00bc\u00bd\u00be\u2153-\u215e]"
    dolsign = r"(?:[A-Z]*\$|#)"
    dolsign2 = "[\u00a2\u00a3\u00a4\u00a5\u0080\u20a0\u20ac\u060b\u0e3f\u20a4\uffe0\uffe1\uffe5\uffe6]"
    extensions = ["bat", "bmp", "c", "class", "cgi", "cpp", "dll", "doc", "docx", "exe", "gif", "gz", "h", "htm",
                  "html", "jar", "java", "jpeg", "jpg", "mov", "mp3", "pdf", "php", "pl", "png", "ppt", "ps", "py",
                  "sql", "tar", "txt", "wav", "x", "xml", "zip"]  # fmt: skip
    filename_ext = _alt(*extensions)
    filename = f"{ld}+(?:[.]{ld}+)*(?:[.]{filename_ext})"
    apos = "(?:['\u0092\u2019]|" + _ci("&apos;") + ")"
    aposetc = f"(?:{apos}|[`\u0091\u2018\u201b])"
    hyphen = "[-_\u058a\u2010\u2011]"
    Lc = f"[{L}]"
    LDc = f"[{L}{D}]"
    thing_part = f"(?:[dDoOlL]{aposetc}{LDc})?{LDc}+"
    thing = f"{thing_part}(?:{hyphen}{thing_part})*"
    thinga = f"[A-Z]+(?:(?:[+&]|{spamp})[A-Z]+)+"
    thing3 = r"[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}(?:\\?/[A-Za-z0-9]+(?:-[A-Za-z]+){0,2}){1,2}"
    acro2 = (
        r"(?:[A-Za-z](?:\.[A-Za-z])+|" + _alt("Canada", "Sino", "Korean", "EU", "Japan", "non") + _ci("-U.S")
        + "|" + _ci("U.S.-") + "(?:" + _ci("U.S.S.R") + "|" + _ci("U.K") + "))"
    )  # fmt: skip
    acro_alts = (
        r"[A-Za-z](?:\.[A-Za-z])*",
        _alt("Canada", "Sino", "Korean", "EU", "Japan", "non") + _ci("-U.S"),
        _ci("U.S.-") + "(?:" + _ci("U.S.S.R") + "|" + _ci("U.K") + ")",
    )
    hthing = f"[A-Za-z0-9][A-Za-z0-9.,\u00ad]*(?:-(?:{acro2}\\.|[A-Za-z0-9\u00ad]+))+"
    redaux = f"{apos}(?:[msdMSD]|{_alt('re', 've', 'll')})"
    sword = "[A-Za-z\u00ad]*[A-MO-Za-mo-z]\u00ad*"
    sredaux = f"{_ci('n')}{aposetc}{_ci('t')}"
    apoword_alts = (
        f"{apos}{_ci('n')}{apos}?",
        f"[lLdDjJ]{apos}",
        f"{_ci('Dunkin')}{apos}",
        f"{_ci('somethin')}{apos}",
        f"{_ci('ol')}{apos}",
        f"{apos}{_ci('em')}",
        f"[A-HJ-XZn]{aposetc}{Lc}{{2}}{Lc}*",
        f"{apos}[2-9]0{_ci('s')}",
        f"{apos}{_ci('til')}{_ci('l')}?",
        f"{Lc}{Lc}*[aeiouyAEIOUY]{aposetc}[aeiouA-Z]{Lc}*",
        f"{apos}{_ci('cause')}",
        f"{_ci('cont')}'{_ci('d')}\\.?",
        _ci("'twas"),
        _ci("nor'easter"),
        _ci("c'mon"),
        _ci("e'er"),
        _ci("s'mores"),
        _ci("ev'ry"),
        _ci("li'l"),
        _ci("nat'l"),
        f"{_ci('O')}{aposetc}{_ci('o')}",
    )
    fullurl = _ci("http") + _ci("s") + "?" + r"://[^ \t\n\f\r\"<>|(){}]+[^ \t\n\f\r\"<>|.!?(){},-]"
    url_path = r"(?:/[^ \t\n\f\r\"<>|()]+[^ \t\n\f\r\"<>|.!?(){},-])?"
    likelyurl_alts = (
        _ci("www.") + r"(?:[^ \t\n\f\r\"<>|.!?(){},]+\.)+[a-zA-Z]{2,4}" + url_path,
        r"(?:[^ \t\n\f\r\"`'<>|.!?(){},-_$]+\.)+" + _alt("com", "net", "org", "edu") + url_path,
    )
    email = (
        "(?:" + _ci("&lt;") + "|<)?[a-zA-Z0-9][^ \t\n\f\r\"<>|()\u00a0{}]*@(?:[^ \t\n\f\r\"<>|(){}.\u00a0]+\\.)*"
        "(?:[^ \t\n\f\r\"<>|(){}.\u00a0]+)(?:" + _ci("&gt;") + "|>)?"
    )  # fmt: skip
    twitter = f"(?:@[a-zA-Z_][a-zA-Z_0-9]*|#{letter}+)"
    abmonth = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
    abdays = ["Mon", "Tue", "Tues", "Wed", "Thu", "Thurs", "Fri"]
    abstate_ci = ["Ala", "Ariz", "Calif", "Colo", "Conn", "Ct", "Dak", "Fla", "Ga", "Ind", "Kan", "Kans", "Ky",
                  "Md", "Mich", "Minn", "Mo", "Mont", "Neb", "Nev", "Okla", "Penn", "Tenn", "Va", "Vt", "Wis",
                  "Wisc", "Wyo"]  # fmt: skip
    abstate_cap = "(?:A" + _alt("z", "rk") + "|D" + _ci("el") + "|I" + _ci("ll") + "|L" + _ci("a") + "|M" + _alt(
        "ass", "iss") + "|O" + _ci("re") + "|P" + _ci("a") + "|T" + _ci("ex") + "|W" + _ci("ash") + ")"  # fmt: skip
    abcomp_ci = ["Inc", "Co", "Cos", "Corp", "Ltd", "Plc", "Rt", "Bancorp", "Bhd", "Assn", "Univ", "Intl", "Sys"]  # fmt: skip
    abcomp_pty = _ci("P") + _ci("p") + "?" + _ci("t") + "[ye]" + _ci("s") + "?"
    abnum = ["tel", "est", "ext", "sq"]
    abptit = ["Jr", "Sr", "Bros", "Ed.D", "Ph.D", "Blvd", "Rd", "Esq"]
    abbrev1 = (
        "(?:" + _alt(*abmonth, *abdays, *abstate_ci, *abcomp_ci, *abnum, *abptit, "etc", "al", "seq", "Bldg")
        + "|" + abstate_cap + "|" + abcomp_pty + ")\\."
    )  # fmt: skip
    abtitle = _alt("Mr", "Mrs", "Ms", "Dr", "Drs", "Prof", "Profs", "Sen", "Sens", "Rep", "Reps", "Atty", "Attys",
                   "Lt", "Col", "Gen", "Messrs", "Gov", "Govs", "Adm", "Rev", "Maj", "Sgt", "Cpl", "Pvt", "Capt",
                   "St", "Ste", "Ave", "Pres", "Lieut", "Hon", "Brig", "Cmdr", "Comdr", "Pfc", "Spc", "Supt",
                   "Supts", "Det", "Mt", "Ft", "Adj", "Adv", "Asst", "Assoc", "Ens", "Insp", "Mlle", "Mme",
                   "Msgr", "Sfc")  # fmt: skip
    abtitle = "(?:" + abtitle + "|M" + _ci("iss") + ")"
    abcomp2 = "(?:" + _alt("Invt", "Elec", "Natl", "Dept") + "|" + _ci("M") + "[ft]" + _ci("g") + ")"
    abbrev4_alts = (
        abtitle,
        _alt("vs", "Alex", "Wm", "Jos", "Cie", "a.k.a", "cf", "TREAS", "Ph"),
        *acro_alts,
        abcomp2,
    )
    abbrev3 = _alt("ca", "fig", "figs", "prop", "no", "nos", "art", "bldg", "pp", "op") + r"\."
    phone_alts = (
        r"(?:\([0-9]{2,3}\)[ \u00a0]?|(?:\+\+?)?(?:[0-9]{2,4}[\- \u00a0])?[0-9]{2,4}[\- \u00a0])"
        r"[0-9]{3,4}[\- \u00a0]?[0-9]{3,5}",
        r"(?:(?:\+\+?)?[0-9]{2,4}\.)?[0-9]{2,4}\.[0-9]{3,4}\.[0-9]{3,5}",
    )
    ldots = "(?:\\.{3,5}|(?:\\.[ \u00a0]){2,4}\\.|[\u0085\u2026])"
    fnmarks = "(?:@+|#+|_+)"
    asts = r"(?:\*+|(?:\\\*){1,3})"
    insentp = "[,;:\u3001]"
    quotes_alts = (
        apos,
        "''",
        "[`\u2018\u2019\u201a\u201b\u201c\u201d\u0091\u0092\u0093\u0094\u201e\u201f\u2039\u203a\u00ab\u00bb]{1,2}",
    )
    dblquot = '(?:"|' + _ci("&quot;") + ")"
    tbspec = (
        "(?:-" + _alt("RRB", "LRB", "RCB", "LCB", "RSB", "LSB") + "-|" + _ci("C.D.s") + "|" + _ci("pro-") + "|"
        + _ci("anti-") + "|" + _ci("S") + "(?:&|" + spamp + ")" + _ci("P-500") + "|" + _ci("S") + "(?:&|"
        + spamp + ")" + _ci("Ls") + "|" + _ci("Cap") + apos + _ci("n") + "|" + _ci("c") + apos + _ci("est") + ")"
    )  # fmt: skip
    tbspec2 = f"{apos}[0-9][0-9]"
    smiley = r"[<>]?[:;=][\-o\*']?[\(\)DPdpO\\{@\|\[\]]"
    asiansmiley = (
        r"(?:[\^x=~<>]\.\[\^x=~<>]|[\-\^x=~<>']_[\-\^x=~<>']|\([\-\^x=~<>'][_.]?[\-\^x=~<>']\)|"
        r"\([\^x=~<>']-[\^x=~<>'`]\))"
    )
    miscsymbol = (
        "[+%&~\\^|\\\\\u00a6\u00a7\u00a8\u00a9\u00ac\u00ae\u00af\u00b0-\u00b3\u00b4-\u00ba\u00d7\u00f7\u0387"
        "\u05be\u05c0\u05c3\u05c6\u05f3\u05f4\u0600-\u0603\u0606-\u060a\u060c\u0614\u061b\u061e\u066a\u066d"
        "\u0703-\u070d\u07f6\u07f7\u07f8\u0964\u0965\u0e4f\u1fbd\u2016\u2017\u2020-\u2023\u2030-\u2038\u203b"
        "\u203e-\u2042\u2044\u207a-\u207f\u208a-\u208e\u2100-\u214f\u2190-\u21ff\u2200-\u2bff\u3012\u30fb"
        "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
    )
    acronym_next = (
        "(?:" + "|".join(
            f"{w[0]}{_ci(w[1:])}" for w in [
                "About", "According", "Additionally", "After", "An", "A", "As", "At", "But", "Earlier", "He", "Her",
                "Here", "However", "If", "In", "It", "Last", "Many", "More", "Mr.", "Ms.", "Now", "Once", "One",
                "Other", "Our", "She", "Since", "So", "Some", "Such", "That", "The", "Their", "Then", "There",
                "These", "They", "This", "We", "When", "While", "What", "Yet", "You"]
        ) + f"|{sgml})"
    )  # fmt: skip

    rules: list[tuple[str, list[tuple[str, str]], Action]] = [
        ("c++", [(_ci("c") + r"[+][+]", "")], _keep),
        ("c#", [("(?:" + _ci("c") + "|" + _ci("f") + ")#", "")], _keep),
        ("cannot", [(_ci("cannot"), "")], _pushback(3)),
        ("'twas", [(_ci("'twas"), "")], _pushback(3)),
        ("'tis", [(_ci("'tis"), "")], _pushback(2)),
        ("gonna", [(_alt("gonna", "gotta", "lemme", "gimme", "wanna"), "")], _pushback(2)),
        ("SGML", [(sgml, "")], _nbsp),
        ("SPMDASH", [(spmdash, "")], _const("--")),
        ("SPAMP", [(spamp, "")], _amp),
        ("SPPUNC", [(sppunc, "")], _keep),
        ("WORD/REDAUX", [(word, redaux)], _soft),
        ("SWORD/SREDAUX", [(sword, sredaux)], _soft),
        ("WORD", [(word, "")], _soft),
        ("APOWORD", [(a, "") for a in apoword_alts], _keep),
        ("APOWORD2", [(_ci("y") + apos, Lc)], _keep),
        ("FULLURL", [(fullurl, "")], _keep),
        ("LIKELYURL", [(a, "") for a in likelyurl_alts], _keep),
        ("EMAIL", [(email, "")], _keep),
        ("TWITTER", [(twitter, "")], _keep),
        ("REDAUX/", [(redaux, "[^A-Za-z]")], _quote_right),
        ("SREDAUX/", [(sredaux, "[^A-Za-z]")], _quote_right),
        ("DATE", [(date, "")], _keep),
        ("NUMBER", [(a, "") for a in number_alts], _soft),
        ("SUBSUPNUM", [(subsupnum, "")], _keep),
        ("FRAC", [(frac, "")], _nbsp),
        ("FRAC2", [(frac2, "")], _fraction),
        ("TBSPEC", [(tbspec, "")], _amp),
        ("THING3", [(thing3, "")], _keep),
        ("DOLSIGN", [(dolsign, "")], _keep),
        ("DOLSIGN2", [(dolsign2, "")], _currency),
        (
            "ACRONYM/",
            [("(?:" + a + r")\.", f"{spacenl}+{acronym_next}{spacenl}") for a in acro_alts],
            _acronym,
        ),
        ("ABBREV3/", [(abbrev3, f"{spacenl}?{digit}")], _keep),
        (
            "pty/",
            [("(?:" + _ci("pt") + "[eyEY]|" + _ci("co") + r")\.", f"{space}{_alt('ltd', 'lim')}")],
            _keep,
        ),
        ("ABBREV1/SENTEND", [(abbrev1, sentend)], _period_again),
        ("ABBREV1/2", [(abbrev1, r"[\s\S]{2}")], _keep),
        ("ABBREV1", [(abbrev1, "")], _period_again),
        ("ABBREV2", [("(?:" + a + r")\.", "") for a in abbrev4_alts], _keep),
        ("ABBREV4/", [(a, space) for a in abbrev4_alts], _keep),
        ("ACRO/", [(a, spacenl) for a in acro_alts], _keep),
        ("TBSPEC2/", [(tbspec2, spacenl)], _keep),
        ("FILENAME/", [(filename, f"(?:{spacenl}|[.?!,])")], _keep),
        ("WORD./", [(word + r"\.", insentp)], _soft),
        ("PHONE", [(a, "") for a in phone_alts], _phone),
        ("DBLQUOT/", [(dblquot, "[A-Za-z0-9$]")], _quote_left),
        ("DBLQUOT", [(dblquot, "")], _quote_right),
        ("DEL", [("\x7f", "")], _skip),
        ("LESSTHAN", [("(?:<|" + _ci("&lt;") + ")", "")], _const("<")),
        ("GREATERTHAN", [("(?:>|" + _ci("&gt;") + ")", "")], _const(">")),
        ("SMILEY/", [(smiley, "[^A-Za-z0-9]")], _parens),
        ("ASIANSMILEY", [(asiansmiley, "")], _parens),
        ("{", [(r"\{", "")], _const("-LCB-")),
        ("}", [(r"\}", "")], _const("-RCB-")),
        ("[", [(r"\[", "")], _const("-LSB-")),
        ("]", [(r"\]", "")], _const("-RSB-")),
        ("(", [(r"\(", "")], _const("-LRB-")),
        (")", [(r"\)", "")], _const("-RRB-")),
        ("HYPHENS", [(r"-+", "")], _hyphens),
        ("LDOTS", [(ldots, "")], _const("...")),
        ("FNMARKS", [(fnmarks, "")], _keep),
        ("ASTS", [(asts, "")], _keep),
        ("INSENTP", [(insentp, "")], _keep),
        ("?!", [(r"[?!]+", "")], _keep),
        (".", [("[.\u00a1\u00bf\u037e\u0589\u061f\u06d4\u0700-\u0702\u07fa\u3002]", "")], _keep),
        ("=", [("=", "")], _keep),
        ("/", [("/", "")], _keep),
        ("HTHING./", [(hthing + r"\.", insentp)], _soft),
        ("HTHING", [(hthing, "")], _soft),
        ("THING./", [(thing + r"\.", insentp)], _keep),
        ("THING", [(thing, "")], _keep),
        ("THINGA./", [(thinga + r"\.", insentp)], _amp),
        ("THINGA", [(thinga, "")], _amp),
        ("'/", [("'", "[A-Za-z][^ \t\n\r\u00a0]")], _quote_left),
        ("REDAUX", [(redaux, "")], _quote_right),
        ("SREDAUX", [(sredaux, "")], _quote_right),
        ("QUOTES", [(a, "") for a in quotes_alts], _quote_right),
        ("FAKEDUCKFEET", [("(?:<<|>>)", "")], _keep),
        ("MISCSYMBOL", [(miscsymbol, "")], _keep),
        ("SPACES", [("(?:\x00|" + space + "+|[\u200b\u200e\u200f\ufeff])", "")], _skip),
        ("NEWLINE", [(newline, "")], _const(NEWLINE_TOKEN)),
        ("&nbsp;", [(_ci("&nbsp;"), "")], _skip),
        ("UNTOKENIZABLE", [("[^\n]", "")], _skip),
    ]
    alphabets = {
        "HTHING./": "[A-Za-z0-9.,\u00ad-]",
        "HTHING": "[A-Za-z0-9.,\u00ad-]",
        "PHONE": "[0-9()+ \u00a0.-]",
        "FRAC": f"(?:{digit}|[- \u00a0/\\\\\u2044])",
        "DATE": f"(?:{digit}|[-/])",
        "SGML": "[^\r\n]",
    }
    return tuple(
        _Rule(name, tuple(_alternative(r1, r2, alphabets.get(name)) for r1, r2 in alts), action)
        for name, alts, action in rules
    )


def _alternative(r1: str, r2: str, alphabet: str | None) -> _Alternative:
    pattern = re.compile(f"(?P<t>{r1}){r2}")
    if alphabet is None:
        return _Alternative(pattern)
    return _Alternative(pattern, re.compile(r1), re.compile(r2) if r2 else None, re.compile(f"{alphabet}+"))


# -- actions --------------------------------------------------------------------------------------------


def _keep(text: str) -> tuple[str | None, int]:
    return text, len(text)


def _skip(text: str) -> tuple[str | None, int]:
    return None, len(text)


def _const(token: str) -> Action:
    def action(text: str) -> tuple[str | None, int]:
        return token, len(text)

    return action


def _pushback(n: int) -> Action:
    def action(text: str) -> tuple[str | None, int]:
        return text[:-n], len(text) - n

    return action


def _soft(text: str) -> tuple[str | None, int]:
    """``removeSoftHyphens``: U+00AD is deleted (a token of soft hyphens only becomes ``-``)."""
    out = text.replace("\u00ad", "")
    return (out or "-"), len(text)


def _nbsp(text: str) -> tuple[str | None, int]:
    return text.replace(" ", "\u00a0"), len(text)


def _amp(text: str) -> tuple[str | None, int]:
    return re.sub("(?i:&amp;)", "&", text), len(text)


def _fraction(text: str) -> tuple[str | None, int]:
    table = {"\u00bc": "1/4", "\u00bd": "1/2", "\u00be": "3/4", "\u2153": "1/3", "\u2154": "2/3"}
    return "".join(table.get(c, c) for c in text), len(text)


def _currency(text: str) -> tuple[str | None, int]:
    out = text.replace("\u00a2", "cents").replace("\u00a3", "#")
    return re.sub("[\u0080\u00a4\u20a0\u20ac]", "$", out), len(text)


def _parens(text: str) -> tuple[str | None, int]:
    return text.replace("(", "-LRB-").replace(")", "-RRB-"), len(text)


def _phone(text: str) -> tuple[str | None, int]:
    return _parens(text.replace(" ", "\u00a0"))[0], len(text)


def _hyphens(text: str) -> tuple[str | None, int]:
    return ("--" if 3 <= len(text) <= 4 else text), len(text)


_SINGLE_QUOTE = re.compile("(?i:&apos;)|'")
_DOUBLE_QUOTE = re.compile('"|(?i:&quot;)')


def _latex_quotes(text: str, left: bool) -> str:
    out = _SINGLE_QUOTE.sub("`" if left else "'", text)
    out = _DOUBLE_QUOTE.sub("``" if left else "''", out)
    out = re.sub("[\u0091\u2018\u201b\u2039]", "`", out)
    out = re.sub("[\u0092\u2019\u203a]", "'", out)
    out = re.sub("[\u0093\u201c\u00ab]", "``", out)
    return re.sub("[\u0094\u201d\u00bb]", "''", out)


def _quote_left(text: str) -> tuple[str | None, int]:
    return _latex_quotes(text, True), len(text)


def _quote_right(text: str) -> tuple[str | None, int]:
    return _latex_quotes(text, False), len(text)


def _period_again(text: str) -> tuple[str | None, int]:
    """The abbreviation with its period, and the period once more as the next token (sentence end)."""
    return text, len(text) - 1


def _acronym(text: str) -> tuple[str | None, int]:
    """An acronym before a sentence-initial word: ``I.`` gives ``I`` then ``.``; a longer one keeps its
    period and gives ``.`` again."""
    if len(text) == 2:
        return text[:1], 1
    return text, len(text) - 1


# -- the scanner ----------------------------------------------------------------------------------------

#: plain ASCII words before a space or line end: no rule can match longer, and WORD is the first rule of
#: that length (the assimilations ``cannot``/``gonna``... come before it and are excluded)
_FAST_WORD = re.compile(r"[A-Za-z]+(?=[ \n]|\Z)")
#: a run of spaces that starts with " " or a tab: no other rule matches there (a run starting with U+00A0
#: can be the start of a LIKELYURL, whose label class does not exclude it)
_FAST_SPACES = re.compile("[ \t][ \t\u00a0\u2000-\u200a\u3000]*")
_ASSIMILATIONS = frozenset({"cannot", "gonna", "gotta", "lemme", "gimme", "wanna"})


def lex(text: str) -> list[str]:
    """The tokens of ``text`` as the Java PTBLexer makes them, a line break being :data:`NEWLINE_TOKEN`.

    The scanner reads UTF-16 units: a character outside the BMP is scanned as its two surrogates (which
    only negated classes such as a URL's accept; elsewhere each is deleted as untokenizable), and the
    tokens are turned back into text, a surrogate left alone becoming ``?`` as Java's UTF-8 writer makes it.
    """
    utf16 = any(ord(c) > 0xFFFF for c in text)
    if utf16:
        text = "".join(_surrogates(c) for c in text)
    tokens = _scan(text)
    if utf16:
        tokens = [_from_utf16(t) for t in tokens]
    return tokens


def _surrogates(c: str) -> str:
    cp = ord(c)
    if cp <= 0xFFFF:
        return c
    cp -= 0x10000
    return chr(0xD800 + (cp >> 10)) + chr(0xDC00 + (cp & 0x3FF))


def _from_utf16(token: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(token):
        unit = ord(token[i])
        if 0xD800 <= unit <= 0xDBFF and i + 1 < len(token) and 0xDC00 <= ord(token[i + 1]) <= 0xDFFF:
            out.append(chr(0x10000 + ((unit - 0xD800) << 10) + (ord(token[i + 1]) - 0xDC00)))
            i += 2
            continue
        out.append("?" if 0xD800 <= unit <= 0xDFFF else token[i])
        i += 1
    return "".join(out)


def _scan(text: str) -> list[str]:
    rules = _rules()
    tokens: list[str] = []
    pos, end = 0, len(text)
    while pos < end:
        m = _FAST_SPACES.match(text, pos)
        if m:
            pos = m.end()
            continue
        m = _FAST_WORD.match(text, pos)
        if m and m.group().lower() not in _ASSIMILATIONS:
            tokens.append(m.group())
            pos = m.end()
            continue
        token, consumed = _longest(rules, text, pos)
        if token is not None:
            tokens.append(token)
        pos += consumed
    return tokens


def _longest(rules: tuple[_Rule, ...], text: str, pos: int) -> tuple[str | None, int]:
    best: tuple[int, _Rule, str] | None = None
    for rule in rules:
        for alt in rule.alternatives:
            m = alt.pattern.match(text, pos)
            if m is None:
                continue
            length, token = m.end() - pos, m.group("t")
            if alt.alphabet is not None:
                length, token = _extend(alt, text, pos, length, token)
            if best is None or length > best[0]:
                best = (length, rule, token)
    assert best is not None  # the last rule matches any character but a line feed, NEWLINE matches that
    token, consumed = best[1].action(best[2])
    return token, max(consumed, 1)


def _extend(alt: _Alternative, text: str, pos: int, length: int, token: str) -> tuple[int, str]:
    """The longest r1 r2 of an alternative, trying every r1 longer than the one backtracking found."""
    assert alt.r1 is not None and alt.alphabet is not None
    span = alt.alphabet.match(text, pos)
    top = span.end() if span else pos
    for end in range(top, pos + len(token), -1):
        if not alt.r1.fullmatch(text, pos, end):
            continue
        if alt.r2 is None:
            return end - pos, text[pos:end]
        tail = alt.r2.match(text, end)
        if tail is not None and tail.end() - pos > length:
            return tail.end() - pos, text[pos:end]
    return length, token
