#include "cli/json_document.h"

namespace kstack::cli {

Json json_document(bool ok) {
  Json doc;
  doc["format_version"] = 1;
  doc["ok"] = ok;
  return doc;
}

std::string json_text(const Json& doc) { return doc.dump(2) + "\n"; }

std::string rfc3339_utc(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace kstack::cli
