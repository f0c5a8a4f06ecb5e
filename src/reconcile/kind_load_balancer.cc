#include "reconcile/kind_load_balancer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
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
  for (const char* k : kShape) out += "|" + prop(p, k);
  return out;
}

void read_description(const std::string& text, Props& props) {
  const auto fields = split(text, '|');
  if (fields.empty() || fields[0] != "kstack") return;
  for (size_t i = 0; i < std::size(kShape) && i + 1 < fields.size(); ++i) props[kShape[i]] = fields[i + 1];
}

// The value of `key=value` among the space-separated words of `text`, or "".
std::string word(const std::string& text, const std::string& key) {
  for (const auto& w : split(text, ' ')) {
    if (w.size() > key.size() && w.starts_with(key) && w[key.size()] == '=') return w.substr(key.size() + 1);
  }
  return {};
}

// The number `key=value` holds in `text`, or `fallback`.
int word_number(const std::string& text, const std::string& key, int fallback) {
  const std::string value = word(text, key);
  return value.empty() ? fallback : int_or_zero(value);
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
    const auto want = LoadBalancerProps::from_props(r.props);
    lb::Pool pool{
        .name = r.key.name + "-pool", .protocol = want.listener_protocol, .lb_algorithm = want.pool_algorithm};
    for (const auto& address : want.members) {
      pool.members.push_back({.name = r.key.name + "-" + address,
                              .address = address,
                              .protocol_port = want.member_port,
                              .subnet_id = want.vip_subnet_id});
    }
    pool.has_health_monitor = true;
    pool.health_monitor = {.type = want.monitor.type,
                           .delay_s = want.monitor.delay_s,
                           .timeout_s = want.monitor.timeout_s,
                           .max_retries = want.monitor.max_retries,
                           .url_path = want.monitor.url_path,
                           .expected_codes = want.monitor.expected_codes};
    lb::LoadBalancerCreate request{.name = r.key.name,
                                   .description = describe(r.props),
                                   .vip_subnet_id = want.vip_subnet_id,
                                   .vip_address = want.vip_address,
                                   .provider = want.provider,
                                   .tags = ctx_.tags(),
                                   .listeners = {{.name = r.key.name + "-api",
                                                  .protocol = want.listener_protocol,
                                                  .protocol_port = want.listener_port,
                                                  .default_pool = pool,
                                                  .allowed_cidrs = want.allowed_cidrs,
                                                  .timeout_client_data_ms = want.timeout_client_data_ms,
                                                  .timeout_member_data_ms = want.timeout_member_data_ms,
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
      auto holder = vip_holder(ctx_.client, want.vip_subnet_id, want.vip_address);
      if (!holder) return std::unexpected(holder.error());
      if (holder->port_id.empty()) break;  // not an Octavia VIP port: the address is someone else's
      if (holder->load_balancer) {
        const auto& held = *holder->load_balancer;
        if (held.name != r.key.name || !ctx_.owns(held.tags)) {
          return fail("the API address " + want.vip_address + " is the VIP of load balancer " + held.name + " (" +
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
      auto released = release_orphaned_vip_ports(ctx_.client, want.vip_subnet_id, want.vip_address);
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

  // Only the listener's attributes are updatable (the descriptor below): one PUT of the listener. Octavia refuses it
  // (409) while the load balancer or the listener is in a PENDING_* status.
  Result<void> update(const ObservedResource& current, const Resource& r) override {
    auto listener = current.props.find("listener_id");
    if (listener == current.props.end() || listener->second.empty()) {
      return fail("the API load balancer has no listener to update", r.key.to_string());
    }
    const auto want = LoadBalancerProps::from_props(r.props);
    auto done = lb::update_listener(ctx_.client, listener->second,
                                    {.allowed_cidrs = want.allowed_cidrs,
                                     .timeout_client_data_ms = want.timeout_client_data_ms,
                                     .timeout_member_data_ms = want.timeout_member_data_ms,
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

std::string HealthMonitorShape::to_text() const {
  std::string out = fmt::format("{} delay={} timeout={} max_retries={}", type, delay_s, timeout_s, max_retries);
  if (!url_path.empty()) out += " url_path=" + url_path;
  if (!expected_codes.empty()) out += " expected_codes=" + expected_codes;
  return out;
}

HealthMonitorShape HealthMonitorShape::from_text(const std::string& text) {
  HealthMonitorShape out;
  if (auto type = text.substr(0, text.find(' ')); !type.empty()) out.type = type;
  out.delay_s = word_number(text, "delay", out.delay_s);
  out.timeout_s = word_number(text, "timeout", out.timeout_s);
  out.max_retries = word_number(text, "max_retries", out.max_retries);
  out.url_path = word(text, "url_path");
  out.expected_codes = word(text, "expected_codes");
  return out;
}

Props LoadBalancerProps::to_props() const {
  auto number = [](int n) { return n == 0 ? std::string() : std::to_string(n); };
  return {{"vip_subnet_id", vip_subnet_id},
          {"vip_address", vip_address},
          {"provider", provider},
          {"listener_protocol", listener_protocol},
          {"listener_port", number(listener_port)},
          {"pool_algorithm", pool_algorithm},
          {"member_port", number(member_port)},
          {"members", join(members)},
          {"monitor", monitor.to_text()},
          {"allowed_cidrs", join(allowed_cidrs)},
          {"timeout_client_data", number(timeout_client_data_ms)},
          {"timeout_member_data", number(timeout_member_data_ms)}};
}

LoadBalancerProps LoadBalancerProps::from_props(const Props& props) {
  auto number = [&](const char* name) { return prop_int(props, name); };
  auto list = [&](const char* name) {
    const auto& text = prop(props, name);
    return text.empty() ? std::vector<std::string>{} : split(text);
  };
  return {.vip_subnet_id = prop(props, "vip_subnet_id"),
          .vip_address = prop(props, "vip_address"),
          .provider = prop(props, "provider"),
          .listener_protocol = prop(props, "listener_protocol"),
          .listener_port = number("listener_port"),
          .pool_algorithm = prop(props, "pool_algorithm"),
          .member_port = number("member_port"),
          .members = list("members"),
          .monitor = HealthMonitorShape::from_text(prop(props, "monitor")),
          .allowed_cidrs = list("allowed_cidrs"),
          .timeout_client_data_ms = number("timeout_client_data"),
          .timeout_member_data_ms = number("timeout_member_data")};
}

const KindDescriptor& load_balancer_kind() {
  static const KindDescriptor descriptor{
      .kind = Kind::load_balancer,
      .name = "load_balancer",
      .create_rank = 100,
      .delete_rank = 40,
      .policy =
          {
              // The listener's sources and idle timeouts change in place (a PUT of the listener); anything
              // else about the load balancer replaces it.
              .updatable = {"allowed_cidrs", "timeout_client_data", "timeout_member_data"},
              .unordered = {"members", "allowed_cidrs"},
              .async_create = true,
              .async_delete = true,
              .ready = {"ACTIVE"},
              .failed = {"ERROR"},
              .deleting = {"PENDING_DELETE"},  // Octavia refuses a second DELETE then (409)
              .building = {"PENDING_CREATE"},
              .timeout = std::chrono::seconds(1800),  // an amphora boots a VM; slow clouds take many minutes
              .error_retries = 1,
              .expected_create_s = 60,
              .expected_delete_s = 20,
          },
      .quota = [](const Resource&, QuotaNeed& need) { need.add("load balancers"); },
      .openstack_ops = [](const OsContext& ctx) -> std::unique_ptr<KindOps> {
        return std::make_unique<LoadBalancerOps>(ctx);
      },
  };
  return descriptor;
}

}  // namespace kstack::reconcile
