"""TLS to the database: the shipped RDS bundle, and verification of certificate and hostname.

A MariaDB of the test's own serves a certificate for "localhost" signed by a test CA, so the
tier must accept it by that name and refuse it by IP address or under another CA.
"""

from __future__ import annotations

import datetime
import ssl
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.app import create_app
from services.app.config import DEFAULT_CA_PATH, Config
from services.app.db import Database, DatabaseUnavailable
from tests.servers import MariaDBServer
from tests.services.app.conftest import fresh_database

pytestmark = pytest.mark.integration


def test_shipped_bundle_holds_the_current_rds_authorities():
    context = ssl.create_default_context(cafile=DEFAULT_CA_PATH)
    subjects = [dict(x[0] for x in ca["subject"]) for ca in context.get_ca_certs()]
    names = {s.get("commonName", "") for s in subjects}
    assert len(subjects) > 50
    assert {
        "Amazon RDS us-east-1 Root CA RSA2048 G1",
        "Amazon RDS sa-east-1 Root CA RSA4096 G1",
    } <= (names)


def _ca(name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _pem(path: Path, *objects) -> str:
    chunks = []
    for obj in objects:
        if isinstance(obj, x509.Certificate):
            chunks.append(obj.public_bytes(serialization.Encoding.PEM))
        else:
            chunks.append(
                obj.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.TraditionalOpenSSL,
                    serialization.NoEncryption(),
                )
            )
    path.write_bytes(b"".join(chunks))
    return str(path)


@dataclass
class TlsMariaDB(MariaDBServer):
    """MariaDB that requires TLS, with a certificate for the name "localhost" only."""

    ssl_args: tuple[str, ...] = ()

    def _base_args(self) -> list[str]:
        return [*super()._base_args(), *self.ssl_args]


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    certs = tmp_path_factory.mktemp("certs")
    ca_key, ca = _ca("vitrine test CA")
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _, other_ca = _ca("some other CA")
    server = TlsMariaDB(
        ssl_args=(
            f"--ssl-ca={_pem(certs / 'ca.pem', ca)}",
            f"--ssl-cert={_pem(certs / 'server.pem', server_cert)}",
            f"--ssl-key={_pem(certs / 'server-key.pem', key)}",
            "--require-secure-transport=ON",
        )
    ).start()
    url = fresh_database(server, "tls", products=10)
    yield {
        "url": url,
        "port": server.port,
        "ca": str(certs / "ca.pem"),
        "other_ca": _pem(certs / "other.pem", other_ca),
    }
    server.close()


def _config(tls_server, host: str, ca: str) -> Config:
    url = tls_server["url"].replace("127.0.0.1", host)
    return Config(db_url=url, db_tls=True, db_ca_path=ca)


def test_verified_tls_connects_by_name(tls_server):
    config = _config(tls_server, "localhost", tls_server["ca"])
    client = create_app(config).test_client()
    assert client.get("/api/products/1").status_code == 200
    (row,) = Database(config).query("SHOW SESSION STATUS LIKE 'Ssl_version'")
    assert row["Value"].startswith("TLS")


def test_a_certificate_for_another_name_is_refused(tls_server):
    with pytest.raises(DatabaseUnavailable):
        Database(_config(tls_server, "127.0.0.1", tls_server["ca"])).ping()


def test_a_certificate_from_another_ca_is_refused(tls_server):
    config = _config(tls_server, "localhost", tls_server["other_ca"])
    with pytest.raises(DatabaseUnavailable):
        Database(config).ping()
    assert create_app(config).test_client().get("/api/products/1").status_code == 503


def test_tls_is_never_silently_dropped(db_url):
    """Against a server without TLS (the session MariaDB), a TLS config refuses to connect."""
    config = Config(db_url=db_url, db_tls=True)
    assert create_app(config).test_client().get("/readyz").status_code == 503
