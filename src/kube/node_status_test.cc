#include "kube/node_status.h"

#include <gtest/gtest.h>

namespace kstack::kube {
namespace {

TEST(NodeStatus, ReadsReadyConditionVersionAndCordon) {
  auto nodes = parse_node_list(R"({
    "kind": "NodeList", "apiVersion": "v1",
    "items": [
      {"metadata": {"name": "demo-master-1"},
       "status": {"nodeInfo": {"kubeletVersion": "v1.34.4"},
                  "conditions": [{"type": "MemoryPressure", "status": "False"},
                                 {"type": "Ready", "status": "True", "reason": "KubeletReady"}]}},
      {"metadata": {"name": "demo-worker-1"}, "spec": {"unschedulable": true},
       "status": {"conditions": [{"type": "Ready", "status": "False", "reason": "KubeletNotReady"}]}},
      {"metadata": {"name": "demo-worker-2"}, "status": {}}
    ]})");
  ASSERT_TRUE(nodes) << nodes.error().to_string();
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].name, "demo-master-1");
  EXPECT_EQ((*nodes)[0].ready, "True");
  EXPECT_EQ((*nodes)[0].reason, "KubeletReady");
  EXPECT_EQ((*nodes)[0].kubelet_version, "v1.34.4");
  EXPECT_FALSE((*nodes)[0].unschedulable);
  EXPECT_EQ((*nodes)[1].ready, "False");
  EXPECT_TRUE((*nodes)[1].unschedulable);
  EXPECT_EQ((*nodes)[2].ready, "Unknown");
}

TEST(NodeStatus, RefusesWhatIsNotANodeList) {
  EXPECT_FALSE(parse_node_list("not json"));
  auto status = parse_node_list(R"({"kind": "Status", "status": "Failure", "code": 403})");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().what.find("\"Status\""), std::string::npos) << status.error().what;
  EXPECT_FALSE(parse_node_list("[]"));
}

}  // namespace
}  // namespace kstack::kube
