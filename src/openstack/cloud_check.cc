#include "openstack/cloud_check.h"

#include <fmt/format.h>

#include <algorithm>

#include "openstack/blockstorage.h"
#include "openstack/compute.h"
#include "openstack/image.h"
#include "openstack/loadbalancer.h"
#include "openstack/network.h"

namespace kstack::openstack {
namespace {

ServiceCheck reach(Client& client, const std::string& type) {
  ServiceCheck check{type, "", "", false, ""};
  auto ep = client.endpoint(type);
  if (!ep) {
    check.detail = ep.error().to_string();
    return check;
  }
  check.url = ep->url;
  check.version = ep->max_version;
  return check;
}

void failed(ServiceCheck& check, const Error& e) {
  check.ok = false;
  check.detail = e.to_string();
}

void check_compute(Client& client, CloudReport& report) {
  ServiceCheck c = reach(client, "compute");
  if (!c.url.empty()) {
    if (auto l = compute::limits(client); !l) {
      failed(c, l.error());
    } else {
      c.ok = true;
      c.detail = fmt::format("microversion {} requested", kComputeMicroversion);
      report.quotas.push_back({"compute", "instances", l->used_instances, l->max_instances});
      report.quotas.push_back({"compute", "cores", l->used_cores, l->max_cores});
      report.quotas.push_back({"compute", "ram_mb", l->used_ram_mb, l->max_ram_mb});
      report.quotas.push_back({"compute", "server_groups", l->used_server_groups, l->max_server_groups});
      report.quotas.push_back({"compute", "server_group_members", 0, l->max_server_group_members});
      report.quotas.push_back({"compute", "keypairs", 0, l->max_keypairs});
    }
  }
  report.services.push_back(std::move(c));
}

void check_network(Client& client, CloudReport& report) {
  ServiceCheck c = reach(client, "network");
  if (!c.url.empty()) {
    if (auto q = network::quota_details(client, client.project_id()); !q) {
      failed(c, q.error());
    } else {
      c.ok = true;
      for (const char* r :
           {"network", "subnet", "router", "port", "floatingip", "security_group", "security_group_rule"}) {
        if (auto it = q->find(r); it != q->end()) {
          report.quotas.push_back({"network", r, it->second.used, it->second.limit});
        }
      }
    }
  }
  report.services.push_back(std::move(c));
}

void check_volume(Client& client, CloudReport& report) {
  ServiceCheck c = reach(client, "volumev3");
  if (!c.url.empty()) {
    if (auto l = blockstorage::limits(client); !l) {
      failed(c, l.error());
    } else {
      c.ok = true;
      report.quotas.push_back({"volumev3", "volumes", l->used_volumes, l->max_volumes});
      report.quotas.push_back({"volumev3", "gigabytes", l->used_gigabytes, l->max_gigabytes});
    }
  }
  report.services.push_back(std::move(c));
}

void check_load_balancer(Client& client, CloudReport& report) {
  ServiceCheck c = reach(client, "load-balancer");
  if (!c.url.empty()) {
    if (auto lbs = loadbalancer::list_load_balancers(client); !lbs) {
      failed(c, lbs.error());
    } else {
      c.ok = true;
      c.detail = fmt::format("{} load balancer{} in the project", lbs->size(), lbs->size() == 1 ? "" : "s");
      report.quotas.push_back({"load-balancer", "load_balancers", static_cast<long long>(lbs->size()), -1});
    }
  }
  report.services.push_back(std::move(c));
}

void check_image(Client& client, CloudReport& report, const std::string& name) {
  ServiceCheck c = reach(client, "image");
  if (!c.url.empty()) {
    auto images = name.empty() ? image::list_images(client) : image::find_by_name(client, name);
    if (!images) {
      failed(c, images.error());
    } else if (!name.empty() && images->empty()) {
      c.detail = fmt::format("no image named '{}'", name);
    } else {
      c.ok = true;
      c.detail = name.empty() ? fmt::format("{} images", images->size())
                              : fmt::format("image '{}' is {} ({})", name, images->front().id, images->front().status);
    }
  }
  report.services.push_back(std::move(c));
}

}  // namespace

bool CloudReport::ok() const {
  return !services.empty() && std::all_of(services.begin(), services.end(), [](const auto& s) { return s.ok; });
}

CloudReport check_cloud(Client& client, const std::string& image) {
  CloudReport report;
  report.cloud = client.cloud().name;
  report.user_id = client.user_id();
  report.project_id = client.project_id();
  report.project_name = client.project_name();
  report.catalog = client.catalog();
  check_compute(client, report);
  check_network(client, report);
  check_volume(client, report);
  check_load_balancer(client, report);
  check_image(client, report, image);
  return report;
}

std::string format_report(const CloudReport& r) {
  std::string out = fmt::format("cloud {}: authenticated as user {} in project {} ({})\n", r.cloud, r.user_id,
                                r.project_name, r.project_id);
  out += "\ncatalog:\n";
  for (const auto& s : r.catalog) out += fmt::format("  {:<15} {}\n", s.type, s.name);
  out += "\nservices:\n";
  for (const auto& s : r.services) {
    out += fmt::format("  {:<15} {:<4} {}{}\n", s.type, s.ok ? "ok" : "FAIL", s.url,
                       s.version.empty() ? "" : " (up to " + s.version + ")");
    if (!s.detail.empty()) out += fmt::format("  {:<15}      {}\n", "", s.detail);
  }
  out += "\nquotas (used / limit):\n";
  for (const auto& q : r.quotas) {
    const std::string limit = q.limit < 0 ? "unlimited" : std::to_string(q.limit);
    out += fmt::format("  {:<15} {:<22} {:>8} / {}\n", q.service, q.resource, q.used, limit);
  }
  out +=
      r.ok() ? "\nthe cloud has everything kstack needs\n" : "\nthe cloud is NOT ready for kstack (see FAIL above)\n";
  return out;
}

}  // namespace kstack::openstack
