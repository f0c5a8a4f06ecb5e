#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "reconcile/cloud.h"

namespace kstack::reconcile {

/// FakeCloud is an in-memory cloud behind the reconciler's seam, for tests and the benchmark's baseline.
/// It behaves like OpenStack where the reconciler depends on it: asynchronous kinds settle only as time
/// passes (a number of list calls), a create that refers to an id that does not exist is refused, and so
/// is deleting something another resource still refers to (Neutron's and Nova's 409 "in use").
class FakeCloud : public Cloud {
 public:
  /// FakeCloud::Options shape how the fake behaves.
  struct Options {
    int lists_until_settled = 2;                // list calls of a kind before a new async resource settles
    std::chrono::milliseconds call_latency{0};  // every call sleeps this long (to observe parallelism)
  };

  FakeCloud();
  explicit FakeCloud(Options options);
  ~FakeCloud() override;

  KindOps& ops(Kind kind) override;
  [[nodiscard]] Result<std::vector<ObservedResource>> list_kubernetes_owned() override;
  std::string save_evidence(const ObservedResource& failed) override;

  /// Puts a resource in the cloud as if something had created it earlier; returns its id.
  std::string seed(ObservedResource resource);
  /// The next `times` creates of `key` end in `status` with `fault` instead of settling well.
  void fail_creates(const Key& key, int times, std::string status, std::string fault);
  /// The next create of `kind` fails with a 503 before making anything, or (`lost_response`) makes the
  /// resource and then fails as a response lost on the way back would.
  void fail_next_create(Kind kind, bool lost_response);

  /// Every resource the cloud holds now.
  std::vector<ObservedResource> resources() const;
  /// API calls so far: every verb, or one ("list", "create", "update", "delete", "adopt").
  int calls() const;
  int calls(const std::string& verb) const;
  /// The most calls that were ever in flight at once (since reset_max_in_flight()).
  int max_in_flight() const;
  void reset_max_in_flight();
  /// The resources whose evidence was saved.
  std::vector<std::string> evidence() const;

 private:
  class KindFake;
  friend class KindFake;
  // The cloud's state; every KindFake works under mu_.
  struct Stored {
    ObservedResource resource;
    int settle_in = 0;       // lists left before it leaves its transitional status
    std::string settles_to;  // the status it then takes
    bool deleting = false;
  };
  struct CallGuard;

  Options options_;
  mutable std::mutex mu_;
  std::map<std::string, Stored> store_;  // by id
  std::map<Key, std::vector<std::tuple<std::string, std::string>>> failures_;
  std::map<Kind, int> fail_next_;  // 1: fail, 2: fail after making it
  std::map<std::string, int> calls_;
  std::vector<std::string> evidence_;
  int next_id_ = 1;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  std::map<Kind, std::unique_ptr<KindFake>> kinds_;
};

}  // namespace kstack::reconcile
