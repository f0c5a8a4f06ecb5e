#include "reconcile/cluster_open.h"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "spec/load.h"

namespace kstack::reconcile {

namespace {

// The spec's ssh_public_key_file, read now: "~/" is the user's home, a relative path is the spec's directory's.
Result<std::string> read_public_key(const std::string& file, const std::string& spec_file) {
  std::filesystem::path path = file;
  if (file.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    path = std::filesystem::path(home ? home : "") / file.substr(2);
  } else if (path.is_relative()) {
    path = std::filesystem::path(spec_file).parent_path() / path;
  }
  std::ifstream in(path);
  if (!in) {
    return fail("cannot read the SSH public key " + path.string() + ": " + std::strerror(errno),
                spec_file + ": ssh_public_key_file",
                "make a key (ssh-keygen -t ed25519) or write the key itself in ssh_public_key");
  }
  std::string key;
  std::getline(in, key);
  while (!key.empty() && std::isspace(static_cast<unsigned char>(key.back()))) key.pop_back();
  if (!key.starts_with("ssh-") && !key.starts_with("ecdsa-")) {
    return fail(path.string() + " is not an OpenSSH public key (expected \"ssh-ed25519 AAAA...\")",
                spec_file + ": ssh_public_key_file", "name the .pub file, never the private key");
  }
  return key;
}

}  // namespace

Result<LoadedSpec> load_cluster_spec(const std::string& spec_file) {
  auto spec = spec::load_file(spec_file);
  if (!spec) {
    Error e = spec.error().front();
    if (spec.error().size() > 1)
      e.hint = fmt::format("and {} more errors: run kstack validate", spec.error().size() - 1);
    return std::unexpected(e);
  }
  auto model = model::build_model(*spec);
  if (!model) return std::unexpected(model.error());
  LoadedSpec out;
  if (spec->ssh_public_key.empty()) {
    auto key = read_public_key(spec->ssh_public_key_file, spec_file);
    if (key) spec->ssh_public_key = *key;
    if (!key) out.key_error = key.error();
  }
  out.spec = std::move(*spec);
  out.model = std::move(*model);
  return out;
}

Result<OpenedCluster> open_cluster(const SessionOptions& options) {
  auto loaded = load_cluster_spec(options.spec_file);
  if (!loaded) return std::unexpected(loaded.error());
  const auto& spec = loaded->spec;
  auto path = options.state_dir.empty() ? state::default_state_dir(options.spec_file, spec.name)
                                        : std::filesystem::path(options.state_dir);
  auto state = state::StateDir::open(path);
  if (!state) return std::unexpected(state.error());
  auto cloud = openstack::resolve_cloud(options.os_cloud.empty() ? spec.cloud : options.os_cloud);
  if (!cloud) return std::unexpected(cloud.error());
  if (!spec.region.empty()) cloud->region = spec.region;
  auto client = openstack::Client::connect(*cloud);
  if (!client) return std::unexpected(client.error());
  return OpenedCluster{.loaded = std::move(*loaded),
                       .state = std::move(*state),
                       .cloud = std::move(*cloud),
                       .client = std::move(*client)};
}

}  // namespace kstack::reconcile
