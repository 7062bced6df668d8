import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';

/**
 * AWS's rule for an OpenID Connect provider's thumbprints: they are ignored when the provider's
 * certificate chains to a trusted root, and used otherwise. Warden does the same: a server whose
 * chain does not verify against Node's roots (and WARDEN_OIDC_CA_FILE) is accepted only when the
 * SHA-1 fingerprint of the top certificate it presents (the top intermediate or root CA; the
 * certificate itself when it presents one alone), as AWS defines a thumbprint, is one of the
 * provider's, and the certificate names the host and is within its validity period. The
 * fingerprint and the host check are node's own (X509Certificate, tls.checkServerIdentity).
 *
 * Returns why the server is refused, or undefined when it is accepted.
 */
export function thumbprintRefusal(socket: TLSSocket, hostname: string, thumbprints: readonly string[], now: Date): string | undefined {
  if (socket.authorized) return undefined;
  const leaf = socket.getPeerCertificate(true);
  if (!leaf.raw) return 'the server presented no certificate';
  const identity = checkServerIdentity(hostname, leaf);
  if (identity) return identity.message;
  if (now < new Date(leaf.valid_from) || now > new Date(leaf.valid_to)) return "the server's certificate is not within its validity period";
  let top: DetailedPeerCertificate = leaf;
  // A self-signed certificate is its own issuer; node links it to itself.
  while (top.issuerCertificate?.raw && top.issuerCertificate !== top && !top.issuerCertificate.raw.equals(top.raw)) top = top.issuerCertificate;
  const thumbprint = new X509Certificate(top.raw).fingerprint.replaceAll(':', '').toLowerCase();
  if (thumbprints.some((candidate) => candidate.toLowerCase() === thumbprint)) return undefined;
  return `the certificate chain does not verify (${String(socket.authorizationError)}) and the thumbprint of its top certificate, ${thumbprint}, is not one of the provider's`;
}
