from core.http import csv_response, safe_csv_cell


def test_formula_cells_are_prefixed():
    assert safe_csv_cell("=1+1") == "'=1+1"
    assert safe_csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_csv_cell("plain") == "plain"


def test_csv_response_is_a_named_uncached_attachment_written_by_the_caller():
    response = csv_response("report", lambda writer: writer.writerow(["a", "b"]), stamp="2026-12-01")
    assert response["Content-Disposition"] == 'attachment; filename="report-2026-12-01.csv"'
    assert response["Cache-Control"] == "no-store, max-age=0"
    assert response.content.decode() == "a,b\r\n"
