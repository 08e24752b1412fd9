"""The lab's own certificate authority and the certificate its https listener shows.

Made with trustme: a local CA and a leaf certificate generated in memory, in a few
milliseconds, with no ``openssl`` to shell out to (Windows has none). It was written for tests
and labs, which is what this is. The keys never leave memory, so the CA dies with the window;
only the CA's certificate (public) is written to a file, because the lab's browser
(``requests``) reads the certificates it trusts from a file. Plain Python, no Qt.
"""

from __future__ import annotations

import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: The names the certificate is good for: what the lab's URLs use.
NAMES = ("127.0.0.1", "localhost", "::1")
CA_NAME = "Session Lab's own CA (made on this computer, this run only)"
CA_FILE = "session-lab-ca.pem"


@dataclass(frozen=True)
class LabCertificate:
    """A server TLS context with the lab's certificate, and the CA file that vouches for it."""

    context: ssl.SSLContext
    ca_file: Path


def make_certificate(directory: Path | None) -> LabCertificate:
    """Make a CA and a certificate for :data:`NAMES`; write the CA's to ``directory``.

    Without a directory (the data directory was unusable) the CA goes to a private temporary
    one. Raises OSError when the file cannot be written.
    """
    import trustme  # loads the cryptography package: only once HTTPS is asked for

    ca = trustme.CA(organization_name=CA_NAME)
    leaf = ca.issue_cert(*NAMES, common_name="Session Lab")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    leaf.configure_cert(context)
    folder = Path(directory) if directory is not None else Path(tempfile.mkdtemp("-session-lab"))
    ca_file = folder / CA_FILE
    ca.cert_pem.write_to_path(str(ca_file))
    return LabCertificate(context, ca_file)
