#include "cli/status_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/command.h"

namespace kstack::cli {
namespace {

StatusReport healthy_cluster() {
  StatusReport report{.cluster = "demo"};
  report.resources.push_back({.kind = "server", .name = "demo-master-1", .id = "a1", .status = "ACTIVE"});
  report.resources.push_back(
      {.kind = "volume", .name = "pvc-1", .id = "v1", .status = "in-use", .origin = "kubernetes"});
  report.resources.push_back({.kind = "server", .name = "demo-worker-1", .missing = true});
  report.plan = PlanCounts{.add = 1};
  report.kubernetes = NodesReport{.checked = true, .api_server = "https://198.51.100.7:6443", .expected = 2};
  report.kubernetes->nodes.push_back({.name = "demo-master-1", .ready = "True", .reason = "KubeletReady"});
  return report;
}

TEST(StatusReport, JsonParsesWithEveryResourceAndNode) {
  const auto doc = nlohmann::json::parse(render_status_json(healthy_cluster()));
  EXPECT_EQ(doc.at("format_version"), 1);
  EXPECT_EQ(doc.at("ok"), true);
  EXPECT_EQ(doc.at("cluster"), "demo");
  ASSERT_EQ(doc.at("resources").size(), 3u);
  EXPECT_EQ(doc.at("resources")[0].at("kind"), "server");
  EXPECT_EQ(doc.at("resources")[0].at("status"), "ACTIVE");
  EXPECT_EQ(doc.at("resources")[1].at("origin"), "kubernetes");
  EXPECT_EQ(doc.at("resources")[2].at("status"), "missing");
  EXPECT_EQ(doc.at("summary").at("resources"), 2);
  EXPECT_EQ(doc.at("summary").at("missing"), 1);
  EXPECT_EQ(doc.at("plan").at("add"), 1);
  EXPECT_EQ(doc.at("kubernetes").at("checked"), true);
  EXPECT_EQ(doc.at("kubernetes").at("nodes")[0].at("ready"), "True");
  EXPECT_EQ(doc.at("kubernetes").at("summary").at("expected"), 2);
}

TEST(StatusReport, HealthyClusterExitsZero) { EXPECT_EQ(status_exit_code(healthy_cluster()), kOk); }

TEST(StatusReport, ResourceInErrorExitsOne) {
  for (const char* status : {"ERROR", "error", "error_deleting"}) {
    auto report = healthy_cluster();
    report.resources[0].status = status;
    EXPECT_EQ(status_exit_code(report), kFailed) << status;
    EXPECT_EQ(nlohmann::json::parse(render_status_json(report)).at("summary").at("in_error"), 1);
  }
}

TEST(StatusReport, NodeNotReadyExitsOne) {
  auto report = healthy_cluster();
  report.kubernetes->nodes[0].ready = "False";
  EXPECT_EQ(status_exit_code(report), kFailed);
  EXPECT_EQ(nlohmann::json::parse(render_status_json(report)).at("ok"), false);
}

TEST(StatusReport, KubernetesNotAskedIsNotAFailure) {
  auto report = healthy_cluster();
  report.kubernetes = NodesReport{.note = "Kubernetes: not asked: a documentation address"};
  EXPECT_EQ(status_exit_code(report), kOk);
  const auto doc = nlohmann::json::parse(render_status_json(report));
  EXPECT_EQ(doc.at("kubernetes").at("checked"), false);
  EXPECT_EQ(doc.at("kubernetes").at("reason"), "Kubernetes: not asked: a documentation address");
  EXPECT_NE(render_status_text(report).find("\nKubernetes: not asked"), std::string::npos);
}

TEST(StatusReport, TextKeepsTheTable) {
  const std::string text = render_status_text(healthy_cluster());
  EXPECT_NE(text.find("in-use (kubernetes)"), std::string::npos) << text;
  EXPECT_NE(text.find("missing"), std::string::npos) << text;
  EXPECT_NE(text.find("2 resources; apply would add 1, change 0, destroy 0"), std::string::npos) << text;
  EXPECT_NE(text.find("1 of 1 nodes Ready (the spec has 2) at https://198.51.100.7:6443"), std::string::npos) << text;
}

}  // namespace
}  // namespace kstack::cli
