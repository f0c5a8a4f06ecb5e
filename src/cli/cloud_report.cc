#include "cli/cloud_report.h"

#include "cli/json_document.h"

namespace kstack::cli {

std::string render_cloud_report_json(const openstack::CloudReport& report) {
  Json doc = json_document(report.ok());
  doc["cloud"] = report.cloud;
  doc["user_id"] = report.user_id;
  doc["project_id"] = report.project_id;
  doc["project_name"] = report.project_name;
  auto& catalog = doc["catalog"] = Json::array();
  for (const auto& service : report.catalog) {
    Json endpoints = Json::array();
    for (const auto& e : service.endpoints) {
      endpoints.push_back({{"interface", e.interface}, {"region", e.region}, {"url", e.url}});
    }
    catalog.push_back({{"type", service.type}, {"name", service.name}, {"endpoints", std::move(endpoints)}});
  }
  auto& services = doc["services"] = Json::array();
  for (const auto& s : report.services) {
    services.push_back({{"type", s.type}, {"url", s.url}, {"version", s.version}, {"ok", s.ok}, {"detail", s.detail}});
  }
  auto& quotas = doc["quotas"] = Json::array();
  for (const auto& q : report.quotas) {
    // A limit of -1 is the cloud's "unlimited"; null says so without a magic number.
    quotas.push_back({{"service", q.service},
                      {"resource", q.resource},
                      {"used", q.used},
                      {"limit", q.limit < 0 ? Json(nullptr) : Json(q.limit)}});
  }
  return json_text(doc);
}

}  // namespace kstack::cli
