#include "openstack/http.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "openstack/testing/replay_server.h"

namespace kstack::openstack {
namespace {

using testing::ReplayServer;
using testing::Reply;
using namespace std::chrono_literals;

TransportOptions fast() {
  TransportOptions o;
  o.backoff_base = 10ms;
  o.backoff_max = 2000ms;
  o.connect_timeout = 2000ms;
  o.total_timeout = 5000ms;
  return o;
}

HttpRequest get(const ReplayServer& s, const std::string& path) {
  return {"GET", s.url() + path, {}, "", RetryRule::idempotent};
}

TEST(Transport, GetsBodyStatusAndLowerCasedHeaders) {
  ReplayServer server;
  server.on("GET", "/x", 200, R"({"a": 1})", {{"X-OpenStack-Request-Id", "req-123"}});
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  auto r = t.send(get(server, "/x"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"a": 1})");
  EXPECT_EQ(r->request_id(), "req-123");
}

TEST(Transport, ComputeRequestIdIsTheFallback) {
  HttpResponse r;
  r.headers["x-compute-request-id"] = "req-nova";
  EXPECT_EQ(r.request_id(), "req-nova");
}

TEST(Transport, SendsMethodHeadersAndBody) {
  ReplayServer server;
  server.on("PUT", "/y", 202, "{}");
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  auto r = t.send({"PUT", server.url() + "/y", {{"X-Test", "yes"}}, R"({"k":"v"})", RetryRule::idempotent});
  ASSERT_TRUE(r);
  const auto got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "PUT");
  EXPECT_EQ(got[0].headers.at("x-test"), "yes");
  EXPECT_EQ(got[0].body, R"({"k":"v"})");
}

TEST(Transport, ReusesOneConnectionForSequentialRequests) {
  ReplayServer server;
  server.on("GET", "/x", 200, "{}");
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(t.send(get(server, "/x")));
  EXPECT_EQ(server.connections_accepted(), 1);
  EXPECT_EQ(t.connections_opened(), 1);
  EXPECT_EQ(t.requests_sent(), 20);
}

TEST(Transport, NewConnectionEachTimeWhenReuseIsOff) {
  ReplayServer server;
  server.on("GET", "/x", 200, "{}");
  auto o = fast();
  o.reuse_connections = false;
  Transport t(o, std::make_shared<InFlightLimit>(10));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t.send(get(server, "/x")));
  EXPECT_EQ(server.connections_accepted(), 5);
}

TEST(Transport, RetriesA429AfterTheRetryAfterDelay) {
  ReplayServer server;
  server.on("GET", "/x", {Reply{429, "{}", {{"Retry-After", "1"}}}, Reply{200, R"({"ok": true})"}});
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  const auto start = std::chrono::steady_clock::now();
  auto r = t.send(get(server, "/x"));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.count("GET", "/x"), 2);
  EXPECT_EQ(t.requests_sent(), 2);  // the retry counts
  EXPECT_GE(took, 950ms);
}

TEST(Transport, A429IsRetriedEvenForACreatingPost) {
  ReplayServer server;
  server.on("POST", "/servers", {Reply{429, "{}", {{"Retry-After", "0"}}}, Reply{202, "{}"}});
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  auto r = t.send({"POST", server.url() + "/servers", {}, "{}", RetryRule::create});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(server.count("POST", "/servers"), 2);
}

// A rate limiter's storm is waited out beyond max_attempts, for rate_limit_patience in all.
TEST(Transport, A429StormIsWaitedOutWithinThePatience) {
  ReplayServer server;
  std::vector<Reply> storm(7, Reply{429, "{}", {{"Retry-After", "0"}}});
  storm.push_back(Reply{200, "{}"});
  server.on("GET", "/x", storm);
  server.on("GET", "/y", std::vector<Reply>(100, Reply{429, "{}"}));
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  auto r = t.send(get(server, "/x"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.count("GET", "/x"), 8);
  TransportOptions patient = fast();
  patient.rate_limit_patience = 300ms;  // without Retry-After: the backoff, 10 ms doubled each time
  Transport u(patient, std::make_shared<InFlightLimit>(10));
  const auto start = std::chrono::steady_clock::now();
  auto gave_up = u.send(get(server, "/y"));
  ASSERT_TRUE(gave_up);
  EXPECT_EQ(gave_up->status, 429);
  EXPECT_GT(server.count("GET", "/y"), 5);
  EXPECT_LT(server.count("GET", "/y"), 15);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(Transport, RetriesA5xxForIdempotentCallsOnly) {
  ReplayServer server;
  server.on("GET", "/x", {Reply{503, "busy"}, Reply{502, "bad"}, Reply{500, "oops"}, Reply{200, "{}"}});
  server.on("POST", "/servers", {Reply{503, "busy"}, Reply{202, "{}"}});
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  auto g = t.send(get(server, "/x"));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->status, 200);
  EXPECT_EQ(server.count("GET", "/x"), 4);
  auto p = t.send({"POST", server.url() + "/servers", {}, "{}", RetryRule::create});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, 503);  // the create may have happened: not repeated
  EXPECT_EQ(server.count("POST", "/servers"), 1);
}

TEST(Transport, GivesUpAfterMaxAttempts) {
  ReplayServer server;
  server.on("GET", "/x", 504, "timeout");
  auto o = fast();
  o.max_attempts = 3;
  Transport t(o, std::make_shared<InFlightLimit>(10));
  auto r = t.send(get(server, "/x"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(server.count("GET", "/x"), 3);
}

TEST(Transport, RetriesAResetConnectionForAGet) {
  ReplayServer server;
  Reply reset;
  reset.reset = true;
  server.on("GET", "/x", {reset, Reply{200, R"({"ok": 1})"}});
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  auto r = t.send(get(server, "/x"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(server.count("GET", "/x"), 2);
}

TEST(Transport, DoesNotRepeatACreateThatMayHaveArrived) {
  ReplayServer server;
  Reply reset;
  reset.reset = true;
  server.on("POST", "/volumes", {reset, Reply{202, "{}"}});
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  auto r = t.send({"POST", server.url() + "/volumes", {}, "{}", RetryRule::create});
  ASSERT_FALSE(r);
  EXPECT_EQ(server.count("POST", "/volumes"), 1);
  EXPECT_NE(r.error().what.find("POST"), std::string::npos);
}

// libcurl sends a request again by itself when a reused connection dies before any answer: for a create
// whose request arrived, a duplicate. A create therefore never goes over a reused connection.
TEST(Transport, ACreateIsNotRepeatedWhenAReusedConnectionDies) {
  ReplayServer server;
  Reply reset;
  reset.reset = true;
  server.on("GET", "/x", {Reply{200, "{}"}});
  server.on("POST", "/volumes", {reset, Reply{202, "{}"}});
  Transport t(fast(), std::make_shared<InFlightLimit>(10));
  ASSERT_TRUE(t.send(get(server, "/x")));  // leaves a connection to reuse
  auto r = t.send({"POST", server.url() + "/volumes", {}, "{}", RetryRule::create});
  ASSERT_FALSE(r);
  EXPECT_EQ(server.count("POST", "/volumes"), 1);
  ASSERT_TRUE(t.send(get(server, "/x")));  // reads still reuse connections
}

TEST(Transport, RetriesACreateWhenTheConnectionIsRefused) {
  int port;
  {
    ReplayServer gone;
    port = gone.port();
  }  // nothing listens there any more
  auto o = fast();
  o.max_attempts = 2;
  Transport t(o, std::make_shared<InFlightLimit>(10));
  const auto start = std::chrono::steady_clock::now();
  auto r = t.send({"POST", "http://127.0.0.1:" + std::to_string(port) + "/v", {}, "{}", RetryRule::create});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 0);
  EXPECT_NE(r.error().hint.find("reachable"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 5ms);  // it waited for one backoff
}

TEST(Transport, TimesOutOnASlowResponse) {
  ReplayServer server;
  Reply slow{200, "{}"};
  slow.delay = 1500ms;
  server.on("GET", "/slow", {slow});
  auto o = fast();
  o.total_timeout = 300ms;
  o.max_attempts = 1;
  Transport t(o, std::make_shared<InFlightLimit>(10));
  const auto start = std::chrono::steady_clock::now();
  auto r = t.send(get(server, "/slow"));
  ASSERT_FALSE(r);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1400ms);
  EXPECT_NE(r.error().what.find("imeout"), std::string::npos) << r.error().what;
  EXPECT_NE(r.error().hint.find("in time"), std::string::npos);
}

TEST(Transport, BoundsRequestsInFlightAcrossThreads) {
  ReplayServer server;
  Reply slow{200, "{}"};
  slow.delay = 50ms;
  server.on("GET", "/x", {slow});
  auto limit = std::make_shared<InFlightLimit>(3);
  Transport t(fast(), limit);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&] {
      if (auto r = t.send(get(server, "/x")); r && r->status == 200) ++ok;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 12);
  EXPECT_LE(server.max_concurrent(), 3);
  EXPECT_EQ(limit->high_water(), 3);
}

TEST(Transport, TwoTransportsShareTheProcessWideLimit) {
  EXPECT_EQ(InFlightLimit::process_wide().get(), InFlightLimit::process_wide().get());
  EXPECT_EQ(InFlightLimit::process_wide()->max(), 10);
}

TEST(RetryDelay, HonoursRetryAfterSecondsUpToTheCap) {
  TransportOptions o;
  o.backoff_max = 30'000ms;
  EXPECT_EQ(retry_delay(o, 1, "7"), 7000ms);
  EXPECT_EQ(retry_delay(o, 1, "3600"), 30'000ms);
  // A value no integer holds is the longest wait, still capped; it does not throw.
  EXPECT_EQ(retry_delay(o, 1, "99999999999999999999999"), 30'000ms);
  EXPECT_EQ(retry_delay(o, 1, "9223372036854775807"), 30'000ms);
}

TEST(RetryDelay, ReadsAnHttpDate) {
  EXPECT_EQ(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT"), 0);  // in the past: now
  EXPECT_EQ(parse_retry_after_ms("soon"), -1);
  EXPECT_EQ(parse_retry_after_ms(""), -1);
}

TEST(RetryDelay, BacksOffExponentiallyWithJitter) {
  TransportOptions o;
  o.backoff_base = 100ms;
  o.backoff_max = 1000ms;
  for (int i = 0; i < 50; ++i) {
    auto d1 = retry_delay(o, 1, "");
    EXPECT_GE(d1, 50ms);
    EXPECT_LE(d1, 100ms);
    auto d3 = retry_delay(o, 3, "");
    EXPECT_GE(d3, 200ms);
    EXPECT_LE(d3, 400ms);
    EXPECT_LE(retry_delay(o, 10, ""), 1000ms);
  }
}

}  // namespace
}  // namespace kstack::openstack
