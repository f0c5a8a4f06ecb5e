#include "pki/key.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace kstack::pki {

Result<KeyPtr> generate_key(spec::KeyAlgorithm algorithm) {
  KeyPtr key;
  switch (algorithm) {
    case spec::KeyAlgorithm::ecdsa_p256:
      key.reset(EVP_EC_gen("P-256"));
      break;
    case spec::KeyAlgorithm::rsa2048:
      key.reset(EVP_RSA_gen(2048));
      break;
    case spec::KeyAlgorithm::rsa3072:
      key.reset(EVP_RSA_gen(3072));
      break;
    case spec::KeyAlgorithm::rsa4096:
      key.reset(EVP_RSA_gen(4096));
      break;
  }
  if (!key) return fail(fmt::format("cannot generate a {} key: {}", algorithm_name(algorithm), openssl_errors()));
  return key;
}

std::optional<spec::KeyAlgorithm> key_algorithm(const EVP_PKEY* key) {
  if (key == nullptr) return std::nullopt;
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1) {
      return std::nullopt;
    }
    std::string_view name(group, length);
    if (name == "prime256v1" || name == "P-256") return spec::KeyAlgorithm::ecdsa_p256;
    return std::nullopt;
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    switch (EVP_PKEY_get_bits(key)) {
      case 2048:
        return spec::KeyAlgorithm::rsa2048;
      case 3072:
        return spec::KeyAlgorithm::rsa3072;
      case 4096:
        return spec::KeyAlgorithm::rsa4096;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string_view algorithm_name(spec::KeyAlgorithm algorithm) {
  switch (algorithm) {
    case spec::KeyAlgorithm::ecdsa_p256:
      return "ECDSA P-256";
    case spec::KeyAlgorithm::rsa2048:
      return "RSA-2048";
    case spec::KeyAlgorithm::rsa3072:
      return "RSA-3072";
    case spec::KeyAlgorithm::rsa4096:
      return "RSA-4096";
  }
  return "unknown";
}

Result<std::string> private_key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return fail(fmt::format("cannot encode a private key: {}", openssl_errors()));
  }
  return bio_contents(bio.get());
}

Result<std::string> public_key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return fail(fmt::format("cannot encode a public key: {}", openssl_errors()));
  }
  return bio_contents(bio.get());
}

Result<KeyPtr> parse_private_key(std::string_view pem, std::string_view where) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  // A callback that offers no passphrase: an encrypted key fails instead of prompting on the terminal.
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  KeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key) return fail(fmt::format("not a PEM private key: {}", openssl_errors()), std::string(where));
  return key;
}

}  // namespace kstack::pki
