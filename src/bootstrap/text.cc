#include "bootstrap/text.h"

#include <fmt/format.h>

namespace kstack::bootstrap {

std::string substitute(std::string_view tmpl,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> vars) {
  std::string out;
  out.reserve(tmpl.size() + 256);
  size_t pos = 0;
  while (pos < tmpl.size()) {
    const size_t at = tmpl.find('@', pos);
    if (at == std::string_view::npos) break;
    const size_t end = tmpl.find('@', at + 1);
    if (end == std::string_view::npos) break;
    const std::string_view key = tmpl.substr(at + 1, end - at - 1);
    const std::pair<std::string_view, std::string_view>* found = nullptr;
    for (const auto& var : vars) {
      if (var.first == key) found = &var;
    }
    if (found == nullptr) {
      // Not a placeholder (an e-mail address, a literal @): keep the first '@' and go on after it.
      out.append(tmpl.substr(pos, at + 1 - pos));
      pos = at + 1;
      continue;
    }
    out.append(tmpl.substr(pos, at - pos));
    out.append(found->second);
    pos = end + 1;
  }
  out.append(tmpl.substr(pos));
  return out;
}

std::string indent(std::string_view text, int spaces) {
  std::string out;
  const std::string pad(static_cast<size_t>(spaces), ' ');
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty()) out += pad;
    out.append(line);
    if (nl < text.size()) out += '\n';
    pos = nl + 1;
  }
  return out;
}

std::string shell_quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

std::string yaml_quote(std::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string base64(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(data[i]) << 16) | (static_cast<uint8_t>(data[i + 1]) << 8) |
                       static_cast<uint8_t>(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < data.size()) {
    uint32_t n = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<uint8_t>(data[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace kstack::bootstrap
