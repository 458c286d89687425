"""Exports of a run: CSV, XLSX, the PDF invoice basis and the SIE 4 file, each checked against
the run's totals; the SIE file read back by pysie-accounting (a reader we did not write) and by
a strict reader written from the specification (sie_strict.py)."""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from itportal.catalogue.models import Price, Service, Subscription
from itportal.chargeback import exports, services
from itportal.chargeback.exports import kronor
from itportal.chargeback.models import ChargebackLine
from itportal.chargeback.tests import sie_strict
from itportal.chargeback.tests.runs_testing import (
    COMPANY_AMOUNT,
    COMPANY_VAT,
    MUNICIPALITY_TOTAL,
    build_billing,
)

NBSP = "\u00a0"
TOTAL_KR = f"15{NBSP}625,00{NBSP}kr"


@pytest.fixture
def billing(org):
    return build_billing(org)


@pytest.fixture
def run(org, billing, users):
    return services.compute_run(org["organisation"], "2026-11", actor=users["controller"])


@pytest.fixture
def company_run(billing, users):
    return services.compute_run(billing["company"], "2026-11", actor=users["controller"])


def export(run, fmt, user=None):
    body, _content_type, _name = exports.export_run(run, fmt, user=user)
    return body


def lines_of(run):
    return list(ChargebackLine.objects.filter(run=run))


# --- Swedish amounts -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("1234.5"), f"1{NBSP}234,50{NBSP}kr"),
        (Decimal("0"), f"0,00{NBSP}kr"),
        (Decimal("-450"), f"-450,00{NBSP}kr"),
        (Decimal("1234567.891"), f"1{NBSP}234{NBSP}567,89{NBSP}kr"),
    ],
)
def test_it_writes_amounts_the_swedish_way(value, text):
    assert kronor(value) == text


# --- CSV and XLSX ----------------------------------------------------------------------------
def read_csv(body):
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_it_exports_one_csv_row_per_line_with_the_runs_totals(run):
    rows = read_csv(export(run, "csv"))

    assert len(rows) == run.line_count == 5
    assert sum(Decimal(r["Amount excl. VAT"]) for r in rows) == run.total_amount
    assert sum(Decimal(r["VAT"]) for r in rows) == run.total_vat
    assert sum(Decimal(r["Total"]) for r in rows) == MUNICIPALITY_TOTAL
    school = [r for r in rows if r["Invoice group"] == "Utbildningsförvaltningen"]
    assert {r["Description"] for r in school} == {
        "Dator som tjänst",
        "IT fee, per employee and year",
    }


def test_it_exports_the_lines_as_xlsx_with_the_runs_totals(company_run):
    sheet = openpyxl.load_workbook(io.BytesIO(export(company_run, "xlsx"))).active
    header, *rows = list(sheet.values)
    column = {name: i for i, name in enumerate(header)}

    assert len(rows) == 1
    assert Decimal(str(rows[0][column["Amount excl. VAT"]])) == COMPANY_AMOUNT
    assert Decimal(str(rows[0][column["VAT"]])) == COMPANY_VAT
    assert rows[0][column["Invoice group"]] == "Norrsjö Energi AB"


def test_it_keeps_a_formula_out_of_the_spreadsheet(org, billing, users):
    evil = Service.objects.create(
        name='=HYPERLINK("http://x")',
        code="evil",
        category="workplace",
        billing_unit="device",
        owner_unit=org["it_office"],
    )
    Price.objects.create(
        price_list=billing["price_list"], service=evil, valid_from="2026-01-01", amount=1
    )
    Subscription.objects.create(unit=org["school"], service=evil, quantity=1, start="2026-01-01")
    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])

    rows = read_csv(export(run, "csv"))

    assert '\'=HYPERLINK("http://x")' in {r["Service"] for r in rows}


# --- PDF -------------------------------------------------------------------------------------
def pdf_text(body):
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_it_renders_the_invoice_basis_per_administration_as_pdf(run):
    text = pdf_text(export(run, "pdf"))

    assert "Stadsledningsförvaltningen" in text and "Utbildningsförvaltningen" in text
    assert f"Total for Stadsledningsförvaltningen 8{NBSP}725,00{NBSP}kr" in text
    assert f"6{NBSP}375,00{NBSP}kr" in text  # 7.5 consultant hours
    assert f"Grand total: {TOTAL_KR}" in text
    assert "2026-11-01 – 2026-11-30" in text
    assert "DRAFT" in text


def test_it_renders_a_company_invoice_basis_with_vat_and_without_the_draft_mark(company_run, users):
    services.approve_run(company_run, actor=users["controller"])
    services.close_run(company_run, actor=users["controller"])
    company_run.refresh_from_db()

    text = pdf_text(export(company_run, "pdf"))

    assert "Norrsjö Energi AB" in text
    assert f"225,00{NBSP}kr" in text
    assert f"= 1{NBSP}125,00{NBSP}kr" in text
    assert "DRAFT" not in text
    assert f"closed {company_run.closed_at.date().isoformat()}" in text


# --- SIE 4 -----------------------------------------------------------------------------------
def read_with_pysie(path, tmp_path):
    """pysie-accounting 0.0.2 needs a CSV translating SRU codes before it opens a file."""
    from pysie_accounting import pysie

    trans = tmp_path / "sru.csv"
    trans.write_text("SRU,Ink2\n7251,2.5\n7369,2.45\n7410,3.1\n7511,3.3\n7513,3.5\n")
    reader = pysie.PySIE()
    reader.sie_encoding = "cp437"
    reader.open_trans(trans)
    reader.open(path)
    return reader


def pysie_sums(reader):
    sums = defaultdict(Decimal)
    for _date, _text, _regdate, transactions in reader.verifikat.values():
        for account, _objects, amount in transactions:
            sums[account] += Decimal(amount)
    return dict(sums)


def expected_internal_sums(lines):
    sums = defaultdict(Decimal)
    for line in lines:
        sums[line.account] += line.amount + line.vat
        sums[line.revenue_account] -= line.amount
    return {k: v for k, v in sums.items() if v}


def test_it_writes_an_sie_file_that_pysie_and_a_strict_reader_read_back(run, tmp_path):
    body = export(run, "sie")
    path = tmp_path / "run.se"
    path.write_bytes(body)
    lines = lines_of(run)

    strict = sie_strict.read(body)
    theirs = read_with_pysie(path, tmp_path)

    expected = expected_internal_sums(lines)
    assert strict.account_sums() == expected
    assert pysie_sums(theirs) == expected
    # the buyers' cost accounts carry the run's total; each voucher balances (strict reader)
    costs = {line.account for line in lines}
    assert sum(v for k, v in expected.items() if k in costs) == run.total
    assert set(theirs.sru.index.astype(str)) == set(strict.accounts)
    assert theirs.fnamn == strict.items["#FNAMN"][0] == "Norrsjö kommun"
    assert [v.text for v in strict.vouchers] == [
        "IT chargeback 2026-11 Stadsledningsförvaltningen",
        "IT chargeback 2026-11 Utbildningsförvaltningen",
    ]
    assert [t for _d, t, _r, _x in theirs.verifikat.values()] == [v.text for v in strict.vouchers]


def test_it_books_cost_centres_as_objects_of_dimension_1(run, org):
    strict = sie_strict.read(export(run, "sie"))

    assert strict.dimensions == {"1": "Ansvar"}
    assert strict.objects[("1", org["school"].cost_centre)] == "Utbildningsförvaltningen"
    school = [v for v in strict.vouchers if v.text.endswith("Utbildningsförvaltningen")][0]
    debits = {(a, o.get("1")): x for a, o, x in school.transactions if x > 0}
    assert debits == {
        ("6540", org["school"].cost_centre): Decimal("900.00"),
        ("6541", org["school"].cost_centre): Decimal("6000.00"),
    }
    # revenue on the delivering unit's cost centre; the IT fee without an object by default
    credits = {(a, o.get("1")): x for a, o, x in school.transactions if x < 0}
    assert credits == {
        ("3590", org["it_office"].cost_centre): Decimal("-900.00"),
        ("3591", None): Decimal("-6000.00"),
    }


def test_it_credits_the_it_fee_on_the_configured_cost_centre(org, billing, users):
    with override_settings(CHARGEBACK_FEE_COST_CENTRE="9900"):  # when the run is computed
        run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])
    strict = sie_strict.read(export(run, "sie"))

    fee = [x for v in strict.vouchers for a, o, x in v.transactions if a == "3591"]
    assert fee == [Decimal("-6000.00")]
    assert any(o == {"1": "9900"} for v in strict.vouchers for a, o, _x in v.transactions)


def test_it_books_a_company_on_receivables_and_output_vat(company_run, tmp_path):
    body = export(company_run, "sie")
    path = tmp_path / "company.se"
    path.write_bytes(body)

    strict = sie_strict.read(body)
    theirs = read_with_pysie(path, tmp_path)

    expected = {
        "1510": COMPANY_AMOUNT + COMPANY_VAT,
        "2611": -COMPANY_VAT,
        "3590": -COMPANY_AMOUNT,
    }
    assert strict.account_sums() == expected
    assert pysie_sums(theirs) == expected
    assert "6540" not in strict.accounts  # the company's own cost accounts are not ours
    (voucher,) = strict.vouchers
    assert voucher.text == "IT chargeback 2026-11 Norrsjö Energi AB"


def test_it_writes_the_sie_file_in_cp437_with_escaped_quotes(org, run):
    org["organisation"].name = 'Norrsjö "Nya" kommun'
    org["organisation"].save()
    run.refresh_from_db()

    body = export(run, "sie")

    assert "Norrsjö".encode("cp437") in body and "Norrsjö".encode() not in body
    assert b'#FNAMN "Norrsj\x94 \\"Nya\\" kommun"' in body
    assert sie_strict.read(body).items["#FNAMN"] == ['Norrsjö "Nya" kommun']
    assert body.splitlines()[0] == b"#FLAGGA 0"
    assert b"#SIETYP 4" in body and b"#FORMAT PC8" in body


def test_the_strict_reader_refuses_an_unbalanced_voucher():
    body = (
        '#FLAGGA 0\r\n#PROGRAM "x" "1"\r\n#FORMAT PC8\r\n#GEN 20261201\r\n#SIETYP 4\r\n'
        '#FNAMN "x"\r\n#KONTO 6540 "k"\r\n#KONTO 3590 "i"\r\n'
        '#VER "A" "1" 20261130 "t" 20261201\r\n{\r\n#TRANS 6540 {} 10.00\r\n'
        "#TRANS 3590 {} -9.99\r\n}\r\n"
    ).encode("cp437")

    with pytest.raises(sie_strict.SieError, match="does not balance"):
        sie_strict.read(body)
    with pytest.raises(sie_strict.SieError, match="not declared by #OBJEKT"):
        sie_strict.read(body.replace(b"6540 {}", b'6540 {1 "77"}'))


# --- All formats against the run's totals ----------------------------------------------------
def totals_of_every_format(run, tmp_path):
    rows = read_csv(export(run, "csv"))
    sheet = openpyxl.load_workbook(io.BytesIO(export(run, "xlsx"))).active
    header, *xrows = list(sheet.values)
    total_column = header.index("Total")
    strict = sie_strict.read(export(run, "sie"))
    debits = sum(x for v in strict.vouchers for _a, _o, x in v.transactions if x > 0)
    return {
        "csv": sum(Decimal(r["Total"]) for r in rows),
        "xlsx": sum(Decimal(str(r[total_column])) for r in xrows),
        "sie": debits,
        "pdf": pdf_text(export(run, "pdf")),
    }


@pytest.mark.parametrize("which", ["municipality", "company"])
def test_the_totals_of_every_export_equal_the_runs_totals(run, company_run, which, tmp_path):
    chosen = run if which == "municipality" else company_run

    found = totals_of_every_format(chosen, tmp_path)

    assert found["csv"] == found["xlsx"] == found["sie"] == chosen.total
    assert f"= {kronor(chosen.total)}" in found["pdf"]


# --- Downloads -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt, content_type, start",
    [
        ("csv", "text/csv; charset=utf-8", "\ufeffOrganisation".encode()),
        ("xlsx", exports.CONTENT_TYPES["xlsx"], b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
        ("sie", "text/plain; charset=IBM437", b"#FLAGGA 0"),
    ],
)
def test_it_downloads_each_export_from_the_run_page(client_for, run, fmt, content_type, start):
    response = client_for("controller").get(
        reverse("chargeback:run_export", args=[run.pk]) + f"?format={fmt}"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith('attachment; filename="debitering-2026-11')
    assert response.content.startswith(start)


def test_it_refuses_an_unknown_export_format(client_for, run):
    response = client_for("controller").get(
        reverse("chargeback:run_export", args=[run.pk]) + "?format=docx"
    )

    assert response.status_code == 400
    assert "docx" in response.content.decode()


def test_it_exports_only_a_coordinators_units_and_still_balances(client_for, run, org):
    response = client_for("coordinator").get(
        reverse("chargeback:run_export", args=[run.pk]) + "?format=sie"
    )

    strict = sie_strict.read(response.content)
    assert [v.text for v in strict.vouchers] == ["IT chargeback 2026-11 Stadsledningsförvaltningen"]
    assert ("1", org["school"].cost_centre) not in strict.objects
