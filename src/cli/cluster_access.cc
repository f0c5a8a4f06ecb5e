#include "cli/cluster_access.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kstack::cli {

Result<reconcile::Endpoints> cluster_endpoints(reconcile::Session& session) {
  auto fips = session.cloud().ops(reconcile::Kind::floating_ip).list();
  if (!fips) return std::unexpected(fips.error());
  return reconcile::endpoints_of(session.model(), *fips);
}

Result<kube::ApiCredentials> admin_credentials(reconcile::Session& session, const std::string& server) {
  kube::ApiCredentials c{.server = server};
  for (auto [file, into] : {std::pair{"pki/ca.crt", &c.ca_pem}, std::pair{"pki/admin.crt", &c.cert_pem},
                            std::pair{"pki/admin.key", &c.key_pem}}) {
    auto text = session.state().read(file);
    if (!text) {
      return fail("the cluster's admin certificate is not in the state directory", session.state().path(file).string(),
                  "kstack apply issues it (or kstack render, offline)");
    }
    *into = *text;
  }
  return c;
}

Result<const model::Node*> find_node(const model::ClusterModel& model, const std::string& name) {
  if (const auto* n = model.find(name)) return n;
  if (const auto* n = model.find(model.cluster + "-" + name)) return n;
  std::vector<std::string> names;
  for (const auto& n : model.nodes) names.push_back(n.name);
  return fail(fmt::format("no node \"{}\" in cluster {}", name, model.cluster), name,
              fmt::format("one of: {}", fmt::join(names, ", ")));
}

}  // namespace kstack::cli
