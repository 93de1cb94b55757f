"""E-invoices to public bodies travel as XML through the delivery backend (a folder here)."""

import pytest
from django_tasks_db.models import DBTaskResult

from tests.invoicing.test_documents import COMPANY, invoice, seat
from tilmeld.invoicing.delivery import collect_receipts, deliver_invoice
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.peppol import peppol_xml
from tilmeld.invoicing.models import Delivery
from tilmeld.invoicing.services import issue

pytestmark = pytest.mark.django_db
TASK = "tilmeld.invoicing.delivery.deliver_invoice"


@pytest.fixture
def folder(settings, tmp_path):
    settings.INVOICE_DELIVERY_DIR = tmp_path
    settings.INVOICE_XML_FORMAT = "oioubl"
    return tmp_path


def state(invoice):
    delivery = Delivery.objects.get(invoice=invoice)
    return delivery.state, delivery.reference, delivery.detail


def test_an_invoice_to_a_public_body_is_handed_over_as_oioubl(folder):
    issued = issue(invoice(seat("1", "1995.00")))
    task = DBTaskResult.objects.get(task_path=TASK)

    deliver_invoice.call(*task.args_kwargs["args"])

    assert state(issued) == ("handed_over", "0001.xml", "")
    assert (folder / "outbox" / "0001.xml").read_bytes() == oioubl_xml(issued.as_document())
    assert [path.name for path in (folder / "outbox").iterdir()] == ["0001.xml"]


def test_peppol_can_be_chosen_instead(folder, settings):
    settings.INVOICE_XML_FORMAT = "peppol"
    issued = issue(invoice(seat("1", "1995.00")))

    deliver_invoice.call(Delivery.objects.get().pk)

    assert (folder / "outbox" / "0001.xml").read_bytes() == peppol_xml(issued.as_document())


def test_a_company_without_ean_gets_no_e_invoice(folder):
    issue(invoice(seat("1", "1995.00"), buyer=COMPANY))

    assert Delivery.objects.count() == 0
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_receipts_mark_documents_acknowledged_or_rejected(folder):
    first = issue(invoice(seat("1", "1995.00")))
    second = issue(invoice(seat("1", "1995.00")))
    for delivery in Delivery.objects.all():
        deliver_invoice.call(delivery.pk)
    receipts = folder / "receipts"
    receipts.mkdir()
    (receipts / "0001.ok").write_text("")
    (receipts / "0002.rejected").write_text("F-INV044: buyer EndpointID <unknown>\n")

    assert collect_receipts() == 2
    assert collect_receipts() == 0  # each receipt is read once

    assert state(first) == ("acknowledged", "0001.xml", "")
    assert state(second) == ("rejected", "0002.xml", "F-INV044: buyer EndpointID <unknown>")
    assert sorted(path.name for path in (receipts / "read").iterdir()) == [
        "0001.ok",
        "0002.rejected",
    ]


def test_a_folder_that_cannot_be_written_leaves_the_document_ready_and_says_why(folder):
    (folder / "outbox").write_text("a file where the folder should be")
    issued = issue(invoice(seat("1", "1995.00")))

    assert deliver_invoice.call(Delivery.objects.get().pk) == "retry"

    delivery_state, reference, detail = state(issued)
    assert (delivery_state, reference) == ("ready", "")
    assert detail.startswith(("FileExistsError", "NotADirectoryError"))


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_the_worker_hands_over_what_a_stopped_worker_left_ready(folder, run_worker):
    issued = issue(invoice(seat("1", "1995.00"), buyer_reference="<script>&æøå"))
    DBTaskResult.objects.filter(task_path=TASK).delete()  # its task died with a worker

    run_worker()

    assert state(issued)[0] == "handed_over"
    xml = (folder / "outbox" / "0001.xml").read_bytes()
    assert xml == oioubl_xml(issued.as_document())
    assert b"&lt;script&gt;&amp;" in xml


def test_a_receipt_that_comes_before_the_hand_over_is_recorded_later(folder):
    issued = issue(invoice(seat("1", "1995.00")))
    receipts = folder / "receipts"
    receipts.mkdir()
    (receipts / "0001.ok").write_text("")

    early = collect_receipts()
    deliver_invoice.call(Delivery.objects.get().pk)
    later = collect_receipts()

    assert (early, later) == (0, 1)
    assert state(issued)[0] == "acknowledged"
    assert [path.name for path in (receipts / "read").iterdir()] == ["0001.ok"]
