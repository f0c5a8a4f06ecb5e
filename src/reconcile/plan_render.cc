#include "reconcile/plan_render.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kstack::reconcile {

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
      return "has drifted from its configuration (not replaced; --replace-drifted replaces it)";
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

}  // namespace

std::string render_plan_text(const Plan& plan) {
  std::string out;
  if (plan.actions.empty() && plan.kept.empty()) {
    return "No changes. The cloud matches the spec.\n";
  }
  if (!plan.actions.empty()) out += "kstack will perform the following actions:\n\n";
  for (const auto& a : plan.actions) render_action(out, a);
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

}  // namespace kstack::reconcile
