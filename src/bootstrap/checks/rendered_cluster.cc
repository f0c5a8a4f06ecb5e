#include "bootstrap/checks/rendered_cluster.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "bootstrap/render.h"
#include "bootstrap/secrets.h"
#include "state/state_dir.h"

namespace kstack::bootstrap::checks {

RenderedCluster::~RenderedCluster() {
  std::error_code ec;
  if (!work.empty() && std::getenv("KSTACK_KEEP_RENDER") == nullptr) std::filesystem::remove_all(work, ec);
}

const RenderedNode& RenderedCluster::node(const std::string& name) const {
  for (const auto& n : nodes) {
    if (n.name == name) return n;
  }
  std::abort();
}

std::string RenderedCluster::file(const std::string& node_name, const std::string& path) const {
  for (const auto& f : node(node_name).files) {
    if (f.path == path) return f.content;
  }
  return {};
}

std::filesystem::path RenderedCluster::path_of(const std::string& node_name, const std::string& path) const {
  return tree / node_name / "files" / std::filesystem::path(path).relative_path();
}

spec::ClusterSpec reference_cluster_spec() {
  spec::ClusterSpec s;
  s.name = "demo";
  s.kubernetes.version = "1.34.4";
  s.ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKstackReferenceKeyForTestsOnly kstack@example";
  s.masters.count = 3;
  s.masters.volume_size_gb = 25;
  s.workers.count = 2;
  s.workers.volume_size_gb = 50;
  s.bastion.count = 1;
  return s;
}

std::unique_ptr<RenderedCluster> render_for_checks(const spec::ClusterSpec& spec) {
  auto out = std::make_unique<RenderedCluster>();
  out->spec = spec;
  char tmpl[] = "/tmp/kstack-checks-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  if (dir == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
    return nullptr;
  }
  out->work = dir;
  out->tree = out->work / "render";
  out->state = out->work / "state";
  auto model = model::build_model(spec);
  if (!model) {
    ADD_FAILURE() << model.error().to_string();
    return nullptr;
  }
  out->model = *model;
  auto state = state::StateDir::open(out->state);
  if (!state) {
    ADD_FAILURE() << state.error().to_string();
    return nullptr;
  }
  auto pki = pki::ensure_pki(*state, pki_inputs(spec, out->model, ""));
  if (!pki) {
    ADD_FAILURE() << pki.error().to_string();
    return nullptr;
  }
  out->pki = *pki;
  auto secrets = ensure_secrets(*state);
  if (!secrets) {
    ADD_FAILURE() << secrets.error().to_string();
    return nullptr;
  }
  auto nodes = render_cluster(spec, out->model, out->pki, *secrets, RenderOptions{});
  if (!nodes) {
    ADD_FAILURE() << nodes.error().to_string();
    return nullptr;
  }
  out->nodes = std::move(*nodes);
  if (auto written = write_tree(out->nodes, out->tree); !written) {
    ADD_FAILURE() << written.error().to_string();
    return nullptr;
  }
  return out;
}

}  // namespace kstack::bootstrap::checks
