#pragma once

#include <string>
#include <vector>

#include "openstack/client.h"

namespace kstack::openstack {

/// ServiceCheck is whether one service kstack needs answered, and at which endpoint and version.
struct ServiceCheck {
  std::string type;  // compute, network, volumev3, load-balancer, image
  std::string url;
  std::string version;  // the newest (micro)version it offers; empty when it does not say
  bool ok = false;
  std::string detail;  // what was seen, or the error
};

/// QuotaLine is one quota of the project with its use (limit -1: unlimited).
struct QuotaLine {
  std::string service;
  std::string resource;
  long long used = 0;
  long long limit = 0;
};

/// CloudReport is what `kstack cloud check` found out about a cloud.
struct CloudReport {
  std::string cloud;
  std::string user_id;
  std::string project_id;
  std::string project_name;
  std::vector<CatalogService> catalog;
  std::vector<ServiceCheck> services;
  std::vector<QuotaLine> quotas;

  bool ok() const;
};

/// Reaches every service kstack uses with one cheap call each and collects the project's quotas and use.
/// `image` is looked up by name when not empty.
CloudReport check_cloud(Client& client, const std::string& image);

/// The report for a terminal.
std::string format_report(const CloudReport& report);

}  // namespace kstack::openstack
