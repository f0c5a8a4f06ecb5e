#include "reconcile/session.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "bootstrap/render.h"
#include "bootstrap/secrets.h"
#include "bootstrap/user_data.h"
#include "openstack/blockstorage.h"
#include "openstack/compute.h"
#include "openstack/image.h"
#include "openstack/loadbalancer.h"
#include "openstack/network.h"
#include "pki/cluster_pki.h"
#include "reconcile/poller.h"

namespace kstack::reconcile {

namespace os = kstack::openstack;

namespace {

constexpr const char* kShortfallHint =
    "raise the quotas above (each line says by how much), or add what is missing, or shrink the spec; "
    "then run the command again";

// The shortfall table as the last lines of an error's message.
std::string shortfall_lines(const std::vector<Shortfall>& shortfalls) {
  std::string table = render_shortfalls(shortfalls);
  if (table.ends_with('\n')) table.pop_back();
  return table;
}

const spec::NodePool& pool_of(const spec::ClusterSpec& spec, model::Role role) {
  switch (role) {
    case model::Role::bastion:
      return spec.bastion;
    case model::Role::master:
      return spec.masters;
    case model::Role::etcd:
      return spec.etcd;
    case model::Role::worker:
      return spec.workers;
  }
  return spec.workers;
}

// The flavor a pool asks for: by name, or the smallest that fits its vCPU/RAM/disk.
std::optional<os::compute::Flavor> choose_flavor(const std::vector<os::compute::Flavor>& flavors,
                                                 const spec::FlavorSpec& want) {
  std::optional<os::compute::Flavor> best;
  for (const auto& f : flavors) {
    if (!want.name.empty()) {
      if (f.name == want.name) return f;
      continue;
    }
    if (f.vcpus < want.vcpus || f.ram_mb < want.ram_mb || f.disk_gb < want.disk_gb) continue;
    auto size = [](const os::compute::Flavor& x) { return std::tuple(x.vcpus, x.ram_mb, x.disk_gb, x.name); };
    if (!best || size(f) < size(*best)) best = f;
  }
  return best;
}

std::string describe(const spec::FlavorSpec& f) {
  if (!f.name.empty()) return f.name;
  return fmt::format("{} vCPU / {} MB RAM / {} GB disk", f.vcpus, f.ram_mb, f.disk_gb);
}

}  // namespace

Result<std::unique_ptr<Session>> Session::open(const SessionOptions& options) {
  auto opened = open_cluster(options);
  if (!opened) return std::unexpected(opened.error());
  std::unique_ptr<Session> s(new Session());
  s->spec_ = std::move(opened->loaded.spec);
  s->model_ = std::move(opened->loaded.model);
  s->key_error_ = std::move(opened->loaded.key_error);
  s->state_.emplace(std::move(opened->state));
  s->cloud_config_ = std::move(opened->cloud);
  s->client_ = std::move(opened->client);
  s->cloud_ = std::make_unique<OpenStackCloud>(*s->client_, s->spec_.name, &*s->state_);
  s->cloud_->set_read_only(options.read_only);
  s->read_only_ = options.read_only;
  return s;
}

Result<CloudFacts> Session::facts() {
  if (facts_) return *facts_;
  auto found = preflight(nullptr);
  if (!found) return std::unexpected(found.error());
  if (!found->empty()) {
    return fail("the cloud lacks what the spec needs:\n" + shortfall_lines(*found), spec_.name, kShortfallHint);
  }
  return *facts_;
}

Result<std::vector<Shortfall>> Session::preflight(const Plan* plan) {
  std::vector<Shortfall> short_;
  CloudFacts f;
  auto images = os::image::find_by_name(*client_, spec_.image);
  if (!images) return std::unexpected(images.error());
  if (images->empty()) {
    short_.push_back({"image " + spec_.image, "1", "0", "upload it, or name another image in the spec"});
  } else {
    f.image_id = images->front().id;
  }
  auto flavors = os::compute::list_flavors(*client_);
  if (!flavors) return std::unexpected(flavors.error());
  std::map<std::string, os::compute::Flavor> by_id;
  for (auto role : {model::Role::bastion, model::Role::master, model::Role::etcd, model::Role::worker}) {
    if (model_.with_role(role).empty()) continue;
    const auto& want = pool_of(spec_, role).flavor;
    auto chosen = choose_flavor(*flavors, want);
    if (!chosen) {
      short_.push_back({fmt::format("flavor for the {} nodes", model::role_name(role)), describe(want), "none",
                        "name an existing flavor (openstack flavor list)"});
      continue;
    }
    f.flavor_ids[role] = chosen->id;
    by_id[chosen->id] = *chosen;
  }
  // The observation that came before lists every network the project sees: the external ones among them.
  auto listed = cloud_->last_networks();
  auto external = listed ? os::network::pick_external_network(*listed, spec_.network.external_network)
                         : os::network::find_external_network(*client_, spec_.network.external_network);
  if (!external) {
    short_.push_back({"external network " + spec_.network.external_network, "1", "0", external.error().what});
  } else {
    f.external_network_id = external->id;
  }
  if (!model_.api_vip.empty()) {
    auto catalog = client_->catalog();
    bool octavia = std::any_of(catalog.begin(), catalog.end(), [](const auto& s) { return s.type == "load-balancer"; });
    if (!octavia) {
      short_.push_back({"Octavia (load-balancer) in the catalog", "1", "0",
                        "set api_load_balancer.enabled: false for a single API server"});
    }
  }
  if (plan) {
    // What the creations of the plan consume, against what the project has left.
    Inventory inventory{.flavors = by_id};
    auto compute = os::compute::limits(*client_);
    if (!compute) return std::unexpected(compute.error());
    inventory.compute = *compute;
    for (auto role : {model::Role::master, model::Role::etcd, model::Role::worker}) {
      inventory.group_members.emplace_back(fmt::format("{}s", model::role_name(role)),
                                           static_cast<int>(model_.with_role(role).size()));
    }
    if (quota_need(*plan).of("load balancers") > 0) {
      auto lb = os::loadbalancer::load_balancer_quota(*client_, client_->project_id());
      if (!lb) return std::unexpected(lb.error());
      inventory.load_balancers = *lb;
    }
    auto block = os::blockstorage::limits(*client_);
    if (!block) return std::unexpected(block.error());
    inventory.block = *block;
    auto net = os::network::quota_details(*client_, client_->project_id());
    if (!net) return std::unexpected(net.error());
    inventory.network = std::move(*net);
    auto found = shortfalls(*plan, inventory);
    short_.insert(short_.end(), found.begin(), found.end());
  }
  if (short_.empty() || !facts_) facts_ = f;
  return short_;
}

bootstrap::RenderOptions Session::render_options(const CloudFacts& facts,
                                                 const std::map<Key, ObservedResource>& known) const {
  const auto names = ClusterNames::of(spec_.name);
  bootstrap::RenderOptions options;
  options.floating_network_id = facts.external_network_id;
  for (const auto& node : model_.nodes) {
    if (auto v = known.find({Kind::volume, volume_name(node.name)}); v != known.end()) {
      options.volume_ids[node.name] = v->second.id;
    }
  }
  if (auto subnet = known.find({Kind::subnet, names.subnet}); subnet != known.end())
    options.subnet_id = subnet->second.id;
  if (auto fip = known.find({Kind::floating_ip, names.api_floating_ip}); fip != known.end()) {
    if (auto address = fip->second.props.find("address"); address != fip->second.props.end()) {
      options.api_floating_ip = address->second;
    }
  }
  if (credentials_) options.cloud = *credentials_;
  return options;
}

namespace {

// A clouds.yaml entry by name, as the spec's addons.application_credential names one.
Result<os::CloudConfig> clouds_yaml_entry(const std::string& entry) { return os::resolve_cloud(entry); }

}  // namespace

bool Session::needs_credential() const { return spec_.addons.cloud_provider || spec_.addons.cinder_csi; }

Result<std::optional<bootstrap::CloudCredentials>> Session::known_credentials() const {
  using Known = std::optional<bootstrap::CloudCredentials>;
  if (!needs_credential()) return Known{};
  if (credentials_) return Known{*credentials_};
  if (!spec_.addons.application_credential.empty()) {
    auto c = supplied_credentials(spec_, clouds_yaml_entry, cloud_region(*client_));
    if (!c) return std::unexpected(c.error());
    return Known{*c};
  }
  auto stored = load_credential(*state_);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return Known{};
  auto c = stored_credentials(cloud_config_, **stored);
  if (!c) return std::unexpected(c.error());
  return Known{*c};
}

std::set<std::string> Session::provisional(const std::map<Key, ObservedResource>& known) const {
  std::set<std::string> out;
  // Every master's user-data carries the add-ons' credential, which the apply makes after the plan.
  if (needs_credential() && !credentials_) {
    for (const auto* node : model_.with_role(model::Role::master)) out.insert(node->name);
  }
  for (const auto& node : model_.nodes) {
    const auto inputs = user_data_inputs(spec_, model_, node);
    if (std::any_of(inputs.begin(), inputs.end(), [&](const Key& k) { return !known.contains(k); })) {
      out.insert(node.name);
    }
  }
  return out;
}

Result<std::vector<Resource>> Session::desired(const ObservedState& observed) {
  if (key_error_) return std::unexpected(*key_error_);
  // Read once (the state directory, clouds.yaml, the CA bundle): every render below uses it.
  auto credentials = known_credentials();
  if (!credentials) return std::unexpected(credentials.error());
  if (*credentials) credentials_ = **credentials;
  auto f = facts();
  if (!f) return std::unexpected(f.error());
  std::map<Key, ObservedResource> known;
  for (const auto& r : observed.resources) {
    if (r.origin == Origin::kstack) known.insert_or_assign(r.key, r);
  }
  const auto options = render_options(*f, known);
  std::lock_guard lock(render_mu_);
  auto pki = pki::ensure_pki(*state_, bootstrap::pki_inputs(spec_, model_, options.api_floating_ip));
  if (!pki) return std::unexpected(pki.error());
  auto secrets = bootstrap::ensure_secrets(*state_);
  if (!secrets) return std::unexpected(secrets.error());
  pki_ = *pki;
  pki_floating_ip_ = options.api_floating_ip;
  secrets_ = *secrets;
  auto nodes = bootstrap::render_cluster(spec_, model_, *pki, *secrets, options);
  if (!nodes) return std::unexpected(nodes.error());
  CloudFacts facts = *f;
  for (const auto& n : *nodes) facts.user_data[n.name] = n.user_data;
  facts.provisional_user_data = provisional(known);
  return desired_resources(spec_, model_, facts);
}

Result<Resource> Session::with_user_data(Resource server, const std::map<Key, ObservedResource>& known) {
  if (server.key.kind != Kind::server) return server;
  auto f = facts();
  if (!f) return std::unexpected(f.error());
  const auto options = render_options(*f, known);
  std::lock_guard lock(render_mu_);
  if (!pki_ || !secrets_) return fail("the PKI was not loaded before the servers' creation", server.key.to_string());
  const auto* node = model_.find(server.key.name);
  if (node == nullptr) return fail("the cluster has no such node", server.key.to_string());
  // A master's API certificate names the floating IP, which may be new: issued again for it (the CA and
  // every other certificate are kept). Other nodes carry no certificate that names it.
  if (node->role == model::Role::master && options.api_floating_ip != pki_floating_ip_) {
    auto pki = pki::ensure_pki(*state_, bootstrap::pki_inputs(spec_, model_, options.api_floating_ip));
    if (!pki) return std::unexpected(pki.error());
    pki_ = *pki;
    pki_floating_ip_ = options.api_floating_ip;
  }
  auto rendered = bootstrap::render_named_node(spec_, model_, *pki_, *secrets_, options, server.key.name);
  if (!rendered) return std::unexpected(rendered.error());
  server.props["user_data_sha256"] = sha256_hex(rendered->user_data);
  server.payload["user_data"] = std::move(rendered->user_data);
  return server;
}

namespace {

// Waits until every resource of the cluster that `observed` shows still being created (a server in BUILD
// that a killed run left) has settled, so that one ending in ERROR is replaced by this run rather than
// reported as done. Returns whether it waited for any (then the caller observes again).
bool await_building(Cloud& cloud, const ObservedState& observed, std::chrono::milliseconds poll) {
  std::map<Kind, std::vector<std::string>> building;
  for (const auto& r : observed.resources) {
    if (r.origin == Origin::kstack && kind_policy(r.key.kind).building.contains(r.status)) {
      building[r.key.kind].push_back(r.id);
    }
  }
  if (building.empty()) return false;
  fmt::print(stderr, "waiting for what an earlier run left being created\n");
  for (const auto& [kind, ids] : building) {
    const auto& policy = kind_policy(kind);
    const std::set<std::string> settled = policy.settled();
    SharedPoller poller(cloud.ops(kind), poll);
    const auto deadline = std::chrono::steady_clock::now() + policy.timeout;
    // An error (gone, timed out) is for the plan that follows to see, not a reason to stop here.
    for (const auto& id : ids) (void)poller.wait_settled(id, settled, deadline);
  }
  return true;
}

}  // namespace

Result<Session::ApplyOutcome> Session::apply(const PlanOptions& plan_options, const ExecutorOptions& exec_options,
                                             const std::function<bool(const Plan&)>& confirm, Cloud* through) {
  Cloud& cloud = through ? *through : *cloud_;
  ApplyOutcome outcome;
  auto observed = observe(cloud);
  if (!observed) return std::unexpected(observed.error());
  if (await_building(cloud, *observed, exec_options.poll_interval)) {
    observed = observe(cloud);
    if (!observed) return std::unexpected(observed.error());
  }
  outcome.api_calls_observe = observed->list_calls;
  auto want = desired(*observed);
  if (!want) return std::unexpected(want.error());
  auto plan = make_plan(*want, *observed, plan_options);
  if (!plan) return std::unexpected(plan.error());
  if (!plan->empty()) {
    auto shortfalls = preflight(&*plan);
    if (!shortfalls) return std::unexpected(shortfalls.error());
    if (!shortfalls->empty()) {
      return fail(
          "pre-flight: the project cannot hold this cluster; nothing was created:\n" + shortfall_lines(*shortfalls),
          spec_.name, kShortfallHint);
    }
  }
  outcome.plan = *plan;
  if (confirm && !confirm(*plan)) return outcome;
  if (needs_credential() && !read_only_) {
    auto ensured = ensure_credential(*client_, *state_, spec_, clouds_yaml_entry);
    if (!ensured) return std::unexpected(ensured.error());
    credentials_ = ensured->credentials;
    outcome.credential = *ensured;
  }
  if (plan->empty()) {  // a no-op apply costs one observation
    for (const auto& r : observed->resources) {
      if (r.origin == Origin::kstack) outcome.result.resources[r.key] = r;
    }
    return outcome;
  }
  ExecutorOptions options = exec_options;
  options.prepare = [this](Resource r, const std::map<Key, ObservedResource>& known) {
    return with_user_data(std::move(r), known);
  };
  outcome.result = execute(*plan, *observed, cloud, options);
  return outcome;
}

}  // namespace kstack::reconcile
