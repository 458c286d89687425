"""A strict reader of SIE 4 files, written for the tests from the published specification
(SIE-Gruppen, "SIE filformat, utgåva 4B"), independently of chargeback/sie.py.

It checks what a finance system importing the file relies on:
- PC8: the bytes decode as CP437; every line is `#LABEL` followed by fields, `{` or `}`;
- fields: words, quoted strings (`\\"` is a quote, `\\\\` a backslash), or `{…}` object lists
  of (dimension, object) pairs;
- the header: #FLAGGA first, then #PROGRAM, #FORMAT PC8, #GEN, #SIETYP 4;
- accounts: every #TRANS account is declared by #KONTO (numeric);
- objects: every object referenced is declared by #OBJEKT in a dimension declared by #DIM;
- vouchers: #VER with a series, a number, a valid date and a text, followed by a `{` … `}`
  block of #TRANS items with amounts of at most 2 decimals (decimal point), summing to 0.
Unknown labels are allowed (the specification tells readers to ignore them).
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

AMOUNT = re.compile(r"^-?\d+(\.\d{1,2})?$")
ACCOUNT = re.compile(r"^\d{1,10}$")
DATE = re.compile(r"^\d{8}$")


class SieError(ValueError):
    pass


@dataclass
class Voucher:
    series: str
    number: str
    date: datetime.date
    text: str
    transactions: list = field(default_factory=list)  # (account, {dim: obj}, Decimal)


@dataclass
class SieFile:
    labels: list = field(default_factory=list)
    items: dict = field(default_factory=dict)  # label → [fields] (first occurrence)
    accounts: dict = field(default_factory=dict)
    dimensions: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)  # (dim, obj) → name
    vouchers: list = field(default_factory=list)

    def account_sums(self):
        sums = {}
        for voucher in self.vouchers:
            for account, _objects, amount in voucher.transactions:
                sums[account] = sums.get(account, Decimal(0)) + amount
        return sums


def tokenize(line, number):
    """The fields of one line: strings, and lists for {…}."""
    tokens, i, n = [], 0, len(line)
    stack = [tokens]
    while i < n:
        c = line[i]
        if c in " \t":
            i += 1
        elif c == '"':
            i += 1
            out = []
            while True:
                if i >= n:
                    raise SieError(f"line {number}: unterminated string")
                c = line[i]
                if c == "\\" and i + 1 < n and line[i + 1] in '"\\':
                    out.append(line[i + 1])
                    i += 2
                elif c == '"':
                    i += 1
                    break
                else:
                    out.append(c)
                    i += 1
            stack[-1].append("".join(out))
        elif c == "{":
            inner = []
            stack[-1].append(inner)
            stack.append(inner)
            i += 1
        elif c == "}":
            if len(stack) == 1:
                raise SieError(f"line {number}: unbalanced }}")
            stack.pop()
            i += 1
        else:
            start = i
            while i < n and line[i] not in ' \t"{}':
                i += 1
            stack[-1].append(line[start:i])
    if len(stack) != 1:
        raise SieError(f"line {number}: unbalanced {{")
    return tokens


def _date(text, number):
    if not DATE.match(text or ""):
        raise SieError(f"line {number}: {text!r} is not a date YYYYMMDD")
    try:
        return datetime.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise SieError(f"line {number}: {text!r} is not a valid date") from None


def _objects(pairs, number):
    if len(pairs) % 2:
        raise SieError(f"line {number}: the object list needs (dimension, object) pairs")
    return {pairs[k]: pairs[k + 1] for k in range(0, len(pairs), 2)}


def read(data: bytes) -> SieFile:
    try:
        text = data.decode("cp437")
    except UnicodeDecodeError as exc:  # pragma: no cover - every byte is CP437
        raise SieError(str(exc)) from None
    sie = SieFile()
    voucher = None
    in_block = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line == "{":
            if voucher is None or in_block:
                raise SieError(f"line {number}: {{ without a #VER")
            in_block = True
            continue
        if line == "}":
            if not in_block:
                raise SieError(f"line {number}: }} without a block")
            total = sum((t[2] for t in voucher.transactions), Decimal(0))
            if total != 0:
                raise SieError(f"voucher {voucher.number} does not balance: {total}")
            sie.vouchers.append(voucher)
            voucher, in_block = None, False
            continue
        if not line.startswith("#"):
            raise SieError(f"line {number}: not an item: {line!r}")
        label, *fields = tokenize(line, number)
        sie.labels.append(label)
        sie.items.setdefault(label, fields)
        if voucher is not None and not in_block:
            raise SieError(f"line {number}: #VER without its {{ block")
        if in_block and label not in ("#TRANS", "#RTRANS", "#BTRANS"):
            raise SieError(f"line {number}: {label} inside a voucher")
        if label == "#KONTO":
            account, name = fields[0], fields[1]
            if not ACCOUNT.match(account):
                raise SieError(f"line {number}: account {account!r} is not a number")
            sie.accounts[account] = name
        elif label == "#DIM":
            sie.dimensions[fields[0]] = fields[1]
        elif label == "#OBJEKT":
            dim, obj, name = fields
            if dim not in sie.dimensions:
                raise SieError(f"line {number}: object in undeclared dimension {dim}")
            sie.objects[(dim, obj)] = name
        elif label == "#VER":
            series, vernr, verdate, vertext = fields[:4]
            if len(fields) > 4:
                _date(fields[4], number)
            voucher = Voucher(series, vernr, _date(verdate, number), vertext)
        elif label == "#TRANS":
            if not in_block:
                raise SieError(f"line {number}: #TRANS outside a voucher")
            account, objects, amount = fields[:3]
            if account not in sie.accounts:
                raise SieError(f"line {number}: account {account} is not declared by #KONTO")
            if not isinstance(objects, list):
                raise SieError(f"line {number}: #TRANS needs an object list")
            refs = _objects(objects, number)
            for ref in refs.items():
                if ref not in sie.objects:
                    raise SieError(f"line {number}: object {ref} is not declared by #OBJEKT")
            if not AMOUNT.match(amount):
                raise SieError(f"line {number}: {amount!r} is not an amount")
            voucher.transactions.append((account, refs, Decimal(amount)))
    if voucher is not None or in_block:
        raise SieError("the file ends inside a voucher")
    _check_header(sie)
    return sie


def _check_header(sie):
    if not sie.labels or sie.labels[0] != "#FLAGGA":
        raise SieError("the file must start with #FLAGGA")
    for label in ("#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#FNAMN"):
        if label not in sie.items:
            raise SieError(f"{label} is missing")
    if sie.items["#FORMAT"] != ["PC8"]:
        raise SieError("#FORMAT must be PC8")
    if sie.items["#SIETYP"] != ["4"]:
        raise SieError("#SIETYP must be 4")
    _date(sie.items["#GEN"][0], 0)
