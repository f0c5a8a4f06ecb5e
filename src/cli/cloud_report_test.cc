#include "cli/cloud_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kstack::cli {
namespace {

openstack::CloudReport report() {
  openstack::CloudReport r{.cloud = "devcloud", .user_id = "u1", .project_id = "p1", .project_name = "demo"};
  r.catalog.push_back({.type = "compute", .name = "nova", .endpoints = {{"public", "RegionOne", "http://nova"}}});
  r.services.push_back({.type = "compute", .url = "http://nova/v2.1", .version = "2.96", .ok = true});
  r.quotas.push_back({.service = "compute", .resource = "instances", .used = 3, .limit = 10});
  r.quotas.push_back({.service = "network", .resource = "ports", .used = 7, .limit = -1});
  return r;
}

TEST(CloudReportJson, ParsesWithServicesAndQuotas) {
  const auto doc = nlohmann::json::parse(render_cloud_report_json(report()));
  EXPECT_EQ(doc.at("format_version"), 1);
  EXPECT_EQ(doc.at("ok"), report().ok());
  EXPECT_EQ(doc.at("cloud"), "devcloud");
  EXPECT_EQ(doc.at("project_name"), "demo");
  EXPECT_EQ(doc.at("catalog")[0].at("endpoints")[0].at("interface"), "public");
  EXPECT_EQ(doc.at("services")[0].at("type"), "compute");
  EXPECT_EQ(doc.at("services")[0].at("ok"), true);
  EXPECT_EQ(doc.at("quotas")[0].at("used"), 3);
  EXPECT_EQ(doc.at("quotas")[0].at("limit"), 10);
  EXPECT_TRUE(doc.at("quotas")[1].at("limit").is_null()) << "unlimited";
}

TEST(CloudReportJson, AFailedServiceIsNotOk) {
  auto r = report();
  r.services.push_back({.type = "load-balancer", .ok = false, .detail = "HTTP 503"});
  const auto doc = nlohmann::json::parse(render_cloud_report_json(r));
  EXPECT_EQ(doc.at("ok"), false);
  EXPECT_EQ(doc.at("services")[1].at("detail"), "HTTP 503");
}

}  // namespace
}  // namespace kstack::cli
