#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pki/openssl_ptr.h"
#include "spec/cluster_spec.h"
#include "util/error.h"

namespace kstack::pki {

/// CertUsage is what a certificate is for; it decides basicConstraints, keyUsage and extendedKeyUsage.
enum class CertUsage { ca, server, client, server_and_client };

/// CertRequest is the content of one certificate to issue.
struct CertRequest {
  std::string common_name;
  std::vector<std::string> organizations;  // the O= entries, in order
  std::vector<std::string> dns_names;      // subjectAltName DNS entries
  std::vector<std::string> ip_addresses;   // subjectAltName IP entries, IPv4 or IPv6 text
  CertUsage usage = CertUsage::client;
  int validity_days = 365;
  int validity_minutes = 0;    // > 0: instead of validity_days (short-lived certificates, for tests)
  std::time_t not_before = 0;  // 0: five minutes ago, so that a node whose clock lags a little accepts it
};

/// Signer is the CA that signs a certificate: its certificate and private key (both borrowed).
struct Signer {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
};

/// Issues an X.509 v3 certificate for `subject_key`: a random 128-bit serial, SHA-256 signature,
/// subject/authority key identifiers, and the extensions `request.usage` calls for. Without a
/// signer the certificate signs itself (a CA).
[[nodiscard]] Result<X509Ptr> issue_certificate(const CertRequest& request, EVP_PKEY* subject_key,
                                                std::optional<Signer> signer = std::nullopt);

/// A certificate as PEM ("BEGIN CERTIFICATE").
[[nodiscard]] Result<std::string> certificate_pem(X509* cert);

/// Parses the first PEM certificate of `pem`. `where` names it in errors.
[[nodiscard]] Result<X509Ptr> parse_certificate(std::string_view pem, std::string_view where);

/// CertInfo is what kstack reads back from a certificate to judge whether it still fits.
struct CertInfo {
  std::string subject;  // "O=system:nodes, CN=system:node:demo-worker-1"
  std::string issuer;   // the same form
  std::string common_name;
  std::vector<std::string> organizations;
  std::vector<std::string> dns_names;     // sorted
  std::vector<std::string> ip_addresses;  // canonical text, sorted
  bool is_ca = false;
  bool server_auth = false;
  bool client_auth = false;
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  std::string serial_hex;
  int serial_bits = 0;
  std::optional<spec::KeyAlgorithm> key_algorithm;  // nothing: a key type kstack does not issue
};

/// Reads the fields of a certificate.
[[nodiscard]] Result<CertInfo> describe_certificate(X509* cert);

/// True when `key` is the private key of `cert`.
bool key_matches(X509* cert, EVP_PKEY* key);

/// True when `ca` issued `cert`: names chain and the signature verifies with the CA's key.
bool issued_by(X509* cert, X509* ca);

/// The canonical text of an IPv4 or IPv6 address ("2001:DB8:0::1" → "2001:db8::1"); anything else is an error.
[[nodiscard]] Result<std::string> canonical_ip(std::string_view text);

}  // namespace kstack::pki
