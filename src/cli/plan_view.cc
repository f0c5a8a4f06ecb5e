#include "cli/plan_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

namespace kstack::cli {

using namespace reconcile;

namespace {

const char* symbol(Op op) {
  switch (op) {
    case Op::create:
      return "  +";
    case Op::update:
      return "  ~";
    case Op::replace:
      return "-/+";
    case Op::remove:
      return "  -";
    case Op::drift:
      return "  !";
    case Op::adopt:
      return "  @";
  }
  return "  ?";
}

const char* headline(Op op) {
  switch (op) {
    case Op::create:
      return "will be created";
    case Op::update:
      return "will be updated in-place";
    case Op::replace:
      return "must be replaced";
    case Op::remove:
      return "will be destroyed";
    case Op::drift:
      return "has drifted from its configuration";
    case Op::adopt:
      return "will be adopted (tagged as the cluster's)";
  }
  return "";
}

std::string quoted(const std::string& value) { return value == kKnownAfterApply ? value : "\"" + value + "\""; }

void render_action(std::string& out, const Action& a) {
  out += fmt::format("  # {} {}", a.key.to_string(), headline(a.op));
  if (!a.reason.empty()) out += fmt::format(" ({})", a.reason);
  out += "\n";
  out += fmt::format("{} {} \"{}\" {{\n", symbol(a.op), kind_name(a.key.kind), a.key.name);
  if (a.current && !a.current->id.empty()) out += fmt::format("        id = \"{}\"\n", a.current->id);
  for (const auto& c : a.changes) {
    if (a.op == Op::create) {
      out += fmt::format("      + {} = {}\n", c.attribute, quoted(c.after));
    } else {
      out += fmt::format("      ~ {} = {} -> {}{}\n", c.attribute, quoted(c.before), quoted(c.after),
                         c.forces_replacement ? " # forces replacement"
                         : c.drift            ? " # drift"
                                              : "");
    }
  }
  out += "    }\n\n";
}

// What each symbol the plan uses means, in the order of a plan's blocks.
std::string legend(const Plan& plan) {
  constexpr std::pair<Op, const char*> kMeaning[] = {{Op::create, "create"},
                                                     {Op::update, "update in-place"},
                                                     {Op::replace, "destroy and then create replacement"},
                                                     {Op::remove, "destroy"},
                                                     {Op::drift, "drifted outside kstack (not acted on)"},
                                                     {Op::adopt, "adopt: tag as the cluster's"}};
  std::string out;
  for (const auto& [op, meaning] : kMeaning) {
    const bool used =
        std::any_of(plan.actions.begin(), plan.actions.end(), [&](const Action& a) { return a.op == op; });
    if (used) out += fmt::format("{} {}\n", symbol(op), meaning);
  }
  return out.empty() ? out : "Resource actions are indicated with the following symbols:\n" + out + "\n";
}

}  // namespace

std::string render_plan_text(const Plan& plan) {
  std::string out;
  if (plan.actions.empty() && plan.kept.empty()) {
    return "No changes. The cloud matches the spec.\n";
  }
  out += legend(plan);
  auto is_drift = [](const Action& a) { return a.op == Op::drift; };
  if (std::any_of(plan.actions.begin(), plan.actions.end(), is_drift)) {
    out += "Changed outside kstack (drift: not acted on; --replace-drifted replaces these):\n\n";
    for (const auto& a : plan.actions) {
      if (is_drift(a)) render_action(out, a);
    }
  }
  if (std::any_of(plan.actions.begin(), plan.actions.end(), [&](const Action& a) { return !is_drift(a); })) {
    out += "kstack will perform the following actions:\n\n";
    for (const auto& a : plan.actions) {
      if (!is_drift(a)) render_action(out, a);
    }
  }
  for (const auto& k : plan.kept) {
    out += fmt::format("  # {} ({}) is kept: it holds a PersistentVolume's data; --delete-volumes deletes it\n",
                       k.key.to_string(), k.id);
  }
  if (!plan.kept.empty()) out += "\n";
  out +=
      fmt::format("Plan: {} to add, {} to change, {} to destroy.", plan.to_add(), plan.to_change(), plan.to_destroy());
  if (plan.drifted() > 0) out += fmt::format(" {} drifted, not acted on.", plan.drifted());
  out += "\n";
  return out;
}

std::string render_plan_json(const Plan& plan) {
  nlohmann::ordered_json doc;
  doc["format_version"] = 1;
  auto& actions = doc["actions"] = nlohmann::ordered_json::array();
  for (const auto& a : plan.actions) {
    nlohmann::ordered_json j;
    j["action"] = op_name(a.op);
    j["kind"] = kind_name(a.key.kind);
    j["name"] = a.key.name;
    if (a.current) j["id"] = a.current->id;
    if (!a.reason.empty()) j["reason"] = a.reason;
    auto& changes = j["changes"] = nlohmann::ordered_json::array();
    for (const auto& c : a.changes) {
      changes.push_back({{"attribute", c.attribute},
                         {"before", c.before},
                         {"after", c.after},
                         {"forces_replacement", c.forces_replacement},
                         {"drift", c.drift}});
    }
    actions.push_back(std::move(j));
  }
  auto& kept = doc["kept"] = nlohmann::ordered_json::array();
  for (const auto& k : plan.kept) kept.push_back({{"kind", kind_name(k.key.kind)}, {"name", k.key.name}, {"id", k.id}});
  doc["summary"] = {
      {"add", plan.to_add()}, {"change", plan.to_change()}, {"destroy", plan.to_destroy()}, {"drift", plan.drifted()}};
  return doc.dump(2) + "\n";
}

}  // namespace kstack::cli
