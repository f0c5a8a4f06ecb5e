#pragma once

#include <atomic>
#include <map>
#include <memory>

#include "reconcile/cloud.h"

namespace kstack::reconcile {

/// CountingCloud passes every call to another Cloud and counts them by verb, to measure what an apply costs.
class CountingCloud : public Cloud {
 public:
  explicit CountingCloud(Cloud& inner);
  ~CountingCloud() override;

  KindOps& ops(Kind kind) override;
  [[nodiscard]] Result<std::vector<ObservedResource>> list_kubernetes_owned() override;
  std::string save_evidence(const ObservedResource& failed) override;
  void observation_began() override { inner_.observation_began(); }
  void observation_ended() override { inner_.observation_ended(); }

  int lists() const { return lists_; }
  int creates() const { return creates_; }
  int updates() const { return updates_; }
  int deletes() const { return deletes_; }
  int total() const { return lists_ + creates_ + updates_ + deletes_; }

 private:
  class Counting;
  Cloud& inner_;
  std::atomic<int> lists_{0}, creates_{0}, updates_{0}, deletes_{0};
  std::map<Kind, std::unique_ptr<Counting>> kinds_;
};

}  // namespace kstack::reconcile
