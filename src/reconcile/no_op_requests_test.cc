// What an unchanged cluster costs on the wire: the observation of plan, status and a no-op apply, and the
// pre-flight lookups that follow it, sent through the real client and transport to an in-process cloud
// that holds the cluster with 3, 50 or 500 workers. The count must not grow with the workers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "openstack/compute.h"
#include "openstack/image.h"
#include "openstack/testing/fake_cloud.h"
#include "reconcile/openstack_cloud.h"

namespace kstack::reconcile {
namespace {

using nlohmann::json;
namespace ost = openstack::testing;

// The budget of a no-op apply, a plan or a status, auth and discovery included.
constexpr long kNoOpBudget = 15;

/// BigCluster answers every list of the cluster `name` with `workers` workers (3 masters and a bastion
/// besides), each with its port, volume and server, as the cloud would after an apply.
class BigCluster {
 public:
  BigCluster(const std::string& name, int workers) : name_(name), tag_(cluster_tag(name)) {
    for (int i = 1; i <= 3; ++i) nodes_.push_back(name + "-master-" + std::to_string(i));
    for (int i = 1; i <= workers; ++i) nodes_.push_back(name + "-worker-" + std::to_string(i));
    nodes_.push_back(name + "-bastion");
  }

  std::optional<ost::Reply> answer(const ost::Received& r) const {
    if (r.method != "GET") return std::nullopt;
    const std::string path = r.target.substr(0, r.target.find('?'));
    auto reply = [](const json& j) { return ost::Reply{.status = 200, .body = j.dump()}; };
    if (path.ends_with("/os-keypairs")) return reply({{"keypairs", json::array()}});
    if (path.ends_with("/os-server-groups")) return reply({{"server_groups", json::array()}});
    if (path.ends_with("/servers/detail"))
      return reply({{"servers", each([&](const std::string& n, int i) {
                       return json{{"id", "server-" + std::to_string(i)},
                                   {"name", n},
                                   {"status", "ACTIVE"},
                                   {"tags", {tag_}},
                                   {"metadata", json::object()}};
                     })}});
    if (path.ends_with("/flavors/detail")) return reply({{"flavors", json::array()}});
    if (path.ends_with("/v2.0/networks")) {
      return reply({{"networks",
                     {{{"id", "net"}, {"name", name_ + "-net"}, {"tags", {tag_}}, {"router:external", false}},
                      {{"id", "ext"}, {"name", "floating"}, {"tags", json::array()}, {"router:external", true}}}}});
    }
    if (path.ends_with("/v2.0/subnets")) return reply({{"subnets", json::array()}});
    if (path.ends_with("/v2.0/routers")) return reply({{"routers", json::array()}});
    if (path.ends_with("/v2.0/security-groups")) return reply({{"security_groups", json::array()}});
    if (path.ends_with("/v2.0/floatingips")) return reply({{"floatingips", json::array()}});
    if (path.ends_with("/v2.0/ports")) {
      auto ports = each([&](const std::string& n, int i) {
        return json{{"id", "port-" + std::to_string(i)},
                    {"name", n},
                    {"network_id", "net"},
                    {"tags", {tag_}},
                    {"fixed_ips", {{{"subnet_id", "subnet"}, {"ip_address", "10.0.0." + std::to_string(i)}}}}};
      });
      ports.push_back({{"id", "leg"}, {"name", name_ + "-router-subnet"}, {"tags", {tag_}}});
      return reply({{"ports", ports}});
    }
    if (path.ends_with("/lbaas/loadbalancers")) return reply({{"loadbalancers", json::array()}});
    if (path.ends_with("/lbaas/listeners")) return reply({{"listeners", json::array()}});
    if (path.ends_with("/volumes/detail"))
      return reply({{"volumes", each([&](const std::string& n, int i) {
                       return json{{"id", "volume-" + std::to_string(i)},
                                   {"name", n + "-data"},
                                   {"status", "in-use"},
                                   {"size", 25},
                                   {"metadata", {{"kstack-cluster", name_}}}};
                     })}});
    if (path.ends_with("/v2/images")) return reply({{"images", {{{"id", "img"}, {"name", "ubuntu-22.04"}}}}});
    return std::nullopt;
  }

 private:
  template <class F>
  json each(F&& make) const {
    json out = json::array();
    for (size_t i = 0; i < nodes_.size(); ++i) out.push_back(make(nodes_[i], static_cast<int>(i)));
    return out;
  }

  std::string name_;
  std::string tag_;
  std::vector<std::string> nodes_;
};

/// WireCount is what one read-only pass (observe, then the pre-flight's lookups) sent.
struct WireCount {
  openstack::RequestCounts by_purpose;
  long on_the_wire = 0;
  size_t observed = 0;
};

WireCount no_op_pass(int workers) {
  ost::FakeCloud fake;
  BigCluster cluster("big", workers);
  fake.server.on_request([&](const ost::Received& r) { return cluster.answer(r); });
  auto client = fake.connect();
  OpenStackCloud cloud(*client, "big");
  cloud.set_read_only(true);
  WireCount count;
  auto observed = observe(cloud, /*include_kubernetes=*/true);
  EXPECT_TRUE(observed) << observed.error().to_string();
  if (observed) count.observed = observed->resources.size();
  // The pre-flight's facts, as Session::preflight finds them after an observation.
  auto networks = cloud.last_networks();
  EXPECT_TRUE(networks) << "the observation's network list is not kept for the pre-flight";
  if (networks) {
    EXPECT_TRUE(openstack::network::pick_external_network(*networks, "floating"));
  }
  EXPECT_TRUE(openstack::image::find_by_name(*client, "ubuntu-22.04"));
  EXPECT_TRUE(openstack::compute::list_flavors(*client));
  count.by_purpose = client->requests();
  count.on_the_wire = client->transport().requests_sent();
  EXPECT_EQ(count.on_the_wire, static_cast<long>(fake.server.received().size()));
  return count;
}

TEST(NoOpRequests, AnUnchangedClusterCostsTheSameFewRequestsAtAnySize) {
  const WireCount three = no_op_pass(3);
  for (int workers : {3, 50, 500}) {
    const WireCount c = workers == 3 ? three : no_op_pass(workers);
    SCOPED_TRACE(std::to_string(workers) + " workers");
    EXPECT_EQ(c.observed, static_cast<size_t>(3 * (workers + 4) + 2)) << "every port, volume and server is seen";
    EXPECT_LE(c.on_the_wire, kNoOpBudget);
    EXPECT_EQ(c.on_the_wire, three.on_the_wire);
    EXPECT_EQ(c.by_purpose.auth, 1);
    EXPECT_EQ(c.by_purpose.discovery, 0);
    EXPECT_EQ(c.by_purpose.writes, 0);
    EXPECT_EQ(c.by_purpose.total(), c.on_the_wire);
    std::printf("%d workers: %ld requests (auth %ld, discovery %ld, list %ld, other %ld)\n", workers, c.on_the_wire,
                c.by_purpose.auth, c.by_purpose.discovery, c.by_purpose.reads, c.by_purpose.writes);
  }
}

}  // namespace
}  // namespace kstack::reconcile
