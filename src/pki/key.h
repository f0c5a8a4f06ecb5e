#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "pki/openssl_ptr.h"
#include "spec/cluster_spec.h"
#include "util/error.h"

namespace kstack::pki {

/// A fresh private key: ECDSA on P-256, or RSA of 2048, 3072 or 4096 bits.
[[nodiscard]] Result<KeyPtr> generate_key(spec::KeyAlgorithm algorithm);

/// The algorithm of a key, or nothing when it is none that kstack issues (another curve, RSA-1024...).
std::optional<spec::KeyAlgorithm> key_algorithm(const EVP_PKEY* key);

/// "ECDSA P-256", "RSA-2048", ...
std::string_view algorithm_name(spec::KeyAlgorithm algorithm);

/// A private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY").
[[nodiscard]] Result<std::string> private_key_pem(EVP_PKEY* key);

/// The public half of a key as SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY").
[[nodiscard]] Result<std::string> public_key_pem(EVP_PKEY* key);

/// Parses a PEM private key (PKCS#8, or the traditional RSA / EC forms). `where` names it in errors.
[[nodiscard]] Result<KeyPtr> parse_private_key(std::string_view pem, std::string_view where);

}  // namespace kstack::pki
