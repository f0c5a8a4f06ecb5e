#include "util/testing/decode.h"

#include <openssl/evp.h>
#include <zlib.h>

namespace kstack::testing {

std::string decode_base64(const std::string& text) {
  if (text.size() % 4 != 0) return "";
  std::string out(text.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return "";
  size_t size = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding's bytes as data.
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() > 1 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::string gunzip_if_gzipped(const std::string& data) {
  if (data.size() < 2 || static_cast<unsigned char>(data[0]) != 0x1f || static_cast<unsigned char>(data[1]) != 0x8b) {
    return data;
  }
  z_stream s{};
  if (inflateInit2(&s, 15 + 16) != Z_OK) return "";
  std::string out;
  std::string chunk(size_t{1} << 16, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    s.next_out = reinterpret_cast<Bytef*>(chunk.data());
    s.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&s, Z_NO_FLUSH);
    out.append(chunk.data(), chunk.size() - s.avail_out);
  }
  inflateEnd(&s);
  return rc == Z_STREAM_END ? out : "";
}

}  // namespace kstack::testing
