#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "openstack/loadbalancer.h"
#include "reconcile/octavia_orphans.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {

namespace {

namespace lb = openstack::loadbalancer;

// How long a VIP port whose load balancer Octavia does not show may belong to a create still in flight
// (sent by a kstack that was cut off) before it counts as an orphan.
constexpr auto kInFlightWindow = std::chrono::seconds(30);

// The listener, pool, members and monitor live below the load balancer; a list of load balancers does not
// show them. kstack writes what it asked for into the description, so that one list call still tells
// whether anything differs.
constexpr const char* kShape[] = {"listener_protocol", "listener_port", "pool_algorithm",
                                  "member_port",       "members",       "monitor"};

std::string describe(const Props& p) {
  std::string out = "kstack";
  for (const char* k : kShape) out += std::string("|") + (p.count(k) ? p.at(k) : "");
  return out;
}

void read_description(const std::string& text, Props& props) {
  const auto fields = split(text, '|');
  if (fields.empty() || fields[0] != "kstack") return;
  for (size_t i = 0; i < std::size(kShape) && i + 1 < fields.size(); ++i) props[kShape[i]] = fields[i + 1];
}

// The value of `key=value` in a space-separated monitor description, or "".
std::string word(const std::string& s, const std::string& key) {
  auto at = s.find(" " + key + "=");
  if (at == std::string::npos) return {};
  at += key.size() + 2;
  return s.substr(at, s.find(' ', at) - at);
}

int parse_int(const std::string& s, const std::string& key, int fallback) {
  auto value = word(s, key);
  return value.empty() ? fallback : std::atoi(value.c_str());
}

int prop_int(const Props& p, const char* key) {
  auto it = p.find(key);
  return it == p.end() || it->second.empty() ? 0 : std::atoi(it->second.c_str());
}

// The listener's own attributes, read back from Octavia: they change in place, so the description
// (written once, at create) cannot tell them.
void read_listener(const lb::ListenerState& l, Props& props) {
  auto cidrs = l.allowed_cidrs;
  std::sort(cidrs.begin(), cidrs.end());
  props["allowed_cidrs"] = join(cidrs);
  props["timeout_client_data"] = std::to_string(l.timeout_client_data_ms);
  props["timeout_member_data"] = std::to_string(l.timeout_member_data_ms);
  props["listener_id"] = l.id;
}

/// LoadBalancerOps: the API load balancer, created fully populated in one call.
class LoadBalancerOps : public KindOps {
 public:
  explicit LoadBalancerOps(const OsContext& ctx) : ctx_(ctx) {}

  Result<std::vector<ObservedResource>> list() override {
    // Every load balancer, in one call shared with what Kubernetes made (list_kubernetes_owned); the
    // cluster's are those with its tag.
    auto all = ctx_.shared_list<std::vector<lb::LoadBalancer>>(shared::kLoadBalancers,
                                                               [&] { return lb::list_load_balancers(ctx_.client); });
    if (!all) return std::unexpected(all.error());
    std::erase_if(*all, [&](const lb::LoadBalancer& l) { return !ctx_.owns(l.tags); });
    // One more call for every listener of the cluster: they carry its tag too.
    auto listeners = lb::list_listeners(ctx_.client, ctx_.tags());
    if (!listeners) return std::unexpected(listeners.error());
    std::vector<ObservedResource> out;
    for (const auto& l : *all) {
      ObservedResource o{.key = {Kind::load_balancer, l.name},
                         .id = l.id,
                         .props = {{"vip_subnet_id", l.vip_subnet_id},
                                   {"vip_address", l.vip_address},
                                   {"vip_port_id", l.vip_port_id},
                                   {"provider", l.provider}},
                         .status = l.provisioning_status};
      if (l.provisioning_status == "ERROR") o.fault = "operating status " + l.operating_status;
      read_description(l.description, o.props);
      // A listener made before kstack tagged listeners is not in the list: its attributes then show as
      // unknown, and an update finds it by the load balancer's own listener ids (and tags it).
      if (!l.listener_ids.empty()) o.props["listener_id"] = l.listener_ids.front();
      for (const auto& listener : *listeners) {
        const auto& owners = listener.load_balancer_ids;
        if (std::find(owners.begin(), owners.end(), l.id) != owners.end()) read_listener(listener, o.props);
      }
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<ObservedResource> create(const Resource& r) override {
    const auto& p = r.props;
    const int member_port = std::stoi(p.at("member_port"));
    lb::Pool pool{
        .name = r.key.name + "-pool", .protocol = p.at("listener_protocol"), .lb_algorithm = p.at("pool_algorithm")};
    for (const auto& address : split(p.at("members"))) {
      pool.members.push_back({.name = r.key.name + "-" + address,
                              .address = address,
                              .protocol_port = member_port,
                              .subnet_id = p.at("vip_subnet_id")});
    }
    const auto& monitor = p.at("monitor");
    pool.has_health_monitor = true;
    pool.health_monitor = {.type = monitor.substr(0, monitor.find(' ')),
                           .delay_s = parse_int(monitor, "delay", 5),
                           .timeout_s = parse_int(monitor, "timeout", 5),
                           .max_retries = parse_int(monitor, "max_retries", 3),
                           .url_path = word(monitor, "url_path"),
                           .expected_codes = word(monitor, "expected_codes")};
    lb::LoadBalancerCreate request{.name = r.key.name,
                                   .description = describe(p),
                                   .vip_subnet_id = p.at("vip_subnet_id"),
                                   .vip_address = p.at("vip_address"),  // the address every node's certificates name
                                   .provider = p.at("provider"),
                                   .tags = ctx_.tags(),
                                   .listeners = {{.name = r.key.name + "-api",
                                                  .protocol = p.at("listener_protocol"),
                                                  .protocol_port = std::stoi(p.at("listener_port")),
                                                  .default_pool = pool,
                                                  .allowed_cidrs = split(p.at("allowed_cidrs")),
                                                  .timeout_client_data_ms = prop_int(p, "timeout_client_data"),
                                                  .timeout_member_data_ms = prop_int(p, "timeout_member_data"),
                                                  .tags = ctx_.tags()}}};
    auto post = [&] {
      return ctx_.journalled(Kind::load_balancer, r.key.name,
                             [&] { return lb::create_load_balancer(ctx_.client, request); });
    };
    auto made = post();
    // The VIP address taken: by a create that an earlier, cut-off kstack sent (still in flight in Octavia,
    // or committed after this run observed), or by a VIP port whose load balancer never came to be. Octavia
    // passes Neutron's 409 on, or (the amphora provider) wraps it in a 500; which one, what holds the
    // address tells, not the message.
    const auto in_flight_until = std::chrono::steady_clock::now() + kInFlightWindow;
    for (int released_rounds = 0; !made && address_refused(made.error());) {
      auto holder = vip_holder(ctx_.client, p.at("vip_subnet_id"), p.at("vip_address"));
      if (!holder) return std::unexpected(holder.error());
      if (holder->port_id.empty()) break;  // not an Octavia VIP port: the address is someone else's
      if (holder->load_balancer) {
        const auto& held = *holder->load_balancer;
        if (held.name != r.key.name || !ctx_.owns(held.tags)) {
          return fail("the API address " + p.at("vip_address") + " is the VIP of load balancer " + held.name + " (" +
                          held.id + "), which is not this cluster's",
                      r.key.to_string());
        }
        return created(r, held);  // the cut-off create's load balancer: this cluster's, adopted
      }
      if (std::chrono::steady_clock::now() < in_flight_until) {
        std::this_thread::sleep_for(std::chrono::seconds(2));
        continue;
      }
      if (++released_rounds > 2) break;
      auto released = release_orphaned_vip_ports(ctx_.client, p.at("vip_subnet_id"), p.at("vip_address"));
      if (!released) return std::unexpected(released.error());
      if (*released > 0) made = post();
    }
    if (!made) return std::unexpected(made.error());
    return created(r, *made);
  }

  // Whether a refused create may be the VIP address taken: Neutron's conflict passed on (409), or the
  // provider's error around it (500). Not a refusal of the request itself (400, 403, 404, 413).
  static bool address_refused(const Error& e) { return e.http_status == 409 || e.http_status == 500; }

  // What a create returns, from Octavia's view of the load balancer made for `r`.
  static ObservedResource created(const Resource& r, const lb::LoadBalancer& made) {
    ObservedResource o{.key = r.key, .id = made.id, .props = r.props, .status = made.provisioning_status};
    o.props["vip_port_id"] = made.vip_port_id;
    return o;
  }

  // Only the listener's attributes are updatable (kind.cc): one PUT of the listener. Octavia refuses it
  // (409) while the load balancer or the listener is in a PENDING_* status.
  Result<void> update(const ObservedResource& current, const Resource& r) override {
    auto listener = current.props.find("listener_id");
    if (listener == current.props.end() || listener->second.empty()) {
      return fail("the API load balancer has no listener to update", r.key.to_string());
    }
    auto done = lb::update_listener(ctx_.client, listener->second,
                                    {.allowed_cidrs = split(r.props.at("allowed_cidrs")),
                                     .timeout_client_data_ms = prop_int(r.props, "timeout_client_data"),
                                     .timeout_member_data_ms = prop_int(r.props, "timeout_member_data"),
                                     .tags = ctx_.tags()});
    if (!done) return std::unexpected(done.error());
    return {};
  }

  Result<void> remove(const ObservedResource& current) override {
    return lb::delete_load_balancer(ctx_.client, current.id);
  }

 private:
  OsContext ctx_;
};

}  // namespace

std::unique_ptr<KindOps> make_load_balancer_ops(const OsContext& ctx) { return std::make_unique<LoadBalancerOps>(ctx); }

}  // namespace kstack::reconcile
