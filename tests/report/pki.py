"""A real local test PKI for long-term signatures: certomancer's Animator (root CA,
intermediate CA with an OCSP responder, CRLs of both, an RFC 3161 time-stamping authority)
served over HTTP by werkzeug on 127.0.0.1, and an authority folder (key, certificate, chain)
issued by it. Nothing is mocked: pyHanko fetches the timestamp, the OCSP response and the
CRLs from this server while signing, as it would from a real CA."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from werkzeug.serving import make_server

from drawreview.report.signing import CERT_FILE, CHAIN_FILE, KEY_FILE

ARCH = "review"
KEYS = ("root", "interm", "interm-ocsp", "tsa", "authority")


def _ku(*usages: str) -> dict:
    return {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": list(usages)}}


def _crl(*repos: str) -> dict:
    return {"id": "crl_distribution_points", "smart-value": {"schema": "crl-dist-url", "params": {"crl-repo-names": list(repos)}}}


VALID = {"valid-from": "2020-01-01T00:00:00+0000", "valid-to": "2100-01-01T00:00:00+0000"}


def _config(key_dir: Path, url: str, authority: str) -> dict:
    ca = {"id": "basic_constraints", "critical": True, "value": {"ca": True}}
    return {
        "external-url-prefix": url,
        "keysets": {"k": {"path-prefix": str(key_dir), "keys": {k: {"path": f"{k}.pem"} for k in KEYS}}},
        "pki-architectures": {ARCH: {
            "keyset": "k",
            "entity-defaults": {"country-name": "CN", "organization-name": "drawreview test PKI"},
            "entities": {"root": {"common-name": "Test Root CA"}, "interm": {"common-name": "Test Intermediate CA"},
                         "interm-ocsp": {"common-name": "Test OCSP responder"}, "tsa": {"common-name": "Test TSA"},
                         "authority": {"common-name": authority}},
            "certs": {
                "root": {"subject": "root", "issuer": "root", "validity": VALID,
                         "extensions": [ca, _ku("digital_signature", "key_cert_sign", "crl_sign")]},
                "interm": {"issuer": "root", "validity": VALID,
                           "extensions": [ca, _ku("digital_signature", "key_cert_sign", "crl_sign"), _crl("root")]},
                "interm-ocsp": {"issuer": "interm", "validity": VALID,
                                "extensions": [_ku("digital_signature"), {"id": "extended_key_usage", "critical": True,
                                                                          "value": ["ocsp_signing"]},
                                               {"id": "ocsp_no_check"}]},
                "tsa": {"issuer": "root", "validity": VALID,
                        "extensions": [_ku("digital_signature"), {"id": "extended_key_usage", "critical": True,
                                                                  "value": ["time_stamping"]}, _crl("root")]},
                "authority": {"issuer": "interm", "validity": VALID,
                              "extensions": [_ku("digital_signature", "non_repudiation"), _crl("interm"),
                                             {"id": "authority_information_access", "smart-value": {
                                                 "schema": "aia-urls", "params": {"ocsp-responder-names": ["interm"]}}}]},
            },
            "services": {
                "ocsp": {"interm": {"for-issuer": "interm", "responder-cert": "interm-ocsp", "signing-key": "interm-ocsp"}},
                "crl-repo": {"root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P90D"},
                             "interm": {"for-issuer": "interm", "signing-key": "interm",
                                        "simulated-update-schedule": "P30D"}},
                "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
            },
        }},
    }


@dataclass
class LocalPKI:
    url: str
    tsa_url: str
    root_pem: Path  # the trust anchor
    authority_dir: Path  # authority-key.pem, authority-cert.pem, authority-chain.pem
    server: object
    thread: threading.Thread
    requests: list  # (method, path) of every request the PKI server answered

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


def start_pki(folder: Path, authority: str = "某市联合审图中心") -> LocalPKI:
    key_dir = folder / "keys"
    key_dir.mkdir(parents=True)
    for k in KEYS:
        key = ec.generate_private_key(ec.SECP256R1())
        (key_dir / f"{k}.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    requests: list = []
    server = make_server("127.0.0.1", 0, lambda env, start: None, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    cfg = CertomancerConfig(_config(key_dir, url, authority), key_search_dir=str(key_dir))
    animator = Animator(AnimatorArchStore(cfg.pki_archs), with_web_ui=False)

    def app(environ, start_response):
        requests.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return animator(environ, start_response)

    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    arch = cfg.get_pki_arch(ArchLabel(ARCH))

    def cert_pem(label: str) -> bytes:
        return pem.armor("CERTIFICATE", arch.get_cert(CertLabel(label)).dump())

    auth = folder / "authority"
    auth.mkdir()
    (auth / KEY_FILE).write_bytes((key_dir / "authority.pem").read_bytes())
    (auth / CERT_FILE).write_bytes(cert_pem("authority"))
    (auth / CHAIN_FILE).write_bytes(cert_pem("interm") + cert_pem("root"))
    root = folder / "root.pem"
    root.write_bytes(cert_pem("root"))
    return LocalPKI(url=url, tsa_url=f"{url}/{ARCH}/tsa/tsa", root_pem=root, authority_dir=auth, server=server,
                    thread=thread, requests=requests)
