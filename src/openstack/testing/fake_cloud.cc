#include "openstack/testing/fake_cloud.h"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

namespace kstack::openstack::testing {

using namespace std::chrono_literals;

TransportOptions fast_transport() {
  TransportOptions o;
  o.backoff_base = 5ms;
  o.backoff_max = 50ms;
  o.connect_timeout = 2000ms;
  o.total_timeout = 5000ms;
  return o;
}

FakeCloud::FakeCloud(std::chrono::seconds token_lifetime) {
  auto token = nlohmann::json::parse(body("identity/token.json"));
  project_id = token["token"]["project"]["id"];
  server.on("POST", "/identity/v3/auth/tokens", {token_reply("tok-1", token_lifetime)});
  on("GET", "/compute/v2.1/", 200, "compute/version.json");
  on("GET", "/network/", 200, "network/versions.json");
  on("GET", "/lb/", 200, "loadbalancer/versions.json");
  on("GET", "/image/", 300, "image/versions.json");
}

std::string FakeCloud::body(const std::string& name) const {
  static const std::vector<std::pair<std::string, std::string>> kPorts = {
      {"5000", "identity"}, {"8774", "compute"}, {"9696", "network"},  {"8776", "volume"},
      {"9876", "lb"},       {"9292", "image"},   {"8778", "placement"}};
  std::string text = fixture(name);
  for (const auto& [port, prefix] : kPorts) {
    text = std::regex_replace(text, std::regex("http://127\\.0\\.0\\.1:" + port + "(?![0-9])"),
                              server.url() + "/" + prefix);
  }
  return text;
}

void FakeCloud::on(const std::string& method, const std::string& target, int status, const std::string& fixture) {
  server.on(method, target, status, body(fixture), {{"X-OpenStack-Request-Id", "req-" + fixture}});
}

Reply FakeCloud::token_reply(const std::string& token_id, std::chrono::seconds lifetime) const {
  auto token = nlohmann::json::parse(body("identity/token.json"));
  const std::time_t expires = std::time(nullptr) + lifetime.count();
  std::tm tm{};
  gmtime_r(&expires, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
  token["token"]["expires_at"] = buf;
  return Reply{201, token.dump(), {{"X-Subject-Token", token_id}, {"X-OpenStack-Request-Id", "req-auth"}}};
}

CloudConfig FakeCloud::config() const {
  CloudConfig c;
  c.name = "fake";
  c.auth_url = server.url() + "/identity/v3";
  c.username = "demo";
  c.password = "fake-password-1234";
  c.user_domain_name = "Default";
  c.project_name = "demo";
  c.project_domain_name = "Default";
  c.region = "RegionOne";
  return c;
}

std::unique_ptr<Client> FakeCloud::connect() const {
  auto client = Client::connect(config(), fast_transport());
  if (!client) throw std::runtime_error("fake cloud: " + client.error().to_string());
  return std::move(*client);
}

}  // namespace kstack::openstack::testing
