#include "util/error.h"

#include <fmt/format.h>

namespace kstack {

std::string Error::to_string() const {
  std::string out;
  if (!where.empty()) out += where + ": ";
  out += what;
  if (http_status != 0 || !request_id.empty()) {
    out += " (";
    if (!service.empty()) out += service + " ";
    if (http_status != 0) out += fmt::format("HTTP {}", http_status);
    if (!request_id.empty()) out += (http_status != 0 ? ", request " : "request ") + request_id;
    out += ")";
  }
  if (!hint.empty()) out += "\n  hint: " + hint;
  return out;
}

}  // namespace kstack
