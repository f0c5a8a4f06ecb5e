// Drives every call of the client against the live dev cloud (devcloud/). Each test makes what it needs
// under an itest-<unique> name with a tag of its own, deletes it, and proves the deletion by listing.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "openstack/blockstorage.h"
#include "openstack/cloud_config.h"
#include "openstack/compute.h"
#include "openstack/image.h"
#include "openstack/loadbalancer.h"
#include "openstack/network.h"

namespace kstack::openstack {
namespace {

using namespace std::chrono_literals;

std::string clouds_yaml() {
  const char* v = std::getenv("OS_CLIENT_CONFIG_FILE");
  return v != nullptr ? v : "/tmp/kstack-devcloud/clouds.yaml";
}

Getenv devcloud_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    if (name == "OS_CLIENT_CONFIG_FILE") return clouds_yaml();
    const char* v = std::getenv(name.c_str());
    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
  };
}

std::string unique(const std::string& what) {
  return "itest-" + what + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

/// Polls until `done` holds, for at most `limit`.
bool eventually(const std::function<bool()>& done, std::chrono::seconds limit = 180s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(1s);
  }
  return false;
}

class DevCloud : public testing::Test {
 protected:
  void SetUp() override {
    auto cloud = load_cloud("devcloud", devcloud_env());
    ASSERT_TRUE(cloud) << cloud.error().to_string();
    auto client = Client::connect(*cloud);
    ASSERT_TRUE(client) << client.error().to_string();
    client_ = std::move(*client);
  }
  Client& c() { return *client_; }
  std::unique_ptr<Client> client_;
};

TEST_F(DevCloud, AuthenticatesAndFindsEveryService) {
  EXPECT_FALSE(c().project_id().empty());
  for (const char* type : {"compute", "network", "volumev3", "load-balancer", "image"}) {
    auto ep = c().endpoint(type);
    ASSERT_TRUE(ep) << ep.error().to_string();
    EXPECT_TRUE(ep->url.starts_with("http://127.0.0.1:")) << ep->url;
  }
}

TEST_F(DevCloud, ImageByNameAndFlavors) {
  auto images = image::find_by_name(c(), "ubuntu-22.04");
  ASSERT_TRUE(images) << images.error().to_string();
  ASSERT_FALSE(images->empty());
  EXPECT_EQ(images->front().status, "active");
  auto flavors = compute::list_flavors(c());
  ASSERT_TRUE(flavors) << flavors.error().to_string();
  EXPECT_FALSE(flavors->empty());
  auto limits = compute::limits(c());
  ASSERT_TRUE(limits);
  EXPECT_GT(limits->max_instances, 0);
  auto vlimits = blockstorage::limits(c());
  ASSERT_TRUE(vlimits);
  EXPECT_GT(vlimits->max_volumes, 0);
  auto types = blockstorage::list_volume_types(c());
  ASSERT_TRUE(types);
  EXPECT_FALSE(types->empty());
  auto quotas = network::quota_details(c(), c().project_id());
  ASSERT_TRUE(quotas) << quotas.error().to_string();
  EXPECT_TRUE(quotas->contains("port"));
  auto vq = blockstorage::quota_usage(c(), c().project_id());
  ASSERT_TRUE(vq) << vq.error().to_string();
  EXPECT_TRUE(vq->contains("gigabytes"));
}

TEST_F(DevCloud, ErrorsCarryStatusRequestIdAndMessage) {
  auto s = compute::get_server(c(), "00000000-0000-0000-0000-000000000000");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().http_status, 404);
  EXPECT_TRUE(s.error().request_id.starts_with("req-")) << s.error().request_id;
  EXPECT_NE(s.error().what.find("could not be found"), std::string::npos);
}

/// Everything a server needs, made and torn down by the tests below.
struct Net {
  network::Network net;
  network::Subnet subnet;
  network::Router router;
  network::SecurityGroup sg;
};

Net make_network(Client& c, const std::string& name, const std::string& tag, const std::string& cidr) {
  Net n;
  auto ext = network::find_external_network(c, "floating");
  EXPECT_TRUE(ext) << ext.error().to_string();
  auto net = network::create_network(c, name + "-net", {tag});
  EXPECT_TRUE(net) << net.error().to_string();
  n.net = *net;
  auto subnet =
      network::create_subnet(c, {.name = name + "-subnet", .network_id = n.net.id, .cidr = cidr, .tags = {tag}});
  EXPECT_TRUE(subnet) << subnet.error().to_string();
  n.subnet = *subnet;
  auto router = network::create_router(c, name + "-router", ext->id, {tag});
  EXPECT_TRUE(router) << router.error().to_string();
  n.router = *router;
  auto itf = network::add_router_interface(c, n.router.id, {.subnet_id = n.subnet.id});
  EXPECT_TRUE(itf) << itf.error().to_string();
  auto sg = network::create_security_group(c, name + "-sg", "integration test", {tag});
  EXPECT_TRUE(sg) << sg.error().to_string();
  n.sg = *sg;
  return n;
}

void delete_network(Client& c, const Net& n) {
  EXPECT_TRUE(network::remove_router_interface(c, n.router.id, {.subnet_id = n.subnet.id}));
  EXPECT_TRUE(network::delete_router(c, n.router.id));
  EXPECT_TRUE(network::delete_security_group(c, n.sg.id));
  EXPECT_TRUE(network::delete_subnet(c, n.subnet.id));
  auto r = network::delete_network(c, n.net.id);
  EXPECT_TRUE(r) << r.error().to_string();
}

TEST_F(DevCloud, NetworkCallsCreateListByTagAndCleanUp) {
  const std::string name = unique("net");
  const std::string tag = "kstack-cluster=" + name;
  Net n = make_network(c(), name, tag, "10.91.0.0/24");
  auto rule = network::create_security_group_rule(c(), {.security_group_id = n.sg.id,
                                                        .protocol = "tcp",
                                                        .port_range_min = 6443,
                                                        .port_range_max = 6443,
                                                        .remote_ip_prefix = "0.0.0.0/0"});
  ASSERT_TRUE(rule) << rule.error().to_string();
  auto port = network::create_port(c(), {.name = name + "-port",
                                         .network_id = n.net.id,
                                         .fixed_ips = {{n.subnet.id, "10.91.0.20"}},
                                         .security_group_ids = {n.sg.id},
                                         .tags = {tag}});
  ASSERT_TRUE(port) << port.error().to_string();
  EXPECT_EQ(port->fixed_ips.at(0).ip_address, "10.91.0.20");
  auto ext = network::find_external_network(c(), "floating");
  ASSERT_TRUE(ext);
  auto fip = network::create_floating_ip(c(), ext->id, name + "-fip", {tag});
  ASSERT_TRUE(fip) << fip.error().to_string();
  auto assoc = network::associate_floating_ip(c(), fip->id, port->id);
  ASSERT_TRUE(assoc) << assoc.error().to_string();
  EXPECT_EQ(assoc->fixed_ip_address, "10.91.0.20");

  const network::Filter by_tag{.tags = {tag}};
  EXPECT_EQ(network::list_networks(c(), by_tag)->size(), 1u);
  EXPECT_EQ(network::list_subnets(c(), by_tag)->size(), 1u);
  EXPECT_EQ(network::list_routers(c(), by_tag)->size(), 1u);
  EXPECT_EQ(network::list_ports(c(), by_tag)->size(), 1u);
  EXPECT_EQ(network::list_security_groups(c(), by_tag)->size(), 1u);
  EXPECT_EQ(network::list_floating_ips(c(), by_tag)->size(), 1u);

  EXPECT_TRUE(network::associate_floating_ip(c(), fip->id, ""));
  EXPECT_TRUE(network::delete_floating_ip(c(), fip->id));
  EXPECT_TRUE(network::delete_security_group_rule(c(), rule->id));
  EXPECT_TRUE(network::delete_port(c(), port->id));
  delete_network(c(), n);
  EXPECT_TRUE(network::list_networks(c(), by_tag)->empty());
  EXPECT_TRUE(network::list_subnets(c(), by_tag)->empty());
  EXPECT_TRUE(network::list_routers(c(), by_tag)->empty());
  EXPECT_TRUE(network::list_ports(c(), by_tag)->empty());
  EXPECT_TRUE(network::list_security_groups(c(), by_tag)->empty());
  EXPECT_TRUE(network::list_floating_ips(c(), by_tag)->empty());
}

TEST_F(DevCloud, ServerWithPortVolumeUserDataGroupAndTags) {
  const std::string name = unique("srv");
  const std::string tag = "kstack-cluster=" + name;
  Net n = make_network(c(), name, tag, "10.92.0.0/24");
  auto port = network::create_port(c(), {.name = name + "-port",
                                         .network_id = n.net.id,
                                         .fixed_ips = {{n.subnet.id, ""}},
                                         .security_group_ids = {n.sg.id},
                                         .tags = {tag}});
  ASSERT_TRUE(port) << port.error().to_string();
  auto key = compute::import_keypair(
      c(), name, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBg0ZdDgd4cW0eTn7Uj6JdZ0MX5nz+jCBvGRBl1lNmYl itest");
  ASSERT_TRUE(key) << key.error().to_string();
  ASSERT_TRUE(compute::get_keypair(c(), name));
  auto group = compute::create_server_group(c(), name + "-group", "soft-anti-affinity");
  ASSERT_TRUE(group) << group.error().to_string();
  auto volume =
      blockstorage::create_volume(c(), {.name = name + "-data", .size_gb = 1, .metadata = {{"kstack-cluster", name}}});
  ASSERT_TRUE(volume) << volume.error().to_string();
  ASSERT_TRUE(eventually([&] {
    auto v = blockstorage::get_volume(c(), volume->id);
    return v && v->status == "available";
  }));
  auto owned = blockstorage::list_volumes(c(), {.metadata = {{"kstack-cluster", name}}});
  ASSERT_TRUE(owned) << owned.error().to_string();
  ASSERT_EQ(owned->size(), 1u);

  auto images = image::find_by_name(c(), "ubuntu-22.04");
  ASSERT_TRUE(images && !images->empty());
  auto flavors = compute::list_flavors(c());
  ASSERT_TRUE(flavors && !flavors->empty());
  compute::ServerCreate req{.name = name,
                            .flavor_id = flavors->front().id,
                            .image_id = images->front().id,
                            .key_name = name,
                            .port_ids = {port->id},
                            .block_devices = {{"volume", "volume", volume->id, -1, 0, false}},
                            .user_data = "#cloud-config\nhostname: itest\n",
                            .metadata = {{"role", "master"}},
                            .tags = {tag},
                            .server_group_id = group->id};
  req.block_devices.insert(req.block_devices.begin(),
                           compute::BlockDevice{"image", "local", images->front().id, 0, 0, true});
  auto server = compute::create_server(c(), req);
  ASSERT_TRUE(server) << server.error().to_string();
  std::vector<compute::Server> seen;
  ASSERT_TRUE(eventually([&] {
    auto s = compute::list_servers(c(), {.tags = {tag}});
    if (s) seen = *s;
    return s && s->size() == 1 && (s->front().status == "ACTIVE" || s->front().status == "ERROR");
  }));
  EXPECT_EQ(seen.front().status, "ACTIVE") << seen.front().fault.message;
  auto got = compute::get_server(c(), server->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->metadata.at("role"), "master");
  EXPECT_EQ(got->volume_ids, std::vector<std::string>{volume->id});
  EXPECT_EQ(got->addresses.at(name + "-net").front(), port->fixed_ips.at(0).ip_address);
  auto groups = compute::list_server_groups(c());
  ASSERT_TRUE(groups);
  bool member = false;
  for (const auto& g : *groups) {
    if (g.id == group->id) member = g.members == std::vector<std::string>{server->id};
  }
  EXPECT_TRUE(member);
  auto console = compute::console_output(c(), server->id, 5);
  ASSERT_TRUE(console) << console.error().to_string();

  ASSERT_TRUE(compute::delete_server(c(), server->id));
  EXPECT_TRUE(eventually([&] {
    auto s = compute::list_servers(c(), {.tags = {tag}});
    return s && s->empty();
  }));
  EXPECT_TRUE(eventually([&] {
    auto v = blockstorage::get_volume(c(), volume->id);
    return v && v->status == "available";
  }));
  EXPECT_TRUE(blockstorage::delete_volume(c(), volume->id));
  EXPECT_TRUE(eventually([&] {
    auto v = blockstorage::list_volumes(c(), {.metadata = {{"kstack-cluster", name}}});
    return v && v->empty();
  }));
  EXPECT_TRUE(compute::delete_server_group(c(), group->id));
  EXPECT_TRUE(compute::delete_keypair(c(), name));
  auto keys = compute::list_keypairs(c());
  ASSERT_TRUE(keys);
  for (const auto& k : *keys) EXPECT_NE(k.name, name);
  EXPECT_TRUE(network::delete_port(c(), port->id));
  delete_network(c(), n);
  EXPECT_TRUE(network::list_ports(c(), {.tags = {tag}})->empty());
}

TEST_F(DevCloud, FullyPopulatedLoadBalancerStatusTreeAndCascadeDelete) {
  const std::string name = unique("lb");
  const std::string tag = "kstack-cluster=" + name;
  Net n = make_network(c(), name, tag, "10.93.0.0/24");
  loadbalancer::Pool pool{
      .name = name + "-pool", .members = {{"m1", "10.93.0.10", 6443, n.subnet.id}}, .has_health_monitor = true};
  auto lb = loadbalancer::create_load_balancer(
      c(),
      {.name = name, .vip_subnet_id = n.subnet.id, .tags = {tag}, .listeners = {{name + "-api", "TCP", 6443, pool}}});
  ASSERT_TRUE(lb) << lb.error().to_string();
  ASSERT_TRUE(eventually([&] {
    auto l = loadbalancer::get_load_balancer(c(), lb->id);
    return l && (l->provisioning_status == "ACTIVE" || l->provisioning_status == "ERROR");
  }));
  auto tree = loadbalancer::status_tree(c(), lb->id);
  ASSERT_TRUE(tree) << tree.error().to_string();
  EXPECT_EQ(tree->provisioning_status, "ACTIVE");
  ASSERT_EQ(tree->listeners.size(), 1u);
  ASSERT_EQ(tree->listeners[0].pools.size(), 1u);
  EXPECT_EQ(tree->listeners[0].pools[0].members.at(0).address, "10.93.0.10");
  auto listed = loadbalancer::list_load_balancers(c(), {.tags = {tag}});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  auto by_name = loadbalancer::list_load_balancers(c(), {.name = name});
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->size(), 1u);
  ASSERT_TRUE(loadbalancer::delete_load_balancer(c(), lb->id));
  EXPECT_TRUE(eventually([&] {
    auto l = loadbalancer::list_load_balancers(c(), {.tags = {tag}});
    return l && l->empty();
  }));
  // Octavia's VIP port goes with the load balancer; then the network can go.
  EXPECT_TRUE(eventually([&] {
    auto p = network::list_ports(c(), {});
    if (!p) return false;
    for (const auto& port : *p) {
      if (port.network_id == n.net.id && port.device_id != n.router.id) return false;
    }
    return true;
  }));
  delete_network(c(), n);
  EXPECT_TRUE(network::list_networks(c(), {.tags = {tag}})->empty());
}

TEST(KstackDebug, AWholeInvocationAtDebugLevelShowsNoSecret) {
  const std::string out = testing::TempDir() + "kstack-debug-" + std::to_string(::getpid());
  const std::string spec = out + ".yaml";
  std::string cmd = std::string("'") + KSTACK_BINARY + "' init --topology single --name itest > '" + spec + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  cmd = "OS_CLIENT_CONFIG_FILE='" + clouds_yaml() + "' '" + KSTACK_BINARY + "' --debug cloud check -f '" + spec +
        "' --os-cloud devcloud > '" + out + "' 2>&1";
  const int status = std::system(cmd.c_str());
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::remove(out.c_str());
  std::remove(spec.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 0) << text;
  auto cloud = load_cloud("devcloud", devcloud_env());
  ASSERT_TRUE(cloud);
  EXPECT_NE(text.find("-> POST http://127.0.0.1:5000/v3/auth/tokens"), std::string::npos);  // it did log
  EXPECT_NE(text.find("x-subject-token: ***"), std::string::npos);
  EXPECT_EQ(text.find(cloud->password), std::string::npos);
  EXPECT_EQ(text.find("gAAAAA"), std::string::npos);  // no Fernet token
}

}  // namespace
}  // namespace kstack::openstack
