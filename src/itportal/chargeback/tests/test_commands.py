"""`chargeback_run` and `chargeback_export`: what an operator sees, and the refusals."""

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from itportal.chargeback import services
from itportal.chargeback.models import ChargebackRun, RunState
from itportal.chargeback.tests import sie_strict
from itportal.chargeback.tests.runs_testing import MUNICIPALITY_TOTAL, build_billing
from itportal.core.models import ObjectChange
from itportal.core.testing import OrganisationFactory

NBSP = "\u00a0"


@pytest.fixture
def billing(org):
    return build_billing(org)


def run_command(*args):
    out = io.StringIO()
    call_command("chargeback_run", *args, stdout=out)
    return out.getvalue()


def test_it_computes_every_paying_organisation_and_prints_swedish_totals(org, billing):
    OrganisationFactory(name="Tomma bolaget AB", kind="company")  # nothing to bill

    out = run_command("--period", "2026-11")

    runs = {r.organisation.name: r for r in ChargebackRun.objects.select_related("organisation")}
    assert set(runs) == {"Norrsjö kommun", "Norrsjö Energi AB"}
    assert runs["Norrsjö kommun"].total_amount == MUNICIPALITY_TOTAL
    assert f"total 15{NBSP}625,00{NBSP}kr" in out
    assert f"VAT 225,00{NBSP}kr, total 1{NBSP}125,00{NBSP}kr" in out
    change = ObjectChange.objects.filter(content_type__model="chargebackrun").first()
    assert (change.actor, change.source, change.user) == ("command:chargeback_run", "command", None)


def test_it_recomputes_the_draft_of_one_organisation(org, billing):
    first = run_command("--period", "2026-q4", "--organisation", str(org["organisation"].pk))
    again = run_command("--period", "2026-Q4", "--organisation", str(org["organisation"].pk))

    (run,) = ChargebackRun.objects.all()
    assert run.period_label == "2026-Q4" and run.state == RunState.DRAFT
    assert first == again
    assert f"(id {run.pk}, draft)" in again


@pytest.mark.parametrize(
    "args, message",
    [
        (("--period", "2026-13"), "has no month 13"),
        (("--period", "nov"), "is not a period"),
        (("--period", "2026-11", "--organisation", "9999"), "There is no organisation 9999"),
        (("--period", "2027-01"), "There is no price list for 2027"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(org, billing, args, message):
    with pytest.raises(CommandError, match=message):
        run_command(*args)

    assert not ChargebackRun.objects.exists()


def test_it_refuses_an_approved_or_closed_run(org, billing, users):
    run = services.compute_run(org["organisation"], "2026-11", actor=users["controller"])
    services.approve_run(run, actor=users["controller"])

    with pytest.raises(CommandError, match="is approved"):
        run_command("--period", "2026-11", "--organisation", str(org["organisation"].pk))
    services.close_run(run, actor=users["controller"])
    with pytest.raises(CommandError, match="is closed and can no longer change"):
        run_command("--period", "2026-11", "--organisation", str(org["organisation"].pk))


@pytest.fixture
def run(org, billing, users):
    return services.compute_run(org["organisation"], "2026-11", actor=users["controller"])


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf", "sie"])
def test_it_exports_a_run_to_a_file(run, tmp_path, fmt):
    target = tmp_path / f"run.{fmt}"
    out = io.StringIO()

    call_command("chargeback_export", str(run.pk), "--format", fmt, "--output", target, stdout=out)

    data = target.read_bytes()
    assert str(target) in out.getvalue()
    assert f"total 15{NBSP}625,00{NBSP}kr" in out.getvalue()
    if fmt == "csv":
        assert "15625.00" not in data.decode("utf-8-sig")  # one row per line, no total row
        assert data.decode("utf-8-sig").count("\n") == 1 + run.line_count
    elif fmt == "xlsx":
        assert data.startswith(b"PK")
    elif fmt == "pdf":
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert f"15{NBSP}625,00{NBSP}kr" in text
    else:
        assert len(sie_strict.read(data).vouchers) == 2


@pytest.mark.parametrize(
    "args, message",
    [
        (("9999", "--format", "csv"), "There is no chargeback run 9999"),
        (("abc", "--format", "csv"), "There is no chargeback run abc"),
        (("{run}", "--format", "docx"), "Unknown format “docx”"),
    ],
)
def test_it_refuses_an_unknown_run_or_format(run, tmp_path, args, message):
    args = [a.format(run=run.pk) for a in args]
    target = tmp_path / "out"

    with pytest.raises(CommandError, match=message):
        call_command("chargeback_export", *args, "--output", target)

    assert not target.exists()
