#pragma once

// What tests need to read back what kstack encoded: base64 (the Secrets' data, Nova's user-data) and gzip
// (user-data packed to fit Nova's limit). Not part of kstack itself.

#include <string>

namespace kstack::testing {

/// Standard base64 decoded; "" when the text is not base64.
std::string decode_base64(const std::string& text);

/// A gzip stream inflated; the input as is when it does not start like gzip.
std::string gunzip_if_gzipped(const std::string& data);

}  // namespace kstack::testing
