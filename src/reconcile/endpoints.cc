#include "reconcile/endpoints.h"

#include <fmt/format.h>

#include "reconcile/desired.h"

namespace kstack::reconcile {

Endpoints endpoints_of_applied(const model::ClusterModel& model, const std::map<Key, ObservedResource>& resources) {
  std::vector<ObservedResource> fips;
  for (const auto& [key, r] : resources) {
    if (key.kind == Kind::floating_ip) fips.push_back(r);
  }
  return endpoints_of(model, fips);
}

Endpoints endpoints_of(const model::ClusterModel& model, const std::vector<ObservedResource>& resources) {
  const auto names = ClusterNames::of(model.cluster);
  auto address = [&](const std::string& name) -> std::string {
    for (const auto& r : resources) {
      if (r.key.kind == Kind::floating_ip && r.key.name == name && r.origin == Origin::kstack) {
        auto it = r.props.find("address");
        if (it != r.props.end()) return it->second;
      }
    }
    return "";
  };
  Endpoints e;
  for (const auto* b : model.with_role(model::Role::bastion)) e.bastion = address(b->name);
  std::string api = address(names.api_floating_ip);
  e.api_public = !api.empty();
  if (api.empty()) api = model.api_address;
  e.api_address = api;
  e.api_server = fmt::format("https://{}:6443", api);
  return e;
}

Result<std::vector<std::string>> ssh_command(const Endpoints& endpoints, const model::Node& node,
                                             const SshTarget& target, const std::vector<std::string>& command) {
  if (endpoints.bastion.empty()) {
    return fail("the bastion has no floating IP yet", node.name, "run kstack apply; kstack status shows what exists");
  }
  std::vector<std::string> argv = {"ssh"};
  auto option = [&](const std::string& o) {
    argv.push_back("-o");
    argv.push_back(o);
  };
  if (!target.identity_file.empty()) {
    argv.push_back("-i");
    argv.push_back(target.identity_file);
  }
  if (!target.known_hosts.empty()) option("UserKnownHostsFile=" + target.known_hosts);
  option("StrictHostKeyChecking=accept-new");
  if (node.role == model::Role::bastion) {
    argv.push_back(target.user + "@" + endpoints.bastion);
  } else {
    // The inner ssh sees the same identity and known_hosts; %h:%p is the node's fixed IP and port.
    std::string proxy = "ssh";
    if (!target.identity_file.empty()) proxy += " -i '" + target.identity_file + "'";
    if (!target.known_hosts.empty()) proxy += " -o 'UserKnownHostsFile=" + target.known_hosts + "'";
    proxy += " -o StrictHostKeyChecking=accept-new -W %h:%p " + target.user + "@" + endpoints.bastion;
    option("ProxyCommand=" + proxy);
    argv.push_back(target.user + "@" + node.ip);
  }
  if (!command.empty()) {
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
  }
  return argv;
}

}  // namespace kstack::reconcile
