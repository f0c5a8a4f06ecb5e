#pragma once

#include <string>

#include "reconcile/plan.h"

namespace kstack::reconcile {

/// The plan as a Terraform reader expects it: one block per action marked `+` create, `~` update in
/// place, `-/+` replace (the attribute that forces it marked), `-` delete, `!` drift, then a count line.
std::string render_plan_text(const Plan& plan);

/// The plan as JSON for scripts: {"actions": [...], "kept": [...], "summary": {...}}.
std::string render_plan_json(const Plan& plan);

}  // namespace kstack::reconcile
