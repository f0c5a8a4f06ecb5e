#include "reconcile/testing/counting_cloud.h"

namespace kstack::reconcile {

/// Counting wraps one kind's seam.
class CountingCloud::Counting : public KindOps {
 public:
  Counting(CountingCloud& owner, KindOps& inner) : owner_(owner), inner_(inner) {}
  Result<std::vector<ObservedResource>> list() override {
    ++owner_.lists_;
    return inner_.list();
  }
  Result<ObservedResource> create(const Resource& r) override {
    ++owner_.creates_;
    return inner_.create(r);
  }
  Result<void> update(const ObservedResource& c, const Resource& r) override {
    ++owner_.updates_;
    return inner_.update(c, r);
  }
  Result<void> remove(const ObservedResource& c) override {
    ++owner_.deletes_;
    return inner_.remove(c);
  }

 private:
  CountingCloud& owner_;
  KindOps& inner_;
};

CountingCloud::CountingCloud(Cloud& inner) : inner_(inner) {
  for (auto kind : all_kinds()) kinds_[kind] = std::make_unique<Counting>(*this, inner.ops(kind));
}

CountingCloud::~CountingCloud() = default;

KindOps& CountingCloud::ops(Kind kind) { return *kinds_.at(kind); }

Result<std::vector<ObservedResource>> CountingCloud::list_kubernetes_owned() {
  ++lists_;
  return inner_.list_kubernetes_owned();
}

std::string CountingCloud::save_evidence(const ObservedResource& failed) { return inner_.save_evidence(failed); }

}  // namespace kstack::reconcile
