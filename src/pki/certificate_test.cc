#include "pki/certificate.h"

#include <gtest/gtest.h>
#include <openssl/x509_vfy.h>

#include <set>

#include "pki/key.h"

namespace kstack::pki {
namespace {

using spec::KeyAlgorithm;

/// TestCa is a CA issued for a test, with its key.
struct TestCa {
  KeyPtr key;
  X509Ptr cert;
  Signer signer() const { return {cert.get(), key.get()}; }
};

TestCa make_ca(KeyAlgorithm algorithm = KeyAlgorithm::ecdsa_p256) {
  TestCa ca;
  ca.key = std::move(generate_key(algorithm).value());
  ca.cert = std::move(
      issue_certificate({.common_name = "test-ca", .usage = CertUsage::ca, .validity_days = 3650}, ca.key.get())
          .value());
  return ca;
}

/// Verifies `cert` against `ca` in process, for `purpose`, and for a host name or an IP when given.
bool verifies(X509* cert, X509* ca, int purpose, const std::string& host = "", const std::string& ip = "") {
  std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>> store(X509_STORE_new());
  std::unique_ptr<X509_STORE_CTX, FreeWith<X509_STORE_CTX_free>> ctx(X509_STORE_CTX_new());
  X509_STORE_add_cert(store.get(), ca);
  X509_STORE_CTX_init(ctx.get(), store.get(), cert, nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  if (!host.empty()) X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  if (!ip.empty()) X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str());
  return X509_verify_cert(ctx.get()) == 1;
}

const X509_EXTENSION* extension(X509* cert, int nid) {
  int index = X509_get_ext_by_NID(cert, nid, -1);
  return index < 0 ? nullptr : X509_get_ext(cert, index);
}

TEST(Certificate, CaIsSelfSignedWithCaExtensions) {
  TestCa ca = make_ca();
  auto info = describe_certificate(ca.cert.get());
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->is_ca);
  EXPECT_EQ(info->subject, "CN=test-ca");
  EXPECT_EQ(info->issuer, "CN=test-ca");
  EXPECT_TRUE(issued_by(ca.cert.get(), ca.cert.get()));
  EXPECT_EQ(X509_check_ca(ca.cert.get()), 1);
  EXPECT_EQ(X509_get_key_usage(ca.cert.get()),
            static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN | KU_DIGITAL_SIGNATURE));
  ASSERT_NE(extension(ca.cert.get(), NID_basic_constraints), nullptr);
  EXPECT_EQ(X509_EXTENSION_get_critical(extension(ca.cert.get(), NID_basic_constraints)), 1);
  EXPECT_EQ(X509_EXTENSION_get_critical(extension(ca.cert.get(), NID_key_usage)), 1);
  EXPECT_NE(X509_get0_subject_key_id(ca.cert.get()), nullptr);
  EXPECT_EQ(extension(ca.cert.get(), NID_ext_key_usage), nullptr);
  EXPECT_NEAR(static_cast<double>(info->not_after - info->not_before), 3650.0 * 86400 + 300, 5);
}

TEST(Certificate, ServerLeafHasSansUsagesAndVerifies) {
  TestCa ca = make_ca();
  auto key = generate_key(KeyAlgorithm::ecdsa_p256);
  ASSERT_TRUE(key);
  CertRequest request{.common_name = "kube-apiserver",
                      .organizations = {"a", "b"},
                      .dns_names = {"kubernetes", "localhost"},
                      .ip_addresses = {"10.96.0.1", "2001:DB8::1"},
                      .usage = CertUsage::server,
                      .validity_days = 365};
  auto cert = issue_certificate(request, key->get(), ca.signer());
  ASSERT_TRUE(cert) << cert.error().to_string();
  auto info = describe_certificate(cert->get());
  ASSERT_TRUE(info);
  EXPECT_EQ(info->subject, "O=a, O=b, CN=kube-apiserver");
  EXPECT_EQ(info->organizations, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(info->issuer, "CN=test-ca");
  EXPECT_EQ(info->dns_names, (std::vector<std::string>{"kubernetes", "localhost"}));
  EXPECT_EQ(info->ip_addresses, (std::vector<std::string>{"10.96.0.1", "2001:db8::1"}));
  EXPECT_FALSE(info->is_ca);
  EXPECT_TRUE(info->server_auth);
  EXPECT_FALSE(info->client_auth);
  EXPECT_EQ(info->key_algorithm, KeyAlgorithm::ecdsa_p256);
  EXPECT_EQ(X509_get_key_usage(cert->get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_EXTENSION_get_critical(extension(cert->get(), NID_basic_constraints)), 1);
  EXPECT_NE(X509_get0_authority_key_id(cert->get()), nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(cert->get()), X509_get0_subject_key_id(ca.cert.get())), 0);
  EXPECT_EQ(X509_get_signature_nid(cert->get()), NID_ecdsa_with_SHA256);
  std::time_t now = std::time(nullptr);
  EXPECT_NEAR(static_cast<double>(info->not_after - now), 365.0 * 86400, 60);
  EXPECT_LE(info->not_before, now - 299);

  EXPECT_TRUE(issued_by(cert->get(), ca.cert.get()));
  EXPECT_TRUE(key_matches(cert->get(), key->get()));
  EXPECT_TRUE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_SERVER, "kubernetes"));
  EXPECT_TRUE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_SERVER, "", "2001:db8::1"));
  EXPECT_FALSE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_SERVER, "example.com"));
  EXPECT_FALSE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_SERVER, "", "10.96.0.2"));
  EXPECT_FALSE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_CLIENT));
}

TEST(Certificate, RsaLeafAddsKeyEnciphermentAndSignsWithSha256) {
  TestCa ca = make_ca(KeyAlgorithm::rsa2048);
  auto key = generate_key(KeyAlgorithm::rsa2048);
  ASSERT_TRUE(key);
  auto cert = issue_certificate({.common_name = "c", .usage = CertUsage::server_and_client}, key->get(), ca.signer());
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_get_signature_nid(cert->get()), NID_sha256WithRSAEncryption);
  EXPECT_EQ(X509_get_key_usage(cert->get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  auto info = describe_certificate(cert->get());
  EXPECT_TRUE(info->server_auth && info->client_auth);
  EXPECT_EQ(info->key_algorithm, KeyAlgorithm::rsa2048);
  EXPECT_TRUE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_CLIENT));
  EXPECT_TRUE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_SERVER));
}

TEST(Certificate, SerialsAreRandom128Bit) {
  TestCa ca = make_ca();
  auto key = generate_key(KeyAlgorithm::ecdsa_p256);
  std::set<std::string> serials;
  for (int i = 0; i < 50; ++i) {
    auto cert = issue_certificate({.common_name = "c"}, key->get(), ca.signer());
    ASSERT_TRUE(cert);
    auto info = describe_certificate(cert->get());
    EXPECT_EQ(info->serial_bits, 128);
    serials.insert(info->serial_hex);
  }
  EXPECT_EQ(serials.size(), 50u);
}

TEST(Certificate, ClientLeafIsNotAServer) {
  TestCa ca = make_ca();
  auto key = generate_key(KeyAlgorithm::ecdsa_p256);
  auto cert =
      issue_certificate({.common_name = "system:node:w-1", .organizations = {"system:nodes"}}, key->get(), ca.signer());
  ASSERT_TRUE(cert);
  EXPECT_TRUE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_CLIENT));
  EXPECT_FALSE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_SERVER));
  EXPECT_EQ(extension(cert->get(), NID_subject_alt_name), nullptr);
}

TEST(Certificate, ForeignCaAndForeignKeyAreDetected) {
  TestCa ca = make_ca(), other = make_ca();
  auto key = generate_key(KeyAlgorithm::ecdsa_p256);
  auto other_key = generate_key(KeyAlgorithm::ecdsa_p256);
  auto cert = issue_certificate({.common_name = "c"}, key->get(), ca.signer());
  ASSERT_TRUE(cert);
  EXPECT_FALSE(issued_by(cert->get(), other.cert.get()));  // same CA name, another key
  EXPECT_FALSE(key_matches(cert->get(), other_key->get()));
  EXPECT_FALSE(verifies(cert->get(), other.cert.get(), X509_PURPOSE_SSL_CLIENT));
}

TEST(Certificate, PastNotBeforeGivesAnExpiredCertificate) {
  TestCa ca = make_ca();
  auto key = generate_key(KeyAlgorithm::ecdsa_p256);
  std::time_t long_ago = std::time(nullptr) - 400 * 86400;
  auto cert =
      issue_certificate({.common_name = "old", .validity_days = 365, .not_before = long_ago}, key->get(), ca.signer());
  ASSERT_TRUE(cert);
  auto info = describe_certificate(cert->get());
  EXPECT_EQ(info->not_before, long_ago);
  EXPECT_EQ(info->not_after, long_ago + 365 * 86400);
  EXPECT_FALSE(verifies(cert->get(), ca.cert.get(), X509_PURPOSE_SSL_CLIENT));
}

TEST(Certificate, PemRoundTrip) {
  TestCa ca = make_ca();
  auto pem = certificate_pem(ca.cert.get());
  ASSERT_TRUE(pem);
  EXPECT_TRUE(pem->starts_with("-----BEGIN CERTIFICATE-----\n"));
  auto parsed = parse_certificate(*pem, "ca.crt");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(X509_cmp(parsed->get(), ca.cert.get()), 0);
  auto bad = parse_certificate("garbage", "pki/bad.crt");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().where, "pki/bad.crt");
}

TEST(Certificate, BadRequestsAreErrors) {
  auto key = generate_key(KeyAlgorithm::ecdsa_p256);
  EXPECT_FALSE(issue_certificate({.common_name = ""}, key->get()));
  EXPECT_FALSE(issue_certificate({.common_name = "c", .validity_days = 0}, key->get()));
  EXPECT_FALSE(issue_certificate({.common_name = "c", .ip_addresses = {"10.0.0.300"}}, key->get()));
}

TEST(CanonicalIp, NormalisesAndRejects) {
  EXPECT_EQ(canonical_ip("10.0.0.1").value(), "10.0.0.1");
  EXPECT_EQ(canonical_ip("2001:DB8:0::1").value(), "2001:db8::1");
  EXPECT_FALSE(canonical_ip("10.0.0"));
  EXPECT_FALSE(canonical_ip("master-1"));
  EXPECT_FALSE(canonical_ip(""));
}

}  // namespace
}  // namespace kstack::pki
