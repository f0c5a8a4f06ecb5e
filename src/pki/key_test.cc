#include "pki/key.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

namespace kstack::pki {
namespace {

using spec::KeyAlgorithm;

class KeyAlgorithms : public testing::TestWithParam<KeyAlgorithm> {};

TEST_P(KeyAlgorithms, GeneratedKeyHasTheRequestedAlgorithmAndSurvivesPem) {
  auto key = generate_key(GetParam());
  ASSERT_TRUE(key) << key.error().to_string();
  EXPECT_EQ(key_algorithm(key->get()), GetParam());

  auto pem = private_key_pem(key->get());
  ASSERT_TRUE(pem);
  EXPECT_TRUE(pem->starts_with("-----BEGIN PRIVATE KEY-----\n"));
  auto parsed = parse_private_key(*pem, "test.key");
  ASSERT_TRUE(parsed) << parsed.error().to_string();
  EXPECT_EQ(EVP_PKEY_eq(parsed->get(), key->get()), 1);
  EXPECT_EQ(key_algorithm(parsed->get()), GetParam());

  auto pub = public_key_pem(key->get());
  ASSERT_TRUE(pub);
  EXPECT_TRUE(pub->starts_with("-----BEGIN PUBLIC KEY-----\n"));
  EXPECT_EQ(pub->find("PRIVATE"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(All, KeyAlgorithms,
                         testing::Values(KeyAlgorithm::ecdsa_p256, KeyAlgorithm::rsa2048, KeyAlgorithm::rsa3072,
                                         KeyAlgorithm::rsa4096));

TEST(Key, TwoKeysDiffer) {
  auto a = generate_key(KeyAlgorithm::ecdsa_p256);
  auto b = generate_key(KeyAlgorithm::ecdsa_p256);
  ASSERT_TRUE(a && b);
  EXPECT_NE(EVP_PKEY_eq(a->get(), b->get()), 1);
}

TEST(Key, AlgorithmsKstackDoesNotIssueAreNotRecognised) {
  KeyPtr p384(EVP_EC_gen("P-384"));
  ASSERT_TRUE(p384);
  EXPECT_FALSE(key_algorithm(p384.get()).has_value());
  KeyPtr rsa1024(EVP_RSA_gen(1024));
  ASSERT_TRUE(rsa1024);
  EXPECT_FALSE(key_algorithm(rsa1024.get()).has_value());
  EXPECT_FALSE(key_algorithm(nullptr).has_value());
}

TEST(Key, GarbageIsAnErrorNamingTheFile) {
  auto parsed = parse_private_key("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", "pki/x.key");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().where, "pki/x.key");
  EXPECT_FALSE(parse_private_key("", "empty.key"));
}

TEST(Key, EncryptedKeyFailsWithoutPrompting) {
  auto key = generate_key(KeyAlgorithm::ecdsa_p256);
  ASSERT_TRUE(key);
  BioPtr bio(BIO_new(BIO_s_mem()));
  char pass[] = "secret";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key->get(), EVP_aes_256_cbc(), pass, 6, nullptr, nullptr), 1);
  auto parsed = parse_private_key(bio_contents(bio.get()), "enc.key");
  EXPECT_FALSE(parsed);
}

TEST(Key, AlgorithmNames) {
  EXPECT_EQ(algorithm_name(KeyAlgorithm::ecdsa_p256), "ECDSA P-256");
  EXPECT_EQ(algorithm_name(KeyAlgorithm::rsa4096), "RSA-4096");
}

}  // namespace
}  // namespace kstack::pki
