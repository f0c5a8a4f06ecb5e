#include "reconcile/resource.h"

#include <gtest/gtest.h>

namespace kstack::reconcile {
namespace {

TEST(Ref, ToIdAndToAttribute) {
  Key lb{Kind::load_balancer, "demo-api"};
  EXPECT_EQ(ref(lb), "ref:load_balancer/demo-api");
  EXPECT_EQ(ref(lb, "vip_port_id"), "ref:load_balancer/demo-api#vip_port_id");
  auto r = parse_ref(ref(lb, "vip_port_id"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->key, lb);
  EXPECT_EQ(r->attribute, "vip_port_id");
  auto plain = parse_ref(ref({Kind::security_group_rule, "demo-nodes:ingress:IPv4:tcp:22-22:group=demo-bastion"}));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->key.name, "demo-nodes:ingress:IPv4:tcp:22-22:group=demo-bastion");
  EXPECT_TRUE(plain->attribute.empty());
}

TEST(Ref, PlainValuesAreNotReferences) {
  EXPECT_FALSE(parse_ref("10.0.0.5"));
  EXPECT_FALSE(parse_ref("ref:nonsense/x"));
  EXPECT_FALSE(parse_ref("ref:network/"));
  EXPECT_FALSE(parse_ref("ref:network"));
}

TEST(ObservedState, FindsEveryCopyOfAKey) {
  ObservedState s;
  s.resources.push_back({.key = {Kind::server, "a"}, .id = "1"});
  s.resources.push_back({.key = {Kind::server, "b"}, .id = "2"});
  s.resources.push_back({.key = {Kind::server, "a"}, .id = "3"});
  auto found = s.find({Kind::server, "a"});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->id, "1");
  EXPECT_EQ(found[1]->id, "3");
  EXPECT_EQ((Key{Kind::port, "x"}).to_string(), "port.x");
}

TEST(ResolveRefs, ReplacesEveryReferenceOfAListAndNamesTheFirstItCannot) {
  const Key net{Kind::network, "demo-net"};
  const Key lb{Kind::load_balancer, "demo-api"};
  auto lookup = [&](const Ref& r) -> std::optional<std::string> {
    if (r.key == net && r.attribute.empty()) return "net-id";
    if (r.key == lb && r.attribute == "vip_port_id") return "";  // not known yet
    return std::nullopt;
  };
  EXPECT_EQ(resolve_refs("plain,text", lookup), "plain,text");
  EXPECT_EQ(resolve_refs(ref(net), lookup), "net-id");
  EXPECT_EQ(resolve_refs("a," + ref(net) + ",b", lookup), "a,net-id,b");
  auto empty = resolve_refs(ref(lb, "vip_port_id"), lookup);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().key, lb);
  EXPECT_EQ(empty.error().attribute, "vip_port_id");
  auto missing = resolve_refs(ref(net) + "," + ref({Kind::subnet, "demo-subnet"}), lookup);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().key.name, "demo-subnet");
}

TEST(Props, ReadWithoutThrowing) {
  const Props props{{"size_gb", "20"}, {"name", "demo"}, {"odd", "20x"}, {"big", "99999999999999999999999"}};
  EXPECT_EQ(prop(props, "name"), "demo");
  EXPECT_EQ(prop(props, "absent"), "");
  EXPECT_EQ(prop_number(props, "size_gb"), 20);
  EXPECT_EQ(prop_number(props, "absent"), 0);
  EXPECT_EQ(prop_number(props, "odd"), 0);
  EXPECT_EQ(prop_number(props, "big"), 0);
  EXPECT_EQ(prop_number(props, "name"), 0);
  EXPECT_EQ(prop_int(props, "size_gb"), 20);
  EXPECT_EQ(prop_int({{"n", "4294967296"}}, "n"), 0);  // fits a long, not an int
}

}  // namespace
}  // namespace kstack::reconcile
