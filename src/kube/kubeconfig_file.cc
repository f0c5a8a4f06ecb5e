#include "kube/kubeconfig_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kstack::kube {
namespace fs = std::filesystem;

namespace {

/// UniqueFd closes the file descriptor it owns.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Result<YAML::Node> parse(std::string_view text, std::string_view where) {
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    if (doc.IsNull()) doc = YAML::Node(YAML::NodeType::Map);
    if (!doc.IsMap()) return fail("not a kubeconfig: the document is not a mapping", std::string(where));
    for (const char* list : {"clusters", "users", "contexts"}) {
      if (doc[list] && !doc[list].IsNull() && !doc[list].IsSequence()) {
        return fail(fmt::format("not a kubeconfig: \"{}\" is not a list", list), std::string(where));
      }
    }
    return doc;
  } catch (const YAML::Exception& e) {
    return fail(fmt::format("not valid YAML: {} (line {}, column {})", e.msg, e.mark.line + 1, e.mark.column + 1),
                std::string(where), "fix or move the file; kstack does not overwrite a file it cannot read");
  }
}

// Replaces the entry named like `entry` in the list `name` of `doc`, or appends it.
void upsert(YAML::Node doc, const char* name, const YAML::Node& entry) {
  YAML::Node list = doc[name];
  if (!list || list.IsNull()) {
    list = YAML::Node(YAML::NodeType::Sequence);
  }
  const std::string key = entry["name"].as<std::string>();
  YAML::Node merged(YAML::NodeType::Sequence);
  bool replaced = false;
  for (const auto& item : list) {
    if (item["name"] && item["name"].as<std::string>() == key) {
      merged.push_back(entry);
      replaced = true;
    } else {
      merged.push_back(item);
    }
  }
  if (!replaced) merged.push_back(entry);
  doc[name] = merged;
}

}  // namespace

Result<std::string> merge_kubeconfig(std::string_view existing, std::string_view addition, bool make_current,
                                     std::string_view where) {
  auto base = parse(existing, where);
  if (!base) return std::unexpected(base.error());
  auto add = parse(addition, "the new kubeconfig");
  if (!add) return std::unexpected(add.error());
  YAML::Node doc = *base;
  try {
    if (!doc["apiVersion"]) doc["apiVersion"] = "v1";
    if (!doc["kind"]) doc["kind"] = "Config";
    for (const char* list : {"clusters", "users", "contexts"}) {
      for (const auto& entry : (*add)[list]) upsert(doc, list, entry);
    }
    const bool has_current = doc["current-context"] && !doc["current-context"].as<std::string>().empty();
    if (make_current || !has_current) doc["current-context"] = (*add)["current-context"].as<std::string>();
    if (!doc["preferences"]) doc["preferences"] = YAML::Node(YAML::NodeType::Map);
  } catch (const YAML::Exception& e) {
    return fail(fmt::format("cannot merge the kubeconfig: {}", e.msg), std::string(where));
  }
  YAML::Emitter out;
  out << doc;
  return std::string(out.c_str()) + "\n";
}

fs::path default_kubeconfig_path() {
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string first(env);
    first = first.substr(0, first.find(':'));
    if (!first.empty()) return first;
  }
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".kube" / "config";
}

Result<void> merge_into_file(const fs::path& path, std::string_view addition, bool make_current) {
  std::string existing;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path);
    if (!in) return fail("cannot read the kubeconfig: " + std::string(std::strerror(errno)), path.string());
    std::stringstream text;
    text << in.rdbuf();
    existing = text.str();
  }
  auto merged = merge_kubeconfig(existing, addition, make_current, path.string());
  if (!merged) return std::unexpected(merged.error());
  if (path.has_parent_path() && !fs::exists(path.parent_path(), ec)) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) return fail("cannot create the directory: " + ec.message(), path.parent_path().string());
    fs::permissions(path.parent_path(), fs::perms::owner_all, ec);
  }
  const fs::path temp = path.string() + fmt::format(".kstack-{}.tmp", ::getpid());
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return fail("cannot write the kubeconfig: " + std::string(std::strerror(errno)), temp.string());
  const std::string& text = *merged;
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::unlink(temp.c_str());
      return fail("cannot write the kubeconfig: " + std::string(std::strerror(err)), temp.string());
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return fail("cannot replace the kubeconfig: " + std::string(std::strerror(err)), path.string());
  }
  return {};
}

}  // namespace kstack::kube
