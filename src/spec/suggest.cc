#include "spec/suggest.h"

#include <algorithm>
#include <vector>

namespace kstack::spec {

int edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance over three rolling rows.
  const size_t n = b.size();
  std::vector<int> two_back(n + 1), prev(n + 1), cur(n + 1);
  for (size_t j = 0; j <= n; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= n; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], two_back[j - 2] + 1);
      }
    }
    std::swap(two_back, prev);
    std::swap(prev, cur);
  }
  return prev[n];
}

std::string closest(std::string_view word, std::span<const std::string_view> candidates) {
  std::string_view best;
  int best_distance = 0;
  for (auto candidate : candidates) {
    int d = edit_distance(word, candidate);
    // A prefix or a word contained in the candidate ("master" for "masters") is a good guess too.
    if (word.size() >= 3 &&
        (candidate.find(word) != std::string_view::npos || word.find(candidate) != std::string_view::npos)) {
      d = std::min(d, 2);
    }
    if (best.empty() || d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  // Allow about one typo per three characters, at least two.
  int limit = std::max<int>(2, static_cast<int>(word.size()) / 3);
  if (best.empty() || best_distance > limit) return {};
  return std::string(best);
}

}  // namespace kstack::spec
