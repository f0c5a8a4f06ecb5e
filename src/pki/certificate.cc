#include "pki/certificate.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstring>

#include "pki/key.h"

namespace kstack::pki {
namespace {

constexpr int kSerialBits = 128;
constexpr std::time_t kClockSkewSeconds = 300;

Result<void> add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return fail(fmt::format("cannot add the extension {} = {}: {}", OBJ_nid2sn(nid), value, openssl_errors()));
  }
  return {};
}

Result<void> add_subject_alt_names(X509* cert, const CertRequest& request) {
  if (request.dns_names.empty() && request.ip_addresses.empty()) return {};
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) return fail("out of memory building subjectAltName");
  for (const auto& dns : request.dns_names) {
    GeneralNamePtr name(GENERAL_NAME_new());
    ASN1_IA5STRING* text = ASN1_IA5STRING_new();
    if (!name || !text || ASN1_STRING_set(text, dns.data(), static_cast<int>(dns.size())) != 1) {
      ASN1_IA5STRING_free(text);
      return fail(fmt::format("cannot encode the DNS name '{}'", dns));
    }
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, text);
    if (sk_GENERAL_NAME_push(names.get(), name.get()) == 0) return fail("out of memory building subjectAltName");
    (void)name.release();  // the stack owns it now
  }
  for (const auto& ip : request.ip_addresses) {
    GeneralNamePtr name(GENERAL_NAME_new());
    ASN1_OCTET_STRING* bytes = a2i_IPADDRESS(ip.c_str());
    if (!name || !bytes) {
      ASN1_OCTET_STRING_free(bytes);
      return fail(fmt::format("'{}' is not an IP address", ip));
    }
    GENERAL_NAME_set0_value(name.get(), GEN_IPADD, bytes);
    if (sk_GENERAL_NAME_push(names.get(), name.get()) == 0) return fail("out of memory building subjectAltName");
    (void)name.release();  // the stack owns it now
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return fail(fmt::format("cannot add subjectAltName: {}", openssl_errors()));
  }
  return {};
}

Result<void> set_subject(X509* cert, const CertRequest& request) {
  X509_NAME* name = X509_get_subject_name(cert);
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                      -1, -1, 0) == 1;
  };
  for (const auto& org : request.organizations) {
    if (!add("O", org)) return fail(fmt::format("cannot set O={}: {}", org, openssl_errors()));
  }
  if (!add("CN", request.common_name)) {
    return fail(fmt::format("cannot set CN={}: {}", request.common_name, openssl_errors()));
  }
  return {};
}

Result<void> set_random_serial(X509* cert) {
  // The top bit is set so that every serial is exactly 128 bits long (and positive).
  BignumPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr) {
    return fail(fmt::format("cannot draw a serial number: {}", openssl_errors()));
  }
  return {};
}

Result<void> add_usage_extensions(X509* cert, X509V3_CTX* ctx, const CertRequest& request, EVP_PKEY* subject_key) {
  const bool rsa = EVP_PKEY_is_a(subject_key, "RSA");
  const char* basic = request.usage == CertUsage::ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
  const char* key_usage = request.usage == CertUsage::ca ? "critical,digitalSignature,keyCertSign,cRLSign"
                          : rsa                          ? "critical,digitalSignature,keyEncipherment"
                                                         : "critical,digitalSignature";
  const char* extended = nullptr;
  switch (request.usage) {
    case CertUsage::ca:
      break;
    case CertUsage::server:
      extended = "serverAuth";
      break;
    case CertUsage::client:
      extended = "clientAuth";
      break;
    case CertUsage::server_and_client:
      extended = "serverAuth,clientAuth";
      break;
  }
  if (auto ok = add_extension(cert, ctx, NID_basic_constraints, basic); !ok) return ok;
  if (auto ok = add_extension(cert, ctx, NID_key_usage, key_usage); !ok) return ok;
  if (extended != nullptr) {
    if (auto ok = add_extension(cert, ctx, NID_ext_key_usage, extended); !ok) return ok;
  }
  if (auto ok = add_extension(cert, ctx, NID_subject_key_identifier, "hash"); !ok) return ok;
  if (request.usage != CertUsage::ca) {
    if (auto ok = add_extension(cert, ctx, NID_authority_key_identifier, "keyid:always"); !ok) return ok;
  }
  return {};
}

std::time_t to_time(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
  return ::timegm(&tm);
}

std::string name_text(const X509_NAME* name, std::string* common_name, std::vector<std::string>* organizations) {
  std::string out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
    unsigned char* utf8 = nullptr;
    int length = ASN1_STRING_to_UTF8(&utf8, data);
    std::string value = length >= 0 ? std::string(reinterpret_cast<char*>(utf8), static_cast<size_t>(length)) : "";
    OPENSSL_free(utf8);
    if (!out.empty()) out += ", ";
    out += fmt::format("{}={}", OBJ_nid2sn(nid), value);
    if (nid == NID_commonName && common_name) *common_name = value;
    if (nid == NID_organizationName && organizations) organizations->push_back(value);
  }
  return out;
}

Result<std::string> ip_text(const ASN1_OCTET_STRING* bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  int length = ASN1_STRING_length(bytes);
  const unsigned char* data = ASN1_STRING_get0_data(bytes);
  int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : 0;
  if (family == 0 || ::inet_ntop(family, data, buf, sizeof buf) == nullptr) {
    return fail(fmt::format("an IP subjectAltName of {} bytes", length));
  }
  return std::string(buf);
}

}  // namespace

Result<X509Ptr> issue_certificate(const CertRequest& request, EVP_PKEY* subject_key, std::optional<Signer> signer) {
  if (request.common_name.empty()) return fail("a certificate needs a common name");
  if (request.validity_days <= 0 && request.validity_minutes <= 0 && request.not_before == 0) {
    return fail(fmt::format("validity of {} days for {}", request.validity_days, request.common_name));
  }
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return fail(fmt::format("cannot create a certificate: {}", openssl_errors()));
  }
  if (auto ok = set_random_serial(cert.get()); !ok) return std::unexpected(ok.error());
  if (auto ok = set_subject(cert.get(), request); !ok) return std::unexpected(ok.error());
  X509* issuer = signer ? signer->cert : cert.get();
  EVP_PKEY* signing_key = signer ? signer->key : subject_key;
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return fail(fmt::format("cannot set issuer or key of {}: {}", request.common_name, openssl_errors()));
  }

  std::time_t now = std::time(nullptr);
  std::time_t start = request.not_before != 0 ? request.not_before : now - kClockSkewSeconds;
  std::time_t base = request.not_before != 0 ? request.not_before : now;
  if (X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, 0, &start) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), request.validity_minutes > 0 ? 0 : request.validity_days,
                       request.validity_minutes > 0 ? request.validity_minutes * 60L : 0, &base) == nullptr) {
    return fail(fmt::format("cannot set the validity of {}: {}", request.common_name, openssl_errors()));
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert.get(), nullptr, nullptr, 0);
  if (auto ok = add_usage_extensions(cert.get(), &ctx, request, subject_key); !ok) return std::unexpected(ok.error());
  if (auto ok = add_subject_alt_names(cert.get(), request); !ok) return std::unexpected(ok.error());

  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) {
    return fail(fmt::format("cannot sign the certificate of {}: {}", request.common_name, openssl_errors()));
  }
  return cert;
}

Result<std::string> certificate_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return fail(fmt::format("cannot encode a certificate: {}", openssl_errors()));
  }
  return bio_contents(bio.get());
}

Result<X509Ptr> parse_certificate(std::string_view pem, std::string_view where) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) return fail(fmt::format("not a PEM certificate: {}", openssl_errors()), std::string(where));
  return cert;
}

Result<CertInfo> describe_certificate(X509* cert) {
  CertInfo info;
  info.subject = name_text(X509_get_subject_name(cert), &info.common_name, &info.organizations);
  info.issuer = name_text(X509_get_issuer_name(cert), nullptr, nullptr);

  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      info.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                  static_cast<size_t>(ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      auto ip = ip_text(name->d.iPAddress);
      if (!ip) return std::unexpected(ip.error());
      info.ip_addresses.push_back(*ip);
    }
  }
  std::sort(info.dns_names.begin(), info.dns_names.end());
  std::sort(info.ip_addresses.begin(), info.ip_addresses.end());

  BasicConstraintsPtr basic(
      static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr)));
  info.is_ca = basic && basic->ca;
  uint32_t extended = X509_get_extended_key_usage(cert);  // every bit set when the extension is absent
  info.server_auth = (extended & XKU_SSL_SERVER) != 0;
  info.client_auth = (extended & XKU_SSL_CLIENT) != 0;
  info.not_before = to_time(X509_get0_notBefore(cert));
  info.not_after = to_time(X509_get0_notAfter(cert));

  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (!serial) return fail(fmt::format("unreadable serial number: {}", openssl_errors()));
  info.serial_bits = BN_num_bits(serial.get());
  OpensslString hex(BN_bn2hex(serial.get()));
  if (hex) info.serial_hex = hex.get();
  info.key_algorithm = key_algorithm(X509_get0_pubkey(cert));
  return info;
}

bool key_matches(X509* cert, EVP_PKEY* key) {
  bool match = X509_check_private_key(cert, key) == 1;
  ERR_clear_error();  // a mismatch queues an error we have already answered
  return match;
}

bool issued_by(X509* cert, X509* ca) {
  bool issued = X509_check_issued(ca, cert) == X509_V_OK && X509_verify(cert, X509_get0_pubkey(ca)) == 1;
  ERR_clear_error();
  return issued;
}

Result<std::string> canonical_ip(std::string_view text) {
  std::string input(text);
  unsigned char bytes[16];
  char buf[INET6_ADDRSTRLEN] = {};
  if (::inet_pton(AF_INET, input.c_str(), bytes) == 1) {
    ::inet_ntop(AF_INET, bytes, buf, sizeof buf);
    return std::string(buf);
  }
  if (::inet_pton(AF_INET6, input.c_str(), bytes) == 1) {
    ::inet_ntop(AF_INET6, bytes, buf, sizeof buf);
    return std::string(buf);
  }
  return fail(fmt::format("'{}' is not an IP address", text));
}

}  // namespace kstack::pki
