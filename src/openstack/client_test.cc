#include "openstack/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "openstack/compute.h"
#include "openstack/testing/fake_cloud.h"

namespace kstack::openstack {
namespace {

using testing::FakeCloud;
using testing::Reply;
using namespace std::chrono_literals;

TEST(Client, ConnectAuthenticatesOnceAndKnowsTheProject) {
  FakeCloud cloud;
  auto client = cloud.connect();
  EXPECT_EQ(client->authentications(), 1);
  EXPECT_EQ(client->project_id(), cloud.project_id);
  EXPECT_FALSE(client->catalog().empty());
  const auto sent = cloud.server.received();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_NE(sent[0].body.find("fake-password-1234"), std::string::npos);
}

TEST(Client, DiscoversVersionsOfUnversionedEndpoints) {
  FakeCloud cloud;
  auto client = cloud.connect();
  auto network = client->endpoint("network");
  ASSERT_TRUE(network) << network.error().to_string();
  EXPECT_EQ(network->url, cloud.server.url() + "/network/v2.0");
  auto image = client->endpoint("image");
  ASSERT_TRUE(image) << image.error().to_string();
  EXPECT_EQ(image->url, cloud.server.url() + "/image/v2");
  auto lb = client->endpoint("load-balancer");
  ASSERT_TRUE(lb) << lb.error().to_string();
  EXPECT_EQ(lb->url, cloud.server.url() + "/lb/v2");
  EXPECT_FALSE(version_less(lb->max_version, "2.5"));
  auto compute = client->endpoint("compute");
  ASSERT_TRUE(compute);
  EXPECT_EQ(compute->url, cloud.server.url() + "/compute/v2.1");
  EXPECT_EQ(compute->max_version, "2.93");
  auto volume = client->endpoint("volumev3");
  ASSERT_TRUE(volume);
  EXPECT_EQ(volume->url, cloud.server.url() + "/volume/v3/" + cloud.project_id);
  // Discovered once, then cached.
  ASSERT_TRUE(client->endpoint("network"));
  EXPECT_EQ(cloud.server.count("GET", "/network/"), 1);
}

TEST(Client, SendsTheComputeMicroversionAndTheToken) {
  FakeCloud cloud;
  cloud.on("GET", "/compute/v2.1/limits", 200, "compute/limits.json");
  auto client = cloud.connect();
  ASSERT_TRUE(compute::limits(*client));
  const auto sent = cloud.server.received().back();
  EXPECT_EQ(sent.target, "/compute/v2.1/limits");
  EXPECT_EQ(sent.headers.at("openstack-api-version"), "compute 2.64");
  EXPECT_EQ(sent.headers.at("x-auth-token"), "tok-1");
}

TEST(Client, RefusesAComputeApiTooOldForKstack) {
  FakeCloud cloud;
  cloud.server.on("GET", "/compute/v2.1/", 200,
                  R"({"version": {"id": "v2.1", "status": "CURRENT", "version": "2.60", "min_version": "2.1"}})");
  auto client = cloud.connect();
  auto ep = client->endpoint("compute");
  ASSERT_FALSE(ep);
  EXPECT_NE(ep.error().what.find("kstack needs version 2.64, it offers up to 2.60"), std::string::npos)
      << ep.error().what;
}

TEST(Client, ReauthenticatesOnceOn401ThenRetries) {
  FakeCloud cloud;
  cloud.server.on(
      "POST", "/identity/v3/auth/tokens",
      {cloud.token_reply("tok-1", std::chrono::hours(1)), cloud.token_reply("tok-2", std::chrono::hours(1))});
  cloud.server.on("GET", "/compute/v2.1/limits",
                  {Reply{401, cloud.body("identity/error_401.json")}, Reply{200, cloud.body("compute/limits.json")}});
  auto client = cloud.connect();
  auto limits = compute::limits(*client);
  ASSERT_TRUE(limits) << limits.error().to_string();
  EXPECT_EQ(client->authentications(), 2);
  EXPECT_EQ(cloud.server.received().back().headers.at("x-auth-token"), "tok-2");
}

TEST(Client, ASecond401IsAnErrorNotALoop) {
  FakeCloud cloud;
  cloud.server.on("GET", "/compute/v2.1/limits", 401, cloud.body("identity/error_401.json"));
  auto client = cloud.connect();
  auto limits = compute::limits(*client);
  ASSERT_FALSE(limits);
  EXPECT_EQ(limits.error().http_status, 401);
  EXPECT_NE(limits.error().hint.find("credentials"), std::string::npos);
  EXPECT_EQ(client->authentications(), 2);
  EXPECT_EQ(cloud.server.count("GET", "/compute/v2.1/limits"), 2);
}

TEST(Client, ReauthenticatesBeforeATokenExpires) {
  FakeCloud cloud;
  // The first token is within the five-minute margin of its expiry; the second lives an hour.
  cloud.server.on(
      "POST", "/identity/v3/auth/tokens",
      {cloud.token_reply("tok-1", std::chrono::seconds(60)), cloud.token_reply("tok-2", std::chrono::hours(1))});
  cloud.on("GET", "/compute/v2.1/limits", 200, "compute/limits.json");
  auto client = cloud.connect();
  ASSERT_TRUE(compute::limits(*client));
  ASSERT_TRUE(compute::limits(*client));
  EXPECT_EQ(client->authentications(), 2);
  EXPECT_EQ(cloud.server.received().back().headers.at("x-auth-token"), "tok-2");
}

TEST(Client, ManyThreadsShareOneClientAndOneReauthentication) {
  FakeCloud cloud;
  cloud.server.on(
      "POST", "/identity/v3/auth/tokens",
      {cloud.token_reply("tok-1", std::chrono::hours(1)), cloud.token_reply("tok-2", std::chrono::hours(1))});
  auto client = cloud.connect();
  ASSERT_TRUE(client->endpoint("compute"));
  // The first token has been revoked: every request carrying it is refused.
  const std::string limits_body = cloud.body("compute/limits.json");
  cloud.server.on_request([&](const testing::Received& r) -> std::optional<Reply> {
    if (r.target != "/compute/v2.1/limits") return std::nullopt;
    if (r.headers.at("x-auth-token") == "tok-1") return Reply{401, "{}"};
    return Reply{200, limits_body};
  });
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      if (compute::limits(*client)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 16);
  EXPECT_EQ(client->authentications(), 2);  // one re-authentication for all sixteen
}

TEST(Client, FollowsNeutronNextLinksToTheEnd) {
  FakeCloud cloud;
  cloud.on("GET", "/network/v2.0/networks?limit=1", 200, "network/networks_page1.json");
  cloud.server.on("GET", "/network/v2.0/networks?limit=1&marker=5bb715c6-af22-445b-a8a5-425511ba047f", 200,
                  R"({"networks": [{"id": "n2", "name": "second"}], "networks_links": []})");
  auto client = cloud.connect();
  auto items = client->list("network", {"network", "list networks", ""}, "/networks?limit=1", "networks");
  ASSERT_TRUE(items) << items.error().to_string();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0]["name"], "floating");
  EXPECT_EQ((*items)[1]["name"], "second");
}

TEST(Client, FollowsGlancesRelativeNextToTheEnd) {
  FakeCloud cloud;
  cloud.on("GET", "/image/v2/images?limit=1", 200, "image/images_page1.json");
  cloud.server.on("GET", "/image/v2/images?limit=1&marker=d36af129-e370-4df7-bf57-3671e43c508b", 200,
                  R"({"images": [], "first": "/v2/images"})");
  auto client = cloud.connect();
  auto items = client->list("image", {"image", "list images", ""}, "/images?limit=1", "images");
  ASSERT_TRUE(items) << items.error().to_string();
  EXPECT_EQ(items->size(), 1u);
  EXPECT_EQ(cloud.server.count("GET", "/image/v2/images"), 2);
}

TEST(Client, APageThatRepeatsIsAnErrorNotALoop) {
  FakeCloud cloud;
  const std::string self = cloud.server.url() + "/network/v2.0/ports";
  cloud.server.on("GET", "/network/v2.0/ports", 200,
                  R"({"ports": [{"id": "p"}], "ports_links": [{"rel": "next", "href": ")" + self + R"("}]})");
  auto client = cloud.connect();
  auto items = client->list("network", {"network", "list ports", ""}, "/ports", "ports");
  ASSERT_FALSE(items);
  EXPECT_NE(items.error().what.find("same page twice"), std::string::npos);
}

TEST(Client, ErrorsCarryTheServicesMessageAndRequestId) {
  FakeCloud cloud;
  cloud.on("GET", "/compute/v2.1/servers/00000000-0000-0000-0000-000000000000", 404, "compute/error_404.json");
  auto client = cloud.connect();
  auto server = compute::get_server(*client, "00000000-0000-0000-0000-000000000000");
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().service, "compute");
  EXPECT_EQ(server.error().http_status, 404);
  EXPECT_EQ(server.error().request_id, "req-compute/error_404.json");
  EXPECT_EQ(server.error().where, "server 00000000-0000-0000-0000-000000000000");
  EXPECT_NE(server.error().what.find("get server failed: Instance"), std::string::npos);
}

TEST(Client, ConcurrentFirstCallsShareOneDiscovery) {
  FakeCloud cloud;
  // Nova's version document answers slowly, so that every thread asks while it is in flight.
  cloud.server.on("GET", "/compute/v2.1/",
                  {Reply{.status = 200, .body = cloud.body("compute/version.json"), .delay = 300ms}});
  auto client = cloud.connect();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (client->endpoint("compute")) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(cloud.server.count("GET", "/compute/v2.1/"), 1);
  EXPECT_EQ(client->requests().discovery, 1);
}

TEST(Client, CallsNeedNoVersionDocumentWhereThePathIsKnown) {
  FakeCloud cloud;
  cloud.on("GET", "/compute/v2.1/limits", 200, "compute/limits.json");
  cloud.on("GET", "/network/v2.0/networks", 200, "network/external_networks.json");
  cloud.on("GET", "/image/v2/images", 200, "image/images_by_name.json");
  cloud.on("GET", "/lb/v2/lbaas/loadbalancers", 200, "loadbalancer/list_by_tag.json");
  auto client = cloud.connect();
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      EXPECT_TRUE(compute::limits(*client));
      EXPECT_TRUE(client->list("network", {"network", "list networks", ""}, "/networks", "networks"));
      EXPECT_TRUE(client->list("image", {"image", "list images", ""}, "/images", "images"));
      EXPECT_TRUE(
          client->list("load-balancer", {"load-balancer", "list", ""}, "/lbaas/loadbalancers", "loadbalancers"));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : cloud.server.received()) {
    EXPECT_FALSE(r.target.ends_with("/")) << "a version document was read: " << r.target;
  }
  const auto counts = client->requests();
  EXPECT_EQ(counts.auth, 1);
  EXPECT_EQ(counts.discovery, 0);
  EXPECT_EQ(counts.reads, 16);
  EXPECT_EQ(counts.total(), client->transport().requests_sent());
}

TEST(Client, AComputeMicroversionNovaRefusesIsATooOldError) {
  FakeCloud cloud;
  cloud.server.on("GET", "/compute/v2.1/limits", 406,
                  R"({"computeFault": {"code": 406, "message": "Version 2.64 is not supported by the API. )"
                  R"(Minimum is 2.1 and maximum is 2.60."}})");
  auto client = cloud.connect();
  auto limits = compute::limits(*client);
  ASSERT_FALSE(limits);
  EXPECT_NE(limits.error().what.find("compute API is too old: kstack needs version 2.64"), std::string::npos)
      << limits.error().what;
  EXPECT_NE(limits.error().hint.find("newer OpenStack"), std::string::npos);
}

TEST(Client, AChangeSentToOctaviaChecksItsVersionFirst) {
  FakeCloud cloud;
  cloud.server.on("GET", "/lb/", 200,
                  R"({"versions": [{"id": "v2.0", "status": "SUPPORTED", "links": [{"href": "x/v2", "rel": "self"}]},)"
                  R"({"id": "v2.4", "status": "CURRENT", "links": [{"href": "x/v2", "rel": "self"}]}]})");
  cloud.server.on("DELETE", "/lb/v2/lbaas/loadbalancers/x", 204, "");
  auto client = cloud.connect();
  auto gone = client->call("load-balancer",
                           {{"load-balancer", "delete load balancer", "x"}, "DELETE", "/lbaas/loadbalancers/x"});
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().what.find("it offers up to 2.4"), std::string::npos) << gone.error().what;
  EXPECT_EQ(cloud.server.count("DELETE", "/lb/v2/lbaas/loadbalancers/x"), 0);
}

TEST(Client, QueryEncoding) {
  EXPECT_EQ(query({{"tags", "kstack-cluster=demo"}, {"name", ""}}), "?tags=kstack-cluster%3Ddemo");
  EXPECT_EQ(query({}), "");
  EXPECT_EQ(url_encode("a b/c"), "a%20b%2Fc");
}

TEST(Client, VersionOrder) {
  EXPECT_TRUE(version_less("2.5", "2.27"));
  EXPECT_TRUE(version_less("2.64", "2.93"));
  EXPECT_FALSE(version_less("2.93", "2.64"));
  EXPECT_FALSE(version_less("v2.5", "2.5"));
}

}  // namespace
}  // namespace kstack::openstack
