#pragma once

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
  std::string url_path;  // HTTP(S) only
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
};

/// LoadBalancerCreate is a whole load balancer in one POST (Octavia's "fully populated" create).
struct LoadBalancerCreate {
  std::string name;
  std::string description;
  std::string vip_subnet_id;
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

Result<LoadBalancer> create_load_balancer(Client& client, const LoadBalancerCreate& request);
Result<LoadBalancer> get_load_balancer(Client& client, const std::string& id);
Result<std::vector<LoadBalancer>> list_load_balancers(Client& client, const LoadBalancerFilter& filter = {});
Result<StatusTree> status_tree(Client& client, const std::string& id);
/// The project's load-balancer quota (-1: unlimited; Octavia's null, "the default", counts as unlimited) and
/// how many load balancers the project has.
struct LoadBalancerQuota {
  int limit = -1;
  int used = 0;
};
Result<LoadBalancerQuota> load_balancer_quota(Client& client, const std::string& project_id);
/// Deletes the load balancer with its listeners, pools, members and monitors.
Result<void> delete_load_balancer(Client& client, const std::string& id);

/// The JSON body of the fully populated create (exposed for tests).
nlohmann::json create_body(const LoadBalancerCreate& request);

}  // namespace kstack::openstack::loadbalancer
