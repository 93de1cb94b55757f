"""Handing e-invoices to the buyer's side, and hearing back.

An invoice to a public body (the buyer has an EAN/GLN location number) gets a Delivery row and a
task in the transaction that issues it. The worker hands the XML to the delivery backend
(settings.INVOICE_DELIVERY_BACKEND); its sweep also hands over what a stopped worker left ready
and collects the backend's receipts. A backend has a `name`, `hand_over(invoice) -> reference`
and `receipts() -> [Receipt]`: the folder backend here, an access point's HTTP API later."""

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.peppol import peppol_xml
from tilmeld.invoicing.enums import DeliveryState
from tilmeld.invoicing.exports import file_stem
from tilmeld.invoicing.models import Delivery, Invoice

log = logging.getLogger(__name__)
XML = {"oioubl": oioubl_xml, "peppol": peppol_xml}


@dataclass(frozen=True)
class Receipt:
    """What the buyer's side said about a document: accepted, or refused with a reason."""

    reference: str
    accepted: bool
    detail: str = ""
    source: str = ""  # where the backend found it, for mark_read


class FolderBackend:
    """Writes NUMBER.xml (OIOUBL or Peppol BIS, settings.INVOICE_XML_FORMAT) into
    <dir>/outbox for the association's access point or accounting system to pick up. It answers
    by leaving NUMBER.ok, or NUMBER.rejected holding the reason, in <dir>/receipts; a receipt is
    moved to <dir>/receipts/read once recorded. Writing the same document again writes the same
    bytes."""

    name = "folder"

    def __init__(self, directory: Path | None = None, xml_format: str | None = None):
        self.directory = Path(directory or settings.INVOICE_DELIVERY_DIR)
        self.render = XML[xml_format or settings.INVOICE_XML_FORMAT]

    def hand_over(self, invoice: Invoice) -> str:
        outbox = self.directory / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{file_stem(invoice)}.xml"
        partial = outbox / f".{name}.partial"  # a reader never sees half a file
        partial.write_bytes(self.render(invoice.as_document()))
        partial.replace(outbox / name)
        return name

    def receipts(self) -> list[Receipt]:
        folder = self.directory / "receipts"
        if not folder.is_dir():
            return []
        found = []
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".ok", ".rejected") or not path.is_file():
                continue
            detail = path.read_text(encoding="utf-8", errors="replace").strip()[:2000]
            found.append(Receipt(f"{path.stem}.xml", path.suffix == ".ok", detail, str(path)))
        return found

    def mark_read(self, receipt: Receipt) -> None:
        path = Path(receipt.source)
        (path.parent / "read").mkdir(exist_ok=True)
        path.replace(path.parent / "read" / path.name)


def backend():
    return import_string(settings.INVOICE_DELIVERY_BACKEND)()


def needs_delivery(invoice: Invoice) -> bool:
    """Public bodies are invoiced electronically: the buyer has an EAN/GLN location number."""
    return bool(invoice.as_document().buyer.gln)


def queue(invoice: Invoice) -> Delivery | None:
    """Call in the transaction that issues the invoice: the row and its task commit with it."""
    if not needs_delivery(invoice):
        return None
    delivery = Delivery.objects.create(invoice=invoice, backend=backend().name)
    deliver_invoice.enqueue(delivery.pk)
    return delivery


@task()
def deliver_invoice(delivery_id: int) -> str:
    """Hands one ready document to the backend. The row stays locked meanwhile, so two workers
    never hand over the same document; a failure leaves it ready for the sweep to try again."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("invoice")
            .filter(pk=delivery_id, state=DeliveryState.READY)
            .first()
        )
        if delivery is None:
            return "skipped"
        try:
            delivery.reference = backend().hand_over(delivery.invoice)
        except Exception as error:  # kept ready with the reason; the next document goes on
            log.warning("Invoice %s not handed over: %s", delivery.invoice.number, error)
            delivery.detail = f"{type(error).__name__}: {error}"[:2000]
            delivery.save(update_fields=["detail", "updated_at"])
            return "retry"
        delivery.state = DeliveryState.HANDED_OVER
        delivery.detail = ""
        delivery.save(update_fields=["reference", "state", "detail", "updated_at"])
    return "handed over"


def collect_receipts() -> int:
    """Marks handed-over documents acknowledged or rejected from the backend's receipts. A
    receipt is marked read only once recorded (or for a document already answered): one that
    comes before its document's hand-over has committed waits for the next sweep."""
    states = {True: DeliveryState.ACKNOWLEDGED, False: DeliveryState.REJECTED}
    answered = (DeliveryState.ACKNOWLEDGED, DeliveryState.REJECTED)
    channel = backend()
    count = 0
    for receipt in channel.receipts():
        recorded = Delivery.objects.filter(
            reference=receipt.reference, state=DeliveryState.HANDED_OVER
        ).update(state=states[receipt.accepted], detail=receipt.detail, updated_at=timezone.now())
        count += recorded
        already = Delivery.objects.filter(reference=receipt.reference, state__in=answered)
        if recorded or already.exists():
            channel.mark_read(receipt)
    return count


def sweep() -> dict[str, int]:
    """The worker's sweep (settings.WORKER_SWEEPS): hand over what is still ready, then read
    the receipts. Safe to run at any time, from any process."""
    ready = list(
        Delivery.objects.filter(state=DeliveryState.READY).values_list("pk", flat=True)[:500]
    )
    handed = sum(deliver_invoice.call(pk) == "handed over" for pk in ready)
    return {"handed_over": handed, "receipts": collect_receipts()}
