#pragma once

#include <string>

#include "reconcile/plan.h"

namespace kstack::cli {

// The plan's two views, side by side: what a person reads and what a script parses (docs/cli-output.md).

/// The plan as a Terraform reader expects it: a legend of the symbols the plan uses; drift first, in its
/// own section (changes made outside kstack, not acted on); then one block per action marked `+` create,
/// `~` update in place, `-/+` replace (the attribute that forces it marked), `-` delete; then a count line.
std::string render_plan_text(const reconcile::Plan& plan);

/// The plan as JSON for scripts: {"actions": [...], "kept": [...], "summary": {...}}.
std::string render_plan_json(const reconcile::Plan& plan);

}  // namespace kstack::cli
