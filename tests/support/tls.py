"""A test certificate authority and a tiny HTTPS authorization server that serves only its RFC 8414
metadata, on 127.0.0.1, for tests of which certificates linkvault trusts."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["CertificateAuthority", "MetadataServer", "ServerCertificate", "serve_metadata"]

_METADATA_PATHS = ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration")


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass(frozen=True)
class ServerCertificate:
    """A server's certificate and key, written to files that ``ssl`` can load."""

    cert_file: Path
    key_file: Path = field(repr=False)


@dataclass(frozen=True)
class CertificateAuthority:
    """A self-signed CA; ``cert_file`` is what a client must trust (e.g. as ``SSL_CERT_FILE``)."""

    name: str
    key: ec.EllipticCurvePrivateKey = field(repr=False)
    certificate: x509.Certificate = field(repr=False)
    cert_file: Path

    @classmethod
    def create(cls, directory: Path, name: str = "linkvault test CA") -> CertificateAuthority:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        directory.mkdir(parents=True, exist_ok=True)
        cert_file = directory / f"{name.replace(' ', '-')}.pem"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return cls(name=name, key=key, certificate=certificate, cert_file=cert_file)

    def issue(
        self,
        directory: Path,
        *,
        ip_addresses: tuple[str, ...] = ("127.0.0.1",),
        dns_names: tuple[str, ...] = (),
        expired: bool = False,
    ) -> ServerCertificate:
        """A TLS server certificate for the given subject alternative names (RFC 6125: an IP address
        is matched only against an ``IPAddress`` entry)."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        not_before, not_after = now - datetime.timedelta(minutes=5), now + datetime.timedelta(hours=1)
        if expired:
            not_before, not_after = now - datetime.timedelta(days=2), now - datetime.timedelta(days=1)
        names: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
        names += [x509.DNSName(dns) for dns in dns_names]
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name((ip_addresses + dns_names)[0]))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        directory.mkdir(parents=True, exist_ok=True)
        stem = f"server-{certificate.serial_number:x}"
        cert_file, key_file = directory / f"{stem}.pem", directory / f"{stem}.key"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(_pem_key(key))
        key_file.chmod(0o600)
        return ServerCertificate(cert_file=cert_file, key_file=key_file)


class _MetadataHandler(BaseHTTPRequestHandler):
    server: MetadataServer

    def do_GET(self) -> None:
        if self.path not in _METADATA_PATHS:
            self._answer(404, {"error": "not_found"})
            return
        self.server.metadata_requests += 1
        issuer = self.server.issuer
        self._answer(
            200,
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "authorization_response_iss_parameter_supported": True,
            },
        )

    def _answer(self, status: int, body: dict[str, object]) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


class MetadataServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext) -> None:
        super().__init__(("127.0.0.1", 0), _MetadataHandler)
        self.issuer = f"https://127.0.0.1:{self.server_address[1]}"
        self.metadata_requests = 0
        self._context = context

    def get_request(self):  # type: ignore[no-untyped-def]
        connection, address = super().get_request()
        # The handshake runs in the request's thread (see finish_request), so that a client that
        # refuses the certificate cannot stall the accept loop.
        return self._context.wrap_socket(connection, server_side=True, do_handshake_on_connect=False), address

    def finish_request(self, request, client_address):  # type: ignore[no-untyped-def]
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate: what the tests of an untrusted issuer expect
        super().finish_request(request, client_address)


@contextmanager
def serve_metadata(certificate: ServerCertificate) -> Iterator[MetadataServer]:
    """An HTTPS server on 127.0.0.1 whose issuer is ``https://127.0.0.1:<port>``, serving RFC 8414 (and
    OpenID Connect discovery) metadata with its endpoints on the same origin. ``metadata_requests``
    counts the metadata documents it served, i.e. completed TLS handshakes that asked for one."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert_file, certificate.key_file)
    server = MetadataServer(context)
    thread = threading.Thread(target=server.serve_forever, name=f"tls-metadata-{server.issuer}", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
