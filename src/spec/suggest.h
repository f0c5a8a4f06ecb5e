#pragma once

#include <span>
#include <string>
#include <string_view>

namespace kstack::spec {

/// Edit distance (insertions, deletions, substitutions, and swaps of two neighbours count one each).
int edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word`, or "" when none is close enough to be a plausible typo.
std::string closest(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace kstack::spec
