#include "reconcile/shared_lists.h"

namespace kstack::reconcile {

void SharedLists::begin() {
  std::lock_guard lock(mu_);
  if (observing_++ == 0) answers_.clear();
}

void SharedLists::end() {
  std::lock_guard lock(mu_);
  if (observing_ > 0) --observing_;
}

}  // namespace kstack::reconcile
