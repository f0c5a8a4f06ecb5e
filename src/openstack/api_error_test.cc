#include "openstack/api_error.h"

#include <gtest/gtest.h>

#include "openstack/testing/replay_server.h"

namespace kstack::openstack {
namespace {

using testing::fixture;

TEST(ServiceMessage, ReadsEachServicesRecordedErrorShape) {
  EXPECT_EQ(service_message(fixture("compute/error_404.json")),
            "Instance 00000000-0000-0000-0000-000000000000 could not be found.");
  EXPECT_EQ(service_message(fixture("compute/error_400.json")), "Missing imageRef attribute");
  EXPECT_EQ(service_message(fixture("network/error_404.json")),
            "Network 00000000-0000-0000-0000-000000000000 could not be found.");
  EXPECT_EQ(service_message(fixture("blockstorage/error_404.json")),
            "Volume 00000000-0000-0000-0000-000000000000 could not be found.");
  EXPECT_EQ(service_message(fixture("loadbalancer/error_404.json")),
            "Load Balancer 00000000-0000-0000-0000-000000000000 not found.");
  EXPECT_EQ(service_message(fixture("identity/error_401.json")), "The request you have made requires authentication.");
  EXPECT_EQ(service_message(fixture("image/error_404.json")),
            "No image found with ID 00000000-0000-0000-0000-000000000000");
}

TEST(ServiceErrorType, ReadsNeutronsTypeAndNovasKeyOnly) {
  EXPECT_EQ(service_error_type(fixture("network/error_409_ip_allocated.json")), "IpAddressAlreadyAllocated");
  EXPECT_EQ(service_error_type(fixture("network/error_409_rule_exists.json")), "SecurityGroupRuleExists");
  EXPECT_EQ(service_error_type(fixture("compute/error_404.json")), "itemNotFound");
  EXPECT_EQ(service_error_type(fixture("identity/error_401.json")), "");
  // Octavia's provider wraps Neutron's conflict in a 500 that names no type: kstack asks what holds the address.
  EXPECT_EQ(service_error_type(fixture("loadbalancer/error_500_vip_allocated.json")), "");
  EXPECT_EQ(service_error_type("not json"), "");
}

TEST(ServiceMessage, ReadsPlacementAndPlainTextShapes) {
  EXPECT_EQ(service_message(R"({"errors": [{"status": 409, "title": "Conflict", "detail": "in use"}]})"), "in use");
  EXPECT_EQ(service_message("404 Not Found\n\nThe resource could not be found.\n\n   "),
            "404 Not Found The resource could not be found.");
  EXPECT_EQ(service_message("<html><body><h1>503 Service Unavailable</h1></body></html>"), "503 Service Unavailable");
  EXPECT_EQ(service_message(""), "");
}

TEST(ApiError, CarriesServiceOperationResourceStatusRequestIdAndHint) {
  HttpResponse r{404, {{"x-openstack-request-id", "req-abc"}}, fixture("network/error_404.json")};
  Error e = api_error({"network", "get network", "network itest-x"}, r);
  EXPECT_EQ(e.service, "network");
  EXPECT_EQ(e.where, "network itest-x");
  EXPECT_EQ(e.http_status, 404);
  EXPECT_EQ(e.request_id, "req-abc");
  EXPECT_NE(e.what.find("get network failed: Network 0000"), std::string::npos) << e.what;
  EXPECT_NE(e.hint.find("does not exist"), std::string::npos);
  const std::string text = e.to_string();
  EXPECT_NE(text.find("network HTTP 404, request req-abc"), std::string::npos) << text;
}

TEST(ApiError, HintsPerStatus) {
  auto hint = [](int status, std::string body = "{}") {
    return api_error({"compute", "op", ""}, HttpResponse{status, {}, std::move(body)}).hint;
  };
  EXPECT_NE(hint(401).find("credentials"), std::string::npos);
  EXPECT_NE(hint(403).find("policy"), std::string::npos);
  EXPECT_NE(hint(409).find("conflicting"), std::string::npos);
  EXPECT_NE(hint(503).find("request id"), std::string::npos);
  EXPECT_EQ(hint(418), "");
}

TEST(ApiError, QuotaErrorsNameTheQuota) {
  HttpResponse r{413, {{"x-openstack-request-id", "req-q"}}, fixture("blockstorage/error_413_quota.json")};
  Error e = api_error({"volumev3", "create volume", "volume itest-huge"}, r);
  EXPECT_NE(e.hint.find("quota is exhausted"), std::string::npos);
  EXPECT_NE(e.hint.find("gigabytes quota"), std::string::npos) << e.hint;
  HttpResponse nova{
      403,
      {},
      R"({"forbidden": {"code": 403, "message": "Quota exceeded for cores: Requested 8, but already used 4 of 10 cores"}})"};
  EXPECT_NE(api_error({"compute", "create server", ""}, nova).hint.find("Quota exceeded for cores"), std::string::npos);
}

TEST(ApiError, TransportErrorsNameTheCall) {
  Error cause{"GET http://x failed: Timeout was reached", "", "the service did not answer in time", "", 0, ""};
  Error e = transport_error({"image", "find image", "image ubuntu"}, cause);
  EXPECT_EQ(e.service, "image");
  EXPECT_EQ(e.where, "image ubuntu");
  EXPECT_NE(e.what.find("find image failed: GET"), std::string::npos);
  EXPECT_EQ(e.hint, "the service did not answer in time");
}

}  // namespace
}  // namespace kstack::openstack
