"""Files in an S3-compatible bucket: uploads, generated PDFs and downloads work as with the
local folder, and nothing is read by a path on the app host's disk.

The bucket is moto's standalone server, an S3 emulator run on this machine (127.0.0.1, a free
port): the app talks to it over HTTP with boto3 as it would to AWS, MinIO or any other
S3-compatible service."""

import io
import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from pypdf import PdfReader

from tests.core.pages import content, local, url
from tests.events.test_programme import programme
from tests.events.test_programme_admin import conference, post_change_form
from tests.factories import StaffFactory
from tests.invoicing.test_pdf import png_logo
from tilmeld.invoicing import billing

pytestmark = pytest.mark.django_db

BUCKET = "tilmeld-media"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 emulator, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    """A fresh, private bucket as STORAGES["default"]; the local media folder is emptied so a
    file read from disk would show."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-north-1", **KEYS)
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    settings.MEDIA_ROOT = tmp_path / "not-used"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-north-1",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def fetch(address: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(address, timeout=10) as response:  # noqa: S310 (http only)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


@pytest.fixture
def staff_client(client, site):
    client.force_login(StaffFactory())
    return client


def test_an_uploaded_programme_pdf_lands_in_the_bucket_and_downloads(bucket, staff_client):
    event = conference()
    uploaded = b"%PDF-1.4\n% the programme as staff made it\n%%EOF\n"

    response = post_change_form(
        staff_client, event, files={"programme_file": SimpleUploadedFile("program.pdf", uploaded)}
    )

    assert response.status_code == 302
    assert keys(bucket) == ["programmes/program.pdf"]
    assert bucket.get_object(Bucket=BUCKET, Key="programmes/program.pdf")["Body"].read() == (
        uploaded
    )
    staff_client.logout()
    link = url("events:programme_pdf", "en", slug=event.slug)
    assert f'href="{link}"' in content(
        staff_client.get(url("events:detail", "en", slug=event.slug))
    )
    download = staff_client.get(link)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == uploaded


def test_an_uploaded_event_image_is_linked_from_the_bucket(bucket, staff_client, client):
    event = conference()
    image = SimpleUploadedFile("hero.png", png_logo(), content_type="image/png")

    response = post_change_form(staff_client, event, files={"image": image})

    assert response.status_code == 302
    assert keys(bucket) == ["events/hero.png"]
    staff_client.logout()
    page = content(client.get(url("events:detail", "en", slug=event.slug)))
    [src] = [
        part.split('"')[0] for part in page.split('<img src="')[1:] if "events/hero.png" in part
    ]
    address = src.replace("&amp;", "&")
    assert urlsplit(address).path == f"/{BUCKET}/events/hero.png"
    assert fetch(address) == (200, png_logo())  # the signed link opens the file


def test_the_generated_programme_pdf_is_stored_in_the_bucket_with_photos(bucket, client, site):
    site.logo.save("logo.png", ContentFile(png_logo()))
    event = conference()
    programme(event)
    speaker = event.sessions.first().speakers.first()
    speaker.photo.save("anna.png", ContentFile(png_logo()))

    with time_machine.travel(local(2016, 5, 1), tick=False):
        first = client.get(url("events:programme_pdf", slug=event.slug))
        again = client.get(url("events:programme_pdf", slug=event.slug))

    assert first["Content-Type"] == "application/pdf"
    generated = [key for key in keys(bucket) if key.startswith("programmes/generated/")]
    assert len(generated) == 1
    assert bucket.get_object(Bucket=BUCKET, Key=generated[0])["Body"].read() == first.content
    assert again.content == first.content
    # The logo and the speaker's photo were read from the bucket into the PDF.
    images = sum(len(page.images) for page in PdfReader(io.BytesIO(first.content)).pages)
    assert images >= 2


def test_the_invoice_pdf_has_the_logo_from_the_bucket_and_is_never_stored(bucket, client, site):
    from tests.factories import EventFactory, PriceFactory
    from tests.factories import public_payer as payer
    from tilmeld.registrations.services.booking import Booker, Person, register

    site.logo.save("logo.png", ContentFile(png_logo()))
    event = EventFactory(capacity=20)
    price = PriceFactory(event=event)
    person = Person(name="Anne Hansen", email="anne@example.org", price_id=price.pk)
    booking = register(
        event,
        booker=Booker(person.name, person.email),
        people=[person],
        language="da",
        payer=payer(),
    )
    [invoice] = billing.settle(booking)

    response = client.get(url("invoicing:booking_pdf", token=booking.manage_token, pk=invoice.pk))

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 1
    # Invoices are made from the stored document behind the booker's secret link: nothing of
    # them is in the bucket to be read by anyone else.
    assert keys(bucket) == ["site/logo.png"]


def test_files_in_the_bucket_are_not_readable_without_a_signed_link(bucket, s3_endpoint):
    name = default_storage.save("programmes/private.pdf", ContentFile(b"%PDF-1.4\n"))

    assert fetch(f"{s3_endpoint}/{BUCKET}/{name}")[0] == 403
    assert fetch(default_storage.url(name)) == (200, b"%PDF-1.4\n")


def production_settings(**variables) -> dict:
    """The settings module's STORAGES and img-src with these environment variables."""
    script = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.STORAGES['default'], s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TILMELD_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "tilmeld.settings", **variables}
    result = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "-c", "import django; django.setup(); " + script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_a_bucket_files_are_in_the_local_folder():
    storage, images = production_settings()

    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert images == ["'self'", "data:"]


def test_a_bucket_set_by_environment_is_the_file_storage_and_may_show_pictures():
    storage, images = production_settings(
        TILMELD_S3_BUCKET="forening",
        TILMELD_S3_ENDPOINT_URL="https://s3.example.org:9000",
        TILMELD_S3_PREFIX="media",
    )

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] | {"region_name": None} == {
        "bucket_name": "forening",
        "endpoint_url": "https://s3.example.org:9000",
        "region_name": None,
        "location": "media",
        "custom_domain": None,
        "querystring_auth": False,
        "querystring_expire": 3600,
        "file_overwrite": False,
        "default_acl": None,
    }
    assert images == ["'self'", "data:", "https://s3.example.org:9000"]
    assert production_settings(TILMELD_S3_BUCKET="f", TILMELD_S3_CUSTOM_DOMAIN="cdn.example.org")[
        1
    ] == ["'self'", "data:", "https://cdn.example.org"]
