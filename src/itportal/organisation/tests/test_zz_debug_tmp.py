import pytest
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_dbg(admin_page, org):
    page = admin_page
    msgs = []
    page.on("console", lambda m: msgs.append(m.text))
    page.on("response", lambda r: msgs.append(f"RESP {r.status} {r.url} {r.headers.get('content-type')}"))
    page.goto("/org/units/")
    print(page.evaluate("typeof window.htmx"))
    print("\n".join(msgs[:80]))
