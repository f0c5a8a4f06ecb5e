#include "bootstrap/text.h"

#include <fmt/format.h>

#include <vector>

namespace kstack::bootstrap {

namespace {

using Vars = std::vector<std::pair<std::string_view, std::string_view>>;

std::string substitute_all(std::string_view tmpl, const Vars& vars) {
  std::string out;
  out.reserve(tmpl.size() + 256);
  size_t pos = 0;
  while (pos < tmpl.size()) {
    const size_t at = tmpl.find('@', pos);
    if (at == std::string_view::npos) break;
    const size_t end = tmpl.find('@', at + 1);
    if (end == std::string_view::npos) break;
    const std::string_view key = tmpl.substr(at + 1, end - at - 1);
    const std::pair<std::string_view, std::string_view>* found = nullptr;
    for (const auto& var : vars) {
      if (var.first == key) found = &var;
    }
    if (found == nullptr) {
      // Not a placeholder (an e-mail address, a literal @): keep the first '@' and go on after it.
      out.append(tmpl.substr(pos, at + 1 - pos));
      pos = at + 1;
      continue;
    }
    out.append(tmpl.substr(pos, at - pos));
    out.append(found->second);
    pos = end + 1;
  }
  out.append(tmpl.substr(pos));
  return out;
}

}  // namespace

std::string substitute(std::string_view tmpl,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> vars) {
  return substitute_all(tmpl, Vars(vars));
}

std::string render_manifest(std::string_view tmpl,
                            std::initializer_list<std::pair<std::string_view, std::string_view>> scalars,
                            std::initializer_list<std::pair<std::string_view, std::string_view>> fragments) {
  std::vector<std::string> escaped;
  escaped.reserve(scalars.size());
  Vars vars;
  for (const auto& [key, value] : scalars) {
    const std::string quoted = yaml_quote(value);
    escaped.push_back(quoted.substr(1, quoted.size() - 2));  // the inside of "…": the template has the quotes
    vars.emplace_back(key, escaped.back());
  }
  vars.insert(vars.end(), fragments.begin(), fragments.end());
  return substitute_all(tmpl, vars);
}

std::string indent(std::string_view text, int spaces) {
  std::string out;
  const std::string pad(static_cast<size_t>(spaces), ' ');
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty()) out += pad;
    out.append(line);
    if (nl < text.size()) out += '\n';
    pos = nl + 1;
  }
  return out;
}

}  // namespace kstack::bootstrap
