#include "reconcile/create_journal.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "state/state_dir.h"

namespace kstack::reconcile {

namespace {

constexpr std::string_view kDir = "creating";

// A name as one path component: '/', '%' and a leading '.' are written as %XX.
std::string file_name(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool escape = c == '/' || c == '%' || (i == 0 && c == '.');
    out += escape ? fmt::format("%{:02X}", static_cast<unsigned char>(c)) : std::string(1, c);
  }
  return out;
}

std::string unescape(const std::string& file) {
  std::string out;
  for (size_t i = 0; i < file.size(); ++i) {
    unsigned value = 0;
    if (file[i] == '%' && i + 3 <= file.size() && std::sscanf(file.substr(i + 1, 2).c_str(), "%2x", &value) == 1) {
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += file[i];
    }
  }
  return out;
}

}  // namespace

std::string CreateJournal::entry(Kind kind, const std::string& name) const {
  return fmt::format("{}/{}/{}", kDir, kind_name(kind), file_name(name));
}

Result<void> CreateJournal::begin(Kind kind, const std::string& name) {
  if (!dir_) return {};
  auto since = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  auto written = dir_->write(entry(kind, name), fmt::format("{} {}\nbegun {}\n", kind_name(kind), name, since.count()));
  if (!written) {
    return fail(fmt::format("cannot record the create of {} {} before sending it: {}", kind_name(kind), name,
                            written.error().what),
                dir_->path(entry(kind, name)).string(), "make the state directory writable, then run apply again");
  }
  return {};
}

void CreateJournal::end(Kind kind, const std::string& name) {
  if (dir_) (void)dir_->remove(entry(kind, name));
}

void CreateJournal::answered(Kind kind, const std::string& name) {
  if (dir_) (void)dir_->write(entry(kind, name), fmt::format("{} {}\nbegun 0\nanswered\n", kind_name(kind), name));
}

std::chrono::seconds CreateJournal::age(Kind kind, const std::string& name) const {
  if (!dir_) return std::chrono::seconds(0);
  auto text = dir_->read(entry(kind, name));
  if (!text) return std::chrono::seconds(0);
  auto at = text->find("\nbegun ");
  long long begun = 0;
  if (at == std::string::npos || std::sscanf(text->c_str() + at + 7, "%lld", &begun) != 1) {
    return std::chrono::seconds(0);
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return std::max(std::chrono::seconds(0), now - std::chrono::seconds(begun));
}

std::vector<std::string> CreateJournal::pending(Kind kind) const {
  std::vector<std::string> out;
  if (!dir_) return out;
  const std::string dir = fmt::format("{}/{}", kDir, kind_name(kind));
  auto files = dir_->list(dir);
  if (!files) return out;
  for (const auto& f : *files) out.push_back(unescape(f.substr(dir.size() + 1)));
  return out;
}

}  // namespace kstack::reconcile
