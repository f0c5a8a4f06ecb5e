#pragma once

#include <optional>
#include <string>
#include <vector>

#include "openstack/client.h"

namespace kstack::openstack::loadbalancer {

/// LoadBalancer is an Octavia load balancer: the API servers' front, or one the cloud controller made.
struct LoadBalancer {
  std::string id;
  std::string name;
  std::string description;
  std::string vip_address;
  std::string vip_port_id;
  std::string vip_subnet_id;
  std::string provider;
  std::string provisioning_status;  // PENDING_CREATE | ACTIVE | PENDING_DELETE | ERROR ...
  std::string operating_status;     // ONLINE | OFFLINE | DEGRADED | ERROR | NO_MONITOR
  std::vector<std::string> tags;
  std::vector<std::string> listener_ids;
  std::vector<std::string> pool_ids;
};

/// HealthMonitor checks a pool's members.
struct HealthMonitor {
  std::string type = "TCP";  // TCP | HTTP | HTTPS | PING | UDP-CONNECT
  int delay_s = 5;
  int timeout_s = 5;
  int max_retries = 3;
  std::string url_path;        // HTTP(S) only
  std::string expected_codes;  // HTTP(S) only: "200", "200,202", "200-204"; empty: Octavia's default (200)
};

/// Member is one backend of a pool.
struct Member {
  std::string name;
  std::string address;
  int protocol_port = 0;
  std::string subnet_id;
};

/// Pool is the set of members a listener sends traffic to.
struct Pool {
  std::string name;
  std::string protocol = "TCP";
  std::string lb_algorithm = "ROUND_ROBIN";
  std::vector<Member> members;
  bool has_health_monitor = false;
  HealthMonitor health_monitor;
};

/// Listener accepts traffic on one port and hands it to its default pool.
struct Listener {
  std::string name;
  std::string protocol = "TCP";
  int protocol_port = 0;
  Pool default_pool;
  std::vector<std::string> allowed_cidrs;  // sources the listener accepts; empty: every source
  int timeout_client_data_ms = 0;          // idle time allowed on either side of a connection; 0: Octavia's
  int timeout_member_data_ms = 0;          //   default (50 s), which cuts long watches, logs -f and exec
  std::vector<std::string> tags;
};

/// ListenerState is a listener as Octavia reports it.
struct ListenerState {
  std::string id;
  std::string name;
  std::string provisioning_status;
  std::vector<std::string> load_balancer_ids;
  std::vector<std::string> allowed_cidrs;  // empty: every source (Octavia answers null)
  int timeout_client_data_ms = 0;
  int timeout_member_data_ms = 0;
  std::vector<std::string> tags;
};

/// ListenerUpdate is what kstack changes on a listener in place: who may connect, how long a connection may
/// idle, and its tags.
struct ListenerUpdate {
  std::vector<std::string> allowed_cidrs;  // empty: every source
  int timeout_client_data_ms = 0;          // 0: left as it is
  int timeout_member_data_ms = 0;
  std::vector<std::string> tags;  // empty: left as they are
};

/// LoadBalancerCreate is a whole load balancer in one POST (Octavia's "fully populated" create).
struct LoadBalancerCreate {
  std::string name;
  std::string description;
  std::string vip_subnet_id;
  std::string vip_address;  // the VIP's address on vip_subnet_id; empty: Octavia picks one
  std::string vip_port_id;  // a pre-made port whose address the VIP takes; wins over vip_subnet_id
  std::string provider;     // empty: the cloud's default
  std::vector<std::string> tags;
  std::vector<Listener> listeners;
};

/// MemberStatus, PoolStatus, ListenerStatus and StatusTree are the statuses of a load balancer and all below it.
struct MemberStatus {
  std::string id, name, address;
  int protocol_port = 0;
  std::string provisioning_status, operating_status;
};
struct PoolStatus {
  std::string id, name, provisioning_status, operating_status;
  std::vector<MemberStatus> members;
};
struct ListenerStatus {
  std::string id, name, provisioning_status, operating_status;
  std::vector<PoolStatus> pools;
};
struct StatusTree {
  std::string id, name, provisioning_status, operating_status;
  std::vector<ListenerStatus> listeners;
};

/// LoadBalancerFilter narrows a listing; empty fields do not filter.
struct LoadBalancerFilter {
  std::string name;
  std::vector<std::string> tags;  // load balancers carrying all of these
};

[[nodiscard]] Result<LoadBalancer> create_load_balancer(Client& client, const LoadBalancerCreate& request);
[[nodiscard]] Result<LoadBalancer> get_load_balancer(Client& client, const std::string& id);
/// get_load_balancer, with none for a load balancer Octavia does not know (404).
[[nodiscard]] Result<std::optional<LoadBalancer>> find_load_balancer(Client& client, const std::string& id);
[[nodiscard]] Result<std::vector<LoadBalancer>> list_load_balancers(Client& client,
                                                                    const LoadBalancerFilter& filter = {});
[[nodiscard]] Result<StatusTree> status_tree(Client& client, const std::string& id);
/// The listeners carrying all of `tags`, in one list call.
[[nodiscard]] Result<std::vector<ListenerState>> list_listeners(Client& client, const std::vector<std::string>& tags);
/// Changes a listener in place; Octavia then takes its load balancer through PENDING_UPDATE.
[[nodiscard]] Result<ListenerState> update_listener(Client& client, const std::string& id,
                                                    const ListenerUpdate& update);
/// The project's load-balancer quota (-1: unlimited; Octavia's null, "the default", counts as unlimited) and
/// how many load balancers the project has.
struct LoadBalancerQuota {
  int limit = -1;
  int used = 0;
};
[[nodiscard]] Result<LoadBalancerQuota> load_balancer_quota(Client& client, const std::string& project_id);
/// Deletes the load balancer with its listeners, pools, members and monitors.
[[nodiscard]] Result<void> delete_load_balancer(Client& client, const std::string& id);

/// The JSON bodies of the fully populated create and of a listener update (exposed for tests).
nlohmann::json create_body(const LoadBalancerCreate& request);
nlohmann::json listener_update_body(const ListenerUpdate& update);

}  // namespace kstack::openstack::loadbalancer
