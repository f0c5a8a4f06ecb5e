#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "util/text.h"  // shell_quote, yaml_quote, base64: used beside these by every renderer

namespace kstack::bootstrap {

/// Replaces every `@KEY@` of a template with its value. Templates use @…@ so that the braces of
/// YAML, JSON and shell need no escaping.
std::string substitute(std::string_view tmpl,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> vars);

/// Indents every non-empty line of `text` by `spaces`.
std::string indent(std::string_view text, int spaces);

}  // namespace kstack::bootstrap
