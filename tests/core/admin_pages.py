"""What the admin tests share: a change list's rows, the messages shown, a change form's data."""

import html
import re


def cell_text(cell: str) -> str:
    """The visible text of a table cell; a yes/no icon reads as its alt text."""
    cell = re.sub(r'<img [^>]*alt="([^"]*)"[^>]*>', r" \1 ", cell)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())


def changelist_rows(response) -> list[list[str]]:
    """Each row of the change list's table as its cells' texts, the checkbox left out."""
    cell = r'<t[hd](?! class="action-checkbox")[^>]*>(.*?)</t[hd]>'
    page = response.content.decode()
    if "<tbody>" not in page:
        return []
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [
        [cell_text(found) for found in re.findall(cell, row, re.DOTALL)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)
    ]


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def change_form_data(response) -> dict:
    """The POST data of an admin change page as it was rendered: the main form, each inline's
    forms and management form. Change what a test needs on top."""
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data
