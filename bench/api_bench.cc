// Measures the OpenStack client against the dev cloud: the median latency of a token-authenticated GET over
// a reused connection and over a new connection each time, and requests per second at 1 and 10 in flight.
//
//   api_bench [cloud] [requests]     (clouds.yaml from OS_CLIENT_CONFIG_FILE; default cloud: devcloud)
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>
#include <vector>

#include "openstack/client.h"
#include "openstack/cloud_config.h"

namespace {

using Clock = std::chrono::steady_clock;
using kstack::openstack::ApiCall;
using kstack::openstack::Client;

const ApiCall kGet{{"compute", "list flavors", ""}, "GET", "/flavors"};

std::unique_ptr<Client> connect(const std::string& cloud_name, bool reuse, int in_flight) {
  auto cloud = kstack::openstack::resolve_cloud(cloud_name);
  if (!cloud) {
    fmt::print(stderr, "{}\n", cloud.error().to_string());
    std::exit(1);
  }
  kstack::openstack::TransportOptions options;
  options.reuse_connections = reuse;
  kstack::openstack::InFlightLimit::process_wide()->set_max(in_flight);
  auto client = Client::connect(*cloud, options);
  if (!client) {
    fmt::print(stderr, "{}\n", client.error().to_string());
    std::exit(1);
  }
  if (auto warm = (*client)->call("compute", kGet); !warm) {  // discovery and the first connection
    fmt::print(stderr, "{}\n", warm.error().to_string());
    std::exit(1);
  }
  return std::move(*client);
}

double median_ms(Client& client, int n) {
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    const auto start = Clock::now();
    if (!client.call("compute", kGet)) std::exit(1);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

double requests_per_second(Client& client, int n, int threads) {
  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (next++ < n) {
        if (!client.call("compute", kGet)) ++failed;
      }
    });
  }
  for (auto& t : pool) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed > 0) fmt::print(stderr, "{} requests failed\n", failed.load());
  return n / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cloud = argc > 1 ? argv[1] : "devcloud";
  const int n = argc > 2 ? std::atoi(argv[2]) : 200;
  auto reused = connect(cloud, true, 10);
  const double reuse_ms = median_ms(*reused, n);
  fmt::print("GET /flavors, reused connection:     median {:.2f} ms ({} requests, {} connections opened)\n", reuse_ms,
             n, reused->transport().connections_opened());
  auto fresh = connect(cloud, false, 10);
  const double fresh_ms = median_ms(*fresh, n);
  fmt::print("GET /flavors, new connection each:   median {:.2f} ms ({} requests, {} connections opened)\n", fresh_ms,
             n, fresh->transport().connections_opened());
  kstack::openstack::InFlightLimit::process_wide()->set_max(1);
  fmt::print("1 in flight:  {:.1f} requests/s\n", requests_per_second(*reused, n, 1));
  kstack::openstack::InFlightLimit::process_wide()->set_max(10);
  fmt::print("10 in flight: {:.1f} requests/s\n", requests_per_second(*reused, n * 2, 10));
  return 0;
}
